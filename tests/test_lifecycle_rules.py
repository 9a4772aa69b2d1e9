"""The lifecycle rules on plain rows, case by case: status, memberships and event order."""

from __future__ import annotations

import datetime as dt

import pytest

from alliance_data_curate import lifecycle

D = dt.date.fromisoformat


def ev(event_id: str, event: str, day: str, party: str | None = None, precision: str = "day",
       agreement: str = "a") -> dict:  # fmt: skip
    return {"event_id": event_id, "agreement_id": agreement, "party_id": party, "event": event,
            "date": D(day), "date_precision": precision}  # fmt: skip


def test_status_without_events_is_proposed_and_an_event_counts_on_its_day() -> None:
    assert lifecycle.derive_agreement({"agreement_id": "a"}, [], D("2000-01-01"))["status"] == (
        "proposed"
    )
    signed = [ev("s", "signed", "2000-01-01")]
    assert lifecycle.derive_agreement({}, signed, D("2000-01-01"))["status"] == "signed"
    assert lifecycle.derive_agreement({}, signed, D("1999-12-31"))["status"] == "proposed"


def test_same_day_events_follow_their_rank_not_their_ids() -> None:
    events = [ev("b-signed", "signed", "2000-01-01"), ev("a-force", "entered_into_force",
              "2000-01-01"), ev("c-joined", "ratified", "2000-01-01", "AAA")]  # fmt: skip
    ordered = lifecycle.by_agreement(events)["a"]
    whole = [e["event_id"] for e in ordered if e["party_id"] is None]
    assert whole == ["b-signed", "a-force"]
    row = lifecycle.derive_agreement({}, ordered, D("2000-01-01"))
    assert row["status"] == "in_force"


def test_end_date_is_the_first_end_of_the_agreement() -> None:
    events = [ev("f", "entered_into_force", "2000-01-01"),
              ev("t", "terminated", "2005-03-01", precision="month"),
              ev("x", "expired", "2006-01-01")]  # fmt: skip
    row = lifecycle.derive_agreement({}, events, D("2010-01-01"))
    assert (row["end_date"], row["end_date_precision"], row["status"]) == (
        D("2005-03-01"), "month", "expired")  # fmt: skip


def _members(events: list[dict], parties: dict[str, list[str]], agreements=("a",)) -> list:
    rows = lifecycle.memberships(
        [{"agreement_id": a} for a in agreements],
        [{"agreement_id": a, "party_id": p} for a, ps in parties.items() for p in ps],
        events,
    )
    return [(r["agreement_id"], r["party_id"], r["sequence"], r["start_date"],
             r["start_date_precision"], r["start_how"], r["end_date"], r["end_date_precision"],
             r["end_how"]) for r in rows]  # fmt: skip


def test_original_parties_start_at_entry_into_force_and_end_with_the_agreement() -> None:
    events = [ev("f", "entered_into_force", "2000-06-01", precision="month"),
              ev("t", "terminated", "2005-03-01", precision="month"),
              ev("s", "obligations_suspended", "2001-01-01", "BBB")]  # fmt: skip
    assert _members(events, {"a": ["BBB", "AAA"]}) == [
        ("a", "AAA", 1, D("2000-06-01"), "month", "original_party", D("2005-03-01"), "month",
         "terminated"),
        ("a", "BBB", 1, D("2000-06-01"), "month", "original_party", D("2005-03-01"), "month",
         "terminated"),
    ]  # fmt: skip


def test_agreements_without_events_or_parties_are_skipped_not_fatal() -> None:
    events = [ev("f", "entered_into_force", "2000-01-01", agreement="c")]
    rows = _members(events, {"c": ["AAA"]}, agreements=("a", "b", "c"))
    assert rows == [("c", "AAA", 1, D("2000-01-01"), "day", "original_party", None, None, None)]
    assert _members(events, {}, agreements=("c",)) == []


def test_how_and_when_parties_join_and_leave() -> None:
    events = [
        ev("f", "entered_into_force", "2000-06-01", precision="month"),
        ev("r1", "ratified", "1999-01-01", "EARLY"),  # before entry into force: from it
        ev("r2", "ratified", "2000-06-01", "SAME"),  # the same day: its own date and precision
        ev("a", "acceded", "2003-02-01", "ACC", precision="month"),
        ev("w", "withdrew", "2004-05-01", "ACC", precision="month"),
        ev("n", "withdrawal_announced", "2009-01-01", "ACC", precision="year"),  # after leaving
        ev("b", "became_party", "2001-01-01", "BEC"),
        ev("j", "acceded", "2002-02-02", "NOTE"),
        ev("k", "withdrawal_notified", "2002-02-02", "NOTE", precision="day"),  # the same day
        ev("m", "withdrawal_announced", "2003-01-01", "LATE", precision="month"),
    ]  # fmt: skip
    parties = {"a": ["ACC", "BEC", "EARLY", "LATE", "NOTE", "SAME"]}
    assert _members(events, parties) == [
        ("a", "ACC", 1, D("2003-02-01"), "month", "acceded", D("2004-05-01"), "month", "withdrew"),
        ("a", "BEC", 1, D("2001-01-01"), "day", "original_party", None, None, None),
        ("a", "EARLY", 1, D("2000-06-01"), "month", "ratified", None, None, None),
        ("a", "LATE", 1, None, None, "unknown", D("2003-01-01"), "month", "withdrawal_pending"),
        ("a", "NOTE", 1, D("2002-02-02"), "day", "acceded", D("2002-02-02"), "day",
         "withdrawal_pending"),
        ("a", "SAME", 1, D("2000-06-01"), "day", "ratified", None, None, None),
    ]  # fmt: skip


def _order(events: list[dict], parties: dict[str, list[str]] | None = None) -> list[tuple]:
    listed = [{"agreement_id": a, "party_id": p} for a, ps in (parties or {}).items() for p in ps]
    return [(e["event_id"], fld, reason) for e, fld, reason in
            lifecycle.order_problems(events, listed)]  # fmt: skip


def test_order_of_the_agreements_own_events() -> None:
    same_rank = [ev("e", "extended", "2001-01-01"), ev("m", "amended", "2000-01-01"),
                 ev("f", "entered_into_force", "1999-01-01")]  # fmt: skip
    assert _order(same_rank) == []
    month = [ev("s", "signed", "1960-01-19"),
             ev("f", "entered_into_force", "1960-01-01", precision="month")]  # fmt: skip
    assert _order(month) == []  # January 1960 may be after the 19th
    same_day = [ev("s", "signed", "1960-01-19"), ev("f", "entered_into_force", "1960-01-19")]
    assert _order(same_day) == []
    day = [ev("s", "signed", "1960-01-19"), ev("f", "entered_into_force", "1960-01-18")]
    assert _order(day) == [
        ("f", "date", "entered_into_force on 1960-01-18 is before signed on 1960-01-19 (s)")
    ]


def test_an_agreement_with_only_party_events_is_reported_at_its_first() -> None:
    events = [ev("late", "ratified", "2001-01-01", "AAA"), ev("early", "ratified",
              "2000-01-01", "BBB")]  # fmt: skip
    assert _order(events, {"a": ["AAA", "BBB"]}) == [
        ("early", "event", "agreement a has no event of the agreement as a whole (e.g. signed "
         "or entered_into_force), so its status cannot be derived"),
    ]  # fmt: skip


def test_events_about_parties_not_listed() -> None:
    events = [ev("f", "entered_into_force", "2000-01-01"), ev("x", "ratified", "2001-01-01",
              "XXX")]  # fmt: skip
    assert _order(events) == [("x", "party_id", "XXX is not listed in agreement_parties of a")]


@pytest.mark.parametrize(
    ("kinds", "problems"),
    [
        (["withdrawal_notified", "ratified"], [(0, "withdrawal_notified before becoming a party")]),
        (["denounced", "acceded"], [(0, "denounced before becoming a party")]),
        (["obligations_suspended", "became_party"],
         [(0, "obligations suspended while not a party")]),
        (["obligations_restored"], [(0, "obligations restored without a suspension")]),
        (["obligations_suspended", "obligations_restored"], []),
        (["obligations_suspended", "obligations_restored", "obligations_restored"],
         [(2, "obligations restored without a suspension")]),
        (["withdrawal_announced", "withdrew"], []),  # an original party may give notice
        (["ratified", "withdrew", "withdrawal_announced"],
         [(2, "withdrawal_announced before becoming a party")]),
        (["obligations_suspended", "withdrew", "obligations_restored"],
         [(2, "obligations restored without a suspension")]),
        (["ratified", "withdrew", "obligations_suspended"],
         [(2, "obligations suspended while not a party")]),
    ],
)  # fmt: skip
def test_order_of_a_partys_events(kinds: list[str], problems: list[tuple[int, str]]) -> None:
    own = [ev(f"e{i}", kind, f"{2000 + i}-01-01", "AAA") for i, kind in enumerate(kinds)]
    found = _order([ev("f", "entered_into_force", "1999-01-01"), *own], {"a": ["AAA"]})
    assert found == [(f"e{i}", "event", reason) for i, reason in problems]
