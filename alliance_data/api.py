"""The public Python API behind ``alliance_data.load()`` and friends.

The shipped release (inside the wheel, or ``releases/<version>/`` in a checkout) is read
with no network; any other version is fetched once, verified and cached (``remote``).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, index
from .semver import check_version

if TYPE_CHECKING:
    import pandas as pd

PACKAGE = Path(__file__).resolve().parent


def shipped_dir() -> Path:
    wheel = PACKAGE / "_release"
    if (wheel / "datapackage.json").is_file():
        return wheel
    return PACKAGE.parent / "releases" / __version__


def _shipped_index_path() -> Path:
    wheel = PACKAGE / "_release_index.json"
    return wheel if wheel.is_file() else PACKAGE.parent / "releases" / "index.json"


@cache
def _shipped_index() -> tuple[index.Version, ...]:
    path = _shipped_index_path()
    return tuple(index.load(path)) if path.is_file() else ()


def versions() -> list[str]:
    """Released versions known to this installation, oldest first."""
    return [v.version for v in _shipped_index()]


def _entry(version: str) -> index.Version:
    from .remote import remote_index

    for entry in _shipped_index():
        if entry.version == version:
            return entry
    for entry in remote_index():
        if entry.version == version:
            return entry
    raise ValueError(f"version {version} is not released; released versions: {versions()}")


def release_dir(version: str | None = None, *, progress: bool = False) -> Path:
    """The local folder of a release, downloading and verifying it first if needed."""
    if version is None or version == __version__:
        return shipped_dir()
    check_version(version)
    from .remote import cached_release, fetch

    entry = _entry(version)
    return cached_release(entry) or fetch(entry, progress=progress)


def package_path(version: str | None = None) -> Path:
    """The local ``datapackage.json`` of a release, for Frictionless, DuckDB or Polars."""
    return release_dir(version) / "datapackage.json"


def _table_names(folder: Path) -> list[str]:
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    return [r["name"] for r in package["resources"] if r.get("format") == "csv"]


def tables(version: str | None = None) -> list[str]:
    """The table names of a release (default: the shipped one)."""
    return _table_names(release_dir(version))


def load(table: str, version: str | None = None) -> pd.DataFrame:
    """One table as a DataFrame: dates datetime64, vocabularies categorical, integers Int64."""
    if version is not None:
        check_version(version)
    folder = release_dir(version)
    names = _table_names(folder)
    if table not in names:
        raise ValueError(f"unknown table {table!r}; expected one of: {', '.join(names)}")
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow = pq.read_table(folder / "data" / f"{table}.parquet")
    mapping = {pa.int64(): pd.Int64Dtype()}
    return arrow.to_pandas(types_mapper=mapping.get, date_as_object=False)


def codebook() -> pd.DataFrame:
    """The data dictionary: table, field, type, constraints, meaning, allowed values."""
    import pandas as pd

    from . import data_dictionary as book

    return pd.DataFrame(book.rows())


def cite(version: str | None = None) -> str:
    """The citation of a release, matching CITATION.cff."""
    from .citation import text

    version = version or __version__
    check_version(version)
    dates = {v.version: v.date for v in _shipped_index()}
    return text(version, dates.get(version, ""))
