"""The release's SQLite database: every table, typed, keyed, indexed and full-text searchable.

One file for SQL clients, Datasette (``alliance-data serve``) and the overview page. It holds
the same validated rows as the CSV and Parquet files, in the same order:

- columns typed from the models: text and dates (ISO ``YYYY-MM-DD``) as TEXT, integers as
  INTEGER, booleans as INTEGER 0/1; empty values are NULL;
- the declared primary keys and foreign keys, and an index on every foreign-key column;
- FTS5 full-text indexes (``<table>_fts``, external content) on titles, descriptions, names,
  summaries and quotes, the layout Datasette detects for its search box;
- two derived, virtual columns for faceting by year: ``meetings.start_year`` and
  ``commitments.year``.

The file is written with the standard library's ``sqlite3`` in one fixed sequence of
statements, so the same rows give the same bytes with the same SQLite library. Another SQLite
version may lay out pages differently (its version number is in the file header), so a
rebuild elsewhere is compared by content (:func:`content`), as Parquet files are.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .models import TABLES
from .schemas import fields

PATH = "sqlite/alliance_data.sqlite"  # within a release folder
MEDIATYPE = "application/vnd.sqlite3"
SQL_TYPES = {"string": "TEXT", "date": "TEXT", "integer": "INTEGER", "boolean": "INTEGER"}

# Columns searched by the full-text index of each table (those a table lacks are skipped).
SEARCHED: dict[str, tuple[str, ...]] = {
    "sources": ("title", "author", "publisher"),
    "parties": ("name",),
    "officials": ("name", "native_name"),
    "official_aliases": ("alias",),
    "positions": ("title", "organization"),
    "meetings": ("title", "series", "city", "venue", "description"),
    "commitments": ("summary",),
    "agreements": ("title", "summary"),
    "evidence": ("quote", "note"),
}
# Derived columns for faceting by year: (table, column, source date column).
YEARS: tuple[tuple[str, str, str], ...] = (
    ("meetings", "start_year", "start_date"),
    ("commitments", "year", "date"),
)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_table_sql(table: str) -> str:
    """The ``CREATE TABLE`` statement of a table, from its model and keys.

    Example
    -------
    >>> print(create_table_sql("agreement_parties"))  # doctest: +NORMALIZE_WHITESPACE
    CREATE TABLE "agreement_parties" (
      "agreement_id" TEXT NOT NULL,
      "party_id" TEXT NOT NULL,
      PRIMARY KEY ("agreement_id", "party_id"),
      FOREIGN KEY ("agreement_id") REFERENCES "agreements" ("agreement_id"),
      FOREIGN KEY ("party_id") REFERENCES "parties" ("party_id")
    )
    """
    spec = TABLES[table]
    lines = []
    for column in fields(table):
        null = " NOT NULL" if column.required else ""
        lines.append(f"{_quote(column.name)} {SQL_TYPES[column.type]}{null}")
    for name, derived, source in YEARS:
        if name == table and source in spec.fields:
            lines.append(
                f"{_quote(derived)} INTEGER GENERATED ALWAYS AS "
                f"(CAST(substr({_quote(source)}, 1, 4) AS INTEGER)) VIRTUAL"
            )
    lines.append(f"PRIMARY KEY ({', '.join(map(_quote, spec.primary_key))})")
    for fk in spec.foreign_keys:
        lines.append(
            f"FOREIGN KEY ({', '.join(map(_quote, fk.fields))}) REFERENCES "
            f"{_quote(fk.ref_table)} ({', '.join(map(_quote, fk.ref_fields))})"
        )
    body = ",\n  ".join(lines)
    return f"CREATE TABLE {_quote(table)} (\n  {body}\n)"


def _value(value: Any) -> Any:
    value = getattr(value, "value", value)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _statements(
    tables: dict[str, list[dict[str, Any]]],
) -> Iterator[tuple[str, list[tuple[Any, ...]] | None]]:
    """Every statement of the database, in the one order that makes the file reproducible."""
    for name, spec in TABLES.items():
        yield create_table_sql(name), None
        columns = spec.fields
        marks = ", ".join("?" for _ in columns)
        rows = [tuple(_value(row[c]) for c in columns) for row in tables[name]]
        yield f"INSERT INTO {_quote(name)} VALUES ({marks})", rows
    for name, spec in TABLES.items():
        indexed = sorted({fk.fields for fk in spec.foreign_keys})
        for keyed in indexed:
            index = _quote(f"idx_{name}_{'_'.join(keyed)}")
            yield (
                f"CREATE INDEX {index} ON {_quote(name)} ({', '.join(map(_quote, keyed))})",
                None,
            )
    for name, wanted in SEARCHED.items():
        searched = [c for c in wanted if c in TABLES[name].fields]
        fts, listed = _quote(f"{name}_fts"), ", ".join(map(_quote, searched))
        options = f"content={_quote(name)}, tokenize='unicode61 remove_diacritics 2'"
        yield f"CREATE VIRTUAL TABLE {fts} USING fts5({listed}, {options})", None
        yield (
            f"INSERT INTO {fts} (rowid, {listed}) SELECT rowid, {listed} FROM {_quote(name)}",
            None,
        )


def write(path: Path, tables: dict[str, list[dict[str, Any]]]) -> Path:
    """Write the release's SQLite database at ``path`` (which must not exist).

    Parameters
    ----------
    path
        The database file to create, e.g. ``<release>/data/alliance_data.sqlite``.
    tables
        Every table's release rows in release order (``build.release_rows``, ordered).

    Example
    -------
    >>> write(Path("/tmp/rel/sqlite/alliance_data.sqlite"), tables)  # doctest: +SKIP
    PosixPath('/tmp/rel/data/alliance_data.sqlite')
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        raise FileExistsError(f"{path} exists; the database is written once, into a new file")
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA page_size = 4096")
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.execute("BEGIN")
        for sql, rows in _statements(tables):
            if rows is not None:
                connection.executemany(sql, rows)
            else:
                connection.execute(sql)
        connection.execute("COMMIT")
        problems = connection.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise ValueError(f"{path}: foreign keys do not hold: {problems[:5]}")
        connection.execute("VACUUM")
    finally:
        connection.close()
    return path


def content(path: Path) -> list[tuple[Any, ...]]:
    """The database's schema and rows, to compare builds made with other SQLite versions.

    The schema is every object's SQL; the rows are each data table's rows in rowid order.
    The full-text indexes are left out: they are derived from the rows, and their internal
    pages are SQLite's own business.

    Example
    -------
    >>> content(Path("releases/0.4.0/data/alliance_data.sqlite"))[0]  # doctest: +SKIP
    ('table', 'agreement_parties', 'CREATE TABLE "agreement_parties" (...)')
    """
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        schema = connection.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        out: list[tuple[Any, ...]] = list(schema)
        for name in TABLES:
            out.append(("rows", name))
            out += connection.execute(f"SELECT * FROM {_quote(name)} ORDER BY rowid").fetchall()
        return out
    finally:
        connection.close()
