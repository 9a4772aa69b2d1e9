"""One import run: read a snapshot (local or downloaded), build records, write them atomically.

The output goes to ``<records>/hsg/`` as canonical table files plus ``import_summary.json`` and
``near_duplicates.json``. Everything is written to a temporary folder first and swapped in by
renaming, so a failed import leaves the previous files untouched.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

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
) -> Result:
    """Import from ``source`` (a folder holding travels/ and visits/) or by pinned download.

    The tables are written as CSV to ``imported_dir/hsg/``, replacing the previous import
    in one rename.

    Example
    -------
    >>> run(Path("records"), Path("imported"), source=Path("snapshot"))  # doctest: +SKIP
    """
    records_dir = Path(records_dir)
    registry = fetch.load_registry()
    if source is not None:
        folders = {"travels": Path(source) / "travels", "visits": Path(source) / "visits"}
    else:
        folders = fetch.fetch(commits, cache=cache, base_url=base_url, registry=registry)
    snap = read_snapshot(folders["travels"], folders["visits"])
    pinned = fetch.pinned_commits(registry)
    curated = read_curated(records_dir)
    curated.add_pocom(read_output(imported_dir))
    result = build(snap, countries.load(), curated, pinned)
    result.summary["files_differing_from_pinned_commit"] = fetch.check_snapshot(folders, registry)
    write(result, imported_dir / SUBFOLDER)
    return result


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def write(result: Any, target: Path, *, near_duplicates: str | None = NEAR_DUPLICATES_FILE) -> None:
    """Write every table and report to a temp folder, then swap it in for ``target``.

    ``result`` has ``tables`` and ``summary`` (and ``near_duplicates`` when that file is named).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    # Beside the records folder, not in it: a leftover must never be read as records.
    staging = Path(tempfile.mkdtemp(prefix=".hsg-import-", dir=target.parent.parent))
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
        _swap(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap(staging: Path, target: Path) -> None:
    old = target.parent.parent / f".hsg-old-{staging.name}"
    if target.exists():
        target.rename(old)
    try:
        staging.rename(target)
    except OSError:
        if old.exists():
            old.rename(target)
        raise
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
    )
