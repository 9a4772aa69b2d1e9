"""Crash safety with real ``kill -9``: every file is old or new, and the next run completes.

``format`` of a large file is killed at several moments; ``release`` is killed at each of
its steps (after the build, after the journal, after the rename, during the metadata
updates, before the index) and rerun. The hsg importer refuses what would not validate and
restores the previous import if a swap was cut short.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from test_hsg_import import FIXTURES as HSG
from test_hsg_import import curated

from alliance_data.cli import main
from alliance_data.fetch import file_inventory
from alliance_data_curate import records
from alliance_data_curate.importers.hsg import importer
from alliance_data_curate.importers.hsg.parse import UpstreamError
from alliance_data_curate.release import release
from alliance_data_curate.repo import Checkout
from conftest import RECORDS_MIN, ROOT, TEXTS

pytestmark = pytest.mark.slow  # real kill -9 of subprocesses: CI runs them (CI=true)

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _meetings(n: int) -> list[dict]:
    return [
        {
            "meeting_id": f"m-{i:06d}",
            "title": f"Meeting number {i} of the large test file",
            "kind": "bilateral_meeting",
            "format": "in_person",
            "start_date": dt.date(2000, 1, 1) + dt.timedelta(days=i % 9000),
            "date_precision": "day",
            "city": "Tokyo",
            "country": "JPN",
        }
        for i in range(n)
    ]


@pytest.fixture(scope="module")
def large(tmp_path_factory) -> tuple[Path, bytes, bytes]:
    """A records folder with one large, non-canonical meetings file: (folder, old, new)."""
    base = tmp_path_factory.mktemp("large")
    folder = base / "records"
    folder.mkdir()
    text = records.canonical("meetings", _meetings(2_000))
    old = text.replace("  kind: bilateral_meeting\n", "  kind: 'bilateral_meeting'\n").encode()
    (folder / "meetings.yaml").write_bytes(old)
    return folder, old, text.encode()


def _format(folder: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "alliance_data", "format", "--records", str(folder)]
    return subprocess.Popen(command, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL)


def _kill_and_rerun(folder: Path, old: bytes, new: bytes, wait) -> bytes:
    """Start format, kill -9 it when ``wait(process)`` returns, check, rerun to completion."""
    process = _format(folder)
    wait(process)
    process.send_signal(signal.SIGKILL)
    process.wait()
    content = (folder / "meetings.yaml").read_bytes()
    assert content in (old, new), "a torn file after kill -9"
    assert _format(folder).wait() == 0  # the next run completes and cleans up
    assert (folder / "meetings.yaml").read_bytes() == new
    assert sorted(p.name for p in folder.iterdir()) == ["meetings.yaml"]
    return content


def test_format_killed_while_writing_leaves_old_or_new(large, tmp_path) -> None:
    source, old, new = large
    folder = shutil.copytree(source, tmp_path / "records")

    def while_writing(process: subprocess.Popen) -> None:
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if any(p.name.startswith(".meetings.yaml.tmp-") for p in folder.iterdir()):
                return

    _kill_and_rerun(folder, old, new, while_writing)


@pytest.mark.slow
def test_format_killed_at_any_moment_leaves_old_or_new(large, tmp_path) -> None:
    source, old, new = large
    started = time.monotonic()
    assert _format(shutil.copytree(source, tmp_path / "timing")).wait() == 0
    duration = time.monotonic() - started
    for i, fraction in enumerate((0.2, 0.5, 0.8, 0.9, 0.95, 0.99)):
        folder = shutil.copytree(source, tmp_path / f"kill{i}")
        _kill_and_rerun(folder, old, new, lambda _p, f=fraction: time.sleep(duration * f))


# --- release -----------------------------------------------------------------------------

CHILD = textwrap.dedent(
    """
    import datetime as dt, os, signal, sys
    from pathlib import Path
    from alliance_data_curate import release as rel
    from alliance_data_curate.repo import Checkout

    repo, point, texts = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    def after(function):
        def wrapped(*args, **kwargs):
            result = function(*args, **kwargs)
            die()
            return result
        return wrapped

    if point == "built":
        rel.build = after(rel.build)
    elif point == "journal":
        rel.atomic = type("A", (), {"write_text": staticmethod(after(rel.atomic.write_text)),
                                    "fsync_dir": staticmethod(rel.atomic.fsync_dir)})
    elif point == "renamed":
        rel._publish = die
    elif point == "changelog":
        rel._changelog = die
    elif point == "index":
        rel.save_index = die
    rel.release("0.2.0", Checkout(repo), date=dt.date(2021, 5, 1), text_dirs=[texts])
    """
)
POINTS = ["built", "journal", "renamed", "changelog", "index"]


def _repo(base: Path) -> Path:
    repo = base / "repo"
    shutil.copytree(RECORDS_MIN, repo / "records")
    (repo / "releases").mkdir()
    (repo / "pyproject.toml").write_text('[project]\nname = "alliance-data"\n')
    (repo / "alliance_data").mkdir()
    (repo / "alliance_data" / "__init__.py").write_text('__version__ = "0.0.0"\n')
    (repo / "CHANGELOG.md").write_text("# Changelog\n\n## Unreleased\n\n- a note\n")
    (repo / "README.md").write_text("Rows:\n<!-- counts:start -->\n<!-- counts:end -->\n")
    release("0.1.0", Checkout(repo), date=dt.date(2021, 4, 1), text_dirs=[TEXTS])
    parties = repo / "records" / "parties.yaml"
    parties.write_text(
        parties.read_text() + "- party_id: KOR\n  name: South Korea\n  kind: state\n"
    )
    return repo


def _state(repo: Path) -> dict:
    names = ["CHANGELOG.md", "CITATION.cff", "README.md", "alliance_data/__init__.py"]
    state = {name: (repo / name).read_text() for name in names}
    state["index"] = (repo / "releases" / "index.json").read_text()
    state["releases"] = sorted(p.name for p in (repo / "releases").iterdir())
    state["0.2.0"] = file_inventory(repo / "releases" / "0.2.0")
    return state


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, dict]:
    base = tmp_path_factory.mktemp("reference")
    repo = _repo(base)
    release("0.2.0", Checkout(repo), date=dt.date(2021, 5, 1), text_dirs=[TEXTS])
    return base, _state(repo)


@pytest.mark.parametrize(
    "point",
    [
        p if p in ("journal", "changelog") else pytest.param(p, marks=pytest.mark.slow)
        for p in POINTS
    ],
)
def test_release_killed_at_each_step_is_completed_or_redone(point, reference, tmp_path) -> None:
    _base, expected = reference
    repo = _repo(tmp_path)
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(repo), point, str(TEXTS)], cwd=ROOT, env=ENV
    )
    assert child.returncode == -signal.SIGKILL
    visible = "0.2.0" in (repo / "releases" / "index.json").read_text()
    assert not visible  # the index is the last step
    release("0.2.0", Checkout(repo), date=dt.date(2021, 5, 1), text_dirs=[TEXTS])
    assert _state(repo) == expected
    assert main(["release", "0.2.0", "--repo", str(repo), "--texts", str(TEXTS)]) == 2


# --- the hsg importer ----------------------------------------------------------------------


@pytest.fixture
def imported(tmp_path) -> Path:
    rec = tmp_path / "records"
    curated(rec)
    importer.run(rec, tmp_path / "imported", source=HSG, allow_unpinned=True)
    return rec


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_import_that_would_not_validate_is_refused(imported, tmp_path) -> None:
    before = _files(tmp_path / "imported" / "hsg")
    path = imported / "meetings.yaml"
    duplicate = "- meeting_id: hsg-visit-1\n  title: A clash\n  kind: visit\n  format: in_person\n"
    path.write_text(path.read_text() + duplicate)
    with pytest.raises(records.RecordsError, match="duplicate primary key") as caught:
        importer.run(imported, tmp_path / "imported", source=HSG, allow_unpinned=True)
    assert "imported/hsg/meetings.csv:" in str(caught.value)
    assert _files(tmp_path / "imported" / "hsg") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["imported", "records"]


def test_unpinned_snapshot_needs_the_flag(imported, tmp_path) -> None:
    before = _files(tmp_path / "imported" / "hsg")
    with pytest.raises(UpstreamError, match=r"differ from the sha256 pinned in registry\.json"):
        importer.run(imported, tmp_path / "imported", source=HSG)
    assert _files(tmp_path / "imported" / "hsg") == before


def test_non_numeric_xml_attribute_is_located(imported, tmp_path) -> None:
    bad = shutil.copytree(HSG, tmp_path / "bad")
    path = bad / "travels" / "presidents" / "presidents.xml"
    path.write_text(path.read_text().replace('n="46"', 'n="4x"'))
    with pytest.raises(
        UpstreamError, match=r"travels/presidents/presidents\.xml: id \S+: attribute n='4x'"
    ):
        importer.run(imported, tmp_path / "imported", source=bad, allow_unpinned=True)


def test_an_import_cut_between_its_renames_is_restored(imported, tmp_path) -> None:
    target = tmp_path / "imported" / "hsg"
    before = _files(target)
    target.rename(tmp_path / ".hsg-old-.hsg-import-abc")  # killed between the two renames
    (tmp_path / ".hsg-import-def" / "hsg").mkdir(parents=True)  # and a staging leftover
    importer.recover(target)
    assert _files(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["imported", "records"]
