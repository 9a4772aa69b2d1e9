"""Pinned downloads from a local HTTP server: verified into the cache, tampering refused."""

from __future__ import annotations

import functools
import hashlib
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from alliance_data_curate.importers.hsg import fetch
from alliance_data_curate.importers.hsg.parse import UpstreamError

COMMIT = "0123456789abcdef0123456789abcdef01234567"


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "served"
    root.mkdir()
    handler = functools.partial(Quiet, directory=str(root))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def publish(root: Path, content: bytes) -> dict:
    path = root / "visits" / COMMIT / "data" / "2020.xml"
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    good = hashlib.sha256(b"<visits/>\n").hexdigest()
    return {"visits": {"commit": COMMIT, "files": {"data/2020.xml": good}}}


def test_good_file_is_cached_and_verified(server, tmp_path):
    root, base = server
    registry = publish(root, b"<visits/>\n")
    cache = tmp_path / "cache"
    folders = fetch.fetch(cache=cache, base_url=base, registry=registry)
    cached = folders["visits"] / "data" / "2020.xml"
    assert cached.read_bytes() == b"<visits/>\n"
    assert fetch.check_snapshot(folders, registry) == []


def test_tampered_file_raises_and_leaves_nothing(server, tmp_path):
    root, base = server
    registry = publish(root, b"<visits><tampered/></visits>\n")
    cache = tmp_path / "cache"
    with pytest.raises(UpstreamError, match="does not match its expected sha256"):
        fetch.fetch(cache=cache, base_url=base, registry=registry)
    assert [p for p in cache.rglob("*") if p.is_file()] == []


def test_unknown_commit_is_refused():
    with pytest.raises(UpstreamError, match="no file hashes are recorded for commit"):
        fetch.resolve_commits(["deadbeefdeadbeef"], fetch.load_registry())


def test_registry_urls_point_at_pinned_raw_files():
    registry = fetch.load_registry()
    assert set(registry) == {"travels", "visits"}
    commit = registry["travels"]["commit"]
    assert fetch.url(fetch.DEFAULT_BASE_URL, "travels", commit, "presidents/presidents.xml") == (
        f"https://raw.githubusercontent.com/HistoryAtState/travels/{commit}/presidents/presidents.xml"
    )
