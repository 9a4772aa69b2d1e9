"""The ``alliance-data`` command: parses arguments, calls the library, maps errors to exit codes.

Exit codes: 0 success, 1 the data or release is invalid, 2 a usage or input error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import records as records_mod

Handler = Callable[[argparse.Namespace], int]


def _records_dir(args: argparse.Namespace) -> Path:
    return Path(args.records) if args.records else records_mod.DEFAULT_RECORDS


def cmd_validate(args: argparse.Namespace) -> int:
    if args.release:
        return _validate_release(Path(args.release), args.format)
    from .checks import validate

    directory = _records_dir(args)
    loaded = records_mod.read(directory)
    texts = [Path(t) for t in args.texts] if args.texts else None
    report = validate(loaded, texts, directory)
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    counts = ", ".join(f"{t} {len(rows)}" for t, rows in loaded.rows.items())
    if report.problems:
        for problem in report.problems:
            print(problem)
        print(f"{len(report.problems)} problem(s) found", file=sys.stderr)
        return 1
    print(f"ok: {counts}; {report.quotes_checked} quote(s) checked against source texts")
    return 0


SHOWN = 1000


def _validate_release(folder: Path, fmt: str) -> int:
    """A built release, checked as Arrow columns (``columnar``); fast at millions of rows."""
    from .columnar import validate_release

    report = validate_release(folder, fmt)
    rate = report.total_rows / report.seconds if report.seconds else 0.0
    summary = f"{report.total_rows} rows ({fmt}) in {report.seconds:.2f} s, {rate:,.0f} rows/s"
    if report.problems:
        for problem in report.problems[:SHOWN]:
            print(problem)
        if len(report.problems) > SHOWN:
            print(f"... and {len(report.problems) - SHOWN} more", file=sys.stderr)
        for rule, count in sorted(report.counts.items()):
            if count:
                print(f"  {count:>9}  {rule}", file=sys.stderr)
        print(f"{len(report.problems)} problem(s) found; {summary}", file=sys.stderr)
        return 1
    counts = ", ".join(f"{t} {n}" for t, n in report.rows.items())
    print(f"ok: {counts}; {summary}")
    return 0


def cmd_format(args: argparse.Namespace) -> int:
    changed = records_mod.format_files(_records_dir(args))
    for path in changed:
        print(f"formatted {path}")
    print(f"{len(changed)} file(s) changed")
    return 0


def cmd_schemas(args: argparse.Namespace) -> int:
    from .schema import SCHEMAS_DIR, write_schemas

    changed = write_schemas(Path(args.dest) if args.dest else SCHEMAS_DIR)
    for path in changed:
        print(f"wrote {path}")
    print(f"{len(changed)} schema file(s) changed")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .release import build

    out = build(args.outdir, args.records, version=args.version, text_dirs=_texts(args))
    print(f"built {out}")
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from .publish import release

    records = Path(args.records) if args.records else None
    out = release(args.version, records_dir=records, text_dirs=_texts(args))
    print(f"released {args.version} in {out}")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from .diffing import diff

    changes = diff(_release_arg(args.old), _release_arg(args.new))
    print("\n".join(changes.summary(details=args.details)))
    print(f"smallest version bump for these changes: {changes.bump()}")
    return 0


def _release_arg(value: str) -> Path:
    """A release folder, or a version number looked up (and fetched) like load() does."""
    path = Path(value)
    if path.is_dir():
        return path
    from .api import release_dir

    return release_dir(value)


def _texts(args: argparse.Namespace) -> list[Path] | None:
    return [Path(t) for t in args.texts] if getattr(args, "texts", None) else None


def cmd_info(args: argparse.Namespace) -> int:
    import json

    import pyarrow.parquet as pq

    from .api import shipped_dir, tables

    folder = shipped_dir()
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    print(f"alliance_data {package['version']}")
    for name in tables():
        rows = pq.read_metadata(folder / "data" / f"{name}.parquet").num_rows
        print(f"{name:<22}{rows:>8} rows")
    return 0


def cmd_versions(args: argparse.Namespace) -> int:
    from .api import versions

    for version in versions():
        print(version)
    return 0


def cmd_download(args: argparse.Namespace) -> int:
    import shutil

    from .api import release_dir

    folder = release_dir(args.version, progress=not args.quiet)
    if args.dest:
        dest = Path(args.dest) / args.version
        if dest.exists():
            raise ValueError(f"{dest} already exists; choose another --dest")
        shutil.copytree(folder, dest)
        folder = dest
    print(folder / "datapackage.json")
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    from .api import load

    frame = load(args.table, args.version)
    if args.format == "json":
        sys.stdout.write(frame.to_json(orient="records", date_format="iso", force_ascii=False))
        sys.stdout.write("\n")
    else:
        frame.to_csv(sys.stdout, index=False, date_format="%Y-%m-%d")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from .hsg import importer

    result = importer.run(
        _records_dir(args),
        source=Path(args.source) if args.source else None,
        commits=args.commit,
        base_url=args.base_url,
        cache=Path(args.cache) if args.cache else None,
    )
    print(importer.summary_line(result.summary))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="alliance-data", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check the curated records; list every problem")
    p.add_argument("--records", help="records folder (default: the package's records)")
    p.add_argument("--texts", action="append", help="folder with source texts (repeatable)")
    p.add_argument("--release", help="check a built release folder instead (as Arrow columns)")
    p.add_argument(
        "--format", choices=("parquet", "csv"), default="parquet", help="with --release: files read"
    )
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("format", help="rewrite record files in canonical form")
    p.add_argument("--records", help="records folder (default: the package's records)")
    p.set_defaults(func=cmd_format)

    p = sub.add_parser("schemas", help="regenerate schemas/ from the models")
    p.add_argument("--dest", help="output folder (default: the repository's schemas/)")
    p.set_defaults(func=cmd_schemas)

    p = sub.add_parser("build", help="build a complete release into an empty folder")
    p.add_argument("outdir", help="output folder (must be absent or empty)")
    p.add_argument("--records", help="records folder (default: the package's records)")
    p.add_argument("--version", default="0.0.0", help="version written into the package")
    p.add_argument("--texts", action="append", help="folder with source texts (repeatable)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("release", help="publish releases/VERSION from the curated records")
    p.add_argument("version", help="new semantic version, e.g. 1.2.0")
    p.add_argument("--records", help="records folder (default: the package's records)")
    p.add_argument("--texts", action="append", help="folder with source texts (repeatable)")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("diff", help="records added, removed and changed between two releases")
    p.add_argument("old", help="release folder or version")
    p.add_argument("new", help="release folder or version")
    p.add_argument("--details", type=int, default=20, help="changed keys listed per table")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("info", help="shipped version, tables and row counts")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("versions", help="released versions, oldest first")
    p.set_defaults(func=cmd_versions)

    p = sub.add_parser("download", help="fetch and verify a released version")
    p.add_argument("version")
    p.add_argument("--dest", help="also copy the release into DEST/VERSION")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_download)

    p = sub.add_parser("load", help="print a table as CSV or JSON")
    p.add_argument("table")
    p.add_argument("--version", help="release version (default: the shipped one)")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("import", help="import upstream data into the records' sub-folder")
    p.add_argument("dataset", choices=("hsg",), help="hsg: Office of the Historian travels/visits")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--source", help="local snapshot folder holding travels/ and visits/")
    where.add_argument(
        "--commit",
        action="append",
        help="download at this pinned commit (repeatable; default: the pinned commits)",
    )
    p.add_argument("--records", help="records folder (default: the package's records)")
    p.add_argument(
        "--base-url", help="download base URL (default: $ALLIANCE_DATA_HSG_URL or GitHub)"
    )
    p.add_argument("--cache", help="download cache folder (default: $ALLIANCE_DATA_CACHE)")
    p.set_defaults(func=cmd_import)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.func(args)
    except records_mod.RecordsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
