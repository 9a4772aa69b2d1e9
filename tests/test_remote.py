"""Loading tables, and fetching other versions from a local HTTP server: verified and cached."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import alliance_data
from alliance_data import api
from alliance_data.fetch import DownloadError
from conftest import ROOT


def test_load_shipped_release_types() -> None:
    frame = alliance_data.load("meetings")
    assert str(frame["start_date"].dtype).startswith("datetime64")
    assert isinstance(frame["kind"].dtype, pd.CategoricalDtype)
    order = frame.sort_values(["start_date", "meeting_id"], na_position="last", kind="stable")
    assert list(frame["meeting_id"]) == list(order["meeting_id"])  # the release's scan order
    parties = alliance_data.load("parties")
    assert str(parties["cow_code"].dtype) == "Int64"


def test_unknown_table_lists_valid_names() -> None:
    with pytest.raises(ValueError, match=r"unknown table 'meeting'; expected one of: .*meetings"):
        alliance_data.load("meeting")


@pytest.mark.parametrize("bad", ["../../x", "latest2", "1.0", "v1.0.0", "1.0.0/../../etc"])
def test_bad_version_is_refused_before_any_access(
    bad: str, monkeypatch: pytest.MonkeyPatch, refusing_url: str
) -> None:
    monkeypatch.setenv("ALLIANCE_DATA_URL", refusing_url)

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("network touched")

    monkeypatch.setattr("pooch.retrieve", no_network)
    with pytest.raises(ValueError, match="is not a semantic version"):
        alliance_data.load("meetings", version=bad)
    with pytest.raises(ValueError, match="is not a semantic version"):
        alliance_data.package_path(bad)


def test_older_version_downloads_then_loads_from_cache(
    published, monkeypatch, refusing_url: str
) -> None:
    _url, _served, cache = published
    assert alliance_data.versions() == ["0.1.0", "0.2.0"]
    assert len(alliance_data.load("parties")) == 3
    old = alliance_data.load("parties", version="0.1.0")
    assert list(old["party_id"]) == ["JPN", "USA"]
    assert (cache / "0.1.0" / "datapackage.json").is_file()
    # offline now: the cached, verified copy still loads
    monkeypatch.setenv("ALLIANCE_DATA_URL", refusing_url)
    assert list(alliance_data.load("parties", version="0.1.0")["party_id"]) == ["JPN", "USA"]
    assert alliance_data.package_path("0.1.0") == cache / "0.1.0" / "datapackage.json"


def test_offline_and_not_cached_names_version_and_url(
    published, monkeypatch, refusing_url: str
) -> None:
    monkeypatch.setenv("ALLIANCE_DATA_URL", refusing_url)
    with pytest.raises(DownloadError, match=rf"release 0\.1\.0 .* from {refusing_url}0\.1\.0/"):
        alliance_data.load("parties", version="0.1.0")
    assert len(alliance_data.load("parties")) == 3  # the shipped version still loads


def test_tampered_download_is_refused_and_not_kept(published) -> None:
    _url, served, cache = published
    target = served / "0.1.0" / "parquet" / "parties" / "part-0000.parquet"
    target.write_bytes(target.read_bytes()[:-10])
    with pytest.raises(DownloadError, match="does not match its expected sha256"):
        alliance_data.load("parties", version="0.1.0")
    kept = [p for p in (cache / "0.1.0").rglob("*") if p.is_file()]
    assert cache / "0.1.0" / "parquet" / "parties" / "part-0000.parquet" not in kept
    known = (".csv", ".parquet", ".json", ".md", ".ddl", ".sqlite", ".html")
    assert not [p for p in kept if not p.name.endswith(known)]  # no temp files


def test_tampered_cache_file_is_never_served(published, monkeypatch, refusing_url: str) -> None:
    url, _served, cache = published
    alliance_data.load("parties", version="0.1.0")
    cached = cache / "0.1.0" / "csv" / "parties.csv"
    cached.write_text("party_id,name\nXXX,Tampered\n")
    monkeypatch.setenv("ALLIANCE_DATA_URL", refusing_url)
    with pytest.raises(DownloadError):
        alliance_data.load("parties", version="0.1.0")
    assert not cached.exists()
    monkeypatch.setenv("ALLIANCE_DATA_URL", url)  # back online: fetched again, verified
    alliance_data.load("parties", version="0.1.0")
    assert "Tampered" not in cached.read_text()


def test_index_with_a_file_without_hash_is_refused(published, tmp_path, monkeypatch) -> None:
    _url, _served, _cache = published
    index_path = tmp_path / "repo" / "releases" / "index.json"
    document = json.loads(index_path.read_text())
    del document["versions"][0]["files"]["csv/parties.csv"]["sha256"]
    index_path.write_text(json.dumps(document))
    api._shipped_index.cache_clear()
    with pytest.raises(ValueError, match=r"lists csv/parties\.csv without a valid sha256"):
        alliance_data.load("parties", version="0.1.0")


def test_codebook_and_cite_work_offline(monkeypatch, refusing_url: str) -> None:
    monkeypatch.setenv("ALLIANCE_DATA_URL", refusing_url)
    book = alliance_data.codebook()
    assert {"table", "field", "type", "meaning", "allowed_values"} <= set(book.columns)
    row = book[(book.table == "meetings") & (book.field == "format")].iloc[0]
    assert "in_person:" in row.allowed_values


def _cff() -> dict[str, str]:
    """The top-level scalar fields of the committed CITATION.cff."""
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    return {
        key: value.strip().strip('"')
        for key, sep, value in (line.partition(":") for line in text.splitlines())
        if sep and value.strip() and not key.startswith((" ", "-"))
    }


def test_cite_matches_citation_cff_offline(monkeypatch, refusing_url: str) -> None:
    """The shipped release's citation, checked against CITATION.cff, not the code's version."""
    monkeypatch.setenv("ALLIANCE_DATA_URL", refusing_url)
    cff = _cff()
    author = (ROOT / "CITATION.cff").read_text(encoding="utf-8").split('- name: "')[1]
    assert alliance_data.cite() == (
        f"{author.split(chr(34))[0]} ({cff['date-released'][:4]}). {cff['title']} "
        f"(Version {cff['version']}) [Data set]. {cff['repository-code']}"
    )


def test_cite_of_an_older_version_takes_its_date_from_the_index(monkeypatch, refusing_url) -> None:
    monkeypatch.setenv("ALLIANCE_DATA_URL", refusing_url)
    index = json.loads((ROOT / "releases" / "index.json").read_text(encoding="utf-8"))
    first = index["versions"][0]
    cited = alliance_data.cite(first["version"])
    assert f"({first['date'][:4]}). " in cited
    assert f"(Version {first['version']}) [Data set]" in cited


def test_import_is_light() -> None:
    import subprocess
    import sys

    code = (
        "import sys, alliance_data; heavy = ('pandas', 'pyarrow', 'frictionless', 'pydantic'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
