"""The hsg country crosswalk by date: ``before`` is the first day the next entry applies."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from test_hsg_import import FIXTURES as HSG_FIXTURES
from test_hsg_import import curated

from alliance_data_curate.importers.hsg import countries, importer
from alliance_data_curate.importers.hsg.parse import UpstreamError

FIXTURES = Path(__file__).parent / "fixtures"
D = dt.date
DAY = dt.timedelta(days=1)


@pytest.fixture
def small() -> countries.Crosswalk:
    return countries.load(FIXTURES / "crosswalk_dates.yaml")


@pytest.mark.parametrize(
    ("on", "party"),
    [
        (D(1900, 1, 1), "old-split"),
        (D(2000, 2, 29), "old-split"),  # the day before the first boundary
        (D(2000, 3, 1), "one-day"),  # the boundary day: the next entry applies
        (D(2000, 3, 2), "BBB"),  # an entry that lasts a single day ends the next day
        (D(2030, 1, 1), "BBB"),
    ],
)
def test_boundary_days_of_a_small_crosswalk(small, on: dt.date, party: str) -> None:
    assert small.party("split", on, "here") == party
    assert small.party("plain", on, "here") == "AAA"


def test_unknown_slug_names_the_place_and_the_file(small) -> None:
    with pytest.raises(UpstreamError, match=r"^visits/x\.xml id 7: country slug 'nowhere' is not"):
        small.party("nowhere", D(2000, 1, 1), "visits/x.xml id 7")


def test_a_date_after_every_range_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "slugs:\n  gone: [{before: 2000-01-01, party_id: old}]\n"
        "parties:\n  old: {name: Old, kind: former_state}\n"
    )
    crosswalk = countries.load(path)
    assert crosswalk.party("gone", D(1999, 12, 31), "here") == "old"
    with pytest.raises(UpstreamError, match=r"'gone' has no entry for 2000-01-01"):
        crosswalk.party("gone", D(2000, 1, 1), "here")


def test_an_undefined_target_party_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("slugs:\n  a: ZZZ\n  b: [{before: 2000-01-01, party_id: YYY}, {party_id: A}]\n"
                    "parties:\n  A: {name: A, kind: state}\n")  # fmt: skip
    with pytest.raises(ValueError, match=r"c\.yaml: party ids used but not defined: YYY, ZZZ"):
        countries.load(path)


def test_party_row_carries_name_kind_and_code(small) -> None:
    assert small.party_row("AAA") == {
        "party_id": "AAA", "name": "Plain", "kind": "state", "cow_code": 1}  # fmt: skip
    assert small.party_row("BBB")["cow_code"] is None


def _spans() -> list[tuple[str, dt.date, str, str]]:
    """Every dated boundary of the committed crosswalk: (slug, first day, before, from then)."""
    data = yaml.safe_load(countries.CROSSWALK.read_text(encoding="utf-8"))["slugs"]
    return [
        (slug, span["before"], span["party_id"], entry[i + 1]["party_id"])
        for slug, entry in data.items()
        if isinstance(entry, list)
        for i, span in enumerate(entry)
        if "before" in span
    ]


SPANS = _spans()


def test_the_committed_crosswalk_has_dated_entries() -> None:
    assert len(SPANS) >= 12  # hawaii, korea, russia, vietnam, serbia, kosovo, germany, ...
    assert ("germany", D(1945, 6, 5), "german-reich", "allied-occupied-germany") in SPANS


@pytest.mark.parametrize(
    ("slug", "before", "until", "then"), SPANS, ids=[f"{s[0]}-{s[1]}" for s in SPANS]
)
def test_each_boundary_of_the_committed_crosswalk(slug, before, until, then) -> None:
    crosswalk = countries.load()
    assert crosswalk.party(slug, before - DAY, "here") == until
    assert crosswalk.party(slug, before, "here") == then


def test_the_importer_uses_the_start_date_on_boundary_days(tmp_path: Path) -> None:
    """Visits on 1948-08-14/15 (Korea) and 2006-06-04/05 (Serbia), through the importer."""
    source = shutil.copytree(HSG_FIXTURES, tmp_path / "hsg")
    shutil.copy(FIXTURES / "hsg_boundary" / "1948.xml", source / "visits" / "data" / "1948.xml")
    rec = tmp_path / "records"
    curated(rec)
    importer.run(rec, tmp_path / "imported", source=source, allow_unpinned=True)
    path = tmp_path / "imported" / "hsg" / "meetings.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        visiting = {r["meeting_id"]: r["visiting_party_id"] for r in csv.DictReader(handle)}
    assert {f"hsg-visit-{i}": visiting[f"hsg-visit-{i}"] for i in (901, 902, 903, 904)} == {
        "hsg-visit-901": "korea",
        "hsg-visit-902": "KOR",
        "hsg-visit-903": "CSXX",
        "hsg-visit-904": "SRB",
    }
