"""The committed releases: intact, valid, reproducible from the records, shipped in the wheel."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from frictionless import Package

import alliance_data
from alliance_data import citation, index
from alliance_data.integrity import file_inventory
from alliance_data.release import build
from conftest import ROOT, SEEDS

RELEASES = ROOT / "releases"
VERSIONS = index.load(RELEASES / "index.json")
LATEST = VERSIONS[-1]


def test_package_version_is_the_latest_data_version() -> None:
    assert alliance_data.__version__ == LATEST.version
    assert alliance_data.versions() == [v.version for v in VERSIONS]


def test_index_lists_exactly_the_release_folders() -> None:
    folders = sorted(p.name for p in RELEASES.iterdir() if p.is_dir())
    assert folders == sorted(v.version for v in VERSIONS)


@pytest.mark.parametrize("entry", VERSIONS, ids=lambda v: v.version)
def test_release_matches_its_index_hashes(entry: index.Version) -> None:
    assert file_inventory(RELEASES / entry.version) == entry.files, (
        f"releases/{entry.version} differs from releases/index.json: published releases "
        "are never rewritten; publish a new version instead"
    )


@pytest.mark.parametrize("entry", VERSIONS, ids=lambda v: v.version)
def test_release_validates_with_frictionless(entry: index.Version) -> None:
    report = Package(str(RELEASES / entry.version / "datapackage.json")).validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])


def test_latest_release_rebuilds_from_the_records(tmp_path: Path) -> None:
    """Records edited without a new release fail here: release them as a new version."""
    if not SEEDS.is_dir():
        pytest.skip(f"source texts not found at {SEEDS}; quotes cannot be checked")
    date = dt.date.fromisoformat(LATEST.date)
    again = build(tmp_path / LATEST.version, version=LATEST.version, date=date)
    committed = RELEASES / LATEST.version
    rebuilt = file_inventory(again)
    assert rebuilt.keys() == LATEST.files.keys()
    for path, meta in LATEST.files.items():
        if path.endswith(".parquet"):
            assert pq.read_table(committed / path).equals(pq.read_table(again / path)), path
        else:
            assert rebuilt[path] == meta, (
                f"{path} differs from releases/{LATEST.version}: the records changed since the "
                "last release; run `alliance-data release NEW_VERSION`"
            )


def test_citation_file_matches_the_latest_release() -> None:
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert text == citation.cff(LATEST.version, LATEST.date)


def test_changelog_has_an_entry_per_release() -> None:
    log = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    for entry in VERSIONS:
        assert f"## {entry.version} — {entry.date}" in log


def test_wheel_ships_exactly_the_latest_release(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("alliance_data-*.whl")
    assert wheel.name.startswith(f"alliance_data-{LATEST.version}-")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    shipped = sorted(
        n.removeprefix("alliance_data/_release/")
        for n in names
        if n.startswith("alliance_data/_release/")
    )
    assert shipped == sorted(LATEST.files)
    assert "alliance_data/_release_index.json" in names
    assert not [n for n in names if n.startswith("releases/")]


def test_readme_states_the_latest_row_counts() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- counts:start -->")[1].split("<!-- counts:end -->")[0]
    stated = {
        line.split("|")[1].strip().strip("`"): int(line.split("|")[2])
        for line in block.strip().splitlines()[2:]
    }
    data = RELEASES / LATEST.version / "data"
    actual = {p.stem: pq.read_metadata(p).num_rows for p in data.glob("*.parquet")}
    assert stated == actual
