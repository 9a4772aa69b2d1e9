"""The ``alliance-data`` command: a thin layer over the library.

Users' commands (``info``, ``versions``, ``download``, ``load``, ``cite``, ``serve``) need
only the installed package (``serve`` also Datasette, an optional extra). Curators' commands
(``validate``, ``format``, ``build``, ...) come from ``alliance_data_curate``, which exists
only in a checkout of the repository; without it they refuse with exit 2 and write nothing.

Exit codes: 0 success; 1 the data or a release is invalid; 2 a usage or input error
(bad argument, not a checkout, download failed); 3 an unexpected error (a bug: the
traceback is printed).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__

Handler = Callable[[argparse.Namespace], int]
CURATOR_COMMANDS = {
    "validate": "check the records (or a built release); list every problem",
    "format": "rewrite the curated YAML files in canonical form",
    "schemas": "regenerate schemas/ from the models",
    "build": "build a complete release into an empty folder",
    "release": "publish releases/VERSION from the records",
    "diff": "records added, removed and changed between two releases",
    "import": "import an upstream dataset into imported/<source>/",
}


class UsageError(ValueError):
    """A command was called wrongly; the CLI prints the message and exits 2."""


def cmd_info(args: argparse.Namespace) -> int:
    """Print the shipped version and each table's row count."""
    import json

    import pyarrow.parquet as pq

    from .api import shipped_dir, tables
    from .layout import release_files

    folder = shipped_dir()
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    print(f"alliance_data {package['version']}")
    for name in tables():
        rows = sum(pq.read_metadata(p).num_rows for p in release_files(folder, name, "parquet"))
        print(f"{name:<22}{rows:>8} rows")
    return 0


def cmd_versions(args: argparse.Namespace) -> int:
    """Print the released versions, oldest first."""
    from .api import versions

    for version in versions():
        print(version)
    return 0


def cmd_download(args: argparse.Namespace) -> int:
    """Fetch and verify a version; print its datapackage.json path."""
    import shutil

    from .api import release_dir

    folder = release_dir(args.version, progress=not args.quiet)
    if args.dest:
        dest = Path(args.dest) / args.version
        if dest.exists():
            raise UsageError(f"{dest} already exists; choose another --dest")
        dest.parent.mkdir(parents=True, exist_ok=True)
        staging = dest.with_name(f".{dest.name}.tmp-copy{os.getpid()}")
        try:  # copied whole, then renamed: never a half copy under the version's name
            shutil.copytree(folder, staging)
            staging.rename(dest)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        folder = dest
    print(folder / "datapackage.json")
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    """Print a table as CSV or JSON (a list of records), dates as plain ISO days."""
    from .api import load

    _print_frame(load(args.table, args.version), args.format)
    return 0


def cmd_positions(args: argparse.Namespace) -> int:
    """Print who held which post on a day, as CSV, with a certainty column."""
    from .pointintime import positions_on

    frame = positions_on(args.on, party=args.party, title=args.title, version=args.version)
    for name in ("start_date", "end_date"):
        frame[name] = [d.isoformat() if d is not None else "" for d in frame[name]]
    frame.to_csv(sys.stdout, index=False)
    return 0


def cmd_cite(args: argparse.Namespace) -> int:
    """Print how to cite a release."""
    from .api import cite

    print(cite(args.version))
    return 0


def _print_frame(frame: object, fmt: str) -> None:
    import pandas as pd

    assert isinstance(frame, pd.DataFrame)
    for name in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[name]):
            frame[name] = frame[name].dt.strftime("%Y-%m-%d")
    if fmt == "json":
        sys.stdout.write(frame.to_json(orient="records", force_ascii=False) + "\n")
    else:
        frame.to_csv(sys.stdout, index=False)


def cmd_allies(args: argparse.Namespace) -> int:
    """Print the parties the U.S. had a collective-defense obligation toward that day."""
    from .alliances import allies

    frame = allies(args.on, include_suspended=args.include_suspended, version=args.version)
    _print_frame(frame, args.format)
    return 0


def cmd_in_force(args: argparse.Namespace) -> int:
    """Print the agreements in force that day, with their parties."""
    from .alliances import agreements_in_force

    _print_frame(agreements_in_force(args.on, args.party, version=args.version), args.format)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Browse a release with Datasette on 127.0.0.1 until interrupted."""
    from .api import release_dir
    from .fetch import DownloadError
    from .serve import serve

    try:
        folder = release_dir(args.version)
    except DownloadError as exc:
        raise UsageError(
            f"release {args.version} is not available offline and could not be fetched: "
            + " ".join(str(exc).split())
        ) from None

    def announce(url: str) -> None:
        print(f"serving alliance_data at {url} (Ctrl-C to stop)", flush=True)

    serve(folder, args.host, args.port, announce)
    return 0


def _user_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "info",
        help="shipped version, tables and row counts",
        description="Print the shipped release's version and row counts.",
    )
    p.set_defaults(func=cmd_info)

    p = sub.add_parser(
        "versions",
        help="released versions, oldest first",
        description="Print every released version this installation knows.",
    )
    p.set_defaults(func=cmd_versions)

    p = sub.add_parser(
        "download",
        help="fetch and verify a released version",
        description="Download a release, verify every file's sha256, cache it.",
    )
    p.add_argument("version", help="release version, e.g. 0.1.0")
    p.add_argument("--dest", help="also copy the release into DEST/VERSION")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_download)

    p = sub.add_parser(
        "load",
        help="print a table as CSV or JSON",
        description="Print one table of a release to standard output.",
    )
    p.add_argument("table", help="table name (see `alliance-data info`)")
    p.add_argument("--version", help="release version (default: the shipped one)")
    p.add_argument(
        "--format",
        choices=("csv", "json"),
        default="csv",
        help="csv (default) or json (a list of records)",
    )
    p.set_defaults(func=cmd_load)

    p = sub.add_parser(
        "positions",
        help="who held which post on a day",
        description="Print the positions held on a day (certain or possible, by date precision).",
    )
    p.add_argument("--on", required=True, metavar="DATE", help="the day, YYYY-MM-DD")
    p.add_argument("--party", help="only this party id, e.g. USA")
    p.add_argument("--title", help="only titles containing this text (case-insensitive)")
    p.add_argument("--version", help="release version (default: the shipped one)")
    p.set_defaults(func=cmd_positions)

    p = sub.add_parser(
        "allies",
        help="U.S. treaty allies on a day",
        description="Parties toward which the United States had a collective-defense "
        "obligation on a day, with the treaty.",
    )
    p.add_argument("--on", required=True, help="the day, YYYY-MM-DD")
    p.add_argument(
        "--include-suspended",
        action="store_true",
        help="also list parties whose U.S. obligations were suspended",
    )
    p.add_argument("--version", help="release version (default: the shipped one)")
    p.add_argument("--format", choices=("csv", "json"), default="csv", help="output format")
    p.set_defaults(func=cmd_allies)

    p = sub.add_parser(
        "in-force",
        help="agreements in force on a day",
        description="Agreements in force on a day, one row per party.",
    )
    p.add_argument("--on", required=True, help="the day, YYYY-MM-DD")
    p.add_argument("--party", help="only agreements of this party (e.g. JPN)")
    p.add_argument("--version", help="release version (default: the shipped one)")
    p.add_argument("--format", choices=("csv", "json"), default="csv", help="output format")
    p.set_defaults(func=cmd_in_force)

    p = sub.add_parser(
        "cite",
        help="how to cite a release",
        description="Print the citation of a release (default: the shipped one).",
    )
    p.add_argument("--version", help="release version (default: the shipped one)")
    p.set_defaults(func=cmd_cite)

    p = sub.add_parser(
        "serve",
        help="browse a release in the web browser (Datasette)",
        description="Serve a release's SQLite database with Datasette, with the release's "
        "descriptions, facets, links and canned queries. Needs: "
        "pip install 'alliance-data[serve]'.",
    )
    p.add_argument("--version", help="release version (default: the shipped one)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8001, help="port (default 8001; 0: any free port)")
    p.set_defaults(func=cmd_serve)


def _curator_commands(sub: argparse._SubParsersAction) -> None:
    """The curators' commands if ``alliance_data_curate`` is importable, else refusing stubs."""
    try:
        from alliance_data_curate.cli import register
    except ImportError as exc:
        missing = exc.name or str(exc)

        def refuse(args: argparse.Namespace) -> int:
            raise UsageError(
                f"`alliance-data {args.command}` is a curators' command: it needs a checkout of "
                "the repository with the curators' tools installed (in the checkout: "
                f"pip install -e '.[curate]'); missing: {missing}"
            )

        for name, text in CURATOR_COMMANDS.items():
            p = sub.add_parser(name, help=f"(curators) {text}", description=text, add_help=False)
            p.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
            p.set_defaults(func=refuse)
        return
    register(sub, CURATOR_COMMANDS)


def parser() -> argparse.ArgumentParser:
    """The argument parser of ``alliance-data`` (users' and curators' commands)."""
    p = argparse.ArgumentParser(
        prog="alliance-data",
        description="A versioned, source-traced dataset of U.S. alliance diplomacy.",
        epilog="Exit codes: 0 ok, 1 invalid data, 2 usage or input error, 3 unexpected error.",
    )
    p.add_argument(
        "--version",
        action="version",
        version=f"alliance-data {__version__}",
        help="print the package (and shipped data) version and exit",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _user_commands(sub)
    _curator_commands(sub)
    return p


def _expected_errors() -> tuple[tuple[type[BaseException], ...], tuple[type[BaseException], ...]]:
    """(invalid data -> exit 1, usage or input -> exit 2) exception classes."""
    from .fetch import DownloadError, UntrustedIndex

    usage: list[type[BaseException]] = [UsageError, DownloadError, UntrustedIndex]
    invalid: list[type[BaseException]] = []
    from . import serve
    from .errors import InvalidArgument

    usage += [InvalidArgument, serve.ServeError]
    try:
        from alliance_data_curate.cli import EXPECTED
    except ImportError:
        return tuple(invalid), tuple(usage)
    invalid += EXPECTED["invalid"]
    usage += EXPECTED["usage"]
    return tuple(invalid), tuple(usage)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Example
    -------
    >>> main(["versions"])  # doctest: +SKIP
    0.1.0
    0
    """
    args = parser().parse_args(argv)
    invalid, usage = _expected_errors()
    try:
        code = args.func(args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # The reader went away (`alliance-data load meetings | head`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except invalid as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except usage as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception:
        traceback.print_exc()
        print(
            "error: unexpected error (a bug in alliance_data; please report it with the "
            "traceback above)",
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
