"""One pocom import run: read a snapshot (local or downloaded), build records, write atomically.

Output: ``imported/pocom/*.csv`` plus ``import_summary.json``, written beside the hsg import by
the same atomic writer. Run it before ``import hsg``: the hsg import reads this output so that
travellers who are pocom people get the same official and their dated positions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..hsg import countries, fetch
from ..hsg.importer import read_curated, write
from .build import Result, build
from .output import SUBFOLDER
from .parse import read_snapshot

REGISTRY = Path(__file__).with_name("registry.json")


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
    """Import pocom from ``source`` (the repository's folder) or by pinned, hashed download.

    A local snapshot that differs from the pinned files is refused unless ``allow_unpinned``
    (see ``hsg.fetch.require_pinned``); the import is written only if it validates.

    Example
    -------
    >>> run(Path("records"), Path("imported"), source=Path("hsg/pocom"))  # doctest: +SKIP
    """
    registry = fetch.load_registry(REGISTRY)
    if source is not None:
        folder = Path(source)
    else:
        folder = fetch.fetch(commits, cache=cache, base_url=base_url, registry=registry)["pocom"]
    differing = fetch.require_pinned({"pocom": folder}, registry, REGISTRY, allow_unpinned)
    snap = read_snapshot(folder)
    commit = fetch.pinned_commits(registry)["pocom"]
    result = build(snap, countries.load(), read_curated(Path(records_dir)), commit)
    result.summary["files_differing_from_pinned_commit"] = differing
    write(result, Path(imported_dir) / SUBFOLDER, Path(records_dir), near_duplicates=None)
    return result


def summary_line(summary: dict[str, Any]) -> str:
    """The one-line summary the CLI prints."""
    read, written = summary["rows_read"], summary["rows_written"]
    return (
        f"pocom import: read {read['total']} upstream rows ({read['people']} people, "
        f"{read['principals']} principal officers, {read['chiefs_of_mission_countries']} "
        f"chiefs of mission to countries, {read['chiefs_of_mission_organizations']} to "
        f"organisations); wrote {written['officials']} officials and {written['positions']} "
        f"positions; dropped {summary['dropped_rows']}"
    )
