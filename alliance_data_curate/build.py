"""Building a release folder from the records: CSV, Parquet, schemas, codebook, datapackage.

A build writes into a temporary sibling folder and renames it into place only when every
file is written, so a failure never leaves a partial release behind. Publishing a built
folder as a new version is ``release.py``'s job.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

from alliance_data import layout
from alliance_data.citation import DESCRIPTION, KEYWORDS, LICENSES, NAME, TITLE
from alliance_data.fetch import check_version, sha256

from . import codebook, records
from .checks import validate
from .models import TABLES
from .schemas import dumps, spark_ddl, table_schema
from .writers import release_rows, sorted_rows, to_arrow, write_csv, write_parts

PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"


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


def build(
    outdir: Path | str,
    records_dir: Path | str,
    imported_dir: Path | str | None = None,
    *,
    version: str = "0.0.0",
    date: dt.date | None = None,
    text_dirs: list[Path] | None = None,
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
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", dir=outdir.parent))
    try:
        _write(staging, loaded, version, date)
        if outdir.exists():
            outdir.rmdir()
        staging.rename(outdir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return outdir


def _write(folder: Path, loaded: records.Records, version: str, date: dt.date) -> None:
    examples = {}
    for table in TABLES.values():
        rows = release_rows(table.name, loaded.dicts(table.name))
        write_tables(folder, table.name, rows)
        if rows:
            examples[table.name] = rows[0]
    book = codebook.markdown(examples, version)
    (folder / "codebook.md").write_text(book, encoding="utf-8")
    created = f"{date.isoformat()}T00:00:00Z"
    sources = _sources_meta(sorted_rows("sources", loaded.dicts("sources")))
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
        The rows, in release order (``writers.release_rows``).
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
