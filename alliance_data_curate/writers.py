"""Writing validated rows as CSV and Parquet, byte-for-byte the same on every build."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .models import TABLES
from .schemas import arrow_schema, fields


def sorted_rows(table: str, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows in primary-key order: a stable order is what makes builds reproducible."""
    key = TABLES[table].primary_key
    return sorted(rows, key=lambda row: tuple(str(row[k]) for k in key))


NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")


def ordered_rows(table: str, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows in the order a release writes them (CSV, Parquet and SQLite alike).

    The table's sort order, then :func:`text_first`.
    """
    return text_first(table, sorted_rows(table, rows))


def text_first(table: str, ordered: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``ordered`` with a few rows moved to the top, for readers that guess column types.

    Readers that guess types from the first rows (Polars reads 100) take a text column whose
    first values look like numbers for a number column, and then fail on the first value
    that is not (``upstream_id``: ``1``, ``10``, ... then ``adams-john``). So for every text
    column that holds both kinds of values, the first row whose value does not look like a
    number leads the table; the other rows keep their order. Values never change.

    Example
    -------
    >>> rows = [{"source_id": "s", "upstream_id": u, "table": "meetings", "record_id": "m",
    ...          "status": "unique"} for u in ("1", "2", "b")]
    >>> [r["upstream_id"] for r in text_first("upstream_records", rows)]
    ['b', '1', '2']
    """
    text = [f.name for f in fields(table) if f.type == "string" and not f.enum]
    leading: set[int] = set()
    for name in text:
        numeric = [row[name] is not None and bool(NUMBER.match(str(row[name]))) for row in ordered]
        if any(numeric):
            first = next(
                (i for i, row in enumerate(ordered) if row[name] is not None and not numeric[i]),
                None,
            )
            if first is not None:
                leading.add(first)
    return [ordered[i] for i in sorted(leading)] + [
        row for i, row in enumerate(ordered) if i not in leading
    ]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(getattr(value, "value", value))


def write_csv(table: str, rows: list[dict[str, Any]], path: Path, *, newline: str = "\r\n") -> None:
    """UTF-8, header row, ISO dates, RFC 4180 quoting; null is empty.

    Releases use CRLF line ends (RFC 4180); importers' tables in the checkout use ``"\n"``
    so that git diffs stay clean.
    """
    fields = TABLES[table].fields
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(fields)
        for row in rows:
            writer.writerow([_cell(row[name]) for name in fields])


def to_arrow(table: str, rows: list[dict[str, Any]]):
    """An Arrow table with the schema derived from the model (dates, dictionaries, int64)."""
    import pyarrow as pa

    schema = arrow_schema(table)
    columns = []
    for field in schema:
        values = [_plain(row[field.name]) for row in rows]
        if pa.types.is_dictionary(field.type):
            columns.append(pa.array(values, type=pa.string()).dictionary_encode())
        else:
            columns.append(pa.array(values, type=field.type))
    return pa.Table.from_arrays(columns, schema=with_pandas_integers(schema))


def with_pandas_integers(schema: Any) -> Any:
    """The schema plus pandas metadata reading every integer column as nullable ``Int64``.

    Without it pandas reads a nullable integer column as float with NaN, and readers built on
    pandas (frictionless among them) then reject the empty cells as non-integers.
    """
    import json

    import pyarrow as pa

    columns = [
        {
            "name": f.name,
            "field_name": f.name,
            "pandas_type": "int64",
            "numpy_type": "Int64",
            "metadata": None,
        }
        for f in schema
        if pa.types.is_int64(f.type)
    ]
    if not columns:
        return schema
    pandas = {"index_columns": [], "column_indexes": [], "columns": columns}
    return schema.with_metadata({**(schema.metadata or {}), b"pandas": json.dumps(pandas)})


def _plain(value: Any) -> Any:
    return getattr(value, "value", value)


def write_parquet(table: str, rows: list[dict[str, Any]], path: Path) -> None:
    import pyarrow.parquet as pq

    pq.write_table(
        to_arrow(table, rows),
        path,
        compression="zstd",
        use_dictionary=True,
        write_statistics=True,
    )
