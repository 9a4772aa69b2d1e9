"""Round-trips under generated data: YAML canonical form, CSV and Parquet lose nothing."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance_data_curate import records
from alliance_data_curate.models import MeetingFormat, MeetingKind, PartyKind
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


@pytest.mark.slow  # CI only: keeps plain pytest under 90 s
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


valid_text = st.text(
    alphabet=st.characters(categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=40
).filter(lambda s: s.strip() and not s.startswith(("=", "+", "@", "-")))


@st.composite
def parties(draw: st.DrawFn) -> list[dict]:
    ids = draw(st.lists(st.from_regex(r"[A-Z]{3}", fullmatch=True), max_size=6, unique=True))
    return [
        {
            "party_id": party_id,
            "name": draw(valid_text),
            "kind": draw(st.sampled_from([k.value for k in PartyKind])),
            "cow_code": draw(st.none() | st.integers(min_value=1, max_value=999)),
            "wikidata_id": draw(st.none() | st.from_regex(r"Q[1-9][0-9]{0,6}", fullmatch=True)),
        }
        for party_id in ids
    ]


@SETTINGS
@given(rows=parties())
def test_party_rows_round_trip_through_the_real_files(rows: list[dict], tmp_path_factory) -> None:
    """Rows written as the tools write them (records/*.yaml, imported CSV) read back unchanged."""
    base = tmp_path_factory.mktemp("files")
    curated, imported = base / "records", base / "imported" / "src"
    curated.mkdir()
    imported.mkdir(parents=True)
    records.write_table(curated / "parties.yaml", "parties", rows)
    write_csv("parties", sorted_rows("parties", rows), imported / "parties.csv")
    from_yaml = records.read(curated)
    assert from_yaml.problems == []
    assert from_yaml.dicts("parties") == sorted_rows("parties", rows)
    (curated / "parties.yaml").unlink()
    from_csv = records.read(curated, base / "imported")
    assert from_csv.problems == []
    assert from_csv.dicts("parties") == sorted_rows("parties", rows)
