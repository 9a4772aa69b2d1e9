"""The curators' commands of ``alliance-data``: validate, format, schemas, build, release,
diff and import. They act on the checkout they are run in (or ``--repo DIR``) and refuse
anywhere else, so they can never write into an installed copy of the package.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import records as records_mod
from .build import ReleaseError
from .importers.hsg.parse import UpstreamError
from .importers.reviewed import ReviewedFileError
from .models import TABLES
from .repo import Checkout, NotACheckout, find

SHOWN = 1000


class UsageError(ValueError):
    """A curators' command was called wrongly; the CLI prints the message and exits 2."""


EXPECTED: dict[str, list[type[BaseException]]] = {
    "invalid": [records_mod.RecordsError, ReviewedFileError],
    "usage": [NotACheckout, ReleaseError, UsageError, UpstreamError],
}


def _repo(args: argparse.Namespace) -> Checkout:
    if args.repo:
        return find(Path(args.repo), explicit=True)
    return find()


def _texts(args: argparse.Namespace, repo: Checkout) -> list[Path]:
    from .checks import default_text_dirs

    if getattr(args, "texts", None):
        return [Path(t) for t in args.texts]
    return default_text_dirs(repo.root)


def cmd_validate(args: argparse.Namespace) -> int:
    """Check the records (or with --release, a built release); print every problem."""
    if args.release:
        return _validate_release(Path(args.release), args.format, args.memory_limit, args.temp_dir)
    from .checks import validate

    repo = _repo(args)
    records_dir = Path(args.records) if args.records else repo.records
    imported = None if args.records else repo.imported
    loaded = records_mod.read(records_dir, imported)
    report = validate(loaded, _texts(args, repo), records_dir)
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    counts = ", ".join(
        f"{t} {len(rows)}" for t, rows in loaded.rows.items() if not TABLES[t].derived
    )
    if report.problems:
        for problem in report.problems:
            print(problem)
        print(f"{len(report.problems)} problem(s) found", file=sys.stderr)
        return 1
    print(f"ok: {counts}; {report.quotes_checked} quote(s) checked against source texts")
    return 0


def _validate_release(
    folder: Path, fmt: str, memory_limit: str | None, temp_dir: str | None
) -> int:
    """A built release, scanned by DuckDB under a memory limit; fast at millions of rows."""
    from . import integrity
    from .rules import MEMORY_LIMIT, validate_release

    if not (folder / "datapackage.json").is_file():
        raise UsageError(f"{folder} is not a release folder (no datapackage.json)")
    if temp_dir is not None and not Path(temp_dir).is_dir():
        raise UsageError(f"--temp-dir {temp_dir}: no such folder; give an existing folder")
    damaged = integrity.check(folder)
    for problem in damaged:
        print(problem)
    report = validate_release(
        folder, fmt, memory_limit=memory_limit or MEMORY_LIMIT, temp_dir=temp_dir
    )
    if damaged and not report.problems:
        print(f"{len(damaged)} problem(s) found (files differ from their hashes)", file=sys.stderr)
        return 1
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
    """Rewrite the curated YAML files in canonical form."""
    repo = _repo(args)
    changed = records_mod.format_files(Path(args.records) if args.records else repo.records)
    for path in changed:
        print(f"formatted {path}")
    print(f"{len(changed)} file(s) changed")
    return 0


def cmd_schemas(args: argparse.Namespace) -> int:
    """Regenerate the checkout's schemas/ from the models."""
    from .schemas import write_schemas

    repo = _repo(args)
    changed = write_schemas(repo.schemas)
    for path in changed:
        print(f"wrote {path}")
    print(f"{len(changed)} schema file(s) changed")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Build a complete release from the checkout's records into an empty folder."""
    from .build import build
    from .release import notes

    repo = _repo(args)
    out = build(
        args.outdir,
        repo.records,
        repo.imported,
        version=args.data_version,
        text_dirs=_texts(args, repo),
        notes=notes(repo.root / "CHANGELOG.md", args.data_version),
    )
    print(f"built {out}")
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    """Publish releases/VERSION and update the index, CHANGELOG, CITATION.cff and README."""
    from .release import release

    repo = _repo(args)
    out = release(args.version, repo, text_dirs=_texts(args, repo))
    print(f"released {args.version} in {out}")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    """Print the records added, removed and changed between two releases."""
    from .diff import diff

    changes = diff(_release_arg(args.old), _release_arg(args.new))
    print("\n".join(changes.summary(details=args.details)))
    print(f"smallest version bump for these changes: {changes.bump()}")
    return 0


def _release_arg(value: str) -> Path:
    """A release folder; a version of this checkout's releases/; else fetched like load()."""
    path = Path(value)
    if path.is_dir():
        return path
    from alliance_data.api import release_dir
    from alliance_data.fetch import check_version

    try:
        local = find().releases / check_version(value)
    except (NotACheckout, ValueError):
        local = None
    if local is not None and local.is_dir():
        return local
    return release_dir(value)


def cmd_import(args: argparse.Namespace) -> int:
    """Import the Office of the Historian's data into imported/hsg/ or imported/pocom/.

    Run ``import pocom`` before ``import hsg``: the hsg import reuses the pocom officials and
    their dated positions for the Presidents and Secretaries who travelled.
    """
    if args.dataset == "pocom":
        from .importers.pocom import importer
    else:
        from .importers.hsg import importer

    repo = _repo(args)
    result = importer.run(
        repo.records,
        repo.imported,
        source=Path(args.source) if args.source else None,
        commits=args.commit,
        base_url=args.base_url,
        cache=Path(args.cache) if args.cache else None,
        allow_unpinned=args.allow_unpinned,
    )
    print(importer.summary_line(result.summary))
    return 0


def _add_repo(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--repo",
        metavar="DIR",
        help="the checkout to act on (default: the one containing the working directory)",
    )


def _add_texts(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--texts",
        action="append",
        metavar="DIR",
        help="folder with source texts for quote checks (repeatable; default: "
        "$ALLIANCE_DATA_TEXTS or ../shared/seeds)",
    )


def register(sub: argparse._SubParsersAction, helps: dict[str, str]) -> None:
    """Add the curators' commands to the ``alliance-data`` parser."""
    p = sub.add_parser("validate", help=helps["validate"], description=cmd_validate.__doc__)
    _add_repo(p)
    p.add_argument("--records", metavar="DIR", help="check this records folder alone")
    _add_texts(p)
    p.add_argument("--release", metavar="DIR", help="check a built release folder instead")
    p.add_argument(
        "--format",
        choices=("parquet", "csv"),
        default="parquet",
        help="with --release: which files to read (default parquet)",
    )
    p.add_argument(
        "--memory-limit",
        metavar="SIZE",
        help="with --release: DuckDB memory limit, e.g. 2GB; beyond it joins spill to disk "
        "(default 300MB)",
    )
    p.add_argument(
        "--temp-dir",
        metavar="DIR",
        help="with --release: where spill files go (default: the system's temp folder)",
    )
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("format", help=helps["format"], description=cmd_format.__doc__)
    _add_repo(p)
    p.add_argument("--records", metavar="DIR", help="format this records folder instead")
    p.set_defaults(func=cmd_format)

    p = sub.add_parser("schemas", help=helps["schemas"], description=cmd_schemas.__doc__)
    _add_repo(p)
    p.set_defaults(func=cmd_schemas)

    p = sub.add_parser("build", help=helps["build"], description=cmd_build.__doc__)
    p.add_argument("outdir", help="output folder (must be absent or empty)")
    _add_repo(p)
    p.add_argument(
        "--version",
        dest="data_version",
        default="0.0.0",
        help="version written into the package (default 0.0.0)",
    )
    _add_texts(p)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("release", help=helps["release"], description=cmd_release.__doc__)
    p.add_argument("version", help="new version MAJOR.MINOR.PATCH, e.g. 0.4.0")
    _add_repo(p)
    _add_texts(p)
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("diff", help=helps["diff"], description=cmd_diff.__doc__)
    p.add_argument("old", help="older release: a folder or a version")
    p.add_argument("new", help="newer release: a folder or a version")
    p.add_argument("--details", type=int, default=20, help="changed keys listed per table")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("import", help=helps["import"], description=cmd_import.__doc__)
    p.add_argument(
        "dataset",
        choices=("hsg", "pocom"),
        help="hsg: Office of the Historian travels/visits; pocom: principal officers and "
        "chiefs of mission",
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--source",
        metavar="DIR",
        help="local snapshot: for hsg the folder holding travels/ and visits/, for pocom the "
        "pocom repository folder",
    )
    where.add_argument(
        "--commit",
        action="append",
        help="download at this pinned commit (repeatable; default: the pinned commits)",
    )
    _add_repo(p)
    p.add_argument(
        "--base-url", help="download base URL (default: $ALLIANCE_DATA_HSG_URL or GitHub)"
    )
    p.add_argument("--cache", metavar="DIR", help="download cache (default: $ALLIANCE_DATA_CACHE)")
    p.add_argument(
        "--allow-unpinned",
        action="store_true",
        help="import a --source snapshot whose files differ from the pinned sha256s "
        "(the summary lists them)",
    )
    p.set_defaults(func=cmd_import)
