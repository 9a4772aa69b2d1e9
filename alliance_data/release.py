"""Building a release folder, and publishing it as a new immutable version.

A build writes into a temporary sibling folder and renames it into place only when every
file is written, so a failure never leaves a partial release behind.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

from . import data_dictionary, records
from .checks import validate
from .export import sorted_rows, write_csv, write_parquet
from .integrity import sha256
from .schema import dumps, table_schema
from .semver import check_version
from .tables import TABLES

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"
NAME = "alliance-data"
TITLE = "alliance_data: U.S. alliance diplomacy — meetings, officials, commitments, agreements"
DESCRIPTION = (
    "A versioned, source-traced dataset of U.S. alliance diplomacy. Every record traces to "
    "a source in the sources table and carries evidence (an exact quote or a citation)."
)
LICENSES = [
    {
        "name": "CC-BY-4.0",
        "path": "https://creativecommons.org/licenses/by/4.0/",
        "title": "Creative Commons Attribution 4.0 (the data; Office of the Historian "
        "records it includes are CC0 1.0)",
    },
    {
        "name": "MIT",
        "path": "https://opensource.org/license/mit",
        "title": "MIT License (the code)",
    },
]
KEYWORDS = ["alliances", "diplomacy", "United States", "Japan", "South Korea", "meetings"]


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


def _descriptor(version: str, created: str, folder: Path, sources: list[dict]) -> dict[str, Any]:
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
    records_dir: Path | str | None = None,
    *,
    version: str = "0.0.0",
    date: dt.date | None = None,
    text_dirs: list[Path] | None = None,
) -> Path:
    """Build a complete release into ``outdir`` (absent or empty); nothing is left on failure."""
    outdir = Path(outdir)
    check_version(version)
    if outdir.exists() and (not outdir.is_dir() or any(outdir.iterdir())):
        raise ReleaseError(f"{outdir} exists and is not empty; a build needs an empty folder")
    directory = Path(records_dir) if records_dir else records.DEFAULT_RECORDS
    loaded = records.read(directory)
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
    book = data_dictionary.markdown(examples, version)
    (folder / "codebook.md").write_text(book, encoding="utf-8")
    created = f"{date.isoformat()}T00:00:00Z"
    sources = _sources_meta(sorted_rows("sources", loaded.dicts("sources")))
    descriptor = _descriptor(version, created, folder, sources)
    (folder / "datapackage.json").write_text(dumps(descriptor), encoding="utf-8")
