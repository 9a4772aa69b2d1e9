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


def cmd_format(args: argparse.Namespace) -> int:
    directory = _records_dir(args)
    loaded = records_mod.read(directory)
    if any(p.reason.startswith("malformed YAML") for p in loaded.problems):
        for problem in loaded.problems:
            print(problem, file=sys.stderr)
        return 1
    changed = 0
    for table in loaded.rows:
        for path in records_mod.table_files(directory, table):
            rows = [r.data for r in loaded.rows[table] if Path(r.file).resolve() == path.resolve()]
            text = records_mod.canonical(table, rows)
            if path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
                changed += 1
                print(f"formatted {path}")
    print(f"{changed} file(s) changed")
    return 0


def cmd_schemas(args: argparse.Namespace) -> int:
    from .schema import SCHEMAS_DIR, write_schemas

    changed = write_schemas(Path(args.dest) if args.dest else SCHEMAS_DIR)
    for path in changed:
        print(f"wrote {path}")
    print(f"{len(changed)} schema file(s) changed")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="alliance-data", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check the curated records; list every problem")
    p.add_argument("--records", help="records folder (default: the package's records)")
    p.add_argument("--texts", action="append", help="folder with source texts (repeatable)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("format", help="rewrite record files in canonical form")
    p.add_argument("--records", help="records folder (default: the package's records)")
    p.set_defaults(func=cmd_format)

    p = sub.add_parser("schemas", help="regenerate schemas/ from the models")
    p.add_argument("--dest", help="output folder (default: the repository's schemas/)")
    p.set_defaults(func=cmd_schemas)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
