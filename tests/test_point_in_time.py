"""Point-in-time answers: dates with a precision, and who was an ally on a given day."""

from __future__ import annotations

import datetime as dt
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
    if "agreement_memberships" in api.tables():
        pytest.skip("the shipped release has memberships")
    with pytest.raises(InvalidArgument, match=r"^release shipped has no agreement_memberships"):
        alliance_data.allies("2000-01-01")
