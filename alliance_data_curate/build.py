"""Building a release folder from the records: CSV, Parquet, schemas, codebook, datapackage.

A build writes into a temporary sibling folder and renames it into place only when every
file is written, so a failure never leaves a partial release behind. Publishing a built
folder as a new version is ``release.py``'s job.
"""

from __future__ import annotations

import datetime as dt
import glob
import shutil
import tempfile
from pathlib import Path
from typing import Any

from alliance_data import atomic, layout
from alliance_data.citation import DESCRIPTION, KEYWORDS, LICENSES, NAME, TITLE
from alliance_data.fetch import check_version, sha256

from . import codebook, lifecycle, overview, records, sqlite
from .checks import validate
from .models import TABLES
from .schemas import dumps, spark_ddl, table_schema
from .writers import ordered_rows, sorted_rows, to_arrow, write_csv, write_parts

PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"


# Files that are not tables, described when the folder has them: (path, name, title,
# description, media type).
FILE_RESOURCES = (
    (
        sqlite.PATH,
        "alliance_data_sqlite",
        "All tables (SQLite)",
        "Every table in one SQLite database: keys, indexes and full-text search "
        "(`alliance-data serve` browses it with Datasette).",
        sqlite.MEDIATYPE,
    ),
    (
        overview.PATH,
        "overview",
        "Overview",
        "What this release holds: row counts, origin, coverage, charts, notes, citation.",
        overview.MEDIATYPE,
    ),
)


class ReleaseError(ValueError):
    """A release that must not be made (bad version, existing folder, invalid records)."""


def _sources_meta(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    wanted = ("analysis_article", "dataset")
    out = []
    for row in rows:
        if row["kind"] in wanted:
            entry = {"title": row["title"]}
            if row.get("url"):
                entry["path"] = row["url"]
            out.append(entry)
    return out


def descriptor(version: str, created: str, folder: Path, sources: list[dict]) -> dict[str, Any]:
    """The ``datapackage.json`` of a release folder whose data files are written.

    Every table is a CSV and a Parquet resource; the SQLite database and the overview page
    are file resources (size and hash checked by Frictionless) when the folder has them.
    CSV resources carry ``bytes`` and ``hash``, which frictionless checks. Parquet resources
    list their parts in ``path`` and each part's sha256 in ``x-sha256``: frictionless 5 accepts
    a ``hash`` on a Parquet resource but never checks it (a wrong one passes), and one hash
    cannot describe several parts; a declared ``bytes`` fails there. The release index holds
    every file's sha256 too, and ``alliance_data`` checks those on download.
    """
    resources = []
    for table in TABLES.values():
        csv_path = layout.csv_path(table.name)
        schema_path = f"schemas/{table.name}.json"
        parts = sorted((folder / layout.parquet_dir(table.name)).glob("part-*.parquet"))
        part_paths = [p.relative_to(folder).as_posix() for p in parts]
        resources.append(
            {
                "name": table.name,
                "title": table.name,
                "description": table.description,
                "path": csv_path,
                "type": "table",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": (folder / csv_path).stat().st_size,
                "hash": f"sha256:{sha256(folder / csv_path)}",
                "schema": schema_path,
            }
        )
        resources.append(
            {
                "name": f"{table.name}_parquet",
                "title": f"{table.name} (Parquet)",
                "description": f"The same rows as {table.name}, in the same order, as Parquet.",
                "path": part_paths,
                "type": "table",
                "format": "parquet",
                "mediatype": PARQUET_MEDIATYPE,
                "schema": schema_path,
                "x-sha256": {p: sha256(folder / p) for p in part_paths},
            }
        )
    for path, name, title, text, mediatype in FILE_RESOURCES:
        if (folder / path).is_file():
            resources.append(_file_resource(folder, path, name, title, text, mediatype))
    return {
        "$schema": PACKAGE_PROFILE,
        "name": NAME,
        "title": TITLE,
        "description": DESCRIPTION,
        "version": version,
        "created": created,
        "homepage": "https://github.com/alliance-data/alliance_data",
        "licenses": LICENSES,
        "sources": sources,
        "contributors": [{"title": "alliance_data contributors", "roles": ["author"]}],
        "keywords": KEYWORDS,
        "resources": resources,
    }


def _file_resource(
    folder: Path, path: str, name: str, title: str, description: str, mediatype: str
) -> dict[str, Any]:
    """A resource that is a file, not a table: Frictionless checks its size and hash."""
    return {
        "name": name,
        "title": title,
        "description": description,
        "path": path,
        "type": "file",
        "format": path.rsplit(".", 1)[-1],
        "mediatype": mediatype,
        "bytes": (folder / path).stat().st_size,
        "hash": f"sha256:{sha256(folder / path)}",
    }


def build(
    outdir: Path | str,
    records_dir: Path | str,
    imported_dir: Path | str | None = None,
    *,
    version: str = "0.0.0",
    date: dt.date | None = None,
    text_dirs: list[Path] | None = None,
    notes: str = "",
) -> Path:
    """Build a complete release into ``outdir`` (absent or empty); nothing is left on failure.

    Parameters
    ----------
    outdir
        The release folder to create; it must not exist or be empty.
    records_dir, imported_dir
        Curated YAML records and importers' CSV tables (see ``records.read``).
    version, date
        Written into ``datapackage.json`` and the codebook.
    text_dirs
        Where source texts are looked for, to check quotes.
    notes
        The release notes (the CHANGELOG entry, see ``release.notes``), shown on the
        overview page.

    Raises
    ------
    ReleaseError
        ``outdir`` is not empty.
    records.RecordsError
        The records do not validate; nothing is written.

    Example
    -------
    >>> build("/tmp/rel", "records", "imported", version="0.4.0")  # doctest: +SKIP
    PosixPath('/tmp/rel')
    """
    outdir = Path(outdir)
    check_version(version)
    if outdir.exists() and (not outdir.is_dir() or any(outdir.iterdir())):
        raise ReleaseError(f"{outdir} exists and is not empty; a build needs an empty folder")
    loaded = records.read(records_dir, imported_dir)
    report = validate(loaded, text_dirs)
    if report.problems:
        raise records.RecordsError(report.problems)
    date = date or dt.date.today()
    outdir.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(outdir)
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", dir=outdir.parent))
    try:
        _write(staging, loaded, version, date, notes)
        atomic.fsync_tree(staging)
        if outdir.exists():
            outdir.rmdir()
        staging.rename(outdir)
        atomic.fsync_dir(outdir.parent)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return outdir


def remove_leftovers(outdir: Path) -> list[Path]:
    """Remove staging folders (``.NAME.*`` beside ``outdir``) a killed build left behind.

    Example
    -------
    >>> remove_leftovers(Path("releases/0.4.0"))  # doctest: +SKIP
    []
    """
    removed = []
    if outdir.parent.is_dir():
        for path in outdir.parent.glob(f".{glob.escape(outdir.name)}.*"):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    return removed


def release_rows(loaded: records.Records, date: dt.date) -> dict[str, list[dict[str, Any]]]:
    """Every table's release rows: the records, plus what is derived from them on ``date``.

    Agreements get their dates and status from their events; ``agreement_memberships`` is
    built from the events. Derived rows are validated by the release models.

    Example
    -------
    >>> loaded = records.read("records", "imported")  # doctest: +SKIP
    >>> rows = release_rows(loaded, dt.date(2026, 11, 30))  # doctest: +SKIP
    >>> rows["agreements"][0]["status"]  # doctest: +SKIP
    'in_force'
    """
    out = {name: loaded.dicts(name) for name, table in TABLES.items() if not table.derived}
    events = lifecycle.by_agreement(out["agreement_events"])
    out["agreements"] = [
        lifecycle.derive_agreement(row, events.get(row["agreement_id"], []), date)
        for row in out["agreements"]
    ]
    out["agreement_memberships"] = lifecycle.memberships(
        out["agreements"], out["agreement_parties"], out["agreement_events"]
    )
    out["series_coverage"] = series_coverage(out["meetings"], out["commitments"])
    for name in ("agreements", "agreement_memberships", "series_coverage"):
        model = TABLES[name].model
        out[name] = [model.model_validate(row).model_dump() for row in out[name]]
    return out


def series_coverage(
    meetings: list[dict[str, Any]], commitments: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Per meeting of a series: is its statement coded, how many commitments, which kinds.

    A missing year of a series then shows as a missing row, and an uncoded statement as
    ``statement_coded`` false, never silently.
    """
    by_meeting: dict[str, list[dict[str, Any]]] = {}
    for row in commitments:
        if row["meeting_id"]:
            by_meeting.setdefault(row["meeting_id"], []).append(row)
    out = []
    for m in meetings:
        if not m["series"]:
            continue
        rows = by_meeting.get(m["meeting_id"], [])
        kinds = sorted({r["kind"] for r in rows})
        out.append(
            {
                "series": m["series"],
                "meeting_id": m["meeting_id"],
                "series_number": m["series_number"],
                "start_date": m["start_date"],
                "date_precision": m["date_precision"],
                "statement_coded": any(r["statement_source_id"] for r in rows),
                "commitments": len(rows),
                "kinds": "; ".join(kinds) or None,
            }
        )
    return out


def _write(folder: Path, loaded: records.Records, version: str, date: dt.date, notes: str) -> None:
    examples = {}
    tables = {name: ordered_rows(name, rows) for name, rows in release_rows(loaded, date).items()}
    for table in TABLES.values():
        rows = tables[table.name]
        write_tables(folder, table.name, rows)
        if rows:
            examples[table.name] = rows[0]
    book = codebook.markdown(examples, version)
    (folder / "codebook.md").write_text(book, encoding="utf-8")
    database = sqlite.write(folder / sqlite.PATH, tables)
    overview.write(folder / overview.PATH, database, loaded, version, date, notes)
    created = f"{date.isoformat()}T00:00:00Z"
    sources = _sources_meta(sorted_rows("sources", tables["sources"]))
    package = descriptor(version, created, folder, sources)
    (folder / "datapackage.json").write_text(dumps(package), encoding="utf-8")


def write_tables(
    folder: Path,
    table: str,
    rows: list[dict[str, Any]],
    *,
    parquet_rows: list[dict[str, Any]] | None = None,
    nullable: bool = False,
) -> None:
    """One table's CSV, Parquet parts, Table Schema and Spark DDL in a release folder.

    Parameters
    ----------
    folder
        The release folder.
    table
        The table name.
    rows
        The rows, in release order (``writers.ordered_rows``).
    parquet_rows
        Other rows for Parquet (the benchmarks plant CSV-only defects); default ``rows``.
    nullable
        Write every Parquet column as nullable (the benchmarks plant nulls in required ones).

    Example
    -------
    >>> write_tables(Path("/tmp/rel"), "parties", rows)  # doctest: +SKIP
    """
    import pyarrow as pa

    csv_path = folder / layout.csv_path(table)
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    write_csv(table, rows, csv_path)
    arrow = to_arrow(table, rows if parquet_rows is None else parquet_rows)
    if nullable:
        schema = arrow.schema
        arrow = arrow.cast(pa.schema([f.with_nullable(True) for f in schema], schema.metadata))
    write_parts(arrow, folder / layout.parquet_dir(table))
    (folder / "schemas").mkdir(exist_ok=True)
    schema = table_schema(TABLES[table])
    (folder / "schemas" / f"{table}.json").write_text(dumps(schema), encoding="utf-8")
    (folder / "schemas" / f"{table}.spark.ddl").write_text(spark_ddl(schema) + "\n", "utf-8")
