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

from alliance_data import atomic
from alliance_data.citation import DESCRIPTION, KEYWORDS, LICENSES, NAME, TITLE
from alliance_data.fetch import check_version, sha256

from . import codebook, records
from .checks import validate
from .models import TABLES
from .schemas import dumps, table_schema
from .writers import sorted_rows, write_csv, write_parquet

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
    """The ``datapackage.json`` of a release folder whose data files are written."""
    resources = []
    for table in TABLES.values():
        csv_path = folder / "data" / f"{table.name}.csv"
        schema_path = f"schemas/{table.name}.json"
        resources.append(
            {
                "name": table.name,
                "title": table.name,
                "description": table.description,
                "path": f"data/{table.name}.csv",
                "type": "table",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": csv_path.stat().st_size,
                "hash": f"sha256:{sha256(csv_path)}",
                "schema": schema_path,
            }
        )
        resources.append(
            {
                "name": f"{table.name}_parquet",
                "title": f"{table.name} (Parquet)",
                "description": f"The same rows as {table.name}, as Parquet.",
                "path": f"data/{table.name}.parquet",
                "type": "table",
                "format": "parquet",
                "mediatype": PARQUET_MEDIATYPE,
                "schema": schema_path,
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
    remove_leftovers(outdir)
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", dir=outdir.parent))
    try:
        _write(staging, loaded, version, date)
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


def _write(folder: Path, loaded: records.Records, version: str, date: dt.date) -> None:
    (folder / "data").mkdir()
    (folder / "schemas").mkdir()
    examples = {}
    for table in TABLES.values():
        rows = sorted_rows(table.name, loaded.dicts(table.name))
        write_csv(table.name, rows, folder / "data" / f"{table.name}.csv")
        write_parquet(table.name, rows, folder / "data" / f"{table.name}.parquet")
        (folder / "schemas" / f"{table.name}.json").write_text(
            dumps(table_schema(table)), encoding="utf-8"
        )
        if rows:
            examples[table.name] = rows[0]
    book = codebook.markdown(examples, version)
    (folder / "codebook.md").write_text(book, encoding="utf-8")
    created = f"{date.isoformat()}T00:00:00Z"
    sources = _sources_meta(sorted_rows("sources", loaded.dicts("sources")))
    package = descriptor(version, created, folder, sources)
    (folder / "datapackage.json").write_text(dumps(package), encoding="utf-8")
