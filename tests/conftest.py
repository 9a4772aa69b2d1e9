"""Shared fixtures: a small valid records folder, its source text, and releases built from it."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from alliance_data import api
from alliance_data_curate.build import build
from alliance_data_curate.release import release
from alliance_data_curate.repo import Checkout

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
RECORDS_MIN = FIXTURES / "records_min"
TEXTS = FIXTURES / "texts"
SEEDS = ROOT.parent / "shared" / "seeds"
RELEASE_DATE = dt.date(2021, 4, 1)


def checkout(repo: Path, records: Path) -> Checkout:
    """A checkout at ``repo`` whose records folder is ``records`` (linked, so edits show)."""
    (repo / "releases").mkdir(parents=True, exist_ok=True)
    link = repo / "records"
    if not link.exists():
        link.symlink_to(records.resolve())
    return Checkout(repo)


@pytest.fixture
def fake_repo(tmp_path: Path) -> Path:
    """A minimal checkout (pyproject naming alliance-data, records/, releases/) in a temp dir."""
    repo = tmp_path / "repo"
    shutil.copytree(RECORDS_MIN, repo / "records")
    (repo / "releases").mkdir()
    (repo / "pyproject.toml").write_text('[project]\nname = "alliance-data"\n')
    return repo


@pytest.fixture
def records_copy(tmp_path: Path) -> Path:
    """A writable copy of the minimal records, for tests that break them on purpose."""
    target = tmp_path / "records"
    shutil.copytree(RECORDS_MIN, target)
    return target


@pytest.fixture(scope="session")
def mini_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release") / "0.1.0"
    return build(out, RECORDS_MIN, version="0.1.0", date=RELEASE_DATE, text_dirs=[TEXTS])


@pytest.fixture
def refusing_url() -> str:
    """A URL on 127.0.0.1 whose port was bound, listened on and closed: connecting is refused.

    Unlike a fixed port (9, "discard"), nothing can be listening there unless another
    process picks the freed port in the moment between this fixture and the test.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def http_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A local HTTP server on 127.0.0.1 serving a temp folder; yields (base URL, folder)."""
    root = tmp_path / "served"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", root
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def two_releases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """releases/ of a checkout with 0.1.0 and 0.2.0 (KOR added), made once per session."""
    base = tmp_path_factory.mktemp("published")
    repo = base / "repo"
    (repo / "releases").mkdir(parents=True)
    records = shutil.copytree(RECORDS_MIN, base / "records")
    release("0.1.0", checkout(repo, records), date=dt.date(2021, 4, 1), text_dirs=[TEXTS])
    parties = records / "parties.yaml"
    parties.write_text(
        parties.read_text()
        + "- party_id: KOR\n  name: South Korea\n  kind: state\n  cow_code: 732\n"
    )
    release("0.2.0", checkout(repo, records), date=dt.date(2021, 5, 1), text_dirs=[TEXTS])
    return repo / "releases"


@pytest.fixture
def published(tmp_path: Path, http_server, two_releases: Path, monkeypatch: pytest.MonkeyPatch):
    """Two releases served over HTTP; this installation 'ships' the newer one.

    Each test gets its own copies (served and shipped), so it may damage them freely.
    """
    url, served = http_server
    repo = tmp_path / "repo"
    shutil.copytree(two_releases, repo / "releases")
    shutil.copytree(two_releases, served, dirs_exist_ok=True)
    cache = tmp_path / "cache"
    monkeypatch.setenv("ALLIANCE_DATA_URL", url)
    monkeypatch.setenv("ALLIANCE_DATA_CACHE", str(cache))
    monkeypatch.setattr(api, "_shipped_index_path", lambda: repo / "releases" / "index.json")
    monkeypatch.setattr(api, "shipped_dir", lambda: repo / "releases" / "0.2.0")
    monkeypatch.setattr(api, "__version__", "0.2.0")
    api._shipped_index.cache_clear()
    yield url, served, cache
    api._shipped_index.cache_clear()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", help="also run tests marked slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Slow tests run in CI (CI=true) or with --slow; `pytest` alone stays under 90 s."""
    import os

    if config.getoption("--slow") or os.environ.get("CI") == "true":
        return
    skip = pytest.mark.skip(reason="slow: runs in CI (CI=true) or with `pytest --slow`")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
