"""`validate --release` against its yardsticks, interleaved; `validate` against frictionless.

    python benchmarks/engines.py --sizes 1000000 --runs 3 [--old DIR] [--memory-limit 300MB]

For each size (a defect-planted release from ``run.py``'s cache, generated if missing):

- ``alliance-data validate --release`` (Parquet), the rule engine of ``rules.py``;
- ``--old DIR``: the same command from another checkout (e.g. the columnar validator it replaced);
- ``by_hand.py``: the same rules hand-written in DuckDB over the same Parquet files;
- the read-everything floor: pyarrow reading every column of every table, no checks.

Then ``alliance-data validate`` on the checkout's records against ``frictionless validate`` on
the latest committed release. Figures are merged into results.json under ``engines`` and
``records_vs_frictionless``; RESULTS.md is re-rendered.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from run import BIN, DATA, HERE, PY, ROOT, _ours_found, dataset, med, median_runs

FLOOR = """
import pyarrow.parquet as pq, pathlib, sys
for path in sorted(pathlib.Path(sys.argv[1], "data").glob("*.parquet")):
    pq.read_table(path)
"""


def bench_engines(folder: Path, runs: int, old: Path | None, memory_limit: str) -> dict:
    manifest = json.loads((folder / "defects.json").read_text(encoding="utf-8"))
    ours = [PY, "-m", "alliance_data", "validate", "--release", str(folder)]
    cmds = {
        "ours": [*ours, "--memory-limit", memory_limit],
        "by_hand": [PY, str(HERE / "by_hand.py"), str(folder), "--memory-limit", memory_limit],
        "floor": [PY, "-c", FLOOR, str(folder)],
    }
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if old is not None:
        # run inside the other checkout: ``python -m`` puts the working folder first on the path
        cmds["old"] = ["env", "-C", str(old), f"PYTHONPATH={old}", *ours]
    res = median_runs(cmds, runs, env=env)
    out = {"runs": runs, "memory_limit": memory_limit}
    for name, rs in res.items():
        out[f"{name}_s"] = med(rs)
        out[f"{name}_mb"] = med(rs, "peak_mb")
        if name in ("ours", "old"):
            out[f"{name}_found"] = _ours_found(rs[0].out, manifest, "parquet")
    return out


def bench_records(runs: int, release: Path) -> dict:
    cmds = {
        "validate": [str(BIN / "alliance-data"), "validate", "--repo", str(ROOT)],
        "frictionless": [str(BIN / "frictionless"), "validate", str(release / "datapackage.json")],
    }
    res = median_runs(cmds, runs, env={**os.environ, "PYTHONPATH": str(ROOT)})
    out = {"release": release.name, "runs": runs}
    for name, rs in res.items():
        out[f"{name}_s"] = med(rs)
        out[f"{name}_mb"] = med(rs, "peak_mb")
        out[f"{name}_rc"] = rs[0].rc
    out["ratio"] = out["validate_s"] / out["frictionless_s"]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--old", type=Path, help="another checkout to time the same command from")
    parser.add_argument("--memory-limit", default="300MB")
    parser.add_argument("--release", type=Path, default=ROOT / "releases" / "0.3.0")
    parser.add_argument("--no-records", action="store_true")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args(argv)
    DATA.mkdir(exist_ok=True)
    results = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    engines = results.setdefault("engines", {})
    for size in args.sizes:
        print(f"size {size}: generate ...", flush=True)
        folder, _, _ = dataset(size, defects=True)
        print(f"size {size}: validate ...", flush=True)
        engines[str(size)] = bench_engines(folder, args.runs, args.old, args.memory_limit)
        print(json.dumps(engines[str(size)]), flush=True)
        args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    if not args.no_records:
        print("records vs frictionless ...", flush=True)
        results["records_vs_frictionless"] = bench_records(args.runs, args.release)
        print(json.dumps(results["records_vs_frictionless"]), flush=True)
    args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    from report import write

    write(results, HERE / "RESULTS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
