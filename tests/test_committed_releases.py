"""The committed releases: intact, valid, reproducible from the records, shipped in the wheel."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from frictionless import Package

import alliance_data
from alliance_data import citation
from alliance_data import fetch as index
from alliance_data.fetch import file_inventory
from alliance_data.layout import release_files
from alliance_data_curate import records, sqlite
from alliance_data_curate.build import build
from alliance_data_curate.release import notes
from conftest import ROOT, SEEDS

RELEASES = ROOT / "releases"
VERSIONS = index.load_index(RELEASES / "index.json")
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


@pytest.mark.slow  # releases are immutable: their hashes are checked on every run instead
@pytest.mark.parametrize("entry", VERSIONS, ids=lambda v: v.version)
def test_release_validates_with_frictionless(entry: index.Version) -> None:
    report = Package(str(RELEASES / entry.version / "datapackage.json")).validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])


@pytest.mark.slow
def test_latest_release_rebuilds_from_the_records(tmp_path: Path) -> None:
    """Records edited without a new release fail here: release them as a new version."""
    if not SEEDS.is_dir():
        pytest.skip(f"source texts not found at {SEEDS}; quotes cannot be checked")
    date = dt.date.fromisoformat(LATEST.date)
    again = build(
        tmp_path / LATEST.version,
        ROOT / "records",
        ROOT / "imported",
        version=LATEST.version,
        date=date,
        text_dirs=[SEEDS],
        notes=notes(ROOT / "CHANGELOG.md", LATEST.version),
    )
    committed = RELEASES / LATEST.version
    rebuilt = file_inventory(again)
    assert rebuilt.keys() == LATEST.files.keys()
    for path, meta in LATEST.files.items():
        if path.endswith(".parquet"):
            assert pq.read_table(committed / path).equals(pq.read_table(again / path)), path
        elif path.endswith(".sqlite"):  # bytes depend on the SQLite library's version
            assert sqlite.content(committed / path) == sqlite.content(again / path), path
        elif path == "datapackage.json":  # which lists the database's hash and size
            assert _without_sqlite_hash(committed / path) == _without_sqlite_hash(again / path)
        else:
            assert rebuilt[path] == meta, (
                f"{path} differs from releases/{LATEST.version}: the records changed since the "
                "last release; run `alliance-data release NEW_VERSION`"
            )


def _without_sqlite_hash(path: Path) -> dict:
    package = json.loads(path.read_text(encoding="utf-8"))
    for resource in package["resources"]:
        if resource.get("format") == "sqlite":
            del resource["hash"], resource["bytes"]
    return package


def test_citation_file_matches_the_latest_release() -> None:
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert text == citation.cff(LATEST.version, LATEST.date)


def test_changelog_has_an_entry_per_release() -> None:
    log = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    for entry in VERSIONS:
        assert f"## {entry.version} — {entry.date}" in log


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out)]
    subprocess.run([*command, str(ROOT)], check=True, capture_output=True)
    (built,) = out.glob("alliance_data-*.whl")
    return built


def test_wheel_ships_exactly_the_latest_release(wheel: Path) -> None:
    assert wheel.name.startswith(f"alliance_data-{LATEST.version}-")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    prefix = "alliance_data/_release/"
    shipped = sorted(n.removeprefix(prefix) for n in names if n.startswith(prefix))
    assert shipped == sorted(LATEST.files)
    assert "alliance_data/_release_index.json" in names
    assert not [n for n in names if n.startswith("releases/")]


USER_SCRIPT = """
import json, os, sys
import alliance_data
assert alliance_data.__file__.startswith(sys.argv[1]), alliance_data.__file__
counts = {t: len(alliance_data.load(t)) for t in alliance_data.tables()}
old = {}
if len(alliance_data.versions()) > 1:
    oldest = alliance_data.versions()[0]
    old = {"version": oldest, "meetings": len(alliance_data.load("meetings", version=oldest))}
print(json.dumps({"version": alliance_data.__version__, "counts": counts, "old": old}))
"""


@pytest.mark.slow  # CI only: keeps plain pytest under 90 s
def test_installed_wheel_loads_every_table_offline_and_fetches_older_versions(
    wheel: Path, tmp_path: Path, http_server, refusing_url: str
) -> None:
    """What a new user does: install the wheel, load offline; fetch an older version, cached."""
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    url, served = http_server
    shutil.copytree(RELEASES, served, dirs_exist_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(site),
        "ALLIANCE_DATA_URL": url,
        "ALLIANCE_DATA_CACHE": str(tmp_path / "cache"),
    }
    run = [sys.executable, "-c", USER_SCRIPT, str(site)]
    first = json.loads(
        subprocess.run(
            run, env=env, cwd=tmp_path, capture_output=True, text=True, check=True
        ).stdout
    )
    assert first["version"] == LATEST.version
    assert first["counts"] == _latest_counts()
    env["ALLIANCE_DATA_URL"] = refusing_url  # the server is gone: cache only
    again = json.loads(
        subprocess.run(
            run, env=env, cwd=tmp_path, capture_output=True, text=True, check=True
        ).stdout
    )
    assert again == first


def _latest_counts() -> dict[str, int]:
    folder = RELEASES / LATEST.version
    return {
        t: sum(pq.read_metadata(p).num_rows for p in release_files(folder, t, "parquet"))
        for t in alliance_data.tables()
    }


def test_readme_states_the_latest_row_counts() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- counts:start -->")[1].split("<!-- counts:end -->")[0]
    stated = {
        line.split("|")[1].strip().strip("`"): int(line.split("|")[2])
        for line in block.strip().splitlines()[2:]
    }
    assert stated == _latest_counts()


@pytest.mark.slow  # CI only: keeps plain pytest under 90 s
def test_readme_states_where_the_rows_come_from() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- origin:start -->")[1].split("<!-- origin:end -->")[0]
    loaded = records.read(ROOT / "records", ROOT / "imported")
    for line in block.strip().splitlines()[2:]:
        cells = [c.strip().strip("`") for c in line.strip("|").split("|")]
        rows = loaded.rows[cells[0]]
        imported = sum(1 for r in rows if r.file.endswith(".csv"))  # imported/<source>/
        assert (int(cells[1]), int(cells[2])) == (len(rows) - imported, imported), cells[0]


def test_readme_links_the_latest_codebook() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"(releases/{LATEST.version}/codebook.md)" in readme
    assert (RELEASES / LATEST.version / "codebook.md").is_file()


def test_cite_matches_the_citation_file() -> None:
    cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    text = alliance_data.cite()
    for key in ("title", "version"):
        value = next(
            line.split(": ", 1)[1].strip('"')
            for line in cff.splitlines()
            if line.startswith(f"{key}:")
        )
        assert value in text
    assert LATEST.date[:4] in text
