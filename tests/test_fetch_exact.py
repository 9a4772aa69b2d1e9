"""The download code's small parts, exactly: names of kinds, URLs, the cache folder, the index
text, the progress bar, and what fetch_release does with the cache, sizes and links."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alliance_data import fetch
from alliance_data.fetch import DownloadError, UnsafeCache, Version


@pytest.mark.parametrize(
    ("value", "kind"),
    [({}, "a mapping"), ([], "a list"), ("", "a string"), (1, "int"), (None, "NoneType")],
)
def test_kind_names(value, kind) -> None:
    assert fetch._kind(value) == kind


@pytest.mark.parametrize(
    ("env", "url"),
    [
        (None, fetch.DEFAULT_URL),
        ("", fetch.DEFAULT_URL),
        ("http://127.0.0.1:8/r", "http://127.0.0.1:8/r/"),
        ("http://127.0.0.1:8/r/", "http://127.0.0.1:8/r/"),
    ],
)
def test_base_url_ends_with_one_slash(monkeypatch, env, url) -> None:
    if env is None:
        monkeypatch.delenv("ALLIANCE_DATA_URL", raising=False)
    else:
        monkeypatch.setenv("ALLIANCE_DATA_URL", env)
    assert fetch.base_url() == url
    assert fetch.DEFAULT_URL.endswith("/releases/")


def test_cache_dir_defaults_to_the_platform_cache(monkeypatch) -> None:
    import pooch

    monkeypatch.delenv("ALLIANCE_DATA_CACHE", raising=False)
    assert fetch.cache_dir() == Path(pooch.os_cache("alliance-data"))
    assert fetch.cache_dir().name == "alliance-data"
    monkeypatch.setenv("ALLIANCE_DATA_CACHE", "/tmp/somewhere")
    assert fetch.cache_dir() == Path("/tmp/somewhere")


def test_dump_index_is_stable_text() -> None:
    digest = "0" * 64
    files = {"z.csv": {"sha256": digest, "bytes": 1}, "a.csv": {"sha256": digest, "bytes": 2}}
    text = fetch.dump_index([Version("0.10.0", "2021-05-01", files), Version("0.9.0", "d", {})])
    assert text == (
        "{\n"
        '  "versions": [\n'
        "    {\n"
        '      "version": "0.9.0",\n'
        '      "date": "d",\n'
        '      "files": {}\n'
        "    },\n"
        "    {\n"
        '      "version": "0.10.0",\n'
        '      "date": "2021-05-01",\n'
        '      "files": {\n'
        '        "z.csv": {\n'
        f'          "sha256": "{digest}",\n'
        '          "bytes": 1\n'
        "        },\n"
        '        "a.csv": {\n'
        f'          "sha256": "{digest}",\n'
        '          "bytes": 2\n'
        "        }\n"
        "      }\n"
        "    }\n"
        "  ]\n"
        "}\n"
    )


def test_progress_bar_counts_bytes_under_a_label(capsys) -> None:
    with fetch._bar(True, 2048, "alliance-data 9.9.9") as bar:
        bar.update(2048)
    err = capsys.readouterr().err
    assert "alliance-data 9.9.9: 100%|" in err and "| 2.05k/2.05k [" in err
    assert err.rstrip().endswith("B/s]")
    with fetch._bar(False, 2048, "quiet") as bar:
        bar.update(2048)
    assert capsys.readouterr().err == ""


def _entry(served: Path, version: str = "0.1.0") -> Version:
    return next(v for v in fetch.load_index(served / "index.json") if v.version == version)


def test_fetch_release_is_quiet_unless_asked(published, capsys) -> None:
    _url, served, cache = published
    entry = _entry(served)
    assert fetch.fetch_release(entry) == cache / "0.1.0"
    assert capsys.readouterr().err == ""
    assert (cache / ".0.1.0.lock").is_file()  # one lock per version
    for path in (cache / "0.1.0").rglob("*"):
        if path.is_file():
            path.unlink()
    fetch.fetch_release(entry, progress=True)
    err = capsys.readouterr().err
    assert "alliance-data 0.1.0: 100%|" in err and err.rstrip().endswith("B/s]")


def test_fetch_release_reuses_a_verified_cache_without_the_network(
    published, monkeypatch, refusing_url
) -> None:
    _url, served, cache = published
    entry = _entry(served)
    fetch.fetch_release(entry)
    monkeypatch.setenv("ALLIANCE_DATA_URL", refusing_url)

    def no_network(*args, **kwargs):
        raise AssertionError("network touched")

    monkeypatch.setattr("requests.get", no_network)
    assert fetch.fetch_release(entry) == cache / "0.1.0"


def test_fetch_release_cuts_a_file_off_at_its_indexed_size(published) -> None:
    _url, served, cache = published
    entry = _entry(served)
    path, meta = next((p, m) for p, m in entry.files.items() if p.endswith(".csv"))
    with (served / "0.1.0" / path).open("ab") as handle:
        handle.write(b"x" * 100_000)
    with pytest.raises(DownloadError) as info:
        fetch.fetch_release(entry)
    assert f"sent more than the {meta['bytes']} bytes expected" in str(info.value)
    assert str(info.value).startswith(f"release 0.1.0 ({path}): ")
    assert str(info.value).endswith(
        ". Check the network or ALLIANCE_DATA_URL; the shipped version still loads offline."
    )
    assert not (cache / "0.1.0" / path).exists()


def test_fetch_release_refuses_a_link_deeper_in_the_version_folder(published, tmp_path) -> None:
    _url, served, cache = published
    entry = _entry(served)
    user = tmp_path / "my-documents"
    user.mkdir()
    (cache / "0.1.0").mkdir(parents=True)
    (cache / "0.1.0" / "parquet").symlink_to(user)
    (user / "parties").mkdir()  # the folder a file would be written into, through the link
    with pytest.raises(UnsafeCache, match=r"0\.1\.0/parquet is a symbolic link"):
        fetch.fetch_release(entry)
    assert [p.name for p in user.rglob("*")] == ["parties"]


def test_index_cache_round_trip(published) -> None:
    url, served, cache = published
    versions = fetch.remote_index()
    wrapper = json.loads((cache / fetch.INDEX_CACHE).read_text(encoding="utf-8"))
    assert set(wrapper) == {"url", "sha256", "body"}
    assert wrapper["url"] == f"{url}index.json"
    assert wrapper["body"] == (served / "index.json").read_text(encoding="utf-8")
    assert fetch.cached_index() == versions
    assert [v.version for v in versions] == ["0.1.0", "0.2.0"]
