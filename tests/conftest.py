"""Shared fixtures: a small valid records folder, its source text, and releases built from it."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from alliance_data.release import build

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
RECORDS_MIN = FIXTURES / "records_min"
TEXTS = FIXTURES / "texts"
SEEDS = ROOT.parent / "shared" / "seeds"
RELEASE_DATE = dt.date(2021, 4, 1)


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
