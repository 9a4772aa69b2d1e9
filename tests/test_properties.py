"""Round-trips under generated data: YAML canonical form, CSV and Parquet lose nothing."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance_data_curate import records
from alliance_data_curate.models import MeetingFormat, MeetingKind, Party
from alliance_data_curate.writers import (
    ordered_rows,
    sorted_rows,
    to_arrow,
    write_csv,
    write_parts,
)

slugs = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)
text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(lambda s: not s.startswith(("=", "+", "@")))
days = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 12, 31))


@st.composite
def meetings(draw: st.DrawFn) -> dict:
    start = draw(st.none() | days)
    end = (
        None
        if start is None
        else draw(st.none() | st.dates(min_value=start, max_value=dt.date(2031, 1, 1)))
    )
    return {
        "meeting_id": draw(slugs),
        "title": draw(text),
        "series": draw(st.none() | text),
        "kind": draw(st.sampled_from([k.value for k in MeetingKind])),
        "format": draw(st.sampled_from([f.value for f in MeetingFormat])),
        "start_date": start,
        "end_date": end,
        "date_precision": None if start is None else "day",
        "city": draw(st.none() | text),
        "venue": draw(st.none() | text),
        "country": draw(st.none() | st.sampled_from(["USA", "JPN", "KOR"])),
        "description": draw(st.none() | text),
        "series_number": draw(st.none() | st.integers(min_value=1, max_value=99)),
        "visiting_party_id": draw(st.none() | st.sampled_from(["USA", "JPN", "KOR"])),
    }


unique_meetings = st.lists(meetings(), max_size=12, unique_by=lambda m: m["meeting_id"])
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(rows=unique_meetings)
def test_canonical_yaml_round_trip(rows: list[dict]) -> None:
    text_form = records.canonical("meetings", rows)
    loaded = yaml.safe_load(text_form)
    assert (
        [{**{k: None for k in rows[0]}, **r} for r in loaded] == sorted_rows("meetings", rows)
        if rows
        else loaded == []
    )
    assert records.canonical("meetings", loaded) == text_form  # a fixed point


@SETTINGS
@given(rows=unique_meetings)
def test_parquet_round_trip(rows: list[dict], tmp_path_factory) -> None:
    ordered = ordered_rows("meetings", rows)
    (path,) = write_parts(to_arrow("meetings", ordered), tmp_path_factory.mktemp("pq"))
    assert path.name == "part-0000.parquet"
    assert pq.read_table(path).to_pylist() == ordered
    assert to_arrow("meetings", ordered).num_rows == len(rows)


@SETTINGS
@given(rows=unique_meetings)
def test_csv_round_trip(rows: list[dict], tmp_path_factory) -> None:
    path: Path = tmp_path_factory.mktemp("csv") / "meetings.csv"
    ordered = sorted_rows("meetings", rows)
    write_csv("meetings", ordered, path)
    with path.open(encoding="utf-8", newline="") as handle:
        back = list(csv.DictReader(handle))
    expected = [
        {
            k: "" if v is None else v.isoformat() if isinstance(v, dt.date) else str(v)
            for k, v in r.items()
        }
        for r in ordered
    ]
    assert back == expected


@given(code=st.integers(min_value=1, max_value=999))
def test_party_model_round_trip(code: int) -> None:
    party = Party(party_id="KOR", name="South Korea", kind="state", cow_code=code)
    assert Party.model_validate(party.model_dump()) == party
