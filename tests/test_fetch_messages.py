"""Every refusal of the download code, word for word: a user must learn what is wrong and where."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from alliance_data import fetch
from alliance_data.fetch import DownloadError, UnsafeCache, UntrustedIndex

SHA = "a" * 64
PKG = {"datapackage.json": {"sha256": SHA, "bytes": 1}}
SEMVER_WHY = "is not a semantic version such as 1.2.3 (MAJOR.MINOR.PATCH in ASCII digits)"


def _version(**entry: Any) -> dict[str, Any]:
    return {"versions": [{"version": "0.1.0", "date": "2021-04-01", "files": PKG, **entry}]}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], 'i.json: the index must be a mapping with a "versions" list, not a list'),
        (
            {},
            'i.json: the index must be a mapping with a "versions" list, not a mapping without it',
        ),
        ({"versions": [[]]}, "i.json: versions[0]: must be a mapping, not a list"),
        (
            {"versions": [{"files": PKG}]},
            f"i.json: versions[0].version: version '' {SEMVER_WHY}",
        ),
        (
            {"versions": [{"version": "0.1.0", "files": PKG}, {"version": "0.1.0", "files": PKG}]},
            "i.json: versions[1]: version 0.1.0 is listed twice",
        ),
        (_version(date=20210401), "i.json: versions[0].date: must be a string, not int"),
        (
            _version(files=None),
            "i.json: versions[0].files: must be a mapping of paths, not NoneType",
        ),
        (_version(files={}), "i.json: version 0.1.0 has no datapackage.json entry"),
        (
            _version(files={**PKG, "a.csv": []}),
            "i.json: version 0.1.0 lists 'a.csv' as a list, not a mapping with \"sha256\" and "
            '"bytes"',
        ),
        (
            _version(files={**PKG, "a.csv": {"sha256": "XYZ", "bytes": 1}}),
            "i.json: version 0.1.0 lists a.csv without a valid sha256 (got 'XYZ'); refusing to "
            "trust it — the index must give every file's lower-case hex sha256",
        ),
    ],
)
def test_index_refusals(document, message) -> None:
    with pytest.raises(UntrustedIndex) as info:
        fetch.parse_index(document, "i.json")
    assert str(info.value) == message


def test_index_origin_defaults_to_its_file_name() -> None:
    with pytest.raises(UntrustedIndex, match=r"^index\.json: the index must be a mapping"):
        fetch.parse_index(None)


def test_a_missing_date_is_empty_and_versions_come_back_oldest_first() -> None:
    document = {
        "versions": [
            {"version": "0.10.0", "files": PKG},
            {"version": "0.9.0", "date": "d", "files": PKG},
        ]
    }
    got = fetch.parse_index(document)
    assert [(v.version, v.date) for v in got] == [("0.9.0", "d"), ("0.10.0", "")]


@pytest.mark.parametrize("size", [-1, True, "3", None, 1.0])
def test_a_file_without_a_whole_size_is_refused(size) -> None:
    with pytest.raises(UntrustedIndex) as info:
        fetch.parse_index(_version(files={**PKG, "a.csv": {"sha256": SHA, "bytes": size}}), "i")
    assert str(info.value) == "i: version 0.1.0 lists a.csv without a size"


def test_an_empty_file_is_a_size() -> None:
    [entry] = fetch.parse_index(_version(files={**PKG, "a.csv": {"sha256": SHA, "bytes": 0}}))
    assert entry.files["a.csv"] == {"sha256": SHA, "bytes": 0}


@pytest.mark.parametrize("path", ["/abs", "a\\b", "a//b", "./a", "a/../b", "a/"])
def test_unsafe_paths_in_the_index_are_refused(path) -> None:
    with pytest.raises(UntrustedIndex) as info:
        fetch.parse_index(_version(files={**PKG, path: {"sha256": SHA, "bytes": 1}}), "i")
    assert str(info.value) == f"i: version 0.1.0 lists an unsafe path {path!r}"


def test_load_index_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "index.json"
    path.write_bytes(b"\xff{}")
    with pytest.raises(UntrustedIndex) as info:
        fetch.load_index(path)
    assert str(info.value) == (
        f"{path}: not UTF-8 text: 'utf-8' codec can't decode byte 0xff in position 0: "
        "invalid start byte"
    )
    path.write_text("", encoding="utf-8")
    with pytest.raises(UntrustedIndex) as info:
        fetch.load_index(path)
    assert (
        str(info.value) == f"{path}: not a JSON document: Expecting value: line 1 column 1 (char 0)"
    )
    path.write_text('{"versions": [], "versions": []}', encoding="utf-8")
    with pytest.raises(UntrustedIndex) as info:
        fetch.load_index(path)
    assert (
        str(info.value) == f"{path}: key 'versions' is given twice; the first value would be lost"
    )
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(UntrustedIndex) as info:
        fetch.load_index(path)
    assert (
        str(info.value) == f'{path}: the index must be a mapping with a "versions" list, not a list'
    )
    path.write_text('{"versions": [{"version": "1.0", "files": {}}]}', encoding="utf-8")
    with pytest.raises(UntrustedIndex) as info:
        fetch.load_index(path)
    assert str(info.value) == f"{path}: versions[0].version: version '1.0' {SEMVER_WHY}"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[]", 'the index must be a mapping with a "versions" list, not a list'),
        (
            '{"versions": 1, "versions": []}',
            "key 'versions' is given twice; the first value would be lost",
        ),
        (
            '{"versions": [{"version": "0.1.0", "files": {}}]}',
            "version 0.1.0 has no datapackage.json entry",
        ),
    ],
)
def test_a_served_index_is_refused_naming_its_url(
    http_server, monkeypatch, tmp_path, body, message
):
    url, served = http_server
    (served / "index.json").write_text(body, encoding="utf-8")
    monkeypatch.setenv("ALLIANCE_DATA_URL", url)
    monkeypatch.setenv("ALLIANCE_DATA_CACHE", str(tmp_path / "cache"))
    with pytest.raises(UntrustedIndex) as info:
        fetch.remote_index()
    assert str(info.value) == f"{url}index.json: {message}"
    assert not (tmp_path / "cache").exists()


def test_an_unreachable_index_says_which_url(monkeypatch, refusing_url, tmp_path) -> None:
    monkeypatch.setenv("ALLIANCE_DATA_URL", refusing_url)
    with pytest.raises(DownloadError) as info:
        fetch.remote_index()
    assert str(info.value).startswith(
        f"could not download the release index from {refusing_url}index.json: could not "
        f"download from {refusing_url}index.json: "
    )


def test_the_index_cache_folder_is_made_with_its_parents(http_server, monkeypatch, tmp_path):
    url, served = http_server
    (served / "index.json").write_text('{"versions": []}', encoding="utf-8")
    monkeypatch.setenv("ALLIANCE_DATA_URL", url)
    monkeypatch.setenv("ALLIANCE_DATA_CACHE", str(tmp_path / "a" / "b" / "cache"))
    assert fetch.remote_index() == []
    assert (tmp_path / "a" / "b" / "cache" / fetch.INDEX_CACHE).is_file()


# --- safe paths ------------------------------------------------------------------------------


@pytest.mark.parametrize("relative", ["../x", "a/../b", "/abs", "a\\b"])
def test_unsafe_cache_paths_are_refused(tmp_path: Path, relative: str) -> None:
    with pytest.raises(UnsafeCache) as info:
        fetch.safe_path(tmp_path, relative)
    assert str(info.value) == f"refusing the unsafe cache path {relative!r}"


def test_a_link_in_the_cache_is_named_with_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "0.1.0").symlink_to(tmp_path / "real")
    with pytest.raises(UnsafeCache) as info:
        fetch.safe_path(tmp_path / "cache", "0.1.0/x.csv")
    assert str(info.value) == (
        f"the download cache path {tmp_path / 'cache' / '0.1.0'} is a symbolic link (to "
        f"{tmp_path / 'real'}); alliance_data never writes through links. Remove the link or "
        "point $ALLIANCE_DATA_CACHE at a real folder"
    )


@pytest.mark.parametrize(
    ("value", "limit", "shown"),
    [
        ("x" * 8, 10, "'xxxxxxxx'"),  # exactly the limit: whole
        ("x" * 9, 10, "'xxxxxxxx… (11 characters)"),
        ("x" * 200, fetch.SHOWN, "'" + "x" * 78 + "… (202 characters)"),
    ],
)
def test_shorten(value, limit, shown) -> None:
    assert fetch.shorten(value, limit) == shown
    assert fetch.shorten("x" * 200) == fetch.shorten("x" * 200, 80)


# --- how a file is asked for -------------------------------------------------------------------


class _Raw:
    """A response body without read1 (urllib3 < 2): reads are asked for at most 8 KiB."""

    def __init__(self, body: bytes) -> None:
        self.body, self.asked = body, []

    def read(self, n: int) -> bytes:
        self.asked.append(n)
        chunk, self.body = self.body[:n], self.body[n:]
        return chunk


class _Response:
    def __init__(self, raw: _Raw) -> None:
        self.raw = raw

    def __enter__(self) -> _Response:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def raise_for_status(self) -> None:
        pass


@pytest.mark.parametrize(("env", "per_read"), [(None, 30.0), ("5", 5.0), ("100", 30.0)])
def test_a_download_asks_for_identity_encoding_with_bounded_reads(monkeypatch, env, per_read):
    raw = _Raw(b"y" * 20000)
    calls = []

    def get(url: str, **kwargs: Any) -> _Response:
        calls.append((url, kwargs))
        return _Response(raw)

    monkeypatch.setattr("requests.get", get)
    if env is None:
        monkeypatch.delenv("ALLIANCE_DATA_TIMEOUT", raising=False)
    else:
        monkeypatch.setenv("ALLIANCE_DATA_TIMEOUT", env)
    got: list[bytes] = []
    assert fetch._stream("http://127.0.0.1:1/x", 20000, got.append) == 20000
    assert calls == [
        (
            "http://127.0.0.1:1/x",
            {
                "stream": True,
                "timeout": (per_read, per_read),
                "headers": {"Accept-Encoding": "identity"},
            },
        )
    ]
    assert raw.asked == [8192, 8192, 8192, 8192]
    assert b"".join(got) == b"y" * 20000


def test_sha256_of_a_file_larger_than_one_block(tmp_path: Path) -> None:
    data = bytes(range(256)) * 20000  # 5 MB: several reads
    path = tmp_path / "f"
    path.write_bytes(data)
    assert fetch.sha256(path) == hashlib.sha256(data).hexdigest()
