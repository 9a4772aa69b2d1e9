"""Browsing a release in the web browser: Datasette over the release's SQLite database.

``alliance-data serve`` opens the database read-only (immutable) with metadata taken from the
release itself: its title, licence and homepage from ``datapackage.json``, a description for
every table and column from its Table Schemas, facets on the columns worth counting, labels
for foreign-key links, and canned queries for point-in-time questions.

Datasette is optional (``pip install 'alliance-data[serve]'``) and imported only when a
server starts.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

INSTALL = "pip install 'alliance-data[serve]'"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001
# Columns faceted wherever a table has them (vocabularies, places, years, series).
FACETS = (
    "kind",
    "format",
    "country",
    "start_year",
    "year",
    "series",
    "status",
    "tenure_status",
    "relation",
    "committing_party_id",
    "beneficiary_party_id",
    "table",
)
LABELS = ("title", "name", "alias")  # the column shown for a row in foreign-key links


class ServeError(ValueError):
    """The server cannot start (no Datasette, no database, port taken); exit 2 in the CLI."""


# Canned queries: name -> (title, description, tables it reads, SQL). A query is offered only
# when the release has every table it reads. Questions about allies on a date need a table of
# alliance memberships, which releases do not have yet; such queries join this list with it.
QUERIES: dict[str, tuple[str, str, tuple[str, ...], str]] = {
    "positions_on": (
        "Positions held on a date",
        "Who held which post on :date (YYYY-MM-DD): posts that started on or before it and "
        "ended on or after it, or are still held. Posts whose end is unknown are not listed.",
        ("positions", "officials"),
        """select p.party_id, p.organization, p.title, o.name, p.position_id,
  p.start_date, p.end_date, p.tenure_status
from positions p join officials o on o.official_id = p.official_id
where p.start_date <= :date
  and (p.end_date >= :date or (p.end_date is null and p.tenure_status = 'ongoing'))
order by p.party_id, p.organization, p.title, o.name""",
    ),
    "meetings_on": (
        "Meetings under way on a date",
        "Meetings, calls, visits and trips whose dates include :date (YYYY-MM-DD).",
        ("meetings",),
        """select meeting_id, title, kind, format, start_date, end_date, city, country
from meetings
where start_date <= :date and coalesce(end_date, start_date) >= :date
order by start_date, meeting_id""",
    ),
    "agreements_in_force_on": (
        "Agreements in force on a date",
        "Agreements that had entered into force on or before :date (YYYY-MM-DD) and had not "
        "ended before it, with their parties.",
        ("agreements", "agreement_parties"),
        """select a.agreement_id, a.title, a.kind, a.in_force_date, a.end_date,
  (select group_concat(party_id, ', ') from
    (select party_id from agreement_parties ap
     where ap.agreement_id = a.agreement_id order by party_id)) as parties
from agreements a
where a.in_force_date <= :date and (a.end_date is null or a.end_date >= :date)
order by a.in_force_date, a.agreement_id""",
    ),
}


def database(folder: Path) -> Path:
    """The SQLite database of a release folder, as its ``datapackage.json`` lists it.

    Raises
    ------
    ServeError
        The release has no database (releases built before databases were added).

    Example
    -------
    >>> from alliance_data.api import release_dir
    >>> database(release_dir("0.4.0")).name  # doctest: +SKIP
    'alliance_data.sqlite'
    """
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        if resource.get("format") == "sqlite":
            return folder / resource["path"]
    raise ServeError(
        f"release {package.get('version', folder.name)} has no SQLite database (older releases "
        "were published without one); choose a newer one with --version"
    )


def metadata(folder: Path, db: Path) -> dict[str, Any]:
    """Datasette metadata for a release, from its ``datapackage.json`` and Table Schemas.

    Example
    -------
    >>> from alliance_data.api import release_dir
    >>> folder = release_dir("0.4.0")  # doctest: +SKIP
    >>> metadata(folder, database(folder))["databases"]["alliance_data"]["tables"]["meetings"][
    ...     "facets"]  # doctest: +SKIP
    ['kind', 'format', 'country', 'start_year', 'series']
    """
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    licence = package["licenses"][0]
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        present = _columns(connection)
    tables = {}
    for resource in package["resources"]:
        if resource.get("format") != "csv" or resource["name"] not in present:
            continue
        schema = json.loads((folder / resource["schema"]).read_text(encoding="utf-8"))
        columns = {f["name"]: f.get("description", "") for f in schema["fields"]}
        names = present[resource["name"]]
        for name in names:
            columns.setdefault(name, "derived from the row's date (only in the SQLite database)")
        entry: dict[str, Any] = {"description": resource.get("description", "")}
        entry["columns"] = columns
        facets = [c for c in FACETS if c in names]
        if facets:
            entry["facets"] = facets
        label = next((c for c in LABELS if c in names), None)
        if label:
            entry["label_column"] = label
        tables[resource["name"]] = entry
    queries = {
        name: {"title": title, "description": text, "sql": sql}
        for name, (title, text, needed, sql) in QUERIES.items()
        if all(t in present for t in needed)
    }
    return {
        "title": f"{package.get('title', 'alliance_data')} — {package.get('version', '')}",
        "description": package.get("description", ""),
        "license": licence.get("name"),
        "license_url": licence.get("path"),
        "source": f"alliance_data {package.get('version', '')}",
        "source_url": package.get("homepage"),
        "databases": {db.stem: {"tables": tables, "queries": queries}},
    }


def _columns(connection: sqlite3.Connection) -> dict[str, list[str]]:
    """Every ordinary table's columns, generated ones included."""
    names = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
        )
    ]
    return {
        name: [row[1] for row in connection.execute(f'PRAGMA table_xinfo("{name}")')]
        for name in names
    }


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (0: any free port), or a one-line ServeError.

    Example
    -------
    >>> sock = bind("127.0.0.1", 0)
    >>> sock.getsockname()[1] > 0
    True
    >>> sock.close()
    """
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def serve(
    folder: Path,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    announce: Callable[[str], None] = print,
) -> None:
    """Serve a release folder with Datasette until interrupted.

    Parameters
    ----------
    folder
        A release folder (see ``api.release_dir``).
    host, port
        Where to listen; 127.0.0.1 unless told otherwise. Port 0 picks a free port.
    announce
        Called once with the URL when the server is about to accept connections.

    Raises
    ------
    ServeError
        Datasette is not installed, the release has no database, or the port is taken.

    Example
    -------
    >>> from alliance_data.api import release_dir
    >>> serve(release_dir(), port=8001)  # doctest: +SKIP
    http://127.0.0.1:8001/alliance_data
    """
    try:
        import uvicorn
        from datasette.app import Datasette
    except ImportError:
        raise ServeError(f"`alliance-data serve` needs Datasette: {INSTALL}") from None
    db = database(folder)
    ds = Datasette(immutables=[str(db)], metadata=metadata(folder, db))
    sock = bind(host, port)
    asyncio.run(ds.invoke_startup())
    shown = f"[{host}]" if ":" in host else host
    announce(f"http://{shown}:{sock.getsockname()[1]}/{db.stem}")
    config = uvicorn.Config(ds.app(), log_level="warning", lifespan="on")
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
