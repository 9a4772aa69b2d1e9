"""``alliance-data serve``: metadata from the release, and one-line errors with exit 2."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from alliance_data import serve
from alliance_data.cli import main
from alliance_data_curate import sqlite
from conftest import ROOT


def test_metadata_comes_from_the_release(mini_release: Path) -> None:
    meta = serve.metadata(mini_release, mini_release / sqlite.PATH)
    assert meta["license"] == "CC-BY-4.0"
    assert meta["source"] == "alliance_data 0.1.0"
    tables = meta["databases"]["alliance_data"]["tables"]
    meetings = tables["meetings"]
    assert meetings["description"] == "A meeting, call, hearing, visit or trip."
    assert meetings["columns"]["city"] == "City, for in-person meetings"
    assert meetings["columns"]["start_year"].startswith("derived from the row's date")
    assert meetings["facets"] == ["kind", "format", "country", "start_year", "series"]
    assert meetings["label_column"] == "title"
    assert tables["officials"]["label_column"] == "name"
    assert tables["commitments"]["facets"] == [
        "kind", "year", "committing_party_id", "beneficiary_party_id"
    ]  # fmt: skip
    assert not [name for name in tables if name.endswith("_fts")]
    queries = meta["databases"]["alliance_data"]["queries"]
    assert set(queries) == {"positions_on", "meetings_on", "agreements_in_force_on"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("positions_on", ["Secretary of State"]),
        ("meetings_on", ["tokyo-meeting-2021"]),
    ],
)
def test_canned_queries_answer_for_a_date(mini_release: Path, query: str, expected: list) -> None:
    import sqlite3

    sql = serve.QUERIES[query][3]
    with sqlite3.connect(mini_release / sqlite.PATH) as db:
        rows = db.execute(sql, {"date": "2021-03-16"}).fetchall()
    column = 2 if query == "positions_on" else 0
    assert [row[column] for row in rows] == expected


def test_agreements_in_force_lists_their_parties(mini_release: Path) -> None:
    import sqlite3

    with sqlite3.connect(mini_release / sqlite.PATH) as db:
        rows = db.execute(serve.QUERIES["agreements_in_force_on"][3], {"date": "2021-03-16"})
        found = {row[0]: row[5] for row in rows}
    assert found["us-japan-treaty-1960"] == "JPN, USA"


def test_without_datasette_serve_says_what_to_install(
    published, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "datasette.app", None)
    assert main(["serve", "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "error: `alliance-data serve` needs Datasette: pip install 'alliance-data[serve]'\n"
    )


def test_a_port_in_use_is_a_usage_error(published, capsys) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err == f"error: cannot listen on 127.0.0.1:{port}: Address already in use\n"


def test_a_version_not_available_offline_is_a_usage_error(
    published, capsys, monkeypatch: pytest.MonkeyPatch, refusing_url: str
) -> None:
    monkeypatch.setenv("ALLIANCE_DATA_URL", refusing_url)
    assert main(["serve", "--version", "0.9.0"]) == 2
    err = capsys.readouterr().err.splitlines()[-1]
    assert err.startswith("error: release 0.9.0 is not available offline and could not be fetched")


def test_a_release_without_a_database_is_named() -> None:
    with pytest.raises(serve.ServeError, match=r"^release 0\.3\.0 has no SQLite database"):
        serve.database(ROOT / "releases" / "0.3.0")


def test_the_users_package_does_not_import_datasette_when_loaded() -> None:
    code = (
        "import sys, alliance_data, alliance_data.cli, alliance_data.serve; "
        "print(sorted(m for m in ('datasette', 'sqlite_utils', 'uvicorn') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout == "[]\n"
