"""A release reads as-is in pyarrow.dataset, DuckDB, Polars, Dask and Spark, with the same values.

The release is synthetic (``benchmarks/generate.py``) and written with tiny row groups and
parts, so that several tables span several files and every reader has to put them together.
One meeting's description holds quotes, commas, a backslash and a line break: what Spark's
default CSV options get wrong.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from frictionless import Package

import alliance_data
from alliance_data import api
from alliance_data.cli import main
from alliance_data.layout import release_files
from alliance_data_curate import writers
from alliance_data_curate.models import TABLES
from alliance_data_curate.rules import validate_release
from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate

MEETINGS = 300
TRICKY = 'He said "no, not yet", then left; C:\\temp\\ "quoted\\"\nsecond line'


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("readers") / "release"
    tables, csv_only, _ = generate.generate(MEETINGS)
    first = next(r for r in tables["meetings"] if r["meeting_id"] == generate.meeting_id(0))
    first["description"] = TRICKY
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(writers, "ROW_GROUP_ROWS", 64)
        patch.setattr(writers, "PART_ROWS", 128)
        generate.write_release(out, tables, csv_only)
    yield out


def _plain(value: Any) -> Any:
    """One value as Python, whatever library read it (dates as dates, missing as None)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return value.to_pydatetime().date()
    if isinstance(value, dt.datetime):
        return value.date()
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def _rows(records: list[dict[str, Any]], table: str) -> list[tuple]:
    """Rows as tuples in field order, sorted (Spark promises no order across files)."""
    fields = TABLES[table].fields
    rows = [tuple(_plain(r[f]) for f in fields) for r in records]
    return sorted(rows, key=repr)


def _expected(folder: Path, table: str) -> list[tuple]:
    parts = release_files(folder, table, "parquet")
    records = [row for p in parts for row in pq.read_table(p).to_pylist()]
    return _rows(records, table)


def test_tables_span_several_parts_and_row_groups(release: Path) -> None:
    evidence = release_files(release, "evidence", "parquet")
    assert [p.name for p in evidence[:2]] == ["part-0000.parquet", "part-0001.parquet"]
    assert all(p.parent == release / "parquet" / "evidence" for p in evidence)
    assert pq.read_metadata(evidence[0]).num_row_groups == 2
    assert release_files(release, "evidence", "csv") == [release / "csv" / "evidence.csv"]


def test_rows_are_in_release_order_in_csv_and_parquet(release: Path) -> None:
    import pyarrow.csv as pcsv

    for table in ("meetings", "evidence", "positions", "officials"):
        parquet = ds.dataset(release / "parquet" / table).to_table()
        order = writers.release_order(table)
        rows = parquet.select(list(order)).to_pylist()
        assert rows == writers.sort_for_release(table, rows), table
        ids = pcsv.read_csv(release / "csv" / f"{table}.csv").column(order[-1]).to_pylist()
        assert ids == parquet.column(order[-1]).to_pylist(), table


@pytest.mark.slow  # CI only: keeps plain pytest under 90 s
def test_multi_part_release_loads_and_validates(release: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(api, "shipped_dir", lambda: release)
    for table in TABLES:
        frame = alliance_data.load(table)
        assert _rows(frame.to_dict("records"), table) == _expected(release, table), table
    assert main(["info"]) == 0
    evidence = len(_expected(release, "evidence"))
    assert f"evidence{evidence:>22} rows" in capsys.readouterr().out
    for fmt in ("parquet", "csv"):
        report = validate_release(release, fmt)
        assert not report.problems, report.problems[:3]
    # frictionless accepts the `path` list, but reads only the first part of a Parquet resource
    assert Package(str(release / "datapackage.json")).validate().valid


def test_pyarrow_dataset_reads_each_table_folder(release: Path) -> None:
    for table in TABLES:
        arrow = ds.dataset(release / "parquet" / table, format="parquet").to_table()
        assert _rows(arrow.to_pylist(), table) == _expected(release, table), table


def test_duckdb_reads_parquet_and_csv(release: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    for table in TABLES:
        expected = _expected(release, table)
        for sql in (
            f"select * from read_parquet('{release}/parquet/{table}/*.parquet')",
            f"select * from read_csv('{release}/csv/{table}.csv', header = true, "
            f"columns = {_duckdb_columns(release, table)})",
        ):
            result = duckdb.sql(sql)
            got = [dict(zip(result.columns, row, strict=True)) for row in result.fetchall()]
            assert _rows(got, table) == expected, (table, sql)


def _duckdb_columns(release: Path, table: str) -> str:
    import json

    types = {"string": "VARCHAR", "integer": "BIGINT", "date": "DATE", "boolean": "BOOLEAN"}
    schema = json.loads((release / "schemas" / f"{table}.json").read_text(encoding="utf-8"))
    return "{" + ", ".join(f"'{f['name']}': '{types[f['type']]}'" for f in schema["fields"]) + "}"


def test_polars_reads_each_table_folder(release: Path) -> None:
    pl = pytest.importorskip("polars")
    for table in TABLES:
        frame = pl.scan_parquet(f"{release}/parquet/{table}/*.parquet").collect()
        assert _rows(frame.to_dicts(), table) == _expected(release, table), table
        eager = pl.read_parquet(release / "parquet" / table)  # the folder itself
        assert _rows(eager.to_dicts(), table) == _expected(release, table), table


def test_dask_reads_each_table_folder(release: Path) -> None:
    dd = pytest.importorskip(
        "dask.dataframe", reason="dask not installed: pip install 'dask[dataframe]' to run this"
    )
    for table in TABLES:
        frame = dd.read_parquet(str(release / "parquet" / table)).compute()
        assert _rows(frame.to_dict("records"), table) == _expected(release, table), table


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    enable = (
        "to run it: apt-get install -y openjdk-17-jre-headless and pip install pyspark "
        "(or set JAVA_HOME)"
    )
    pytest.importorskip("pyspark", reason=f"pyspark not installed; {enable}")
    if not shutil.which("java") and not _java_home():
        pytest.skip(f"no Java found for Spark; {enable}")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("alliance_data-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _java_home() -> str | None:
    import os

    return os.environ.get("JAVA_HOME")


@pytest.mark.slow
def test_spark_reads_parquet_and_csv_with_the_shipped_ddl(release: Path, spark) -> None:
    for table in TABLES:
        expected = _expected(release, table)
        ddl = (release / "schemas" / f"{table}.spark.ddl").read_text(encoding="utf-8").strip()
        parquet = spark.read.parquet(str(release / "parquet" / table))
        assert _rows([r.asDict() for r in parquet.collect()], table) == expected, table
        csv = spark.read.csv(
            str(release / "csv" / f"{table}.csv"),
            schema=ddl,
            header=True,
            escape='"',
            multiLine=True,
            mode="FAILFAST",
        )
        assert _rows([r.asDict() for r in csv.collect()], table) == expected, table
    parties = spark.read.csv(
        str(release / "csv" / "parties.csv"),
        schema=(release / "schemas" / "parties.spark.ddl").read_text(encoding="utf-8"),
        header=True,
        escape='"',
    )
    assert dict(parties.dtypes)["cow_code"] == "bigint"


@pytest.mark.slow
def test_spark_default_csv_options_corrupt_quoted_text(release: Path, spark) -> None:
    """Why the README insists on ``escape='"'``: Spark's default escape is a backslash."""
    path = str(release / "csv" / "meetings.csv")
    ddl = (release / "schemas" / "meetings.spark.ddl").read_text(encoding="utf-8")
    default = spark.read.csv(path, schema=ddl, header=True, multiLine=True)
    right = spark.read.csv(path, schema=ddl, header=True, multiLine=True, escape='"')
    first = generate.meeting_id(0)
    assert right.filter(right.meeting_id == first).first().description == TRICKY
    wrong = default.filter(default.meeting_id == first).first()
    assert wrong is None or wrong.description != TRICKY
