"""Writing validated rows as CSV and Parquet, byte-for-byte the same on every build.

Release rows are sorted by the column users filter on (see ``release_order``), the same in
CSV and Parquet. Parquet is written for scanning: row groups of ``ROW_GROUP_ROWS`` rows with
min/max statistics and a page index, so Spark, DuckDB, Polars and pyarrow skip the row groups a
filter on the sort column rules out; a table past ``PART_ROWS`` rows or ``PART_BYTES`` (in
memory) is split into several part files in its folder.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alliance_data.layout import part_name

from .models import TABLES
from .schemas import arrow_schema, fields

if TYPE_CHECKING:
    import pyarrow as pa

ROW_GROUP_ROWS = 128 * 1024
PART_ROWS = 8 * ROW_GROUP_ROWS  # 1,048,576 rows, whole row groups
PART_BYTES = 128 * 2**20
FILTER_COLUMNS = {
    "meetings": ("start_date",),
    "positions": ("start_date",),
    "evidence": ("table", "record_id"),
}


def sorted_rows(table: str, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows in primary-key order: a stable order is what makes builds reproducible."""
    key = TABLES[table].primary_key
    return sorted(rows, key=lambda row: tuple(str(row[k]) for k in key))


def release_order(table: str) -> tuple[str, ...]:
    """The columns a release sorts ``table`` by: the column users filter on, then the key.

    Example
    -------
    >>> release_order("meetings")
    ('start_date', 'meeting_id')
    """
    first = FILTER_COLUMNS.get(table, ())
    return first + tuple(k for k in TABLES[table].primary_key if k not in first)


def sort_for_release(table: str, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows in release order (``release_order``; empty values last), for CSV and Parquet alike.

    Example
    -------
    >>> rows = [{"position_id": "b", "start_date": None}, {"position_id": "a", "start_date": None}]
    >>> [r["position_id"] for r in sort_for_release("positions", rows)]
    ['a', 'b']
    """
    order = release_order(table)
    return sorted(rows, key=lambda row: tuple((row[c] is None, _cell(row[c])) for c in order))


NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")


def ordered_rows(table: str, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows in the order a release writes them (CSV, Parquet and SQLite alike).

    The table's release order (:func:`sort_for_release`), then :func:`text_first`.
    """
    return text_first(table, sort_for_release(table, rows))


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


def part_rows(arrow: pa.Table) -> int:
    """Rows per part: whole row groups, at most ``PART_ROWS`` and about ``PART_BYTES``."""
    per_row = arrow.nbytes / max(arrow.num_rows, 1)
    groups = int(PART_BYTES // max(per_row, 1)) // ROW_GROUP_ROWS
    return min(PART_ROWS, max(1, groups) * ROW_GROUP_ROWS)


def write_parts(arrow: pa.Table, directory: Path) -> list[Path]:
    """Write ``arrow`` into ``directory`` as ``part-0000.parquet``, ... (one part if empty).

    Same rows give the same bytes: the options are fixed and nothing depends on the clock.
    """
    import pyarrow.parquet as pq

    directory.mkdir(parents=True, exist_ok=True)
    size = part_rows(arrow)
    paths = []
    for number, start in enumerate(range(0, max(arrow.num_rows, 1), size)):
        path = directory / part_name(number)
        pq.write_table(
            arrow.slice(start, size),
            path,
            row_group_size=ROW_GROUP_ROWS,
            compression="zstd",
            use_dictionary=True,
            write_statistics=True,
            write_page_index=True,
        )
        paths.append(path)
    return paths
