"""Where a release keeps each table's files: the one place every reader and writer asks.

Releases from 0.4.0 on keep Parquet in one folder per table, ``parquet/<table>/part-NNNN.parquet``
(more parts once a table outgrows one file), and CSV apart, ``csv/<table>.csv``, so that Spark,
Dask, DuckDB, Polars and ``pyarrow.dataset`` read a table by its folder. Releases 0.1.0-0.3.0
keep both in ``data/``. Either way ``datapackage.json`` names the files (a resource's ``path``
is a string or a list), so reading it is the one rule that fits every release.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FORMATS = ("csv", "parquet")


def csv_path(table: str) -> str:
    """The CSV file of ``table``, relative to a release folder (new layout)."""
    return f"csv/{table}.csv"


def parquet_dir(table: str) -> str:
    """The folder of ``table``'s Parquet parts, relative to a release folder (new layout)."""
    return f"parquet/{table}"


def part_name(number: int) -> str:
    """The file name of Parquet part ``number`` (0-based), e.g. ``part-0000.parquet``."""
    return f"part-{number:04d}.parquet"


def resource_name(table: str, fmt: str) -> str:
    """The ``datapackage.json`` resource holding ``table`` in ``fmt``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    return table if fmt == "csv" else f"{table}_parquet"


def resource_paths(resource: dict[str, Any]) -> list[str]:
    """A resource's ``path`` as a list (Data Package v2 allows a string or a list)."""
    path = resource["path"]
    return list(path) if isinstance(path, list) else [path]


def release_files(folder: Path | str, table: str, fmt: str) -> list[Path]:
    """The data files of one table in a release folder, in row order, for any release.

    Parameters
    ----------
    folder
        A release folder (it holds ``datapackage.json``).
    table
        A table name, e.g. ``"meetings"``.
    fmt
        ``"csv"`` or ``"parquet"``.

    Returns
    -------
    list of pathlib.Path
        One CSV file; one or more Parquet parts, whose rows concatenated are the table.

    Raises
    ------
    ValueError
        ``fmt`` is unknown, or the descriptor has no such resource (the message names the
        descriptor, the table and the format).

    Example
    -------
    >>> from alliance_data.api import shipped_dir
    >>> [p.suffix for p in release_files(shipped_dir(), "meetings", "parquet")]
    ['.parquet']
    """
    folder = Path(folder)
    name = resource_name(table, fmt)
    descriptor = folder / "datapackage.json"
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    for resource in package["resources"]:
        if resource["name"] == name:
            return [folder / p for p in resource_paths(resource)]
    raise ValueError(f"{descriptor}: no {fmt} resource {name!r} for table {table!r}")
