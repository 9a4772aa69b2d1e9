"""One import run: read a snapshot (local or downloaded), build records, write them atomically.

The output goes to ``<records>/hsg/`` as canonical table files plus ``import_summary.json`` and
``near_duplicates.json``. Everything is written to a temporary folder first and swapped in by
renaming, so a failed import leaves the previous files untouched.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from alliance_data import atomic

from ... import records as records_mod
from ...models import TABLES
from ...writers import sorted_rows, write_csv
from ..pocom.output import read_output
from . import countries, fetch
from .build import Result, build
from .parse import read_snapshot
from .people import Curated

SUBFOLDER = "hsg"
SUMMARY_FILE = "import_summary.json"
NEAR_DUPLICATES_FILE = "near_duplicates.json"


def read_curated(records_dir: Path) -> Curated:
    """The curated tables (``records/``), whose officials the import reuses."""
    loaded = records_mod.read(records_dir)
    return Curated.from_tables({t: loaded.dicts(t) for t in TABLES})


def run(
    records_dir: Path,
    imported_dir: Path,
    *,
    source: Path | None = None,
    commits: list[str] | None = None,
    base_url: str | None = None,
    cache: Path | None = None,
    allow_unpinned: bool = False,
) -> Result:
    """Import from ``source`` (a folder holding travels/ and visits/) or by pinned download.

    The tables are written as CSV to ``imported_dir/hsg/``, replacing the previous import
    in one rename, and only when they validate together with the curated records and the
    other imported sources (every model, and the cross-record checks: keys, duplicate
    primary keys, foreign keys, evidence, titles, dates).

    Parameters
    ----------
    allow_unpinned
        Import a local snapshot even when some of its files are missing or differ from the
        sha256 the registry pins; the summary lists those files. Without it such a
        snapshot is refused.

    Raises
    ------
    UpstreamError
        The snapshot is unreadable, or differs from the pinned files (without
        ``allow_unpinned``); nothing is written.
    records.RecordsError
        The import would not validate; the previous files are kept.

    Example
    -------
    >>> run(Path("records"), Path("imported"), source=Path("snapshot"))  # doctest: +SKIP
    """
    records_dir, imported_dir = Path(records_dir), Path(imported_dir)
    recover(imported_dir / SUBFOLDER)
    registry = fetch.load_registry()
    if source is not None:
        folders = {"travels": Path(source) / "travels", "visits": Path(source) / "visits"}
    else:
        folders = fetch.fetch(commits, cache=cache, base_url=base_url, registry=registry)
    differing = fetch.require_pinned(folders, registry, fetch.REGISTRY, allow_unpinned)
    snap = read_snapshot(folders["travels"], folders["visits"])
    pinned = fetch.pinned_commits(registry)
    curated = read_curated(records_dir)
    curated.add_pocom(read_output(imported_dir))
    result = build(snap, countries.load(), curated, pinned, strict=not differing)
    result.summary["files_differing_from_pinned_commit"] = differing
    write(result, imported_dir / SUBFOLDER, records_dir)
    return result


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


STAGING_PREFIX = ".hsg-import-"
OLD_PREFIX = ".hsg-old-"


def recover(target: Path) -> None:
    """Undo what a killed import left: restore the previous tables if the swap was cut
    between its two renames, and remove staging folders.

    Example
    -------
    >>> recover(Path("imported/hsg"))  # doctest: +SKIP
    """
    parent = target.parent.parent
    if not parent.is_dir():
        return
    olds = sorted(parent.glob(f"{OLD_PREFIX}*"), key=lambda p: p.stat().st_mtime)
    if not target.exists() and olds:
        olds[-1].rename(target)  # the newest previous import comes back
    for leftover in [*parent.glob(f"{STAGING_PREFIX}*"), *parent.glob(f"{OLD_PREFIX}*")]:
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)


def write(
    result: Any,
    target: Path,
    records_dir: Path | None = None,
    *,
    near_duplicates: str | None = NEAR_DUPLICATES_FILE,
) -> None:
    """Write every table and report to a temp folder, validate, then swap it in for ``target``.

    ``result`` has ``tables`` and ``summary`` (and ``near_duplicates`` when that file is named).

    With ``records_dir``, the staged tables are validated together with the curated records
    and the other imported sources first; any problem refuses the import (RecordsError)
    and the previous files stay.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    # Beside the records folder, not in it: a leftover must never be read as records.
    root = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=target.parent.parent))
    staging = root / target.name
    staging.mkdir()
    staging.chmod(0o755)
    try:
        for table, rows in result.tables.items():
            if rows or table == "meeting_relations":
                model = TABLES[table].model
                full = [model.model_validate(row).model_dump() for row in rows]
                write_csv(table, sorted_rows(table, full), staging / f"{table}.csv", newline="\n")
        (staging / SUMMARY_FILE).write_text(_json(result.summary), encoding="utf-8")
        for name, data in getattr(result, "reports", {}).items():
            (staging / name).write_text(_json(data), encoding="utf-8")
        if near_duplicates:
            (staging / near_duplicates).write_text(_json(result.near_duplicates), encoding="utf-8")
        if records_dir is not None:
            _validate(staging, target, records_dir)
        atomic.fsync_tree(staging)
        _swap(staging, target)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _validate(staging: Path, target: Path, records_dir: Path) -> None:
    """The staged tables must validate with the curated records and other imported sources."""
    from ... import checks

    loaded = records_mod.read(records_dir, staging.parent)
    others = target.parent
    if others.is_dir():
        for folder in sorted(others.iterdir()):
            if folder.name != target.name and folder.is_dir():
                records_mod.read_imported(folder, loaded, None)
    problems = loaded.problems + checks.check(loaded)
    if problems:
        staged = str(staging)
        shown = [replace(p, file=p.file.replace(staged, str(target))) for p in problems]
        raise records_mod.RecordsError(shown)


def _swap(staging: Path, target: Path) -> None:
    old = target.parent.parent / f"{OLD_PREFIX}{staging.parent.name}"
    if target.exists():
        target.rename(old)
    try:
        staging.rename(target)
    except OSError:
        if old.exists():
            old.rename(target)
        raise
    atomic.fsync_dir(target.parent)
    shutil.rmtree(old, ignore_errors=True)


def summary_line(summary: dict[str, Any]) -> str:
    """The one-line summary the CLI prints and the release notes quote."""
    read = summary["rows_read"]
    return (
        f"hsg import: read {read['total']} upstream rows ({read['trips']} trips, "
        f"{read['visits']} visits, {read['presidencies']} presidencies); "
        f"wrote {summary['meetings_written']} meetings; "
        f"merged {summary['merged_exact_duplicates']} exact duplicates; "
        f"flagged {summary['near_duplicates_flagged']} near-duplicates; "
        f"unmapped {summary['unmapped']}"
        + _differing_note(summary.get("files_differing_from_pinned_commit") or [])
    )


def _differing_note(differing: list[str]) -> str:
    if not differing:
        return ""
    more = f" and {len(differing) - 5} more" if len(differing) > 5 else ""
    return (
        f"; {len(differing)} file(s) not as pinned (--allow-unpinned): "
        + ", ".join(differing[:5])
        + more
    )
