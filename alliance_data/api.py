"""The public Python API behind ``alliance_data.load()`` and friends.

The shipped release (inside the wheel, or ``releases/<version>/`` in a checkout) is read
with no network; any other version is fetched once, verified and cached (see ``fetch``).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import InvalidArgument
from .fetch import Version, check_version, load_index, shorten

if TYPE_CHECKING:
    import pandas as pd

PACKAGE = Path(__file__).resolve().parent


def shipped_dir() -> Path:
    """The folder of the release this package ships (no network needed)."""
    wheel = PACKAGE / "_release"
    if (wheel / "datapackage.json").is_file():
        return wheel
    return PACKAGE.parent / "releases" / __version__


def _shipped_index_path() -> Path:
    wheel = PACKAGE / "_release_index.json"
    return wheel if wheel.is_file() else PACKAGE.parent / "releases" / "index.json"


@cache
def _shipped_index() -> tuple[Version, ...]:
    path = _shipped_index_path()
    return tuple(load_index(path)) if path.is_file() else ()


def _check(version: str) -> str:
    try:
        return check_version(version)
    except ValueError as exc:
        raise InvalidArgument(str(exc)) from None


def versions() -> list[str]:
    """Released versions known to this installation, oldest first.

    Returns
    -------
    list of str
        Every version in the index shipped with the package, as ``MAJOR.MINOR.PATCH``.

    Example
    -------
    >>> import alliance_data
    >>> alliance_data.versions()[0]
    '0.1.0'
    """
    return [v.version for v in _shipped_index()]


def _entry(version: str) -> Version:
    """The index entry of ``version``: shipped, else cached and verified (no network), else
    from the remote index."""
    from .fetch import cached_index, cached_release, remote_index

    for entry in _shipped_index():
        if entry.version == version:
            return entry
    for entry in cached_index():
        if entry.version == version and cached_release(entry) is not None:
            return entry
    for entry in remote_index():
        if entry.version == version:
            return entry
    raise InvalidArgument(f"version {version} is not released; released versions: {versions()}")


def release_dir(version: str | None = None, *, progress: bool = False) -> Path:
    """The local folder of a release, downloading and verifying it first if needed.

    Parameters
    ----------
    version
        ``MAJOR.MINOR.PATCH``; None for the shipped release.
    progress
        Show a progress bar while downloading.

    Raises
    ------
    InvalidArgument
        ``version`` is malformed (checked before any file or network access) or unknown.
    DownloadError
        The release could not be fetched or failed its hash check.

    Example
    -------
    >>> import alliance_data.api as api
    >>> (api.release_dir() / "datapackage.json").is_file()
    True
    """
    if version is not None:
        _check(version)
    if version is None or version == __version__:
        return shipped_dir()
    from .fetch import cached_release, fetch_release

    entry = _entry(version)
    return cached_release(entry) or fetch_release(entry, progress=progress)


def package_path(version: str | None = None) -> Path:
    """The local ``datapackage.json`` of a release, for Frictionless, DuckDB or Polars.

    Parameters
    ----------
    version
        ``MAJOR.MINOR.PATCH``; None for the shipped release. Other versions are downloaded,
        verified and cached first.

    Returns
    -------
    pathlib.Path
        The descriptor; its folder holds the data files.

    Example
    -------
    >>> import alliance_data
    >>> alliance_data.package_path().name
    'datapackage.json'
    """
    return release_dir(version) / "datapackage.json"


def _descriptor(folder: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((folder / "datapackage.json").read_text("utf-8"))
    return document


def _table_names(folder: Path) -> list[str]:
    return [r["name"] for r in _descriptor(folder)["resources"] if r.get("format") == "csv"]


def tables(version: str | None = None) -> list[str]:
    """The table names of a release, in release order.

    Parameters
    ----------
    version
        ``MAJOR.MINOR.PATCH``; None for the shipped release.

    Example
    -------
    >>> import alliance_data
    >>> alliance_data.tables()[:3]
    ['sources', 'parties', 'officials']
    """
    return _table_names(release_dir(version))


def load(table: str, version: str | None = None) -> pd.DataFrame:
    """One table of a release as a pandas DataFrame, typed from its Parquet file.

    The shipped release loads with no network. Any other version is downloaded once from
    the project's published releases, every file checked against its sha256 in the release
    index, and cached; a cached, verified version loads offline.

    Parameters
    ----------
    table
        A table name, e.g. ``"meetings"`` (see :func:`tables`).
    version
        ``MAJOR.MINOR.PATCH`` of the release to read; None (default) for the shipped one.
        Use a fixed version to reproduce a past analysis.

    Returns
    -------
    pandas.DataFrame
        Rows in the release's order: from 0.4.0 on, sorted by the column users filter on
        (meetings by ``start_date``, evidence by ``table`` and ``record_id``, positions by
        ``start_date``; ties and other tables by primary key; see the codebook), earlier
        releases in primary-key order. Dates are ``datetime64`` (the first day of their period;
        see the ``*_precision`` columns), vocabularies categorical, nullable integers
        ``Int64``, text strings.

    Raises
    ------
    InvalidArgument
        (a ``ValueError``) for an unknown table, listing the valid names, or a malformed
        version, before any file or network access.
    DownloadError
        (an ``OSError``) when another version cannot be fetched or fails verification.

    Example
    -------
    >>> import alliance_data
    >>> meetings = alliance_data.load("meetings")
    >>> meetings[meetings.city == "Tokyo"].shape[1] == meetings.shape[1]
    True
    """
    if version is not None:
        _check(version)
    if not isinstance(table, str):
        raise InvalidArgument(f"table must be a table name (str), not {type(table).__name__}")
    if len(table) > 100 or not table.isascii() or not table.isprintable():
        raise InvalidArgument(f"unknown table {shorten(table)}; table names are short ASCII words")
    folder = release_dir(version)
    names = _table_names(folder)
    if table not in names:
        raise InvalidArgument(f"unknown table {table!r}; expected one of: {', '.join(names)}")
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .layout import release_files

    arrow = pa.concat_tables([pq.read_table(p) for p in release_files(folder, table, "parquet")])
    mapping = {pa.int64(): pd.Int64Dtype()}
    return arrow.to_pandas(types_mapper=mapping.get, date_as_object=False)


def codebook(version: str | None = None) -> pd.DataFrame:
    """The data dictionary of a release: one row per table and field.

    Read from the release's own Table Schemas, so it describes the tables of that version
    (not today's models).

    Parameters
    ----------
    version
        ``MAJOR.MINOR.PATCH``; None for the shipped release.

    Returns
    -------
    pandas.DataFrame
        Columns ``table, field, type, required, primary_key, constraints, meaning,
        allowed_values``.

    Example
    -------
    >>> import alliance_data
    >>> book = alliance_data.codebook()
    >>> book[book.table == "meetings"].field.iloc[0]
    'meeting_id'
    """
    import pandas as pd

    folder = release_dir(version)
    rows = []
    for resource in _descriptor(folder)["resources"]:
        if resource.get("format") != "csv":
            continue
        schema = json.loads((folder / resource["schema"]).read_text("utf-8"))
        for fld in schema["fields"]:
            rows.append(_codebook_row(resource["name"], fld, schema.get("primaryKey", [])))
    return pd.DataFrame(rows)


def _codebook_row(table: str, fld: dict[str, Any], primary_key: list[str]) -> dict[str, Any]:
    constraints = dict(fld.get("constraints", {}))
    required = bool(constraints.pop("required", False))
    enum = constraints.pop("enum", None)
    labels = {c["value"]: c.get("label", "") for c in fld.get("categories", [])}
    allowed = "; ".join(f"{v}: {labels[v]}" if labels.get(v) else v for v in enum or [])
    parts = ["required" if required else "nullable"]
    parts += [f"{k} {v}" for k, v in constraints.items()]
    return {
        "table": table,
        "field": fld["name"],
        "type": fld.get("type"),
        "required": required,
        "primary_key": fld["name"] in primary_key,
        "constraints": ", ".join(parts),
        "meaning": fld.get("description"),
        "allowed_values": allowed or None,
    }


def cite(version: str | None = None) -> str:
    """How to cite a release, matching ``CITATION.cff``.

    Parameters
    ----------
    version
        ``MAJOR.MINOR.PATCH``; None for the shipped release.

    Example
    -------
    >>> import alliance_data
    >>> "Version" in alliance_data.cite()
    True
    """
    from .citation import text

    version = _check(version or __version__)
    dates = {v.version: v.date for v in _shipped_index()}
    return text(version, dates.get(version, ""))
