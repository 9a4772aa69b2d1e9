"""Seed article 000 (Santoro, "Team Biden in Tokyo and Seoul"): facts most likely to go wrong."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from alliance_data import checks, records

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
ARTICLE = "santoro-2021-team-biden-tokyo-seoul"


@pytest.fixture(scope="module")
def loaded():
    return records.read()


def by_key(loaded, table, key):
    return {row[key]: row for row in loaded.dicts(table)}


def participants(loaded, meeting_id):
    return {
        p["official_id"]: (p["party_id"], p["role_title"])
        for p in loaded.dicts("meeting_participants")
        if p["meeting_id"] == meeting_id
    }


def test_records_read_without_problems(loaded):
    assert loaded.problems == []
    assert checks.check(loaded) == []


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed texts not available at {SEEDS}")
def test_validate_checks_article_quotes(loaded):
    report = checks.validate(loaded, [SEEDS])
    assert report.problems == []
    assert report.quotes_checked > 0


def test_blinken_is_antony_and_anthony_is_a_misspelling(loaded):
    blinken = by_key(loaded, "officials", "official_id")["antony-blinken"]
    assert blinken["given_name"] == "Antony"
    assert blinken["name"].startswith("Antony ")
    assert "Anthony" not in blinken["name"]
    aliases = {(a["official_id"], a["alias"]): a for a in loaded.dicts("official_aliases")}
    alias = aliases[("antony-blinken", "Anthony Blinken")]
    assert alias["kind"] == "misspelling"
    assert alias["source_id"] == ARTICLE


def test_austin_full_name_and_short_form(loaded):
    austin = by_key(loaded, "officials", "official_id")["lloyd-austin"]
    assert (austin["name"], austin["suffix"]) == ("Lloyd J. Austin III", "III")
    kinds = {a["alias"]: a["kind"] for a in loaded.dicts("official_aliases")}
    assert kinds["Lloyd Austin"] == "short_form"


def test_tokyo_2plus2(loaded):
    m = by_key(loaded, "meetings", "meeting_id")["us-japan-scc-2021"]
    assert (m["start_date"], m["city"], m["country"]) == (dt.date(2021, 3, 16), "Tokyo", "JPN")
    assert m["series"] == "U.S.-Japan Security Consultative Committee"
    assert m["kind"] == "ministerial_2plus2"
    assert participants(loaded, "us-japan-scc-2021") == {
        "antony-blinken": ("USA", "Secretary of State"),
        "lloyd-austin": ("USA", "Secretary of Defense"),
        "motegi-toshimitsu": ("JPN", "Minister for Foreign Affairs"),
        "kishi-nobuo": ("JPN", "Minister of Defense"),
    }


def test_seoul_2plus2(loaded):
    m = by_key(loaded, "meetings", "meeting_id")["us-rok-2plus2-2021"]
    assert (m["start_date"], m["city"], m["country"]) == (dt.date(2021, 3, 18), "Seoul", "KOR")
    assert m["end_date"] in (None, dt.date(2021, 3, 18))
    assert participants(loaded, "us-rok-2plus2-2021") == {
        "antony-blinken": ("USA", "Secretary of State"),
        "lloyd-austin": ("USA", "Secretary of Defense"),
        "chung-eui-yong": ("KOR", "Minister of Foreign Affairs"),
        "suh-wook": ("KOR", "Minister of National Defense"),
    }


def test_japanese_names_family_first_with_kanji(loaded):
    officials = by_key(loaded, "officials", "official_id")
    expected = {
        "motegi-toshimitsu": ("Motegi Toshimitsu", "Motegi", "Toshimitsu", "茂木敏充"),
        "kishi-nobuo": ("Kishi Nobuo", "Kishi", "Nobuo", "岸信夫"),
        "suga-yoshihide": ("Suga Yoshihide", "Suga", "Yoshihide", "菅義偉"),
        "kitamura-shigeru": ("Kitamura Shigeru", "Kitamura", "Shigeru", "北村滋"),
    }
    for oid, (name, family, given, native) in expected.items():
        o = officials[oid]
        assert (o["name"], o["family_name"], o["given_name"], o["native_name"]) == (
            name,
            family,
            given,
            native,
        )
        assert o["name_order"] == "family_given"
    kinds = {a["alias"]: a["kind"] for a in loaded.dicts("official_aliases")}
    assert kinds["Toshimitsu Motegi"] == "name_order"
    assert kinds["Nobuo Kishi"] == "name_order"


def test_corrected_tenures(loaded):
    positions = by_key(loaded, "positions", "position_id")
    kishi = positions["kishi-nobuo-minister-of-defense-2020"]
    assert (kishi["end_date"], kishi["tenure_status"]) == (dt.date(2022, 8, 10), "ended")
    motegi = positions["motegi-toshimitsu-minister-for-foreign-affairs-2019"]
    assert (motegi["end_date"], motegi["tenure_status"]) == (dt.date(2021, 11, 4), "ended")
    davidson = positions["philip-davidson-commander-us-indo-pacific-command-2018"]
    assert davidson["end_date"] == dt.date(2021, 4, 30)


def test_biden_was_president_elect_for_november_calls(loaded):
    for mid in ("biden-suga-call-2020-11", "biden-moon-call-2020-11"):
        m = by_key(loaded, "meetings", "meeting_id")[mid]
        assert m["start_date"] == dt.date(2020, 11, 11)  # U.S. Eastern date
        assert m["country"] is None
        assert participants(loaded, mid)["joseph-biden"] == ("USA", "President-elect")


def test_sma11_increase_is_13_point_9_percent(loaded):
    sma = by_key(loaded, "agreements", "agreement_id")["us-rok-sma-11"]
    assert "13.9%" in sma["summary"]
    assert sma["signed_date"] == dt.date(2021, 4, 8)
    assert sma["in_force_date"] == dt.date(2021, 9, 1)


def test_treaty_dates(loaded):
    agreements = by_key(loaded, "agreements", "agreement_id")
    japan = agreements["us-japan-security-treaty-1960"]
    assert (japan["signed_date"], japan["in_force_date"]) == (
        dt.date(1960, 1, 19),
        dt.date(1960, 6, 23),
    )
    korea = agreements["us-rok-mutual-defense-treaty-1953"]
    assert (korea["signed_date"], korea["in_force_date"]) == (
        dt.date(1953, 10, 1),
        dt.date(1954, 11, 17),
    )


def test_japan_sma_protocol_dates(loaded):
    protocol = by_key(loaded, "agreements", "agreement_id")["us-japan-sma-protocol-2021"]
    assert protocol["kind"] == "protocol_extension"
    assert (
        protocol["agreed_date"],
        protocol["signed_date"],
        protocol["in_force_date"],
        protocol["end_date"],
    ) == (dt.date(2021, 2, 17), dt.date(2021, 2, 24), dt.date(2021, 3, 31), dt.date(2022, 3, 31))
