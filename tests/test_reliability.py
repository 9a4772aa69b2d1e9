"""Nothing lost, nothing hung: a table-driven corpus of hostile inputs (issue 15).

Each bad records file in ``tests/fixtures/bad/<case>.<table>.yaml`` replaces that table in a
copy of the minimal records. ``validate`` must exit 1 naming the file, line, field and
reason; ``format`` must exit 1 and leave every file byte-for-byte as it was, with nothing
added. The other tests cover imported CSV, version strings, the release index, hostile
servers, the download cache and concurrent loads (see RELIABILITY.md).
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import alliance_data
from alliance_data import api, atomic, fetch
from alliance_data.cli import main
from alliance_data.fetch import DownloadError, UnsafeCache, UntrustedIndex
from conftest import FIXTURES, RECORDS_MIN, TEXTS

BAD = FIXTURES / "bad"

# case file -> [(line, field, reason)]; field None means the problem names no field
CORPUS: dict[str, list[tuple[int, str | None, str]]] = {
    "unknown_field.parties.yaml": [(13, "cow_cod", "unknown field")],
    "duplicate_key.parties.yaml": [(12, "name", "key 'name' given twice (first on line 11)")],
    "top_mapping.parties.yaml": [(2, None, "must be a YAML list of records")],
    "item_text.parties.yaml": [(10, None, "a record must be a mapping of fields")],
    "item_list.parties.yaml": [(10, None, "not a list")],
    "merge_key.parties.yaml": [(11, "<<", "YAML merge keys (<<:) are not allowed")],
    "python_apply.parties.yaml": [(11, "name", "python/object/apply:os.system' is not allowed")],
    "python_name.parties.yaml": [(12, "kind", "python/name:os.system' is not allowed")],
    "complex_key.parties.yaml": [(11, None, "a key must be plain text")],
    "not_utf8.parties.yaml": [(11, None, "not UTF-8 text")],
    "bool_integer.parties.yaml": [(13, "cow_code", "valid integer")],
    "float_integer.parties.yaml": [(13, "cow_code", "valid integer")],
    "quoted_integer.parties.yaml": [(13, "cow_code", "'732' is text, not a whole number")],
    "huge_value.parties.yaml": [(12, "kind", "unknown value 'xxxxxxxx")],
    "alias_bomb.meetings.yaml": [
        (3, None, "YAML anchor &l0 is not allowed"),
        (13, None, "YAML alias *l8 is not allowed"),
    ],
    "bad_day.meetings.yaml": [(6, "start_date", "day is out of range for month")],
    "bad_month.meetings.yaml": [(7, "end_date", "month must be in 1..12")],
    "year_zero.meetings.yaml": [(6, "start_date", "year 0 is out of range")],
    "unix_date.meetings.yaml": [(6, "start_date", "1616112000 is a number, not a date")],
    "datetime_date.meetings.yaml": [(6, "start_date", "has a time of day")],
    "zoned_date.meetings.yaml": [(6, "start_date", "2021-03-16T00:00:00+09:00 has a time of day")],
    "zero_width.meetings.yaml": [(3, "title", "U+200B ZERO WIDTH SPACE")],
    "bidi.meetings.yaml": [(3, "title", "U+202E RIGHT-TO-LEFT OVERRIDE")],
    "nul.meetings.yaml": [(3, "title", "U+0000 NULL")],
    "escape.meetings.yaml": [(3, "title", "U+001B ESCAPE")],
    "whitespace.meetings.yaml": [(3, "title", "text is only whitespace")],
    "minus_formula.meetings.yaml": [(3, "title", "formula injection")],
    "minus_dde.meetings.yaml": [(3, "title", "formula injection")],
    "text_file_escape.sources.yaml": [(7, "text_file", "is not a plain file name")],
}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _planted(tmp_path: Path, case: str) -> tuple[Path, str]:
    records = shutil.copytree(RECORDS_MIN, tmp_path / "records")
    table = case.split(".")[1]
    shutil.copyfile(BAD / case, records / f"{table}.yaml")
    return records, table


def _located(output: str, table: str, line: int, field: str | None, reason: str) -> bool:
    for text in output.splitlines():
        if f"{table}.yaml:{line}: {table}" not in text or reason not in text:
            continue
        if field is None or f" {field}: " in text:
            return True
    return False


def test_corpus_covers_every_fixture() -> None:
    assert sorted(CORPUS) == sorted(p.name for p in BAD.iterdir())


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_bad_records_are_located_and_format_writes_nothing(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    records, table = _planted(tmp_path, case)
    before = _snapshot(records)
    started = time.monotonic()
    assert main(["validate", "--records", str(records), "--texts", str(TEXTS)]) == 1
    out = capsys.readouterr().out
    for line, field, reason in CORPUS[case]:
        assert _located(out, table, line, field, reason), (line, field, reason, out)
    assert max(len(line) for line in out.splitlines()) < 1500  # huge values are cut short
    assert main(["format", "--records", str(records)]) == 1
    err = capsys.readouterr().err
    assert f"{table}.yaml:{CORPUS[case][0][0]}:" in err
    assert _snapshot(records) == before  # nothing written, nothing lost, nothing left behind
    assert time.monotonic() - started < 10  # the alias bomb does not expand


def test_format_refuses_a_stray_file_and_validate_reports_it(tmp_path, capsys) -> None:
    records = shutil.copytree(RECORDS_MIN, tmp_path / "records")
    (records / "meetings.yml").write_text("- meeting_id: x\n")
    before = _snapshot(records)
    assert main(["validate", "--records", str(records), "--texts", str(TEXTS)]) == 1
    assert "meetings.yml: meetings: not a table file (<table>.yaml)" in capsys.readouterr().out
    assert main(["format", "--records", str(records)]) == 1
    assert _snapshot(records) == before


def test_format_rewrites_valid_records_and_keeps_every_value(tmp_path) -> None:
    records = shutil.copytree(RECORDS_MIN, tmp_path / "records")
    path = records / "parties.yaml"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text(lines[0] + "".join(lines[5:]) + "".join(lines[1:5]))  # USA before JPN
    (records / ".parties.yaml.tmp-leftover1").write_text("half written")  # a killed writer's
    assert main(["format", "--records", str(records)]) == 0
    assert path.read_text() == (RECORDS_MIN / "parties.yaml").read_text()
    assert not list(records.glob(".*"))


def test_a_name_with_a_zero_width_space_is_not_a_second_person(records_copy, capsys) -> None:
    path = records_copy / "officials.yaml"
    twin = (
        "- official_id: antony-blinken-2\n"
        '  name: "Antony Bli\\u200bnken"\n'
        "  given_name: Antony\n"
        "  family_name: Blinken\n"
        "  name_order: given_family\n"
        "  party_id: USA\n"
    )
    path.write_text(path.read_text() + twin)
    assert main(["validate", "--records", str(records_copy), "--texts", str(TEXTS)]) == 1
    out = capsys.readouterr().out
    assert "officials[antony-blinken-2] name: contains U+200B ZERO WIDTH SPACE" in out


def test_allowed_dash_text_passes() -> None:
    from alliance_data_curate.models import Meeting

    base = {"meeting_id": "m", "kind": "summit", "format": "virtual"}
    assert Meeting.model_validate({**base, "title": "- see the note"}).title == "- see the note"
    for bad in ("-1+1", "- 1+1", "-cmd|' /C calc'!A0", "- SUM(A1)"):
        with pytest.raises(ValueError, match="formula injection"):
            Meeting.model_validate({**base, "title": bad})


# --- imported CSV: parsed from text, just as strictly ------------------------------------

CSV_CASES = {
    "cow_code 1.0": ("parties", "KOR,South Korea,state,1.0,\n", "cow_code", "'1.0' is not a whole"),
    "cow_code +5": ("parties", "KOR,South Korea,state,+5,\n", "cow_code", "'+5' is not a whole"),
    "unix date": (
        "sources",
        "s-x,Title,,,,1616112000,day,,dataset,,,\n",
        "published_date",
        "'1616112000' is not a date written YYYY-MM-DD",
    ),
    "timestamp": (
        "sources",
        "s-x,Title,,,,2021-03-19T00:00:00,day,,dataset,,,\n",
        "published_date",
        "is not a date written YYYY-MM-DD",
    ),
    "impossible day": (
        "sources",
        "s-x,Title,,,,2021-02-30,day,,dataset,,,\n",
        "published_date",
        "day is out of range for month",
    ),
    "zero width": ("parties", "KOR,South\u200bKorea,state,,\n", "name", "U+200B ZERO WIDTH"),
    "formula": ("parties", "KOR,-1+1,state,,\n", "name", "formula injection"),
}


@pytest.mark.parametrize("case", sorted(CSV_CASES))
def test_bad_imported_csv_is_located(case: str, fake_repo: Path, capsys) -> None:
    from alliance_data_curate.models import TABLES

    table, row, field, reason = CSV_CASES[case]
    folder = fake_repo / "imported" / "test"
    folder.mkdir(parents=True)
    (folder / f"{table}.csv").write_text(",".join(TABLES[table].fields) + "\n" + row)
    code = main(["validate", "--repo", str(fake_repo), "--texts", str(TEXTS)])
    out = capsys.readouterr().out
    assert code == 1
    assert f"imported/test/{table}.csv:2: {table}[" in out
    assert any(f" {field}: " in line and reason in line for line in out.splitlines()), out


def test_non_utf8_and_nul_csv_are_located(fake_repo: Path, capsys) -> None:
    folder = fake_repo / "imported" / "test"
    folder.mkdir(parents=True)
    header = b"party_id,name,kind,cow_code,wikidata_id\n"
    (folder / "parties.csv").write_bytes(header + b"KOR,Cor\xe9e,state,,\n")
    (folder / "officials.csv").write_bytes(b"official_id\x00,name\n")
    assert main(["validate", "--repo", str(fake_repo), "--texts", str(TEXTS)]) == 1
    out = capsys.readouterr().out
    assert "imported/test/parties.csv:2: parties: not UTF-8 text" in out
    assert "imported/test/officials.csv:1: officials: " in out


def test_binary_source_text_is_a_located_problem(records_copy: Path, tmp_path, capsys) -> None:
    texts = tmp_path / "texts"
    texts.mkdir()
    blob = b"\x89PNG\r\n\x1a\n\xff\xfe"
    (texts / "mini.txt").write_bytes(blob)
    import hashlib

    path = records_copy / "sources.yaml"
    old = "de98b7bf68c10d3d6c65fcf71200720110d37ae586e9828ec45588ea10c9423e"
    path.write_text(path.read_text().replace(old, hashlib.sha256(blob).hexdigest()))
    assert main(["validate", "--records", str(records_copy), "--texts", str(texts)]) == 1
    out = capsys.readouterr().out
    assert "sources.yaml:9: sources[mini-article] text_file: " in out
    assert "mini.txt is not UTF-8 text" in out


# --- version strings ------------------------------------------------------------------

BAD_VERSIONS = ["0.4.0\n", "1\u0664.0.0", "0.4", "00.4.0", " 0.4.0", "0.4.0-rc1", "x" * 5000]


@pytest.mark.parametrize("bad", BAD_VERSIONS)
def test_bad_versions_are_refused_everywhere(bad: str, fake_repo: Path, monkeypatch, capsys):
    def no_network(*args, **kwargs):
        raise AssertionError("network touched")

    monkeypatch.setattr("requests.get", no_network)
    with pytest.raises(ValueError, match="is not a semantic version"):
        fetch.check_version(bad)
    with pytest.raises(api.InvalidArgument, match="is not a semantic version"):
        alliance_data.load("meetings", version=bad)
    before = sorted(p.relative_to(fake_repo) for p in fake_repo.rglob("*"))
    assert main(["release", bad, "--repo", str(fake_repo), "--texts", str(TEXTS)]) == 2
    assert main(["download", bad]) == 2
    err = capsys.readouterr().err
    assert "is not a semantic version" in err and len(err) < 600  # the value is cut short
    assert sorted(p.relative_to(fake_repo) for p in fake_repo.rglob("*")) == before


# --- the release index ------------------------------------------------------------------

INDEX_SHAPES: dict[str, tuple[object, str]] = {
    "duplicate key": (b'{"versions": [], "versions": []}', "key 'versions' is given twice"),
    "not json": (b"<html>", "not a JSON document"),
    "not utf-8": (b'{"versions": ["\xff"]}', "not UTF-8 text"),
    "list": ([], 'must be a mapping with a "versions" list, not a list'),
    "string": ("releases", 'must be a mapping with a "versions" list, not a string'),
    "no versions": ({}, 'must be a mapping with a "versions" list, not a mapping without it'),
    "versions mapping": ({"versions": {}}, '"versions" list'),
    "entry list": ({"versions": [[]]}, "versions[0]: must be a mapping, not a list"),
    "bad version": ({"versions": [{"version": "1.0"}]}, "versions[0].version: version '1.0'"),
    "files list": (
        {"versions": [{"version": "0.9.0", "files": []}]},
        "versions[0].files: must be a mapping of paths, not a list",
    ),
    "file string": (
        {"versions": [{"version": "0.9.0", "files": {"datapackage.json": "abc"}}]},
        "lists 'datapackage.json' as a string",
    ),
    "unsafe path": (
        {
            "versions": [
                {
                    "version": "0.9.0",
                    "files": {"../x": {"sha256": "0" * 64, "bytes": 1}},
                }
            ]
        },
        "unsafe path '../x'",
    ),
}


def test_served_index_of_the_wrong_shape_is_exit_2(http_server, tmp_path, monkeypatch, capsys):
    url, served = http_server
    monkeypatch.setenv("ALLIANCE_DATA_URL", url)
    monkeypatch.setenv("ALLIANCE_DATA_CACHE", str(tmp_path / "cache"))
    for case, (document, message) in INDEX_SHAPES.items():  # one server for every shape
        text = document if isinstance(document, bytes) else json.dumps(document).encode()
        (served / "index.json").write_bytes(text)
        with pytest.raises(UntrustedIndex) as caught:
            fetch.remote_index()
        assert message in str(caught.value), case
        assert main(["download", "0.9.0", "--quiet"]) == 2, case
        assert message in capsys.readouterr().err, case
        assert not (tmp_path / "cache" / fetch.INDEX_CACHE).exists(), case  # never cached


# --- hostile servers -----------------------------------------------------------------------


class Hostile(BaseHTTPRequestHandler):
    """Serves ``body`` for any path: all at once, with extra bytes, or one byte per ``drip``."""

    body = b""
    extra = b""
    drip = 0.0

    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        if self.drip:
            for byte in self.body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(self.drip)
        else:
            self.wfile.write(self.body + self.extra)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hostile(tmp_path, monkeypatch):
    def serve(body: bytes, *, extra: bytes = b"", drip: float = 0.0) -> str:
        handler = type("H", (Hostile,), {"body": body, "extra": extra, "drip": drip})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/file"

    servers: list[ThreadingHTTPServer] = []
    monkeypatch.setenv("ALLIANCE_DATA_TIMEOUT", "1")
    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def _digest(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def test_a_server_sending_more_than_declared_is_cut_off(hostile, tmp_path) -> None:
    body = b"x" * 1000
    url = hostile(body, extra=b"y" * 5_000_000)
    cache = tmp_path / "cache"
    with pytest.raises(DownloadError, match="sent more than the 1000 bytes expected"):
        fetch.verified_file(url, cache / "f.csv", _digest(body), size=1000, root=cache)
    assert list(cache.iterdir()) == []  # no file, no temp file


def test_a_dripping_server_fails_at_the_deadline(hostile, tmp_path) -> None:
    body = b"x" * 100
    url = hostile(body, drip=0.3)
    cache = tmp_path / "cache"
    started = time.monotonic()
    with pytest.raises(DownloadError, match=r"took longer than 1 s \(\$ALLIANCE_DATA_TIMEOUT\)"):
        fetch.verified_file(url, cache / "f.csv", _digest(body), size=100, root=cache)
    assert time.monotonic() - started < 3
    assert list(cache.iterdir()) == []


def test_a_good_download_lands_and_a_short_one_does_not(hostile, tmp_path) -> None:
    body = b"a,b\n1,2\n"
    cache = tmp_path / "cache"
    target = fetch.verified_file(hostile(body), cache / "f.csv", _digest(body), size=8, root=cache)
    assert target.read_bytes() == body
    with pytest.raises(DownloadError, match="ended after 8 of 9 bytes"):
        fetch.verified_file(hostile(body), cache / "g.csv", _digest(body), size=9, root=cache)
    assert sorted(p.name for p in cache.iterdir()) == ["f.csv"]


def test_a_cache_that_is_a_symlink_is_refused(published, tmp_path, monkeypatch) -> None:
    user = tmp_path / "my-documents"
    user.mkdir()
    link = tmp_path / "linked-cache"
    link.symlink_to(user)
    monkeypatch.setenv("ALLIANCE_DATA_CACHE", str(link))
    with pytest.raises(UnsafeCache, match="is a symbolic link"):
        alliance_data.load("parties", version="0.1.0")
    assert list(user.iterdir()) == []
    assert main(["download", "0.1.0", "--quiet"]) == 2


def test_a_link_inside_the_cache_is_refused(published, tmp_path) -> None:
    _url, _served, cache = published
    user = tmp_path / "my-documents"
    user.mkdir()
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "0.1.0").symlink_to(user)
    with pytest.raises(UnsafeCache, match=r"0\.1\.0 is a symbolic link"):
        alliance_data.load("parties", version="0.1.0")
    assert list(user.iterdir()) == []


def test_bad_timeout_setting_is_refused(monkeypatch) -> None:
    monkeypatch.setenv("ALLIANCE_DATA_TIMEOUT", "soon")
    with pytest.raises(DownloadError, match="must be a positive number of seconds"):
        fetch.timeout()


# --- concurrency and offline loads ---------------------------------------------------------


@pytest.fixture
def remote_only(published, tmp_path, monkeypatch):
    """The published releases, with 0.1.0 known only from the remote index."""
    url, served, cache = published
    shipped = json.loads((served / "index.json").read_text())
    shipped["versions"] = [v for v in shipped["versions"] if v["version"] == "0.2.0"]
    path = tmp_path / "shipped-index.json"
    path.write_text(json.dumps(shipped))
    monkeypatch.setattr(api, "_shipped_index_path", lambda: path)
    api._shipped_index.cache_clear()
    yield url, served, cache
    api._shipped_index.cache_clear()


def test_many_threads_load_one_remote_version(remote_only, monkeypatch) -> None:
    _url, _served, cache = remote_only
    assert alliance_data.versions() == ["0.2.0"]
    with ThreadPoolExecutor(max_workers=20) as pool:
        frames = list(pool.map(lambda _: alliance_data.load("parties", "0.1.0"), range(20)))
    assert all(list(f["party_id"]) == ["JPN", "USA"] for f in frames)
    assert not [p for p in cache.rglob("*") if atomic.is_leftover(p)]

    def no_network(*args, **kwargs):
        raise AssertionError("network touched")

    monkeypatch.setattr("requests.get", no_network)  # cached and verified: no index fetch
    assert list(alliance_data.load("parties", version="0.1.0")["party_id"]) == ["JPN", "USA"]


def test_a_damaged_index_cache_is_ignored(remote_only) -> None:
    _url, _served, cache = remote_only
    alliance_data.load("parties", version="0.1.0")
    path = cache / fetch.INDEX_CACHE
    wrapper = json.loads(path.read_text())
    wrapper["body"] = wrapper["body"].replace("0.1.0", "0.1.1", 1)
    path.write_text(json.dumps(wrapper))
    assert fetch.cached_index() == []  # its own sha256 no longer matches
    assert list(alliance_data.load("parties", version="0.1.0")["party_id"]) == ["JPN", "USA"]


# --- releases: hashes and sizes ------------------------------------------------------------


def test_validate_release_checks_every_file_against_its_hash(published, tmp_path, capsys):
    _url, served, _cache = published
    folder = served / "0.1.0"
    assert main(["validate", "--release", str(folder), "--format", "csv"]) == 0
    capsys.readouterr()
    path = folder / "csv" / "parties.csv"
    path.write_bytes(path.read_bytes().replace(b"Japan", b"Japon"))
    (folder / "csv" / "extra.txt").write_text("x")
    assert main(["validate", "--release", str(folder), "--format", "csv"]) == 1
    out = capsys.readouterr().out
    assert f"{path}: parties hash: sha256 " in out and "but datapackage.json says" in out
    assert f"{path}: -: sha256 " in out and "but index.json says" in out
    assert "extra.txt: -: not listed in index.json for version 0.1.0" in out


def test_leftover_staging_folders_are_removed_by_the_next_build(tmp_path) -> None:
    from alliance_data_curate.build import build

    out = tmp_path / "releases" / "0.4.0"
    leftover = tmp_path / "releases" / ".0.4.0.abc123"
    (leftover / "data").mkdir(parents=True)
    build(out, RECORDS_MIN, version="0.4.0", text_dirs=[TEXTS])
    assert not leftover.exists()
    assert sorted(p.name for p in out.parent.iterdir()) == ["0.4.0"]


def test_the_atomic_helper_leaves_old_content_on_failure(tmp_path) -> None:
    target = tmp_path / "f.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic.temp_beside(target) as (handle, _):
        handle.write(b"half")
        raise RuntimeError("crash")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["f.txt"]
