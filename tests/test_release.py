"""Releases: valid Data Packages, reproducible, immutable, CSV and Parquet in agreement."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from frictionless import Package

from alliance_data import fetch as index
from alliance_data.fetch import file_inventory, sha256
from alliance_data_curate.build import ReleaseError, build
from alliance_data_curate.diff import diff
from alliance_data_curate.models import TABLES
from alliance_data_curate.records import RecordsError
from alliance_data_curate.release import release
from conftest import RECORDS_MIN, RELEASE_DATE, TEXTS, checkout


def _validate(folder: Path):
    return Package(str(folder / "datapackage.json")).validate()


def test_release_validates_with_frictionless(mini_release: Path) -> None:
    report = _validate(mini_release)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = json.loads((mini_release / "datapackage.json").read_text(encoding="utf-8"))
    assert package["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert {r["name"] for r in package["resources"]} == set(TABLES) | {
        f"{t}_parquet" for t in TABLES
    } | {"alliance_data_sqlite", "overview"}
    for resource in package["resources"]:
        if resource["format"] == "csv":
            assert resource["path"] == f"csv/{resource['name']}.csv"
        if resource["format"] in ("csv", "sqlite", "html"):
            assert resource["hash"] == f"sha256:{sha256(mini_release / resource['path'])}"
            assert resource["bytes"] == (mini_release / resource["path"]).stat().st_size
        else:
            table = resource["name"].removesuffix("_parquet")
            assert resource["path"] == [f"parquet/{table}/part-0000.parquet"]
            assert resource["mediatype"] == "application/vnd.apache.parquet"
            assert resource["x-sha256"] == {p: sha256(mini_release / p) for p in resource["path"]}
            assert "hash" not in resource and "bytes" not in resource
    assert [lic["name"] for lic in package["licenses"]] == ["CC-BY-4.0", "MIT"]


def test_frictionless_catches_tampering_and_broken_keys(mini_release: Path, tmp_path: Path) -> None:
    copy = shutil.copytree(mini_release, tmp_path / "copy")
    path = copy / "csv" / "meetings.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",JPN,", ",XXX,"), encoding="utf-8")
    types = [row[0] for row in _validate(copy).flatten(["type"])]
    assert "foreign-key" in types
    assert "hash-count" in types


def test_csv_and_parquet_hold_the_same_rows(mini_release: Path) -> None:
    for table in TABLES:
        from_csv = pd.read_csv(
            mini_release / "csv" / f"{table}.csv", dtype=str, keep_default_na=False
        )
        arrow = pq.read_table(mini_release / "parquet" / table / "part-0000.parquet")
        from_parquet = arrow.to_pandas().astype(object)
        assert list(from_csv.columns) == list(TABLES[table].fields) == arrow.column_names
        assert len(from_csv) == len(from_parquet)
        for column in from_csv.columns:
            parquet_text = [
                ""
                if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v))
                else v.isoformat()
                if isinstance(v, dt.date)
                else str(v).lower()
                if isinstance(v, bool)
                else str(v)
                for v in from_parquet[column]
            ]
            assert list(from_csv[column]) == parquet_text, (table, column)


def test_parquet_types_follow_the_schema(mini_release: Path) -> None:
    meetings = mini_release / "parquet" / "meetings" / "part-0000.parquet"
    schema = pq.read_schema(meetings)
    assert str(schema.field("start_date").type) == "date32[day]"
    assert str(schema.field("kind").type).startswith("dictionary<values=string")
    parties = pq.read_schema(mini_release / "parquet" / "parties" / "part-0000.parquet")
    assert str(parties.field("cow_code").type) == "int64"
    column = pq.read_metadata(meetings).row_group(0).column(0)
    assert column.compression == "ZSTD"
    assert column.is_stats_set and column.statistics.has_min_max
    assert column.has_offset_index and column.has_column_index  # the page index


def test_spark_ddl_follows_the_table_schemas(mini_release: Path) -> None:
    ddl = (mini_release / "schemas" / "parties.spark.ddl").read_text(encoding="utf-8")
    assert ddl.startswith("`party_id` STRING, `name` STRING, ") and ddl.endswith("\n")
    assert "`cow_code` BIGINT" in ddl
    meetings = (mini_release / "schemas" / "meetings.spark.ddl").read_text(encoding="utf-8")
    assert "`start_date` DATE, `end_date` DATE" in meetings


def test_build_is_reproducible(mini_release: Path, tmp_path: Path) -> None:
    again = build(
        tmp_path / "again", RECORDS_MIN, version="0.1.0", date=RELEASE_DATE, text_dirs=[TEXTS]
    )
    first, second = file_inventory(mini_release), file_inventory(again)
    assert first.keys() == second.keys()
    for path in first:
        if path.endswith(".parquet"):
            assert pq.read_table(mini_release / path).equals(pq.read_table(again / path))
        else:
            assert first[path] == second[path], path


def test_build_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(ReleaseError, match="not empty"):
        build(out, RECORDS_MIN, text_dirs=[TEXTS])
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_failed_build_leaves_nothing(records_copy: Path, tmp_path: Path) -> None:
    (records_copy / "meetings.yaml").write_text("- meeting_id: [broken\n", encoding="utf-8")
    with pytest.raises(RecordsError, match="malformed YAML"):
        build(tmp_path / "out" / "0.2.0", records_copy, text_dirs=[TEXTS])
    assert not (tmp_path / "out" / "0.2.0").exists()
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_failure_while_writing_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import alliance_data_curate.build as rel

    def explode(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(rel, "write_parts", explode)
    with pytest.raises(OSError, match="disk full"):
        build(tmp_path / "0.2.0", RECORDS_MIN, text_dirs=[TEXTS])
    assert list(tmp_path.iterdir()) == []


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "releases").mkdir(parents=True)
    (repo / "CHANGELOG.md").write_text("# Changelog\n\n## Unreleased\n\n- first data\n")
    return repo


def test_release_writes_index_changelog_and_citation(tmp_path: Path, records_copy: Path) -> None:
    repo = _repo(tmp_path)
    release("0.1.0", checkout(repo, records_copy), date=RELEASE_DATE, text_dirs=[TEXTS])
    versions = index.load_index(repo / "releases" / "index.json")
    assert [v.version for v in versions] == ["0.1.0"]
    assert versions[0].files == file_inventory(repo / "releases" / "0.1.0")
    assert "## 0.1.0 — 2021-04-01\n\n- first data" in (repo / "CHANGELOG.md").read_text()
    assert 'version: "0.1.0"' in (repo / "CITATION.cff").read_text()

    with pytest.raises(ReleaseError, match="already exists"):
        release("0.1.0", checkout(repo, records_copy), text_dirs=[TEXTS])
    with pytest.raises(ReleaseError, match="not newer"):
        release("0.0.9", checkout(repo, records_copy), text_dirs=[TEXTS])

    rows = (
        records_copy / "parties.yaml"
    ).read_text() + "- party_id: KOR\n  name: South Korea\n  kind: state\n  cow_code: 732\n"
    (records_copy / "parties.yaml").write_text(rows)
    with pytest.raises(ReleaseError, match="patch bump, but the changes need a minor bump"):
        release("0.1.1", checkout(repo, records_copy), text_dirs=[TEXTS])
    assert not (repo / "releases" / "0.1.1").exists()
    release("0.2.0", checkout(repo, records_copy), date=dt.date(2021, 5, 1), text_dirs=[TEXTS])
    log = (repo / "CHANGELOG.md").read_text()
    assert "## 0.2.0 — 2021-05-01" in log and "- `parties`: 1 added, 0 removed, 0 changed" in log
    assert log.index("## 0.2.0") < log.index("## 0.1.0")
    assert [v.version for v in index.load_index(repo / "releases" / "index.json")] == [
        "0.1.0",
        "0.2.0",
    ]


def test_draft_versions_take_breaking_changes_in_a_minor_bump() -> None:
    from alliance_data_curate.release import required_bump

    assert required_bump("0.2.0", "major") == "minor"
    assert required_bump("1.2.0", "major") == "major"
    assert required_bump("0.2.0", "patch") == "patch"


def test_diff_reports_changed_fields(
    mini_release: Path, records_copy: Path, tmp_path: Path
) -> None:
    path = records_copy / "meetings.yaml"
    path.write_text(
        path.read_text().replace("title: Ministers' meeting in Tokyo", "title: Tokyo 2+2")
    )
    new = build(
        tmp_path / "new", records_copy, version="0.1.1", date=RELEASE_DATE, text_dirs=[TEXTS]
    )
    changes = diff(mini_release, new)
    assert changes.tables["meetings"].changed == {"tokyo-meeting-2021": ["title"]}
    assert changes.bump() == "patch"
    assert "- `meetings`: 0 added, 0 removed, 1 changed" in changes.summary()


def test_codebook_documents_every_field(mini_release: Path) -> None:
    book = (mini_release / "codebook.md").read_text(encoding="utf-8")
    for table in TABLES.values():
        assert f"## `{table.name}`" in book
        for name in table.fields:
            assert f"| `{name}` |" in book
    assert "Row order: `start_date, meeting_id`." in book
    assert "Row order: `table, record_id, evidence_id`." in book
    assert "Row order: `party_id`." in book
    assert (
        "- `ministerial_2plus2`: a joint meeting of two countries' foreign and defence ministers"
        in book
    )


def test_csv_is_rfc4180(mini_release: Path) -> None:
    raw = (mini_release / "csv" / "commitments.csv").read_bytes()
    assert raw.count(b"\r\n") == 2 and raw.decode("utf-8")
    with (mini_release / "csv" / "commitments.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[1][TABLES["commitments"].fields.index("date")] == "2021-03-16"


def _old_layout(release: Path, target: Path) -> Path:
    """``release`` laid out as 0.1.0-0.3.0 were: data/<table>.csv and data/<table>.parquet."""
    (target / "data").mkdir(parents=True)
    shutil.copytree(release / "schemas", target / "schemas")
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        (source,) = resource["path"] if resource["format"] == "parquet" else [resource["path"]]
        table = resource["name"].removesuffix("_parquet")
        resource["path"] = f"data/{table}.{resource['format']}"
        resource.pop("x-sha256", None)
        shutil.copy(release / source, target / resource["path"])
    (target / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    return target


@pytest.mark.slow  # CI only: keeps plain pytest under 90 s
def test_tools_read_the_old_layout_too(
    mini_release: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from alliance_data import api
    from alliance_data.cli import main
    from alliance_data.layout import release_files
    from alliance_data_curate.rules import validate_release

    old = _old_layout(mini_release, tmp_path / "old")
    assert release_files(old, "meetings", "parquet") == [old / "data" / "meetings.parquet"]
    assert release_files(old, "meetings", "csv") == [old / "data" / "meetings.csv"]
    assert _validate(old).valid
    assert diff(old, mini_release).summary() == ["- no changes to the data"]
    for fmt in ("parquet", "csv"):
        assert not validate_release(old, fmt).problems
    monkeypatch.setattr(api, "shipped_dir", lambda: mini_release)
    new_frames = {t: api.load(t) for t in TABLES}
    assert main(["info"]) == 0
    new_info = capsys.readouterr().out
    monkeypatch.setattr(api, "shipped_dir", lambda: old)
    for table, frame in new_frames.items():
        assert api.load(table).equals(frame), table
    assert main(["info"]) == 0
    assert capsys.readouterr().out == new_info
    assert "meetings" in new_info
