"""Seed article 000 (Santoro, "Team Biden in Tokyo and Seoul"): facts most likely to go wrong."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from alliance_data_curate import checks, records
from alliance_data_curate.build import release_rows
from conftest import ROOT

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
ARTICLE = "santoro-2021-team-biden-tokyo-seoul"


@pytest.fixture(scope="module")
def loaded():
    return records.read(ROOT / "records", ROOT / "imported")


@pytest.fixture(scope="module")
def agreements(loaded):
    """Agreements as released: dates and status derived from their events."""
    rows = release_rows(loaded, dt.date(2026, 11, 30))["agreements"]
    return {row["agreement_id"]: row for row in rows}


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


def test_sma11_increase_is_13_point_9_percent(agreements):
    sma = agreements["us-rok-sma-11"]
    assert "13.9%" in sma["summary"]
    assert sma["signed_date"] == dt.date(2021, 4, 8)
    assert sma["in_force_date"] == dt.date(2021, 9, 1)


def test_treaty_dates(agreements):
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


def test_japan_sma_protocol_dates(agreements):
    protocol = agreements["us-japan-sma-protocol-2021"]
    assert protocol["kind"] == "protocol_extension"
    assert (
        protocol["agreed_date"],
        protocol["signed_date"],
        protocol["in_force_date"],
        protocol["end_date"],
    ) == (dt.date(2021, 2, 17), dt.date(2021, 2, 24), dt.date(2021, 3, 31), dt.date(2022, 3, 31))


def test_pompeo_term_ended_with_the_trump_administration(loaded):
    pompeo = by_key(loaded, "positions", "position_id")["michael-pompeo-secretary-of-state-2018"]
    assert (pompeo["end_date"], pompeo["end_date_precision"], pompeo["tenure_status"]) == (
        dt.date(2021, 1, 20),
        "day",
        "ended",
    )


def test_biden_administration_posts_end_on_2025_01_20(loaded):
    positions = by_key(loaded, "positions", "position_id")
    for pid in (
        "joseph-biden-president-2021",
        "antony-blinken-secretary-of-state-2021",
        "lloyd-austin-secretary-of-defense-2021",
    ):
        assert (positions[pid]["end_date"], positions[pid]["tenure_status"]) == (
            dt.date(2025, 1, 20),
            "ended",
        ), pid


def test_biden_suga_january_call_was_morning_in_washington(loaded):
    call = by_key(loaded, "meetings", "meeting_id")["biden-suga-call-2021-01"]
    assert call["start_date"] == dt.date(2021, 1, 27)  # U.S. Eastern date
    assert "28 January" in call["description"]
    assert "morning of 27 January in Washington" in call["description"]
    assert "evening" not in call["description"]


def test_blinken_given_name_cited_to_a_page_that_spells_it(loaded):
    row = by_key(loaded, "evidence", "evidence_id")["antony-blinken-given-name-1"]
    assert row["source_id"] != "usemb-china-2021-us-japan-joint-press-statement"
    assert "Antony" in row["quote"]


def test_sma11_pledge_is_day_dated_by_the_agreement_in_principle(loaded):
    pledge = by_key(loaded, "commitments", "commitment_id")["us-rok-sma-11-cost-sharing-kor"]
    assert (pledge["date"], pledge["date_precision"]) == (dt.date(2021, 3, 7), "day")
    source = by_key(loaded, "sources", "source_id")[pledge["document_source_id"]]
    assert "lang=i" not in (source["url"] or "")  # not the Indonesian-language page
    notes = [
        e["note"] or ""
        for e in loaded.dicts("evidence")
        if e["record_id"] == "us-rok-sma-11-cost-sharing-kor"
    ]
    assert not any("month precision" in n for n in notes)


def test_the_three_joint_statements_are_agreements(loaded, agreements):
    parties = {(p["agreement_id"], p["party_id"]) for p in loaded.dicts("agreement_parties")}
    expected = {
        "us-japan-scc-joint-press-statement-2021": (dt.date(2021, 3, 16), "JPN"),
        "us-japan-scc-joint-statement-2019": (dt.date(2019, 4, 19), "JPN"),
        "us-rok-2plus2-joint-statement-2021": (dt.date(2021, 3, 18), "KOR"),
    }
    for aid, (issued, ally) in expected.items():
        statement = agreements[aid]
        assert statement["kind"] == "joint_statement"
        assert statement["status"] != "in_force"
        assert (statement["signed_date"], statement["signed_date_precision"]) == (issued, "day")
        assert {(aid, "USA"), (aid, ally)} <= parties


def test_meeting_commitments_point_to_their_statement_unless_a_treaty(loaded):
    statement_of = {
        "us-japan-scc-2021": "us-japan-scc-joint-press-statement-2021",
        "us-rok-2plus2-2021": "us-rok-2plus2-joint-statement-2021",
        "us-japan-scc-2019": "us-japan-scc-joint-statement-2019",
    }
    treaties = {"us-japan-security-treaty-1960", "us-rok-mutual-defense-treaty-1953"}
    for c in loaded.dicts("commitments"):
        if c["meeting_id"] in statement_of:
            assert c["agreement_id"] in treaties | {statement_of[c["meeting_id"]], None}, c
            assert c["agreement_id"] or c["statement_source_id"], c


def test_new_commitments_from_the_article(loaded):
    commitments = by_key(loaded, "commitments", "commitment_id")
    for side, other in (("kor", "USA"), ("usa", "KOR")):
        c = commitments[f"us-rok-2plus2-2021-dprk-priority-{side}"]
        assert (c["meeting_id"], c["beneficiary_party_id"]) == ("us-rok-2plus2-2021", other)
        assert c["agreement_id"] == "us-rok-2plus2-joint-statement-2021"
    for side, other in (("jpn", "USA"), ("usa", "JPN")):
        c = commitments[f"us-japan-scc-2019-ecs-scs-{side}"]
        assert (c["meeting_id"], c["kind"], c["beneficiary_party_id"]) == (
            "us-japan-scc-2019",
            "norms_order",
            other,
        )
        assert c["date"] == dt.date(2019, 4, 19)


def test_davidson_quotes_attach_to_both_hearings(loaded):
    quotes = {}
    for e in loaded.dicts("evidence"):
        if e["source_id"] == ARTICLE and e["table"] == "meetings":
            quotes.setdefault(e["record_id"], set()).add(e["quote"])
    sasc = quotes["sasc-indopacom-posture-hearing-2021"]
    hasc = quotes["hasc-indo-pacific-hearing-2021"]
    assert sasc == hasc
    assert any("seventeen days from Alaska" in q for q in sasc)
    assert any("critically important" in q for q in sasc)


def test_anchorage_venue_and_india_visit_participants(loaded):
    anchorage = by_key(loaded, "meetings", "meeting_id")["us-china-anchorage-talks-2021"]
    assert anchorage["venue"] == "Hotel Captain Cook"
    india = participants(loaded, "austin-india-visit-2021")
    assert india["ajit-doval"] == ("IND", "National Security Advisor")
    assert india["s-jaishankar"] == ("IND", "Minister of External Affairs")


def test_no_note_treats_the_april_nsa_meeting_as_past(loaded):
    for e in loaded.dicts("evidence"):
        assert "NSA meeting as past" not in (e["note"] or ""), e["evidence_id"]
        assert "had already taken place, and" not in (e["note"] or ""), e["evidence_id"]
