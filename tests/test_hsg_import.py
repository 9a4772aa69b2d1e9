"""Import of the small upstream-format fixtures: quirks, duplicates, curated links, atomicity."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from alliance_data_curate import checks, records
from alliance_data_curate.importers.hsg import importer, tenures
from alliance_data_curate.importers.hsg.parse import UpstreamError

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "hsg"
D = dt.date


def curated(directory: Path) -> None:
    """A tiny curated set: Blinken, his 2+2 in Tokyo during trip 3992, and Suga."""
    src = "seed-source"
    tables = {
        "sources": [{"source_id": src, "title": "A source", "kind": "reference"}],
        "parties": [
            {"party_id": "USA", "name": "United States", "kind": "state", "cow_code": 2},
            {"party_id": "JPN", "name": "Japan", "kind": "state", "cow_code": 740},
        ],
        "officials": [
            {"official_id": "antony-blinken", "name": "Antony J. Blinken", "given_name": "Antony",
             "family_name": "Blinken", "name_order": "given_family", "party_id": "USA"},
            {"official_id": "suga-yoshihide", "name": "Suga Yoshihide", "given_name": "Yoshihide",
             "family_name": "Suga", "name_order": "family_given", "party_id": "JPN"},
        ],
        "positions": [
            {"position_id": "antony-blinken-secretary-of-state-2021",
             "official_id": "antony-blinken", "title": "Secretary of State",
             "organization": "U.S. Department of State", "party_id": "USA",
             "start_date": D(2021, 1, 26), "start_date_precision": "day",
             "tenure_status": "ongoing"},
            {"position_id": "suga-yoshihide-prime-minister-2020", "official_id": "suga-yoshihide",
             "title": "Prime Minister", "organization": "Cabinet of Japan", "party_id": "JPN",
             "start_date": D(2020, 9, 16), "start_date_precision": "day",
             "end_date": D(2021, 10, 4), "end_date_precision": "day", "tenure_status": "ended"},
        ],
        "meetings": [
            {"meeting_id": "us-japan-scc-2021", "title": "SCC 2+2", "kind": "ministerial_2plus2",
             "format": "in_person", "start_date": D(2021, 3, 16), "date_precision": "day",
             "city": "Tokyo", "country": "JPN"},
        ],
        "meeting_participants": [
            {"meeting_id": "us-japan-scc-2021", "official_id": "antony-blinken",
             "party_id": "USA", "role_title": "Secretary of State"},
        ],
    }  # fmt: skip
    evidence = [
        {"evidence_id": f"ev-{t}-{i}", "table": t, "record_id": records.TABLES[t].key(r),
         "source_id": src, "note": "test"}
        for t in ("officials", "positions", "meetings")
        for i, r in enumerate(tables[t])
    ]  # fmt: skip
    tables["evidence"] = evidence
    for table, rows in tables.items():
        records.write_table(directory / f"{table}.yaml", table, rows)


@pytest.fixture
def imported(tmp_path, monkeypatch):
    """The fixture snapshot imported with the fixture's reviewed terms (not the real file)."""
    fixture_terms = tenures.load.__wrapped__(FIXTURES / "tenures.yaml")
    monkeypatch.setattr(tenures, "load", lambda: fixture_terms)
    rec = tmp_path / "records"
    curated(rec)
    result = importer.run(rec, rec.parent / "imported", source=FIXTURES, allow_unpinned=True)
    return rec, result


def load(rec: Path, table: str) -> list[dict]:
    path = rec.parent / "imported" / "hsg" / f"{table}.csv"
    return list(csv.DictReader(path.open(encoding="utf-8", newline="")))


def test_fixture_import_passes_checks(imported):
    rec, _ = imported
    loaded = records.read(rec, rec.parent / "imported")
    assert loaded.problems == []
    assert checks.check(loaded) == []


def test_exact_duplicates_merge_and_near_duplicates_flag(imported):
    rec, result = imported
    status = {(u["source_id"], u["upstream_id"]): u for u in load(rec, "upstream_records")}
    assert status[("hsg-travels", "4019")]["record_id"] == "hsg-trip-3992"
    assert status[("hsg-travels", "4019")]["status"] == "exact_duplicate"
    assert status[("hsg-travels", "3992")]["status"] == "unique"
    assert status[("hsg-visits", "13")]["status"] == "exact_duplicate"  # trailing space only
    assert {status[("hsg-travels", i)]["status"] for i in ("3993", "3994")} == {"near_duplicate"}
    assert {status[("hsg-visits", i)]["status"] for i in ("14", "15")} == {"near_duplicate"}
    meetings = {m["meeting_id"] for m in load(rec, "meetings")}
    assert "hsg-trip-4019" not in meetings and {"hsg-trip-3993", "hsg-trip-3994"} <= meetings
    every_id = {u["upstream_id"] for u in status.values()}
    assert {"3992", "4019", "3993", "3994", "4001", "4002"} <= every_id
    assert {str(i) for i in (1, 2, 10, 11, 12, 13, 14, 15, 16, 17)} <= every_id
    s = result.summary
    assert (s["merged_exact_duplicates"], s["near_duplicates_flagged"]) == (2, 4)
    report = json.loads((rec.parent / "imported" / "hsg" / "near_duplicates.json").read_text())
    assert {tuple(r["upstream_ids"]) for r in report} == {("3993",), ("3994",), ("14",), ("15",)}


def test_country_quirks(imported):
    rec, _ = imported
    country = {m["meeting_id"]: m["country"] for m in load(rec, "meetings")}
    assert country["hsg-trip-4002"] == "WSM"  # somoa
    parts = {(p["meeting_id"], p["party_id"]) for p in load(rec, "meeting_participants")}
    assert ("hsg-visit-1", "hawaii") in parts
    assert ("hsg-visit-2", "korea") in parts  # pre-1948 korea
    assert ("hsg-visit-10", "SWZ") in parts and ("hsg-visit-11", "SWZ") in parts
    assert ("hsg-visit-16", "WSM") in parts
    parties = {p["party_id"]: p for p in load(rec, "parties")}
    assert "USA" not in parties and "JPN" not in parties  # curated ones are not duplicated
    assert parties["korea"]["kind"] == "former_state" and "WSM" in parties


def test_curated_people_and_links(imported):
    rec, _ = imported
    participants = load(rec, "meeting_participants")
    by_meeting = {p["meeting_id"]: p for p in participants}
    assert by_meeting["hsg-trip-3992"]["official_id"] == "antony-blinken"
    assert by_meeting["hsg-visit-12"]["official_id"] == "suga-yoshihide"
    officials = {o["official_id"] for o in load(rec, "officials")}
    assert "antony-blinken" not in officials and "suga-yoshihide" not in officials
    assert "joseph-biden" in officials
    relations = load(rec, "meeting_relations")
    assert {"meeting_id": "us-japan-scc-2021", "related_meeting_id": "hsg-trip-3992",
            "relation": "part_of"} in relations  # fmt: skip
    # consecutive stops of Blinken's March 2021 trip are part of one journey
    journey = sorted(r["meeting_id"] for r in relations if r["related_meeting_id"].startswith(
        "hsg-journey-"))  # fmt: skip
    assert journey[:2] == ["hsg-trip-3992", "hsg-trip-3993"]
    assert by_meeting["hsg-trip-4001"]["role_title"] == "President-elect"
    assert "hsg-visit-17" not in by_meeting  # no title upstream: no participant row


def test_unmapped_slug_is_an_error_and_keeps_previous_files(imported, tmp_path):
    rec, _ = imported
    before = (rec.parent / "imported" / "hsg" / "meetings.csv").read_text()
    bad = tmp_path / "bad"
    shutil.copytree(FIXTURES, bad)
    path = bad / "visits" / "data" / "2010.xml"
    path.write_text(path.read_text().replace('id="poland"', 'id="atlantis"'))
    with pytest.raises(UpstreamError, match=r"visits/data/2010\.xml.*'atlantis'"):
        importer.run(rec, rec.parent / "imported", source=bad, allow_unpinned=True)
    assert (rec.parent / "imported" / "hsg" / "meetings.csv").read_text() == before
    assert not list(tmp_path.glob(".hsg-*"))


def test_relation_outside_trip_is_flagged(imported):
    rec, _ = imported
    path = rec.parent / "imported" / "hsg" / "meeting_relations.csv"
    path.write_text(path.read_text().replace("hsg-trip-3992", "hsg-trip-3993"))
    problems = checks.check(records.read(rec, rec.parent / "imported"))
    assert any("is not within hsg-trip-3993" in p.reason for p in problems)


def test_duplicate_official_is_flagged(imported):
    rec, _ = imported
    path = rec.parent / "imported" / "hsg" / "officials.csv"
    extra = "yoshihide-suga,Yoshihide Suga,,Suga,,given_family,,JPN,,\n"
    path.write_text(path.read_text() + extra)
    problems = checks.check(records.read(rec, rec.parent / "imported"))
    flagged = [p for p in problems if "same normalised name and party" in p.reason]
    assert len(flagged) == 1
    assert {flagged[0].record_id, flagged[0].reason.split()[7]} == {
        "suga-yoshihide",
        "yoshihide-suga",
    }


def test_reviewed_terms_date_visitors_and_others_are_counted(imported):
    """The fixture is not the pinned snapshot: terms for people it lacks are only counted."""
    rec, result = imported
    summary = result.summary["tenures"]
    assert summary["entries_matching_no_position"] == ["not-in-the-fixture / King"]
    assert summary["positions_dated"] == 2
    assert summary["visits_outside_reviewed_terms"] == []
    assert "source_rows" not in summary
    positions = {p["position_id"]: p for p in load(rec, "positions")}
    king = positions["kalakaua-king"]
    assert (king["start_date"], king["end_date"], king["tenure_status"]) == (
        "1874-02-12",
        "1891-01-20",
        "ended",
    )
    assert positions["mswati-iii-king"]["tenure_status"] == "ongoing"
    assert positions["gojong-emperor"]["tenure_status"] == "unknown"  # no reviewed term
    cited = {s["source_id"] for s in load(rec, "sources")}
    assert {"tenure-wikipedia-kalakaua", "tenure-blackpast-org-mswati-iii"} <= cited
    quotes = {(e["record_id"], e["field"]): e["quote"] for e in load(rec, "evidence")}
    assert quotes[("kalakaua-king", "start_date")].startswith("He reigned from February 12, 1874")


def test_no_upstream_row_is_dropped(imported):
    """Every trip, visit and presidency is carried by a meeting, position or curated row."""
    _, result = imported
    assert result.summary["dropped_rows"] == 0
    summary = json.loads((ROOT / "imported/hsg/import_summary.json").read_text(encoding="utf-8"))
    assert summary["dropped_rows"] == 0
    assert summary["rows_read"]["total"] == 7582


def test_a_row_no_record_carries_is_counted_as_dropped(tmp_path, monkeypatch):
    from alliance_data_curate.importers.hsg.build import Builder

    fixture_terms = tenures.load.__wrapped__(FIXTURES / "tenures.yaml")
    monkeypatch.setattr(tenures, "load", lambda: fixture_terms)
    real, skipped = Builder._upstream, []

    def lose_one_visit(self, source_id, upstream_id, *rest):
        if source_id == "hsg-visits" and not skipped:
            skipped.append(upstream_id)
            return
        real(self, source_id, upstream_id, *rest)

    monkeypatch.setattr(Builder, "_upstream", lose_one_visit)
    rec = tmp_path / "records"
    curated(rec)
    result = importer.run(rec, rec.parent / "imported", source=FIXTURES, allow_unpinned=True)
    assert len(skipped) == 1 and result.summary["dropped_rows"] == 1
