"""allies() and agreements_in_force(): hand-checked answers on days across 1950-2024, from
the shipped release (each answer traced to the treaty events in records/)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import alliance_data
from alliance_data.cli import main


def allied(day: str, **kwargs: object) -> dict[str, set[str]]:
    frame = alliance_data.allies(day, **kwargs)
    return {aid: set(rows.party_id) for aid, rows in frame.groupby("agreement_id")}


def parties(day: str) -> set[str]:
    return set(alliance_data.allies(day).party_id)


NATO = "north-atlantic-treaty-1949"
RIO = "rio-treaty-1947"
ANZUS = "anzus-treaty-1951"
SEATO = "southeast-asia-collective-defense-treaty-1954"


def test_korean_war_day() -> None:
    found = allied("1950-06-25")
    assert {"GBR", "FRA", "CAN", "ITA", "PRT", "ISL"} <= found[NATO]
    assert {"BRA", "CHL", "MEX"} <= found[RIO]
    assert "ARG" not in found[RIO]  # Argentina deposited its ratification on 1950-08-21
    assert "ARG" in allied("1950-08-21")[RIO]
    assert not {"KOR", "JPN", "PHL", "AUS", "DEU", "TWN"} & parties("1950-06-25")
    assert "USA" not in parties("1950-06-25")


def test_bilateral_treaties_start_on_entry_into_force() -> None:
    assert "KOR" not in parties("1954-11-16") and "KOR" in parties("1954-11-17")
    assert "TWN" not in parties("1955-03-02") and "TWN" in parties("1955-03-03")
    assert "PHL" in allied("1952-08-27")["us-philippines-mutual-defense-treaty-1951"]


def test_federal_republic_joins_nato_on_deposit() -> None:
    assert "DEU" not in parties("1955-05-05")
    assert "DEU" in allied("1955-05-06")[NATO]


def test_japan_is_an_ally_under_the_1960_treaty_not_the_1951_one() -> None:
    assert "JPN" not in parties("1960-06-22")  # the 1951 treaty had no U.S. defense obligation
    frame = alliance_data.allies("1960-06-23")
    japan = frame[frame.party_id == "JPN"]
    assert list(japan.agreement_id) == ["us-japan-security-treaty-1960"]
    in_force = set(alliance_data.agreements_in_force("1960-06-23", party="JPN").agreement_id)
    assert "us-japan-security-treaty-1951" not in in_force  # superseded that day


def test_taiwan_treaty_terminated_on_1_january_1980() -> None:
    assert "TWN" in parties("1979-12-31")
    assert "TWN" not in parties("1980-01-01")


def test_new_zealand_suspended_under_anzus_but_still_a_manila_pact_party() -> None:
    assert "NZL" in allied("1986-08-10")[ANZUS]
    found = allied("1987-01-01")
    assert "NZL" not in found[ANZUS] and "AUS" in found[ANZUS]
    assert "NZL" in found[SEATO]
    frame = alliance_data.allies("1987-01-01", include_suspended=True)
    nzl = frame[(frame.party_id == "NZL") & (frame.agreement_id == ANZUS)]
    assert list(nzl.obligations_suspended) == [True]


def test_pakistan_left_the_manila_pact() -> None:
    assert "PAK" in allied("1972-01-01")[SEATO]
    assert "PAK" not in allied("1974-01-01")[SEATO]


def test_mexico_left_the_rio_treaty_in_2004() -> None:
    assert "MEX" in allied("2003-01-01")[RIO]
    frame = alliance_data.allies("2004-09-15")
    assert list(frame[frame.party_id == "MEX"].certainty) == ["possible"]  # month-precise
    assert "MEX" not in parties("2004-10-01")


def test_announced_withdrawals_make_membership_uncertain() -> None:
    frame = alliance_data.allies("2021-03-16")
    rio = frame[frame.agreement_id == RIO].set_index("party_id")
    assert rio.loc["BOL", "certainty"] == "possible"  # announced in 2012, effect not dated
    assert rio.loc["BRA", "certainty"] == "certain"


def test_nato_enlargements_of_2023_and_2024() -> None:
    assert "FIN" not in parties("2023-04-03") and "FIN" in allied("2023-04-04")[NATO]
    assert "SWE" not in parties("2024-03-06") and "SWE" in allied("2024-03-07")[NATO]
    assert len(allied("2024-03-07")[NATO]) == 31  # 32 members less the United States


def test_seed_week_allies_include_japan_korea_and_australia() -> None:
    found = parties("2021-03-16")
    assert {"JPN", "KOR", "AUS", "PHL", "THA", "GBR", "DEU"} <= found
    assert "TWN" not in found


def test_agreements_in_force_for_japan_in_march_2021() -> None:
    frame = alliance_data.agreements_in_force("2021-03-16", party="JPN")
    assert {"us-japan-security-treaty-1960", "us-japan-sma-2016"} <= set(frame.agreement_id)
    assert "us-japan-sma-2022" not in set(frame.agreement_id)
    assert set(frame.party_id) == {"JPN"}


@pytest.mark.parametrize(
    "day", [dt.date(2021, 3, 16), dt.datetime(2021, 3, 16, 9), pd.Timestamp("2021-03-16")]
)
def test_dates_of_every_kind_are_accepted(day: object) -> None:
    assert set(alliance_data.allies(day).party_id) == parties("2021-03-16")


@pytest.mark.parametrize("bad", ["2021-02-30", "yesterday", None, 20210316, "2021-3-16"])
def test_bad_dates_are_refused_naming_the_argument(bad: object) -> None:
    with pytest.raises(ValueError, match=r"^on: "):
        alliance_data.allies(bad)
    with pytest.raises(ValueError, match=r"^on: "):
        alliance_data.agreements_in_force(bad)


def test_a_day_after_the_release_is_refused_and_before_coverage_warned() -> None:
    with pytest.raises(ValueError, match="after this release's date"):
        alliance_data.allies("2999-01-01")
    with pytest.warns(UserWarning, match="before the first U.S. collective-defense treaty"):
        assert alliance_data.allies("1940-01-01").empty


def test_cli_allies_and_in_force(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["allies", "--on", "2024-03-07"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "party_id,party_name,agreement_id,agreement_title,since,since_precision,how,"
        "certainty,obligations_suspended"
    )
    assert any(line.startswith("SWE,Sweden,north-atlantic-treaty-1949,") for line in out)
    assert main(["in-force", "--on", "2021-03-16", "--party", "KOR"]) == 0
    assert "us-rok-mutual-defense-treaty-1953" in capsys.readouterr().out
    assert main(["allies", "--on", "2021-02-30"]) == 2
    assert capsys.readouterr().err.startswith("error: on: '2021-02-30' is not a day")
