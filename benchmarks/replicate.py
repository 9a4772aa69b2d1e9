"""Make a release K times larger than a generated one, streaming, for validation at 10M meetings.

``generate.py`` holds every row in memory (about 31 GB at 10M meetings), so the largest size
is reached by copying a generated release K times inside DuckDB: copy ``k`` of every table
gets ``-c<k>`` appended to every id that points into a copied table (primary keys, foreign
keys, evidence and upstream ``record_id``) and to officials' names (so copies are different
people), while ``parties`` (ISO codes) are shared. Every planted defect is copied with its
row, so each kind stays planted and none is added. Only the Parquet resources are written.

    python benchmarks/replicate.py SRC benchmarks/.data/defects-10000000 --times 10
    alliance-data validate --release benchmarks/.data/defects-10000000 --memory-limit 2GB
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import duckdb

from alliance_data.layout import release_files
from alliance_data_curate.models import TABLES

SHARED = {"parties"}  # keyed by ISO codes: one copy serves every copy of the rest
RENAMED = {"officials": ("name", "family_name")}  # copies must not read as one person twice
# (and a copy's official has no wikidata_id: an item names one person)


def suffixed(table: str) -> set[str]:
    """The columns of ``table`` whose values name a row of a copied table."""
    spec = TABLES[table]
    shared = {f for fk in spec.foreign_keys if fk.ref_table in SHARED for f in fk.fields}
    out = set() if table in SHARED else set(spec.primary_key) - shared
    for fk in spec.foreign_keys:
        if fk.ref_table not in SHARED:
            out.update(fk.fields)
    if table in ("evidence", "upstream_records"):
        out.add("record_id")
    return out | set(RENAMED.get(table, ()))


def replicate(source: Path, out: Path, times: int) -> dict[str, int]:
    """Write the K-times release into ``out``; returns rows per table."""
    out.mkdir(parents=True)
    con = duckdb.connect(config={"preserve_insertion_order": False})
    rows = {}
    for table in TABLES:
        parts = [str(p) for p in release_files(source, table, "parquet")]
        described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({parts})").fetchall()
        names = [d[0] for d in described]
        text = {d[0] for d in described if d[1] == "VARCHAR"}
        copies = 1 if table in SHARED else times
        marked = suffixed(table)
        exprs = [
            f'CASE WHEN k = 0 THEN "{n}" ELSE "{n}" || \'-c\' || k END AS "{n}"'
            if n in marked and n in text
            else f'CASE WHEN k = 0 THEN "{n}" END AS "{n}"'  # a wikidata item is one person
            if table == "officials" and n == "wikidata_id"
            else f'"{n}"'
            for n in names
        ]
        target = out / "parquet" / table / "part-0000.parquet"
        target.parent.mkdir(parents=True)
        con.execute(
            f"COPY (SELECT {', '.join(exprs)} FROM read_parquet({parts}), range({copies}) r(k)) "
            f"TO '{target}' (FORMAT parquet, ROW_GROUP_SIZE 131072, COMPRESSION zstd)"
        )
        rows[table] = con.execute(f"SELECT count(*) FROM '{target}'").fetchone()[0]
    descriptor = json.loads((source / "datapackage.json").read_text(encoding="utf-8"))
    kept = []
    for resource in descriptor["resources"]:
        if resource.get("format") != "parquet":
            continue
        table = resource["name"].removesuffix("_parquet")
        resource = {k: v for k, v in resource.items() if k not in ("x-sha256", "hash", "bytes")}
        resource["path"] = [f"parquet/{table}/part-0000.parquet"]
        kept.append(resource)
    descriptor["resources"] = kept
    (out / "datapackage.json").write_text(json.dumps(descriptor, indent=1), encoding="utf-8")
    shutil.copytree(source / "schemas", out / "schemas")
    shutil.copy(source / "defects.json", out / "defects.json")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="a release written by generate.py")
    parser.add_argument("out", type=Path, help="folder to write (must not exist)")
    parser.add_argument("--times", type=int, default=10)
    args = parser.parse_args(argv)
    if args.out.exists():
        parser.error(f"{args.out} exists")
    started = time.perf_counter()
    rows = replicate(args.source, args.out, args.times)
    print(
        f"wrote {args.out}: {sum(rows.values()):,} rows "
        f"({rows['meetings']:,} meetings) in {time.perf_counter() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
