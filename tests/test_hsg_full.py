"""The full upstream snapshot: counts, known duplicates, checks, and the committed files."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from alliance_data_curate import checks, records
from alliance_data_curate.importers.hsg import importer
from alliance_data_curate.importers.pocom import importer as pocom
from conftest import ROOT

SNAPSHOT = Path(__file__).resolve().parents[2] / "shared" / "upstream" / "hsg"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not SNAPSHOT.is_dir(), reason="upstream snapshot not present"),
]


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    """One import of the snapshot beside a copy of the curated records (shared: it takes secs)."""
    rec = tmp_path_factory.mktemp("full") / "records"
    shutil.copytree(ROOT / "records", rec)
    # The committed hsg tables stand in while pocom is imported (curated evidence cites hsg
    # sources); the hsg import then replaces them, reusing pocom's people.
    shutil.copytree(ROOT / "imported" / "hsg", rec.parent / "imported" / "hsg")
    pocom.run(rec, rec.parent / "imported", source=SNAPSHOT / "pocom")
    return rec, importer.run(rec, rec.parent / "imported", source=SNAPSHOT)


def test_counts_and_known_duplicates(full):
    rec, result = full
    s = result.summary
    assert s["rows_read"] == {"trips": 4271, "visits": 3264, "presidencies": 47, "total": 7582}
    assert (
        s["meetings_written"] == 4271 + 3264 - s["merged_exact_duplicates"] + s["journeys_written"]
    )
    assert (s["journeys_written"], s["merged_exact_duplicates"]) == (881, 2)
    assert s["files_differing_from_pinned_commit"] == []
    path = rec.parent / "imported" / "hsg" / "upstream_records.csv"
    upstream = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    by_id = {(u["source_id"], u["upstream_id"]): u for u in upstream}
    assert by_id[("hsg-travels", "4019")]["record_id"] == "hsg-trip-3992"
    assert by_id[("hsg-travels", "4019")]["status"] == "exact_duplicate"
    trips = {k for k in by_id if k[0] == "hsg-travels" and k[1].isdigit()}
    visits = {k for k in by_id if k[0] == "hsg-visits"}
    assert (len(trips), len(visits)) == (4271, 3264)  # nothing upstream is lost


def test_curated_plus_imported_pass_checks(full):
    rec, _ = full
    loaded = records.read(rec, rec.parent / "imported")
    assert loaded.problems == []
    assert checks.check(loaded) == []


def test_committed_import_is_current(full):
    """The committed imported/hsg files must be what a fresh import writes; else re-run it."""
    rec, _ = full
    committed = ROOT / "imported" / importer.SUBFOLDER
    for name in ("hsg", "pocom"):
        committed, fresh = ROOT / "imported" / name, rec.parent / "imported" / name
        stale = [
            p.name for p in fresh.iterdir() if (committed / p.name).read_bytes() != p.read_bytes()
        ]
        assert sorted(p.name for p in committed.iterdir()) == sorted(
            p.name for p in fresh.iterdir()
        )
        assert stale == [], f"imported/{name} is stale ({stale}); re-run `alliance-data import`"
    committed = ROOT / "imported" / importer.SUBFOLDER
    fresh = rec.parent / "imported" / importer.SUBFOLDER
    names = sorted(p.name for p in fresh.iterdir())
    assert sorted(p.name for p in committed.iterdir()) == names
    stale = [n for n in names if (committed / n).read_bytes() != (fresh / n).read_bytes()]
    assert stale == [], (
        f"imported/hsg is stale ({', '.join(stale)}); run "
        "`alliance-data import hsg --source ../shared/upstream/hsg` and commit the result"
    )
