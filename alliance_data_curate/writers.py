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
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alliance_data.layout import part_name

from .models import TABLES
from .schemas import arrow_schema

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


def release_rows(table: str, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows in release order (``release_order``; empty values last), for CSV and Parquet alike.

    Example
    -------
    >>> rows = [{"position_id": "b", "start_date": None}, {"position_id": "a", "start_date": None}]
    >>> [r["position_id"] for r in release_rows("positions", rows)]
    ['a', 'b']
    """
    order = release_order(table)
    return sorted(rows, key=lambda row: tuple((row[c] is None, _cell(row[c])) for c in order))


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
    return pa.Table.from_arrays(columns, schema=schema)


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
