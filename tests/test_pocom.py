"""The pocom import, the hand-checked official sample and positions_on on the shipped data."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

import alliance_data
from alliance_data_curate.importers.hsg.identities import load as load_identities
from alliance_data_curate.importers.pocom.parse import PartialDate, partial_date
from alliance_data_curate.names import slug

ROOT = Path(__file__).resolve().parent.parent
POCOM = ROOT / "imported" / "pocom"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1859-11-05", PartialDate(dt.date(1859, 11, 5), "day")),
        ("1861-10", PartialDate(dt.date(1861, 10, 1), "month")),
        ("1790", PartialDate(dt.date(1790, 1, 1), "year")),
        ("", None),
        (None, None),
    ],
)
def test_partial_dates(text, expected):
    assert partial_date(text, "x") == expected


@pytest.mark.parametrize("text", ["1861-13", "1861-02-30", "May 1861"])
def test_bad_dates_name_the_place(text):
    with pytest.raises(ValueError, match=r"^here: "):
        partial_date(text, "here")


def test_official_sample_still_matches():
    sample = yaml.safe_load((ROOT / "tests/fixtures/official_sample.yaml").read_text("utf-8"))
    assert len(sample) == 100
    assert sum(s["verdict"] != "ok" for s in sample) <= 3
    officials = {o["official_id"]: o for o in _rows(POCOM / "officials.csv")}
    upstream = {
        u["record_id"]: u["upstream_id"]
        for u in _rows(POCOM / "upstream_records.csv")
        if u["table"] == "officials"
    }
    for s in sample:
        o = officials[s["official_id"]]
        assert upstream[s["official_id"]] == s["pocom_id"]
        for key in ("name", "given_name", "family_name", "suffix"):
            assert (o[key] or None) == s[key], (s["official_id"], key)


def test_summary_drops_nothing_and_dates_most_positions():
    import json

    summary = json.loads((POCOM / "import_summary.json").read_text("utf-8"))
    assert summary["dropped_rows"] == 0
    assert summary["rows_read"]["total"] == summary["upstream_records"]
    assert summary["positions_with_start_date_share"] >= 0.85


def test_curated_secretary_reused_and_secretaries_dated():
    upstream = {u["upstream_id"]: u["record_id"] for u in _rows(POCOM / "upstream_records.csv")}
    assert upstream["blinken-antony-j"] == "antony-blinken"
    assert upstream["positions-principals/secretary/secr-2021-blin"] == (
        "antony-blinken-secretary-of-state-2021"
    )
    positions = _rows(ROOT / "imported/hsg/positions.csv")
    assert not [p for p in positions if p["title"] == "Secretary of State"]
    adams = [p for p in _rows(POCOM / "positions.csv") if p["official_id"] == "john-quincy-adams"]
    assert {p["title"] for p in adams} >= {"Secretary of State"}


def test_identity_rules_split_namesakes():
    ids = load_identities()
    on = dt.date
    assert ids.person("JOR", "Crown Prince", "Hussein", on(2023, 2, 2))[0] == "Hussein bin Abdullah"
    assert ids.person("JOR", "King", "Hussein I", on(1990, 1, 1))[0] == "Hussein"
    assert ids.person("COL", "President-elect", "Ospina", on(1922, 5, 3))[0] == "Pedro Nel Ospina"
    assert ids.person("COL", "President-elect", "Ospina", on(1946, 6, 5))[0] == (
        "Mariano Ospina Pérez"
    )
    assert ids.person("DZA", "President", "Abdelaziz Boutefilka", on(2001, 7, 1))[0] == (
        "Abdelaziz Bouteflika"
    )


@pytest.mark.parametrize(
    ("visits", "who"),
    [  # visits upstream names alike, and the distinct people they are in the imported data
        (["hsg-visit-92", "hsg-visit-2531", "hsg-visit-3292"],
         ["bjarni-benediktsson-1908-1970", "bjarni-benediktsson-1908-1970", "bjarni-benediktsson"]),
        (["hsg-visit-2150", "hsg-visit-2249"], ["pedro-nel-ospina", "mariano-ospina-perez"]),
        (["hsg-visit-2349", "hsg-visit-1708"], ["konstantinos-karamanlis", "kostas-karamanlis"]),
        (["hsg-visit-1037", "hsg-visit-3150"], ["hussein", "hussein-bin-abdullah"]),
    ],
)  # fmt: skip
def test_records_that_merged_two_people_are_split_in_the_shipped_data(visits, who):
    """Each visit has its own person among the participants, and not the namesake."""
    participants: dict[str, set[str]] = {v: set() for v in visits}
    for r in _rows(ROOT / "imported/hsg/meeting_participants.csv"):
        if r["meeting_id"] in participants:
            participants[r["meeting_id"]].add(r["official_id"])
    for visit, person in zip(visits, who, strict=True):
        assert person in participants[visit], visit
        assert not (set(who) - {person}) & participants[visit], visit
    names = {o["official_id"]: o["name"] for o in _rows(ROOT / "imported/hsg/officials.csv")}
    assert len({names[w] for w in who}) == len(set(who))  # one name per person, none shared


def test_positions_on_the_shipped_data():
    held = alliance_data.positions_on("2021-03-16")
    ids = set(held.official_id)
    assert {"antony-blinken", "lloyd-austin", "motegi-toshimitsu", "kishi-nobuo"} <= ids
    assert "michael-pompeo" not in ids
    assert set(held.certainty) <= {"certain", "possible"}
    same = alliance_data.positions_on(pd.Timestamp("2021-03-16"), party="USA")
    assert set(same.party_id) == {"USA"} and "antony-blinken" in set(same.official_id)
    assert "antony-blinken" in set(
        alliance_data.positions_on(
            dt.datetime(2021, 3, 16, 12), title="secretary of state"
        ).official_id
    )


@pytest.mark.parametrize("bad", ["2021-02-30", "yesterday", None, 20210316, pd.NaT])
def test_positions_on_rejects_bad_dates(bad):
    with pytest.raises(ValueError, match=r"^date: "):
        alliance_data.positions_on(bad)


def test_a_pocom_id_naming_someone_else_is_not_the_traveller():
    """Upstream gives President Taft (travels) and William Howard Taft III (pocom) one id."""
    upstream = {
        (u["source_id"], u["upstream_id"]): u["record_id"]
        for d in (POCOM, ROOT / "imported/hsg")
        for u in _rows(d / "upstream_records.csv")
        if u["table"] == "officials"
    }
    assert upstream[("hsg-pocom", "taft-william-howard")] == "william-taft-iii"
    assert upstream[("hsg-travels", "taft-william-howard")] == "william-taft"
    positions = _rows(ROOT / "imported/hsg/positions.csv")
    presidency = [p for p in positions if p["title"] == "President"]
    assert [p["position_id"] for p in presidency if "taft" in p["official_id"]] == [
        "william-taft-president-1909"
    ]
    taft_iii = [p for p in _rows(POCOM / "positions.csv") if p["official_id"] == "william-taft-iii"]
    assert [p["start_date"][:4] for p in taft_iii] == ["1953"]


@pytest.mark.parametrize(
    ("party", "title", "written", "day", "person"),
    [
        (
            "AFG",
            "President",
            "Ashraf Ghani Ahmedzai",
            dt.date(2015, 3, 23),
            "Mohammad Ashraf Ghani",
        ),
        ("AFG", "President", "Mohamad Ashraf Ghani", dt.date(2017, 9, 18), "Mohammad Ashraf Ghani"),
        ("ARM", "President", "Serge Sarkisian", dt.date(2010, 4, 12), "Serzh Sargsyan"),
        ("PAK", "Prime Minister", "Yousuf Gillani", dt.date(2010, 4, 12), "Yusuf Raza Gilani"),
        ("IDN", "President", "Suharto", dt.date(1995, 10, 23), "Soeharto"),
    ],
)
def test_spellings_of_one_leader_are_one_official(party, title, written, day, person):
    assert load_identities().person(party, title, written, day)[0] == person
    officials = {o["official_id"] for o in _rows(ROOT / "imported/hsg/officials.csv")}
    assert slug(person) in officials and slug(written) not in officials


def test_at_least_85_percent_of_positions_have_a_start_date():
    curated = yaml.safe_load((ROOT / "records" / "positions.yaml").read_text(encoding="utf-8"))
    imported = [*_rows(POCOM / "positions.csv"), *_rows(ROOT / "imported/hsg/positions.csv")]
    starts = [p.get("start_date") for p in curated] + [p["start_date"] for p in imported]
    assert len(starts) > 8_700
    assert sum(1 for s in starts if s) / len(starts) >= 0.85


def test_every_visitor_position_is_dated_or_has_its_reason():
    summary = json.loads((ROOT / "imported/hsg/import_summary.json").read_text(encoding="utf-8"))
    left = summary["tenures"]["positions_left_undated"]
    undated = [
        p["position_id"] for p in _rows(ROOT / "imported/hsg/positions.csv") if not p["start_date"]
    ]
    assert sorted(p["position_id"] for p in left) == sorted(undated)
    assert len(undated) == 14 and "not reviewed" not in {p["reason"] for p in left}


def test_independent_check_of_the_facts_curated_by_hand():
    """A helper with its own searches re-found each hand-curated fact; the data says the same."""
    audits = ROOT / "tests" / "fixtures" / "audits"
    sample = yaml.safe_load((audits / "hand_facts_sample.yaml").read_text(encoding="utf-8"))
    verdicts = yaml.safe_load((audits / "hand_facts_verdicts.yaml").read_text(encoding="utf-8"))
    assert [v["n"] for v in verdicts] == [s["n"] for s in sample] == list(range(1, 11))
    assert not [v["n"] for v in verdicts if v["verdict"] == "wrong"]
    positions = {p["position_id"]: p for p in _rows(ROOT / "imported/hsg/positions.csv")}
    for item in sample:
        held = positions[item["position"]]
        assert (held["start_date"], held["end_date"]) == (item["start"], item["end"]), item["n"]
