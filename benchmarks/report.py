"""benchmarks/results.json -> benchmarks/RESULTS.md (``python benchmarks/report.py`` re-renders)."""

from __future__ import annotations

import itertools
import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _n(x: float, digits: int = 2) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:,.{digits}f}"


def _size(s: str) -> str:
    n = int(s)
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k"


def _met(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def targets(results: dict) -> list[str]:
    """Each target of issue 7, met or missed, from the figures above."""
    out = []
    added = results["import"]["added_ms"]
    out.append(f"- `import alliance_data` adds < 30 ms: {_met(added < 30)} ({added:.1f} ms)")
    sizes = results["sizes"]
    ratios = {
        s: e["load"]["alliance_data.load"] / e["load"]["pyarrow read_table().to_pandas()"]
        for s, e in sizes.items()
    }
    worst = max(ratios.values())
    shown = ", ".join(f"{_size(s)} {r:.2f}x" for s, r in ratios.items())
    out.append(f"- `load()` within 1.2x of the direct pyarrow read: {_met(worst <= 1.2)} ({shown})")
    top = max(sizes, key=int)
    v = sizes[top]["validate"]
    speed = v["frictionless_s"] / v["ours_csv_s"]
    speed_pq = v["frictionless_s"] / v["ours_parquet_s"]
    out.append(
        f"- validation at {_size(top)} meetings ({v['rows']:,} rows) >= 10x frictionless: "
        f"{_met(speed >= 10)} ({speed:.1f}x reading the same CSVs, {speed_pq:.1f}x from Parquet)"
    )
    found = all(
        e["validate"][k][0] == e["validate"][k][1]
        for e in sizes.values()
        for k in ("ours_parquet_found", "ours_csv_found", "frictionless_found")
    )
    out.append(
        f"- every planted defect found (ours: all kinds; frictionless: those a Table Schema "
        f"expresses): {_met(found)}"
    )
    keys = sorted(sizes, key=int)
    steps = []
    for a, b in itertools.pairwise(keys):
        va, vb = sizes[a]["validate"], sizes[b]["validate"]
        growth = vb["ours_parquet_s"] / va["ours_parquet_s"]
        rows = vb["rows"] / va["rows"]
        steps.append(
            (growth, rows, f"{_size(a)}->{_size(b)} {growth:.1f}x time for {rows:.0f}x rows")
        )
    linear = all(g <= r * 1.1 for g, r, _ in steps)
    out.append(
        f"- cost grows at most linearly: {_met(linear)} ({'; '.join(t for *_, t in steps)}; "
        "small sizes are dominated by start-up)"
    )
    mb = v["ours_parquet_mb"]
    out.append(
        f"- peak memory of `validate --release` at {_size(top)} < 2 GB: {_met(mb < 2048)} "
        f"({mb:,.0f} MB Parquet, {v['ours_csv_mb']:,.0f} MB CSV)"
    )
    return out


NOTES = [
    "## Notes",
    "",
    "- Sizes count meetings; rows count every table (about 6 rows per meeting: 2.5 "
    "participants, 1.6 evidence rows, 1/3 commitment, officials, positions, ...).",
    "- Validation figures are wall times of the whole command, start-up included (about "
    "1.5 s for `alliance-data validate --release`, which imports pyarrow and pydantic), so the "
    "small sizes measure start-up, not throughput.",
    "- At sizes above 100k meetings frictionless ran once (it takes minutes); our validator "
    "ran 3 times there.",
    "- `alliance-data build` runs from YAML records (read, pydantic per record, cross-record "
    "checks, write). It was measured up to 100k meetings (`--build-max`); at 1M meetings it "
    "would hold some 6M YAML records in memory and was not run. The generator column shows "
    "the cost of writing the same release straight from validated rows; '–' there means the "
    "data came from the cache in benchmarks/.data/.",
    "- `validate --release` does not check quotes against source texts: a release does not "
    "carry them. The YAML `validate` does.",
]


def summary(results: dict) -> str:
    """One paragraph with the headline figures, ready to paste into the README."""
    sizes = results["sizes"]
    top = max(sizes, key=int)
    e = sizes[top]
    v, ld = e["validate"], e["load"]
    load_ratio = ld["alliance_data.load"] / ld["pyarrow read_table().to_pandas()"]
    return (
        f"Benchmarks (`python benchmarks/run.py`; figures in benchmarks/RESULTS.md, measured on "
        f"{results['machine']['cores']} cores of an {results['machine']['cpu']}): "
        f"`import alliance_data` adds {results['import']['added_ms']:.0f} ms to interpreter "
        f'start-up (target < 30 ms: met). `load("meetings")` of {int(top):,} meetings takes '
        f"{ld['alliance_data.load']:.2f} s, {load_ratio:.2f}x a direct pyarrow read "
        f"(target 1.2x: {'met' if load_ratio <= 1.2 else 'missed'}) and "
        f"{ld['pandas.read_csv'] / ld['alliance_data.load']:.1f}x faster than `pandas.read_csv`. "
        f"`alliance-data validate --release` checks all {v['rows']:,} rows of that release in "
        f"{v['ours_parquet_s']:.0f} s from Parquet ({v['rows'] / v['ours_parquet_s']:,.0f} "
        f"rows/s) and {v['ours_csv_s']:.0f} s from CSV, "
        f"{v['frictionless_s'] / v['ours_csv_s']:.0f}x the speed of `frictionless validate` on "
        f"the same CSVs and Table Schemas ({v['frictionless_s']:.0f} s; target 10x: "
        f"{'met' if v['frictionless_s'] / v['ours_csv_s'] >= 10 else 'missed'}), with a peak of "
        f"{max(v['ours_parquet_mb'], v['ours_csv_mb']) / 1024:.1f} GB (target < 2 GB: "
        f"{'met' if max(v['ours_parquet_mb'], v['ours_csv_mb']) < 2048 else 'missed'}). "
        f"It found every planted defect ({v['ours_csv_found'][1]} in the CSVs, one or more of "
        f"every kind the checks catch); frictionless found the "
        f"{v['frictionless_found'][1]} a Table Schema can express. The rules "
        "are not written twice: each rule across records is one DuckDB query run on the records "
        "and on a release, the release's row checks are generated from the models, and tests "
        "keep the two paths in parity."
    )


def engines(results: dict) -> list[str]:
    """`validate --release` against its yardsticks (``engines.py``), if that was run."""
    found = results.get("engines")
    if not found:
        return []
    lines = [
        "",
        "## Rule engine against its yardsticks (`python benchmarks/engines.py`, Parquet)",
        "",
        "| size | memory limit | `validate --release` s | peak MB | previous validator s "
        "| peak MB | DuckDB by hand s | peak MB | pyarrow read-all floor s | peak MB "
        "| speed-up vs previous | defects found (ours, previous) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for size, e in found.items():
        old = e.get("old_s")
        lines.append(
            f"| {_size(size)} | {e['memory_limit']} | {_n(e['ours_s'])} | {_n(e['ours_mb'], 0)} "
            f"| {_n(old)} | {_n(e.get('old_mb'), 0)} | {_n(e['by_hand_s'])} "
            f"| {_n(e['by_hand_mb'], 0)} | {_n(e['floor_s'])} | {_n(e['floor_mb'], 0)} "
            f"| {_n(old / e['ours_s'], 1) + 'x' if old else '–'} "
            f"| {'/'.join(map(str, e['ours_found']))}, "
            f"{'/'.join(map(str, e.get('old_found', ['–'])))} |"
        )
    one = found.get("1000000")
    if one and one.get("old_s"):
        speed = one["old_s"] / one["ours_s"]
        lines += [
            "",
            f"- at 1M meetings `validate --release` >= 1.5x the previous validator: "
            f"{_met(speed >= 1.5)} ({speed:.2f}x); peak memory < 600 MB: "
            f"{_met(one['ours_mb'] < 600)} ({one['ours_mb']:.0f} MB)",
        ]
    rec = results.get("records_vs_frictionless")
    if rec:
        lines += [
            "",
            f"`alliance-data validate` (records) {_n(rec['validate_s'])} s, "
            f"{_n(rec['validate_mb'], 0)} MB; `frictionless validate` on releases/"
            f"{rec['release']} {_n(rec['frictionless_s'])} s, {_n(rec['frictionless_mb'], 0)} MB; "
            f"ratio **{_n(rec['ratio'])}** (target <= 0.3).",
        ]
    return lines


def write(results: dict, path: Path) -> None:
    m, imp = results["machine"], results["import"]
    lines = [
        "# Benchmarks",
        "",
        f"Run {results['date']} with `python benchmarks/run.py` (see benchmarks/README.md).",
        "Each figure is the median of several runs, each in a fresh process; peers ran",
        "interleaved in the same loop. Sizes count meetings; the other",
        "tables grow with them (rows = all tables). Validation runs on defect-planted data.",
        "",
        "## Machine",
        "",
        f"- CPU: {m['cpu']}, {m['cores']} cores; RAM {m['ram']}; {m['os']}",
        f"- Python {m['python']}; alliance-data {m['alliance-data']}, pyarrow {m['pyarrow']}, "
        f"pandas {m['pandas']}, pydantic {m['pydantic']}, frictionless {m['frictionless']}, "
        f"numpy {m['numpy']}",
        "",
        "## Import",
        "",
        "| | ms |",
        "|---|---:|",
        f"| `python -c pass` | {_n(imp['bare_ms'], 1)} |",
        f"| `python -c 'import alliance_data'` | {_n(imp['import_ms'], 1)} |",
        f"| added by `import alliance_data` | **{_n(imp['added_ms'], 1)}** |",
        "",
        "## Load `meetings` (seconds inside the process, imports excluded)",
        "",
        "| size | `load()` | pyarrow `read_table().to_pandas()` | `pandas.read_csv` "
        "| load / pyarrow | read_csv / load |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for size, e in results["sizes"].items():
        ld = e["load"]
        ours, pa, csv = (
            ld["alliance_data.load"],
            ld["pyarrow read_table().to_pandas()"],
            ld["pandas.read_csv"],
        )
        lines.append(
            f"| {_size(size)} | {_n(ours, 3)} | {_n(pa, 3)} | {_n(csv, 3)} "
            f"| {_n(ours / pa)}x | {_n(csv / ours)}x |"
        )
    lines += [
        "",
        "## Validation (whole release, wall time of the command incl. start-up)",
        "",
        "| size | rows | `validate --release` Parquet s | rows/s | peak MB "
        "| `--format csv` s | rows/s | peak MB | `frictionless validate` (CSV) s | rows/s "
        "| peak MB | speed-up (CSV vs CSV) | defects found: ours pq / csv, frictionless |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for size, e in results["sizes"].items():
        v = e["validate"]
        rows = v["rows"]
        fl_note = " (1 run)" if v["frictionless_runs"] == 1 else ""
        lines.append(
            f"| {_size(size)} | {rows:,} | {_n(v['ours_parquet_s'])} "
            f"| {_n(rows / v['ours_parquet_s'], 0)} | {_n(v['ours_parquet_mb'], 0)} "
            f"| {_n(v['ours_csv_s'])} | {_n(rows / v['ours_csv_s'], 0)} "
            f"| {_n(v['ours_csv_mb'], 0)} "
            f"| {_n(v['frictionless_s'])}{fl_note} | {_n(rows / v['frictionless_s'], 0)} "
            f"| {_n(v['frictionless_mb'], 0)} "
            f"| **{_n(v['frictionless_s'] / v['ours_csv_s'], 1)}x** "
            f"| {'/'.join(map(str, v['ours_parquet_found']))} , "
            f"{'/'.join(map(str, v['ours_csv_found']))} ; "
            f"{'/'.join(map(str, v['frictionless_found']))} (schema-expressible) |"
        )
    lines += [
        "",
        "## Release build and data generation",
        "",
        "| size | `alliance-data build` from YAML s | peak MB "
        "| generator (models + CSV/Parquet, no YAML) s | peak MB |",
        "|---|---:|---:|---:|---:|",
    ]
    for size, e in results["sizes"].items():
        b = e.get("build") or {}
        lines.append(
            f"| {_size(size)} | {_n(b.get('build_s'))} | {_n(b.get('build_mb'), 0)} "
            f"| {_n(e['generate_s'])} | {_n(e['generate_mb'], 0)} |"
        )
    lines += engines(results)
    lines += ["", "## Targets", "", *targets(results)]
    lines += ["", "## Summary for the README", "", summary(results), "", *NOTES]
    lines += [f"- {note}" for note in results.get("extra_notes", [])]
    hsg = results.get("hsg")
    lines += ["", "## Office of the Historian import, end to end", ""]
    if hsg:
        lines += ["| step | s | peak MB | exit |", "|---|---:|---:|---:|"]
        for step, r in hsg.items():
            lines.append(
                f"| `alliance-data {step}` | {_n(r['s'])} | {_n(r['mb'], 0)} | {r['rc']} |"
            )
    else:
        lines.append("TODO: not measured (no snapshot at ../shared/upstream/hsg, or --no-hsg).")
    lines.append("")
    scan = HERE / "scan_results.json"
    if scan.is_file():
        lines += [*scan_lines(json.loads(scan.read_text(encoding="utf-8"))), ""]
    path.write_text("\n".join(lines), encoding="utf-8")


SCAN_START, SCAN_END = "<!-- scan:start -->", "<!-- scan:end -->"


def scan_lines(scan: dict) -> list[str]:
    """The "Scanning at 100x" section (``benchmarks/scan.py``), between its markers."""
    machine = scan["machine"]
    layouts = scan["layouts"]
    engines = list(next(iter(layouts.values()))["seconds"])
    lines = [
        SCAN_START,
        "## Scanning at 100x (`python benchmarks/scan.py`)",
        "",
        f"Run {machine['date']}; {machine['versions']}; Python {machine['python']}. "
        f"{scan['meetings']:,} meetings ({scan['meetings'] / scan['shipped_meetings']:.0f}x the "
        f"{scan['shipped_meetings']:,} of the shipped release), generated by "
        "`benchmarks/generate.py`. Query: the meetings of "
        f"{scan['year']} counted by `kind`. Times are the median of {scan['runs']} runs after "
        f"{scan['warmups']} warm-ups, engines and layouts interleaved, session start-up "
        "excluded. Row groups read = those whose `start_date` "
        "min/max statistics admit the year (counted from the file footers; the rest are "
        "skipped by every engine that prunes on statistics, as all three do).",
        "",
        "| layout | files | MB | row groups read / total (skipped) | rows in groups read | "
        + " | ".join(f"{e} ms" for e in engines)
        + " |",
        "|---|---:|---:|---|---:|" + "---:|" * len(engines),
    ]
    for label, e in layouts.items():
        g = e["row_groups"]
        times = " | ".join(_n(e["seconds"][engine] * 1000, 1) for engine in engines)
        lines.append(
            f"| {label} | {e['files']} | {_n(e['bytes'] / 2**20, 1)} "
            f"| {g['read']} / {g['total']} ({g['skipped']}) | {g['rows_read']:,} | {times} |"
        )
    new, old = layouts.values()
    ratios = ", ".join(
        f"{engine} {old['seconds'][engine] / new['seconds'][engine]:.1f}x" for engine in engines
    )
    answer = ", ".join(f"{k} {n:,}" for k, n in new["answer"])
    agree = "the same" if scan["answers_agree"] else "**different** (a bug)"
    lines += [
        "",
        f"Speed-up of the release layout over the old single file: {ratios}. Every engine and "
        f"layout gave {agree} answer ({answer}).",
        *(f"\n- {note}" if i == 0 else f"- {note}" for i, note in enumerate(scan.get("notes", []))),
        SCAN_END,
    ]
    return lines


def splice_scan(path: Path, scan: dict) -> None:
    """Put the scan section into RESULTS.md in place of the old one (or at the end)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    section = "\n".join(scan_lines(scan))
    if SCAN_START in text and SCAN_END in text:
        head, rest = text.split(SCAN_START, 1)
        text = head + section + rest.split(SCAN_END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "results.json"
    write(json.loads(source.read_text(encoding="utf-8")), HERE / "RESULTS.md")
