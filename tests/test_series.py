"""Alliance consultation series: hand-checked facts per series, the coding vocabulary's rules,
and the independent quote audit kept as a fixture."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from test_checks import _append, _edit, _problems

import alliance_data
from alliance_data_curate import records
from conftest import FIXTURES, ROOT

AUDITS = FIXTURES / "audits"


@pytest.fixture(scope="module")
def meetings():
    return alliance_data.load("meetings").set_index("meeting_id")


@pytest.fixture(scope="module")
def commitments():
    return alliance_data.load("commitments").set_index("commitment_id")


def principals(meeting_id: str) -> set[tuple[str, str]]:
    people = alliance_data.load("meeting_participants")
    rows = people[people.meeting_id == meeting_id]
    return set(zip(rows.official_id, rows.role_title, strict=True))


def test_53rd_scm(meetings, commitments) -> None:
    scm = meetings.loc["us-rok-scm-53"]
    assert (scm.series, scm.series_number, scm.city) == (
        "U.S.-ROK Security Consultative Meeting", 53, "Seoul")  # fmt: skip
    assert scm.start_date.date() == dt.date(2021, 12, 2)
    assert principals("us-rok-scm-53") == {
        ("lloyd-austin", "Secretary of Defense"),
        ("suh-wook", "Minister of National Defense"),
    }
    pledge = commitments.loc["us-rok-scm-53-mdt-combined-defense-usa"]
    assert (pledge.kind, pledge.agreement_id, pledge.committing_party_id) == (
        "treaty_reaffirmation", "us-rok-mutual-defense-treaty-1953", "USA")  # fmt: skip


def test_scc_2023(meetings, commitments) -> None:
    scc = meetings.loc["us-japan-scc-2023"]
    assert (scc.series, scc.kind, scc.city) == (
        "U.S.-Japan Security Consultative Committee",
        "ministerial_2plus2",
        "Washington",
    )
    assert scc.start_date.date() == dt.date(2023, 1, 11)
    assert {o for o, _ in principals("us-japan-scc-2023")} == {
        "antony-blinken", "lloyd-austin", "hayashi-yoshimasa", "hamada-yasukazu"}  # fmt: skip
    pledge = commitments.loc["us-japan-scc-2023-defense-of-japan-usa"]
    assert (pledge.kind, bool(pledge.nuclear), bool(pledge.full_range)) == (
        "defense_guarantee", True, True)  # fmt: skip


def test_rok_2plus2_2016(meetings, commitments) -> None:
    meeting = meetings.loc["us-rok-2plus2-2016"]
    assert (meeting.series_number, meeting.city) == (4, "Washington")
    assert meeting.start_date.date() == dt.date(2016, 10, 19)
    assert {o for o, _ in principals("us-rok-2plus2-2016")} == {
        "john-kerry", "ashton-carter", "yun-byung-se", "han-min-koo"}  # fmt: skip
    assert commitments.loc["us-rok-2plus2-2016-edscg-usa"].mechanism == "edscg"


def test_washington_declaration_summit(meetings, commitments) -> None:
    summit = meetings.loc["biden-yoon-summit-2023-04"]
    assert (summit.kind, summit.city) == ("summit", "Washington")
    assert summit.start_date.date() == dt.date(2023, 4, 26)
    pledge = commitments.loc["biden-yoon-summit-2023-04-wd-mdt-usa"]
    assert pledge.agreement_id == "us-rok-mutual-defense-treaty-1953"


def test_coverage_lists_every_series_meeting_and_whether_it_is_coded() -> None:
    coverage = alliance_data.load("series_coverage")
    scm = coverage[coverage.series == "U.S.-ROK Security Consultative Meeting"]
    assert sorted(scm.series_number) == list(range(37, 57))  # 37th (2005) to 56th (2024)
    uncoded = set(scm[~scm.statement_coded].series_number)
    assert 53 not in uncoded and uncoded  # gaps are visible, not silent


def test_every_coded_commitment_has_a_quote(commitments) -> None:
    evidence = alliance_data.load("evidence")
    quoted = set(evidence[(evidence.table == "commitments") & evidence.quote.notna()].record_id)
    coded = commitments[commitments.statement_source_id.notna()]
    assert len(coded) > 200
    assert set(coded.index) <= quoted


def test_unknown_commitment_kind_is_reported(records_copy: Path) -> None:
    _edit(records_copy, "commitments", 0, kind="promise")
    [problem] = [p for p in _problems(records_copy) if "kind" in p]
    assert "commitments[tokyo-defense-of-japan] kind: unknown value 'promise'" in problem


def test_commitment_without_quote_is_reported(records_copy: Path) -> None:
    _append(records_copy, "sources", {"source_id": "mini-statement", "title": "Joint statement",
            "kind": "joint_statement"})  # fmt: skip
    _edit(records_copy, "commitments", 0, statement_source_id="mini-statement")
    path = records_copy / "evidence.yaml"
    rows = yaml.safe_load(path.read_text())
    for row in rows:
        if row["record_id"] == "tokyo-defense-of-japan":
            row.pop("quote")
            row["note"] = "summary only"
    path.write_text(records.canonical("evidence", rows))
    problems = [p for p in _problems(records_copy) if "statement_source_id" in p]
    assert len(problems) == 1
    assert (
        "commitments[tokyo-defense-of-japan] statement_source_id: coded from statement "
        "mini-statement but no evidence row quotes its words" in problems[0]
    )


def test_meeting_without_source_is_reported(records_copy: Path) -> None:
    _append(records_copy, "meetings", {"meeting_id": "scm-99", "title": "SCM", "kind":
            "bilateral_meeting", "series": "SCM", "series_number": 99})  # fmt: skip
    [problem] = [p for p in _problems(records_copy) if "scm-99" in p]
    assert problem.endswith(
        "meetings.yaml:2: meetings[scm-99]: no evidence row supports this record"
    )


def test_independent_quote_audit_confirms_at_least_95_percent() -> None:
    sample = yaml.safe_load((AUDITS / "quote_sample.yaml").read_text())
    verdicts = {v["n"]: v for v in yaml.safe_load((AUDITS / "quote_verdicts.yaml").read_text())}
    assert len(sample) == len(verdicts) == 48
    confirmed = [n for n, v in verdicts.items() if v["verdict"].startswith("confirmed")]
    assert len(confirmed) / len(sample) >= 0.95
    evidence = yaml.safe_load((ROOT / "records" / "evidence.yaml").read_text())
    quotes = {e["evidence_id"]: e.get("quote") for e in evidence}
    dropped = {"us-japan-scc-2024-ed-edd-usa-1", "us-rok-2plus2-2024-usfk-presence-usa-ev1"}
    for item in sample:  # each sampled quote is still in the records, word for word
        if item["evidence_id"] not in dropped:  # coded doubtful by the audit and removed
            assert quotes[item["evidence_id"]] == item["quote"], item["evidence_id"]


def test_independent_fact_audit_found_no_wrong_date() -> None:
    verdicts = yaml.safe_load((AUDITS / "fact_verdicts.yaml").read_text())
    assert len(verdicts) == 45
    assert not [v for v in verdicts if v["verdict"] == "wrong"]
