"""Run every benchmark and write benchmarks/RESULTS.md.

    python benchmarks/run.py                      # sizes 1k, 10k, 100k, 1M meetings
    python benchmarks/run.py --quick              # 1k and 10k, fewer runs (a smoke test)
    python benchmarks/run.py --sizes 1000 100000  # chosen sizes

Every timed step runs in a fresh subprocess (cold caches of imports, no state carried over);
each figure is the median of ``--runs`` runs, and its peers run interleaved with it in the
same loop, so a ratio compares like with like on a noisy machine. Peak memory is the child's
``ru_maxrss`` from ``os.wait4``. Generated data is cached in ``benchmarks/.data/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / ".data"
PY = sys.executable
BIN = Path(PY).parent
HSG_SOURCE = ROOT.parent / "shared" / "upstream" / "hsg"


@dataclass
class Run:
    seconds: float
    peak_mb: float
    rc: int
    out: str


def run(
    cmd: list[str], *, cwd: Path | None = None, timeout: float = 1800, env: dict | None = None
) -> Run:
    """Wall time and peak RSS of one child process."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.002)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return Run(seconds, usage.ru_maxrss / 1024, proc.returncode, text)


def median_runs(commands: dict[str, list[str]], runs: int, **kw) -> dict[str, list[Run]]:
    """Run each command ``runs`` times, interleaved so drift hits all of them alike."""
    results: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            results[name].append(run(cmd, **kw))
    return results


def med(runs: list[Run], attr: str = "seconds") -> float:
    return statistics.median(getattr(r, attr) for r in runs)


def timed_inside(code: str) -> list[str]:
    """A child that prints the seconds of its last statement (set-up excluded)."""
    return [PY, "-c", code]


# --- data ---------------------------------------------------------------------------------


def dataset(meetings: int, *, defects: bool, yaml: bool = False) -> tuple[Path, Path | None, Run]:
    kind = "defects" if defects else "clean"
    out = DATA / f"{kind}-{meetings}"
    records = DATA / f"{kind}-{meetings}-yaml" if yaml else None
    if out.exists() and (records is None or records.exists()):
        return out, records, Run(float("nan"), float("nan"), 0, "cached")
    shutil.rmtree(out, ignore_errors=True)
    if records:
        shutil.rmtree(records, ignore_errors=True)
    cmd = [PY, str(HERE / "generate.py"), str(out), "--meetings", str(meetings)]
    cmd += ["--defects"] if defects else []
    cmd += ["--yaml", str(records)] if records else []
    result = run(cmd)
    if result.rc:
        raise SystemExit(f"generate failed:\n{result.out}")
    return out, records, result


# --- figures ------------------------------------------------------------------------------


def bench_import(runs: int) -> dict:
    cmds = {
        "python -c pass": [PY, "-c", "pass"],
        "import alliance_data": [PY, "-c", "import alliance_data"],
    }
    res = median_runs(cmds, runs)
    bare, pkg = med(res["python -c pass"]), med(res["import alliance_data"])
    return {"bare_ms": bare * 1000, "import_ms": pkg * 1000, "added_ms": (pkg - bare) * 1000}


LOAD = """
import time, pandas, pyarrow.parquet as pq
from pathlib import Path
import alliance_data.api as api
folder = Path({folder!r})
api.shipped_dir = lambda: folder
t = time.perf_counter()
{stmt}
print(time.perf_counter() - t)
"""
LOADERS = {
    "alliance_data.load": "df = api.load('meetings')",
    "pyarrow read_table().to_pandas()": (
        "df = pq.read_table(folder / 'parquet' / 'meetings').to_pandas()"
    ),
    "pandas.read_csv": "df = pandas.read_csv(folder / 'csv' / 'meetings.csv')",
}


def bench_load(folder: Path, runs: int) -> dict:
    cmds = {k: [PY, "-c", LOAD.format(folder=str(folder), stmt=v)] for k, v in LOADERS.items()}
    res = median_runs(cmds, runs)
    inner = {k: statistics.median(float(r.out.split()[-1]) for r in v) for k, v in res.items()}
    return inner


def _frictionless_found(text: str, manifest: list[dict]) -> tuple[int, int]:
    report = json.loads(text[text.index("{") :])
    hits = {
        (task["name"], err.get("rowNumber")) for task in report["tasks"] for err in task["errors"]
    }
    wanted = [d for d in manifest if d["schema"] and "csv" in d["formats"]]
    return sum((d["table"], d["row"]) in hits for d in wanted), len(wanted)


def _ours_found(text: str, manifest: list[dict], fmt: str) -> tuple[int, int]:
    wanted = [d for d in manifest if fmt in d["formats"]]
    found = 0
    for d in wanted:
        where = f"{d['table']}.csv" if fmt == "csv" else f"parquet/{d['table']}"
        needle = f"{where}:{d['row']}: {d['table']}[{d['record_id']}]"
        found += needle in text
    return found, len(wanted)


def bench_validate(folder: Path, runs: int, frictionless_runs: int) -> dict:
    manifest = json.loads((folder / "defects.json").read_text(encoding="utf-8"))
    rows = sum(
        sum(1 for _ in (folder / "csv" / f).open("rb")) - 1
        for f in os.listdir(folder / "csv")
        if f.endswith(".csv")
    )
    ours = [str(BIN / "alliance-data"), "validate", "--release", str(folder)]
    cmds = {"parquet": ours, "csv": [*ours, "--format", "csv"]}
    res = median_runs(cmds, runs)
    fl_cmd = [str(BIN / "frictionless"), "validate", "datapackage.csv.json", "--json"]
    fl = median_runs({"frictionless": fl_cmd}, frictionless_runs, cwd=folder)["frictionless"]
    out = {"rows": rows, "frictionless_runs": frictionless_runs}
    for fmt, rs in res.items():
        out[f"ours_{fmt}_s"] = med(rs)
        out[f"ours_{fmt}_mb"] = med(rs, "peak_mb")
        out[f"ours_{fmt}_found"] = _ours_found(rs[0].out, manifest, fmt)
    out["frictionless_s"] = med(fl)
    out["frictionless_mb"] = med(fl, "peak_mb")
    out["frictionless_found"] = _frictionless_found(fl[0].out, manifest)
    return out


def bench_build(records: Path, runs: int) -> dict:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [str(BIN / "alliance-data"), "build", f"{tmp}/out", "--records", str(records)]
            cmd += ["--texts", tmp]
            r = run(cmd)
            if r.rc:
                raise SystemExit(f"build failed:\n{r.out[-3000:]}")
            times.append(r)
    return {"build_s": med(times), "build_mb": med(times, "peak_mb")}


def bench_hsg() -> dict | None:
    if not HSG_SOURCE.is_dir():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        records = Path(tmp) / "records"
        shutil.copytree(ROOT / "alliance_data" / "records", records)
        shutil.rmtree(records / "hsg", ignore_errors=True)
        exe = str(BIN / "alliance-data")
        steps = {
            "import": [
                exe,
                "import",
                "hsg",
                "--source",
                str(HSG_SOURCE),
                "--records",
                str(records),
            ],
            "validate": [exe, "validate", "--records", str(records)],
            "build": [exe, "build", f"{tmp}/release", "--records", str(records)],
            "validate --release": [exe, "validate", "--release", f"{tmp}/release"],
        }
        out = {}
        for name, cmd in steps.items():
            r = run(cmd, cwd=ROOT)
            out[name] = {"s": r.seconds, "mb": r.peak_mb, "rc": r.rc, "tail": r.out[-400:]}
        return out


# --- report -------------------------------------------------------------------------------


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(
            line for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line
        )
        ram = f"{int(mem.split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        ram = "unknown"
    versions = {}
    for pkg in ("alliance-data", "pyarrow", "pandas", "pydantic", "frictionless", "numpy"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "-"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram": ram,
        "os": platform.platform(),
        "python": platform.python_version(),
        **versions,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000, 1000000])
    parser.add_argument("--quick", action="store_true", help="sizes 1k and 10k, 3 runs")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--build-max", type=int, default=100000, help="largest size built from YAML records"
    )
    parser.add_argument(
        "--frictionless-single-above",
        type=int,
        default=100000,
        help="sizes above this time frictionless once (it takes minutes)",
    )
    parser.add_argument("--no-hsg", action="store_true")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.runs = [1000, 10000], 3
    DATA.mkdir(exist_ok=True)
    results: dict = {"machine": machine(), "date": dt.date.today().isoformat(), "sizes": {}}
    print("import ...", flush=True)
    results["import"] = bench_import(max(args.runs, 11))
    for size in args.sizes:
        print(f"size {size}: generate ...", flush=True)
        folder, _, gen = dataset(size, defects=True)
        entry: dict = {"generate_s": gen.seconds, "generate_mb": gen.peak_mb}
        big = size > args.frictionless_single_above
        print(f"size {size}: load ...", flush=True)
        entry["load"] = bench_load(folder, 3 if big else args.runs)
        print(f"size {size}: validate ...", flush=True)
        entry["validate"] = bench_validate(folder, 3 if big else args.runs, 1 if big else 3)
        if size <= args.build_max:
            print(f"size {size}: build from YAML ...", flush=True)
            _, records, _ = dataset(size, defects=False, yaml=True)
            entry["build"] = bench_build(records, 1 if size >= 100000 else 3)
        results["sizes"][str(size)] = entry
        args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    if not args.no_hsg:
        print("hsg import ...", flush=True)
        results["hsg"] = bench_hsg()
    args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    from report import write

    write(results, HERE / "RESULTS.md")
    print(f"wrote {HERE / 'RESULTS.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
