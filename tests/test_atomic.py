"""Atomic writes: old or new content, never a mix; temporary files named, found and removed."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from alliance_data import atomic


@pytest.fixture
def synced(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What was fsync'ed: file names (by descriptor) and folders, in order."""
    calls: list[str] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        calls.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return calls


def test_write_bytes_replaces_the_target_and_syncs_file_then_folder(tmp_path: Path, synced):
    target = tmp_path / "index.json"
    target.write_bytes(b"old")
    assert atomic.write_bytes(target, b"new") == target
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["index.json"]
    assert len(synced) == 2
    assert Path(synced[0]).parent == tmp_path and atomic.is_leftover(Path(synced[0]))
    assert synced[1] == str(tmp_path)


def test_write_text_is_utf8_and_keeps_line_ends(tmp_path: Path) -> None:
    target = atomic.write_text(str(tmp_path / "c.cff"), "Tōkyō\r\nline\n")
    assert target == tmp_path / "c.cff"
    assert target.read_bytes() == "Tōkyō\r\nline\n".encode()


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path, error) -> None:
    target = tmp_path / "records.yaml"
    target.write_bytes(b"old")
    with pytest.raises(error), atomic.temp_beside(target) as (handle, tmp):
        handle.write(b"half")
        assert tmp.parent == tmp_path and tmp.name.startswith(".records.yaml.tmp-")
        raise error()
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["records.yaml"]


@pytest.mark.parametrize(
    ("name", "leftover"),
    [
        (".meetings.yaml.tmp-ab12_x", True),
        (".a.tmp-Z", True),
        ("meetings.yaml.tmp-ab12", False),  # not hidden: not ours
        (".meetings.yaml.tmp-", False),
        (".meetings.yaml.tmp-ab-12", False),
        (".tmp-ab12", False),
        (".meetings.yaml", False),
    ],
)
def test_is_leftover(name: str, leftover: bool) -> None:
    assert atomic.is_leftover(Path("records") / name) is leftover


def test_clean_leftovers_removes_only_temporary_files(tmp_path: Path) -> None:
    (tmp_path / ".a.yaml.tmp-x1").write_text("half")
    (tmp_path / ".b.yaml.tmp-x2").write_text("half")
    (tmp_path / "a.yaml").write_text("kept")
    (tmp_path / ".c.tmp-dir").mkdir()
    outside = tmp_path.parent / "outside.txt"
    outside.write_text("kept")
    (tmp_path / ".d.tmp-link").symlink_to(outside)
    removed = atomic.clean_leftovers(str(tmp_path))
    assert sorted(p.name for p in removed) == [".a.yaml.tmp-x1", ".b.yaml.tmp-x2"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".c.tmp-dir", ".d.tmp-link", "a.yaml"]
    assert outside.read_text() == "kept"
    assert atomic.clean_leftovers(tmp_path / "missing") == []


def test_fsync_dir_tolerates_what_cannot_be_synced(tmp_path: Path, monkeypatch) -> None:
    atomic.fsync_dir(tmp_path / "missing")  # cannot be opened: nothing to do
    closed: list[int] = []
    real_close = os.close

    def close(fd: int) -> None:
        closed.append(fd)
        real_close(fd)

    def refuse(fd: int) -> None:
        raise OSError("not supported")

    monkeypatch.setattr(os, "close", close)
    monkeypatch.setattr(os, "fsync", refuse)
    atomic.fsync_dir(tmp_path)
    assert len(closed) == 1  # the folder's descriptor is closed even when fsync fails


def test_fsync_tree_syncs_every_file_and_folder_but_not_links(tmp_path: Path, synced) -> None:
    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "a.csv").write_text("a")
    (tmp_path / "b.json").write_text("b")
    (tmp_path / "link").symlink_to(tmp_path / "b.json")
    atomic.fsync_tree(str(tmp_path))
    assert sorted(synced) == sorted(
        str(p) for p in (tmp_path / "csv" / "a.csv", tmp_path / "b.json", tmp_path / "csv",
                         tmp_path)
    )  # fmt: skip
    assert synced[-1] == str(tmp_path)  # the top folder last
    assert synced.index(str(tmp_path / "csv" / "a.csv")) < synced.index(str(tmp_path / "csv"))
