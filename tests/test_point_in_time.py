"""Point-in-time answers: dates with a precision, and who was an ally on a given day."""

from __future__ import annotations

import datetime as dt
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

import alliance_data
from alliance_data import api
from alliance_data.alliances import _state
from alliance_data.dates import parse_date, period_end
from alliance_data.errors import InvalidArgument

D = dt.date


@pytest.mark.parametrize(
    ("start", "precision", "end"),
    [
        (D(2021, 3, 16), "day", D(2021, 3, 16)),
        (D(2021, 3, 16), None, D(2021, 3, 16)),
        (D(2021, 2, 1), "month", D(2021, 2, 28)),
        (D(2020, 2, 1), "month", D(2020, 2, 29)),
        (D(2021, 11, 1), "month", D(2021, 11, 30)),
        (D(2021, 12, 1), "month", D(2021, 12, 31)),
        (D(2021, 1, 1), "month", D(2021, 1, 31)),
        (D(2021, 1, 1), "year", D(2021, 12, 31)),
        (D(2021, 7, 1), "year", D(2021, 12, 31)),
    ],
)
def test_period_end(start: dt.date, precision: str | None, end: dt.date) -> None:
    assert period_end(start, precision) == end


def test_parse_date_accepts_the_documented_types() -> None:
    day = D(2021, 3, 16)
    assert parse_date(day) == day
    assert parse_date(dt.datetime(2021, 3, 16, 23, 59)) == day
    assert parse_date(pd.Timestamp("2021-03-16 08:00")) == day
    assert parse_date("2021-03-16") == day
    assert type(parse_date(pd.Timestamp("2021-03-16"))) is dt.date


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (pd.NaT, "when: NaT is not a day"),
        ("2021-02-30", "when: '2021-02-30' is not a day (day is out of range for month)"),
        ("yesterday", "when: 'yesterday' is not a day in YYYY-MM-DD form"),
        ("2021-3-16", "when: '2021-3-16' is not a day in YYYY-MM-DD form"),
        (" 2021-03-16", "when: ' 2021-03-16' is not a day in YYYY-MM-DD form"),
        ("2021-03-16T00:00", "when: '2021-03-16T00:00' is not a day in YYYY-MM-DD form"),
        ("２０２１-03-16", "is not a day in YYYY-MM-DD form"),  # full-width digits
        (None, "when: expected a date, datetime, pandas Timestamp or 'YYYY-MM-DD' string, "
         "got None (NoneType)"),
        (20210316, "got 20210316 (int)"),
    ],
)  # fmt: skip
def test_parse_date_refuses_with_the_argument_named(value: object, message: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        parse_date(value, "when")
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_parse_date_names_on_by_default() -> None:
    with pytest.raises(InvalidArgument, match=r"^on: 'x' is not a day"):
        parse_date("x")


# _state(start, start precision, end, end precision, day): an interval [start, end)
@pytest.mark.parametrize(
    ("args", "day", "state"),
    [
        ((D(2000, 1, 10), "day", None, None), D(2000, 1, 9), None),
        ((D(2000, 1, 10), "day", None, None), D(2000, 1, 10), "certain"),
        ((D(2000, 1, 1), "month", None, None), D(2000, 1, 31), "possible"),
        ((D(2000, 1, 1), "month", None, None), D(2000, 2, 1), "certain"),
        ((D(2000, 1, 1), "year", None, None), D(2000, 12, 31), "possible"),
        ((D(2000, 1, 1), "year", None, None), D(2001, 1, 1), "certain"),
        ((None, None, None, None), D(2000, 1, 1), "possible"),
        ((None, None, D(2000, 1, 10), "day"), D(2000, 1, 10), None),
        ((D(2000, 1, 1), "day", D(2000, 1, 10), "day"), D(2000, 1, 9), "certain"),
        ((D(2000, 1, 1), "day", D(2000, 1, 10), "day"), D(2000, 1, 10), None),
        ((D(1990, 1, 1), "day", D(2000, 3, 1), "month"), D(2000, 2, 29), "certain"),
        ((D(1990, 1, 1), "day", D(2000, 3, 1), "month"), D(2000, 3, 1), "possible"),
        ((D(1990, 1, 1), "day", D(2000, 3, 1), "month"), D(2000, 3, 31), "possible"),
        ((D(1990, 1, 1), "day", D(2000, 3, 1), "month"), D(2000, 4, 1), None),
        ((D(1990, 1, 1), "day", D(2000, 1, 1), "year"), D(2000, 12, 31), "possible"),
        ((D(1990, 1, 1), "day", D(2000, 1, 1), "year"), D(2001, 1, 1), None),
    ],
)
def test_state_on_boundary_days(args: tuple, day: dt.date, state: str | None) -> None:
    assert _state(*args, day) == state


def test_a_notice_without_a_dated_effect_leaves_the_days_after_it_possible() -> None:
    notice = (D(1990, 1, 1), "day", D(2000, 1, 10), "day")
    assert _state(*notice, D(2000, 1, 9), open_end=True) == "certain"
    assert _state(*notice, D(2000, 1, 10), open_end=True) == "possible"
    assert _state(*notice, D(2030, 1, 1), open_end=True) == "possible"
    assert _state(D(2001, 1, 1), "day", D(2000, 1, 10), "day", D(2000, 6, 1), open_end=True) is None


@pytest.fixture
def shipped(mini_release: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small release (Japan and the United States, treaty in force 1960-06-23) as shipped."""
    monkeypatch.setattr(api, "shipped_dir", lambda: mini_release)
    return mini_release


def test_allies_on_the_day_the_treaty_entered_into_force(shipped: Path) -> None:
    frame = alliance_data.allies("1960-06-23")
    assert frame.to_dict("records") == [
        {
            "party_id": "JPN",
            "party_name": "Japan",
            "agreement_id": "us-japan-treaty-1960",
            "agreement_title": "Treaty of Mutual Cooperation and Security",
            "since": pd.Timestamp("1960-06-23"),
            "since_precision": "day",
            "how": frame.how[0],
            "certainty": "certain",
            "obligations_suspended": False,
        }
    ]
    assert alliance_data.allies(D(2021, 3, 16)).party_id.tolist() == ["JPN"]


def test_allies_the_day_before_is_empty_with_a_warning(shipped: Path) -> None:
    with pytest.warns(UserWarning, match=r"1960-06-22 is before the first U\.S\. collective"):
        frame = alliance_data.allies("1960-06-22")
    assert frame.empty and list(frame.columns)[:3] == ["party_id", "party_name", "agreement_id"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        alliance_data.allies("1960-06-23")  # no warning from the first day on


def test_agreements_in_force_by_party_and_day(shipped: Path) -> None:
    frame = alliance_data.agreements_in_force("1960-06-23")
    assert frame[["agreement_id", "party_id", "certainty"]].values.tolist() == [
        ["us-japan-treaty-1960", "JPN", "certain"],
        ["us-japan-treaty-1960", "USA", "certain"],
    ]
    assert frame.collective_defense.tolist() == [True, True]
    assert alliance_data.agreements_in_force("1960-06-23", party="JPN").party_id.tolist() == ["JPN"]
    assert alliance_data.agreements_in_force("1960-06-23", party="KOR").empty
    with pytest.warns(UserWarning):
        assert alliance_data.agreements_in_force("1960-06-22").empty


def test_a_day_after_the_release_is_refused(shipped: Path) -> None:
    released = pd.read_csv(shipped / "csv" / "agreements.csv").status_date.max()
    after = (D.fromisoformat(released) + dt.timedelta(days=1)).isoformat()
    assert not alliance_data.allies(released).empty
    with pytest.raises(InvalidArgument, match=rf"^{after} is after this release's date"):
        alliance_data.allies(after)
    with pytest.raises(InvalidArgument, match="is after this release's date"):
        alliance_data.agreements_in_force(after)


def test_a_release_without_memberships_is_named(monkeypatch, refusing_url: str) -> None:
    """The committed 0.3.0 predates the memberships table; nothing is fetched to find out."""
    monkeypatch.setenv("ALLIANCE_DATA_URL", refusing_url)
    old = Path(__file__).resolve().parents[1] / "releases" / "0.3.0"
    monkeypatch.setattr(api, "shipped_dir", lambda: old)  # as if 0.3.0 were installed
    with pytest.raises(InvalidArgument, match=r"^release shipped has no agreement_memberships"):
        alliance_data.allies("2000-01-01")


# --- allies() and agreements_in_force() on hand-made tables: every branch of the rules ----

NaT = pd.NaT


def _frame(columns: str, rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns.split())
    for column in frame.columns:
        if column.endswith("date"):
            frame[column] = pd.to_datetime(frame[column])
    return frame


AGREEMENTS = _frame(
    "agreement_id title kind collective_defense in_force_date in_force_date_precision "
    "end_date end_date_precision status_date",
    [
        ("seato", "Manila Pact", "treaty", True, "1955-02-19", "day", "1977-06-30", "day",
         "2021-04-01"),
        ("anzus", "ANZUS Treaty", "treaty", True, "1952-04-29", "day", None, None, "2021-04-01"),
        ("trade", "Trade pact", "executive_agreement", False, "1960-01-01", "month", None, None,
         "2021-04-01"),
        ("draft", "Never in force", "treaty", True, None, None, None, None, "2021-04-01"),
        ("others", "Without the U.S.", "treaty", True, "1950-01-01", "day", None, None,
         "2021-04-01"),
        ("pact", "Ended in a month", "treaty", False, "1970-01-01", "day", "1980-05-01", "month",
         "2021-04-01"),
    ],
)  # fmt: skip
MEMBERSHIPS = _frame(
    "agreement_id party_id start_date start_date_precision start_how end_date "
    "end_date_precision end_how",
    [
        ("seato", "PAK", "1955-02-19", "day", "original_party", "1973-11-01", "month",
         "withdrawal"),
        ("seato", "FRA", "1955-02-19", "day", "original_party", "1974-06-01", "day",
         "withdrawal_pending"),
        ("seato", "USA", "1955-02-19", "day", "original_party", None, None, None),
        ("anzus", "NZL", "1952-04-29", "day", "original_party", None, None, None),
        ("anzus", "AUS", "1952-04-29", "day", "original_party", None, None, None),
        ("anzus", "USA", "1952-04-29", "day", "original_party", None, None, None),
        ("trade", "JPN", "1960-01-01", "month", "original_party", None, None, None),
        ("trade", "USA", "1960-01-01", "month", "original_party", None, None, None),
        ("draft", "USA", "1990-01-01", "day", "original_party", None, None, None),
        ("draft", "KOR", "1990-01-01", "day", "original_party", None, None, None),
        ("others", "KOR", "1950-01-01", "day", "original_party", None, None, None),
        ("others", "JPN", "1950-01-01", "day", "original_party", None, None, None),
        ("pact", "JPN", "1970-01-01", "day", "original_party", "1980-05-01", "month",
         "terminated"),
    ],
)  # fmt: skip
EVENTS = _frame(
    "agreement_id party_id event date",
    [
        ("anzus", "AUS", "obligations_restored", "1995-01-01"),  # out of date order
        ("anzus", "AUS", "obligations_suspended", "1990-01-01"),
        ("anzus", "NZL", "obligations_suspended", "1986-09-17"),
        ("anzus", "USA", "obligations_suspended", None),  # undated: never applies
        ("anzus", "AUS", "signed", "1951-09-01"),
    ],
)
PARTIES = _frame(
    "party_id name",
    [("AUS", "Australia"), ("NZL", "New Zealand"), ("PAK", "Pakistan"), ("FRA", "France"),
     ("JPN", "Japan"), ("KOR", "South Korea"), ("USA", "United States")],
)  # fmt: skip


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list:
    """The hand-made tables stand in for a release; records the versions asked for."""
    from alliance_data import alliances

    versions: list = []

    def frames(version):
        versions.append(version)
        return {"agreements": AGREEMENTS, "agreement_memberships": MEMBERSHIPS,
                "agreement_events": EVENTS, "parties": PARTIES}  # fmt: skip

    monkeypatch.setattr(alliances, "_frames", frames)
    return versions


def _allies(on: str, **options) -> list[tuple]:
    frame = alliance_data.allies(on, **options)
    assert list(frame.index) == list(range(len(frame)))
    return [(r.agreement_id, r.party_id, r.certainty, r.obligations_suspended)
            for r in frame.itertuples() if r.agreement_id != "draft"]  # fmt: skip


def test_allies_by_day_across_ends_notices_and_suspensions(asked: list) -> None:
    assert _allies("1970-01-01") == [
        ("anzus", "AUS", "certain", False), ("anzus", "NZL", "certain", False),
        ("seato", "FRA", "certain", False), ("seato", "PAK", "certain", False)]  # fmt: skip
    # Pakistan's month-precise withdrawal: possible within November 1973, gone after
    assert ("seato", "PAK", "certain", False) in _allies("1973-10-31")
    assert ("seato", "PAK", "possible", False) in _allies("1973-11-15")
    assert "PAK" not in {row[1] for row in _allies("1973-12-01")}
    # France's notice with no dated effect: possible from the notice on
    assert ("seato", "FRA", "certain", False) in _allies("1974-05-31")
    assert ("seato", "FRA", "possible", False) in _allies("1974-06-01")
    # the treaty's end removes everyone, whatever their membership says
    assert [row[0] for row in _allies("1977-06-30")] == ["anzus", "anzus"]
    assert _allies("1986-09-16")[1] == ("anzus", "NZL", "certain", False)
    assert [row[1] for row in _allies("1986-09-17")] == ["AUS"]  # suspended from that day
    assert _allies("1986-09-17", include_suspended=True) == [
        ("anzus", "AUS", "certain", False), ("anzus", "NZL", "certain", True)]  # fmt: skip
    assert _allies("1991-01-01") == []  # Australia suspended too, in this made-up history
    assert _allies("1995-01-01") == [("anzus", "AUS", "certain", False)]  # restored
    assert set(asked) == {None}


def test_an_agreement_never_in_force_gives_no_allies(asked: list) -> None:
    assert alliance_data.agreements_in_force("1995-01-01", "KOR").agreement_id.tolist() == [
        "others"
    ]
    assert "draft" not in set(alliance_data.allies("1995-01-01").agreement_id)


def test_allies_columns_and_values(asked: list) -> None:
    frame = alliance_data.allies("1970-01-01", version="9.9.9")
    assert asked == ["9.9.9"]
    assert list(frame.columns) == [
        "party_id", "party_name", "agreement_id", "agreement_title", "since",
        "since_precision", "how", "certainty", "obligations_suspended"]  # fmt: skip
    first = frame.iloc[0].to_dict()
    assert first == {
        "party_id": "AUS", "party_name": "Australia", "agreement_id": "anzus",
        "agreement_title": "ANZUS Treaty", "since": pd.Timestamp("1952-04-29"),
        "since_precision": "day", "how": "original_party", "certainty": "certain",
        "obligations_suspended": False}  # fmt: skip


def test_agreements_in_force_by_day(asked: list) -> None:
    def rows(on: str, party: str | None = None) -> list[tuple]:
        frame = alliance_data.agreements_in_force(on, party, version="9.9.9")
        assert list(frame.index) == list(range(len(frame)))
        return [(r.agreement_id, r.party_id, r.certainty) for r in frame.itertuples()]

    assert rows("1960-01-15", "JPN") == [("others", "JPN", "certain"), ("trade", "JPN", "possible")]
    assert rows("1960-02-01", "JPN") == [("others", "JPN", "certain"), ("trade", "JPN", "certain")]
    assert rows("1978-01-01", "PAK") == []
    assert ("pact", "JPN", "possible") in rows("1980-05-15", "JPN")  # ended within May 1980
    assert ("pact", "JPN", "certain") in rows("1980-04-30", "JPN")
    assert "pact" not in {r[0] for r in rows("1980-06-01", "JPN")}
    assert [r[0] for r in rows("1995-01-01")] == ["anzus"] * 3 + ["others"] * 2 + ["trade"] * 2
    frame = alliance_data.agreements_in_force("1960-02-01", "JPN")
    assert list(frame.columns) == ["agreement_id", "title", "kind", "collective_defense",
                                   "in_force_date", "party_id", "certainty"]  # fmt: skip
    assert frame.iloc[1].to_dict() == {
        "agreement_id": "trade", "title": "Trade pact", "kind": "executive_agreement",
        "collective_defense": False, "in_force_date": pd.Timestamp("1960-01-01"),
        "party_id": "JPN", "certainty": "certain"}  # fmt: skip
    assert set(asked) == {"9.9.9", None}


def test_questions_outside_the_data(asked: list) -> None:
    with pytest.raises(InvalidArgument, match=r"^on: 'soon' is not a day in YYYY-MM-DD form$"):
        alliance_data.allies("soon")
    with pytest.raises(InvalidArgument, match=r"^on: 'soon' is not a day"):
        alliance_data.agreements_in_force("soon")
    message = (
        "2021-04-02 is after this release's date (2021-04-01); the data does not know what "
        "happened then — use a newer release"
    )
    for ask in (alliance_data.allies, alliance_data.agreements_in_force):
        with pytest.raises(InvalidArgument) as caught:
            ask("2021-04-02")
        assert str(caught.value) == message
    with pytest.warns(UserWarning) as warned:
        assert alliance_data.allies("1940-01-01").empty
    # the warning points at the caller's line (mutmut's trampoline adds a frame of its own)
    if "mutmut" in sys.modules:
        assert not warned[0].filename.endswith("alliances.py")
    else:
        assert warned[0].filename == __file__
    assert str(warned[0].message) == (
        "1940-01-01 is before the first U.S. collective-defense treaty in the data entered "
        "into force (1950-01-01): the answer is empty by construction"
    )


def test_a_release_without_memberships_names_the_version(monkeypatch) -> None:
    monkeypatch.setattr(api, "tables", lambda version=None: ["agreements", "parties"])
    with pytest.raises(InvalidArgument) as caught:
        alliance_data.allies("2000-01-01", version="0.3.0")
    assert str(caught.value) == (
        "release 0.3.0 has no agreement_memberships table (added in 0.4.0); use a newer version"
    )


def test_the_version_asked_for_is_the_version_read(monkeypatch) -> None:
    from alliance_data import alliances

    asked: list = []

    def tables(version=None):
        asked.append(("tables", version))
        return ["agreements", "agreement_memberships", "agreement_events", "parties"]

    frames = {"agreements": AGREEMENTS, "agreement_memberships": MEMBERSHIPS,
              "agreement_events": EVENTS, "parties": PARTIES}  # fmt: skip

    def load(name, version=None):
        asked.append((name, version))
        return frames[name]

    monkeypatch.setattr(api, "tables", tables)
    monkeypatch.setattr(api, "load", load)
    assert alliances._frames("9.9.9").keys() == frames.keys()
    assert asked == [("tables", "9.9.9")] + [(name, "9.9.9") for name in frames]
