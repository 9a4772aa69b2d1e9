"""The 100x scan check: one filtered aggregation over a release 100 times the shipped one.

The query counts the meetings of one year by kind. DuckDB, Polars and Spark (``local[2]``) run
it on the release layout (``parquet/meetings/``: rows sorted by ``start_date``, 128k-row groups
with min/max statistics and a page index) and on the old single-file layout
(``data/meetings.parquet`` as releases 0.1.0-0.3.0 wrote it: primary-key order, pyarrow's
default row groups). Row groups read vs skipped are counted from the files' footers: a row
group whose ``start_date`` range misses the year is one that any of the three skips. Times are
the median of ``--runs`` runs after ``--warmups`` warm-ups, every query and layout interleaved,
session start-up excluded.

    python benchmarks/scan.py [--meetings 754700] [--year 2010] [--runs 15] [--warmups 5]

Writes ``benchmarks/scan_results.json`` and the "Scanning at 100x" section of RESULTS.md
(the rest of that file is kept). Generated data is cached in ``benchmarks/.data/``. Not part
of the test run: generating takes minutes and Spark needs Java.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import generate
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import report

from alliance_data.layout import release_files

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
SHIPPED_MEETINGS = 7547  # releases/0.3.0
Result = list[tuple[str, int]]


def new_layout(meetings: int) -> Path:
    """The release folder at ``meetings`` meetings (generated once, then cached)."""
    folder = DATA / f"scan-{meetings}"
    if not (folder / "datapackage.json").is_file():
        started = time.perf_counter()
        tables, csv_only, _ = generate.generate(meetings)
        generate.write_release(folder, tables, csv_only)
        print(f"generated {folder} in {time.perf_counter() - started:.0f} s", flush=True)
    return folder


def old_layout(release: Path) -> Path:
    """The same meetings as one file, written as releases 0.1.0-0.3.0 were (cached)."""
    path = DATA / f"{release.name}-old" / "data" / "meetings.parquet"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        table = ds.dataset(release / "parquet" / "meetings").to_table().sort_by("meeting_id")
        pq.write_table(table, path, compression="zstd", use_dictionary=True, write_statistics=True)
    return path


def row_groups(files: list[Path], start: dt.date, end: dt.date) -> dict[str, int]:
    """Row groups (and their rows) whose ``start_date`` statistics admit [start, end)."""
    total = read = rows_read = 0
    for path in files:
        meta = pq.ParquetFile(path).metadata
        column = meta.schema.to_arrow_schema().get_field_index("start_date")
        for i in range(meta.num_row_groups):
            group = meta.row_group(i)
            stats = group.column(column).statistics
            total += 1
            if stats is None or not stats.has_min_max or (stats.min < end and stats.max >= start):
                read += 1
                rows_read += group.num_rows
    return {"total": total, "read": read, "skipped": total - read, "rows_read": rows_read}


def duckdb_query(files: list[Path], start: dt.date, end: dt.date) -> Callable[[], Result]:
    import duckdb

    con = duckdb.connect()
    names = ", ".join(f"'{p}'" for p in files)
    sql = (
        f"select kind::varchar, count(*) from read_parquet([{names}]) "
        f"where start_date >= date '{start}' and start_date < date '{end}' "
        "group by all order by 1"
    )
    return lambda: [(k, int(n)) for k, n in con.sql(sql).fetchall()]


def polars_query(files: list[Path], start: dt.date, end: dt.date) -> Callable[[], Result]:
    import polars as pl

    def run() -> Result:
        frame = (
            pl.scan_parquet(files)
            .filter((pl.col("start_date") >= start) & (pl.col("start_date") < end))
            .group_by(pl.col("kind").cast(pl.String))
            .agg(pl.len())
            .sort("kind")
            .collect()
        )
        return [(k, int(n)) for k, n in frame.iter_rows()]

    return run


def spark_session() -> Any:
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("alliance_data-scan")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "4g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def spark_query(
    spark: Any, files: list[Path], start: dt.date, end: dt.date
) -> Callable[[], Result]:
    from pyspark.sql import functions as F

    def run() -> Result:
        frame = spark.read.parquet(*(str(p) for p in files))
        rows = (
            frame.where((F.col("start_date") >= start) & (F.col("start_date") < end))
            .groupBy("kind")
            .count()
            .orderBy("kind")
            .collect()
        )
        return [(r["kind"], int(r["count"])) for r in rows]

    return run


def timed(queries: dict[tuple[str, str], Callable[[], Result]], runs: int, warmups: int):
    """Median seconds and the answer of each query; warm-ups first, then runs interleaved.

    Interleaving matters for Spark: its JIT keeps warming up over the first queries, so
    timing one layout after the other would favour the second. Engines run one at a time
    (Spark's JVM is not even started while DuckDB and Polars are timed).
    """
    answers = {key: query() for key, query in queries.items()}
    for _ in range(warmups - 1):
        for query in queries.values():
            query()
    times: dict[tuple[str, str], list[float]] = {key: [] for key in queries}
    for _ in range(runs):
        for key, query in queries.items():
            started = time.perf_counter()
            again = query()
            times[key].append(time.perf_counter() - started)
            assert again == answers[key], key
    return {key: statistics.median(t) for key, t in times.items()}, answers


def measure(meetings: int, year: int, runs: int, warmups: int) -> dict[str, Any]:
    release = new_layout(meetings)
    layouts = {
        "release (parquet/meetings/)": release_files(release, "meetings", "parquet"),
        "old single file (data/meetings.parquet)": [old_layout(release)],
    }
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    seconds, answers = {}, {}
    for engine in ("DuckDB", "Polars", "Spark local[2]"):  # one engine at a time, layouts mixed
        spark = spark_session() if engine.startswith("Spark") else None
        queries = {}
        for label, files in layouts.items():
            if spark is not None:
                queries[engine, label] = spark_query(spark, files, start, end)
            elif engine == "DuckDB":
                queries[engine, label] = duckdb_query(files, start, end)
            else:
                queries[engine, label] = polars_query(files, start, end)
        times, results = timed(queries, runs, warmups)
        seconds.update(times)
        answers.update(results)
        if spark is not None:
            spark.stop()
    out: dict[str, Any] = {"layouts": {}}
    for label, files in layouts.items():
        out["layouts"][label] = {
            "files": len(files),
            "bytes": sum(p.stat().st_size for p in files),
            "row_groups": row_groups(files, start, end),
            "seconds": {e: t for (e, lab), t in seconds.items() if lab == label},
            "answer": [list(r) for r in answers["DuckDB", label]],
        }
    for (engine, label), t in seconds.items():
        print(f"{label:42} {engine:15} {t:7.3f} s", flush=True)
    out["answers_agree"] = len({tuple(a) for a in answers.values()}) == 1
    rows = pq.read_metadata(layouts["old single file (data/meetings.parquet)"][0]).num_rows
    out.update(meetings=rows, shipped_meetings=SHIPPED_MEETINGS, year=year, runs=runs)
    out.update(warmups=warmups, machine=_machine())
    return out


def _machine() -> dict[str, str]:
    import duckdb
    import polars
    import pyarrow
    import pyspark

    return {
        "date": dt.date.today().isoformat(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": f"duckdb {duckdb.__version__}, polars {polars.__version__}, "
        f"pyspark {pyspark.__version__}, pyarrow {pyarrow.__version__}",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=100 * SHIPPED_MEETINGS)
    parser.add_argument("--year", type=int, default=2010)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmups", type=int, default=5)
    args = parser.parse_args(argv)
    results = measure(args.meetings, args.year, args.runs, args.warmups)
    (HERE / "scan_results.json").write_text(json.dumps(results, indent=1) + "\n", "utf-8")
    report.splice_scan(HERE / "RESULTS.md", results)
    print(f"wrote {HERE / 'scan_results.json'} and the scan section of {HERE / 'RESULTS.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
