"""Agreement lifecycles: events out of order, about non-parties, or missing are reported with
file, line, record, field and reason; status and memberships derive from the events."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from test_checks import _append, _edit, _problems

from alliance_data_curate import lifecycle, records
from alliance_data_curate.build import release_rows
from alliance_data_curate.checks import validate
from conftest import TEXTS

EVENTS = "tests/fixtures/records_min/agreement_events.yaml"  # in-force (0), signed (1)


def _event(event_id: str, event: str, date: dt.date, party: str | None = None, **more) -> dict:
    row = {"event_id": event_id, "agreement_id": "us-japan-treaty-1960", "event": event,
           "date": date, "date_precision": "day", **more}  # fmt: skip
    if party:
        row["party_id"] = party
    return row


def _evidence(records_copy: Path, record_id: str) -> None:
    row = {"evidence_id": f"ev-{record_id}", "table": "agreement_events", "record_id": record_id,
           "source_id": "mini-official", "note": "test"}  # fmt: skip
    _append(records_copy, "evidence", row)


def test_in_force_before_signed_is_reported(records_copy: Path) -> None:
    _edit(records_copy, "agreement_events", 0, date=dt.date(1959, 6, 23))
    [problem] = _problems(records_copy)
    assert problem.endswith(
        "agreement_events.yaml:5: agreement_events[us-japan-treaty-1960-in-force] date: "
        "entered_into_force on 1959-06-23 is before signed on 1960-01-19 "
        "(us-japan-treaty-1960-signed)"
    )


def test_month_precise_dates_are_out_of_order_only_when_certainly_so(records_copy: Path) -> None:
    _edit(records_copy, "agreement_events", 1, date=dt.date(1960, 6, 1), date_precision="month")
    assert _problems(records_copy) == []  # signed some day in June 1960: may be before the 23rd
    _edit(records_copy, "agreement_events", 1, date=dt.date(1960, 7, 1), date_precision="month")
    assert any("is before signed on 1960-07-01" in p for p in _problems(records_copy))


def test_withdrawal_before_joining_is_reported(records_copy: Path) -> None:
    _append(
        records_copy, "agreement_events", _event("x-joined", "acceded", dt.date(1970, 1, 1), "JPN")
    )
    _append(
        records_copy, "agreement_events", _event("x-left", "withdrew", dt.date(1965, 1, 1), "JPN")
    )
    for eid in ("x-joined", "x-left"):
        _evidence(records_copy, eid)
    problems = _problems(records_copy)
    assert len(problems) == 1
    assert problems[0].endswith("agreement_events[x-left] event: withdrew before becoming a party")
    assert "agreement_events.yaml:" in problems[0]


def test_party_events_need_a_listed_party(records_copy: Path) -> None:
    _append(
        records_copy, "agreement_events", _event("x-kor", "acceded", dt.date(1970, 1, 1), "KOR")
    )
    _evidence(records_copy, "x-kor")
    problems = _problems(records_copy)
    assert any(
        "agreement_events[x-kor] party_id: KOR is not listed in agreement_parties of "
        "us-japan-treaty-1960" in p
        for p in problems
    ), problems


def test_an_event_needs_evidence_and_a_whole_agreement_event_has_no_party(
    records_copy: Path,
) -> None:
    _append(records_copy, "agreement_events",
            _event("x-force", "entered_into_force", dt.date(1961, 1, 1), "JPN"))  # fmt: skip
    problems = _problems(records_copy)
    assert any(
        "agreement_events[x-force] party_id: party_id must be empty for a "
        "'entered_into_force' event" in p
        for p in problems
    ), problems
    assert any(
        "agreement_events[x-force]: no evidence row supports this record" in p for p in problems
    )


def test_status_and_dates_are_not_written_by_curators(records_copy: Path) -> None:
    path = records_copy / "agreements.yaml"
    path.write_text(
        path.read_text().replace("  kind: treaty\n", "  kind: treaty\n  status: in_force\n")
    )
    assert any("agreements[us-japan-treaty-1960] status: unknown field" in p
               for p in _problems(records_copy))  # fmt: skip


def test_status_and_dates_derive_from_the_events() -> None:
    loaded = records.read("tests/fixtures/records_min")
    before = release_rows(loaded, dt.date(1960, 3, 1))["agreements"][0]
    after = release_rows(loaded, dt.date(2021, 4, 1))["agreements"][0]
    assert (before["status"], after["status"]) == ("signed", "in_force")
    assert (after["signed_date"], after["in_force_date"], after["end_date"]) == (
        dt.date(1960, 1, 19), dt.date(1960, 6, 23), None)  # fmt: skip
    assert after["status_date"] == dt.date(2021, 4, 1)


def _row(event_id: str, event: str, day: str, party: str | None = None, precision: str = "day"):
    return {"event_id": event_id, "agreement_id": "a", "party_id": party, "event": event,
            "date": dt.date.fromisoformat(day), "date_precision": precision}  # fmt: skip


def test_memberships_leave_and_return() -> None:
    events = [
        _row("f", "entered_into_force", "1948-12-03"),
        _row("r1", "ratified", "1947-01-01", "AAA"),
        _row("n", "withdrawal_notified", "2002-09-06", "AAA"),
        _row("w", "denounced", "2004-09-01", "AAA", "month"),
        _row("r2", "ratified", "2010-05-05", "AAA"),
        _row("b", "ratified", "1950-01-01", "BBB"),
    ]
    parties = [{"agreement_id": "a", "party_id": p} for p in ("AAA", "BBB", "CCC")]
    rows = lifecycle.memberships([{"agreement_id": "a"}], parties, events)
    shown = [(r["party_id"], r["sequence"], r["start_date"], r["start_how"], r["end_date"],
              r["end_how"]) for r in rows]  # fmt: skip
    assert shown == [
        ("AAA", 1, dt.date(1948, 12, 3), "ratified", dt.date(2004, 9, 1), "denounced"),
        ("AAA", 2, dt.date(2010, 5, 5), "ratified", None, None),
        ("BBB", 1, dt.date(1950, 1, 1), "ratified", None, None),
        ("CCC", 1, None, "unknown", None, None),  # others ratified: its own start is unknown
    ]


def test_a_notice_without_a_dated_effect_leaves_membership_pending() -> None:
    events = [_row("f", "entered_into_force", "1948-12-03"),
              _row("n", "withdrawal_announced", "2012-06-05", "AAA")]  # fmt: skip
    rows = lifecycle.memberships(
        [{"agreement_id": "a"}], [{"agreement_id": "a", "party_id": "AAA"}], events
    )
    assert (rows[0]["end_date"], rows[0]["end_how"]) == (dt.date(2012, 6, 5), "withdrawal_pending")


def test_validate_reports_lifecycle_problems_through_the_cli_report(records_copy: Path) -> None:
    _edit(records_copy, "agreement_events", 0, date=dt.date(1959, 6, 23))
    report = validate(records.read(records_copy), [TEXTS], records_copy)
    [problem] = [p for p in report.problems if p.table == "agreement_events"]
    assert (problem.record_id, problem.field) == ("us-japan-treaty-1960-in-force", "date")
    assert problem.line == 5  # the line of its date field
