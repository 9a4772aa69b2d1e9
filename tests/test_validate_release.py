"""Validating a release: clean releases pass, every planted defect is found, parity with YAML."""

from __future__ import annotations

import functools
import re
import shutil
import sys
from pathlib import Path

import pytest
from frictionless import Package

from alliance_data.cli import main
from alliance_data_curate import checks, records
from alliance_data_curate.build import build
from alliance_data_curate.rules import validate_release
from conftest import RECORDS_MIN, ROOT, TEXTS

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate

MEETINGS = 120


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list]:
    """A small synthetic release with every kind of defect, and the same rows as YAML."""
    base = tmp_path_factory.mktemp("planted")
    tables, csv_only, defects = generate.generate(MEETINGS, defects=True)
    generate.write_release(base / "release", tables, csv_only)
    generate.write_yaml(base / "records", tables)
    return base / "release", base / "records", defects


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("clean") / "release"
    tables, csv_only, _ = generate.generate(MEETINGS)
    generate.write_release(out, tables, csv_only)
    return out


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_clean_fixture_release_passes(fmt: str, tmp_path: Path) -> None:
    out = build(tmp_path / "r", RECORDS_MIN, version="0.1.0", text_dirs=[TEXTS])
    report = validate_release(out, fmt)
    assert report.problems == []
    assert report.total_rows > 0


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_generated_release_is_clean(clean: Path, fmt: str) -> None:
    assert validate_release(clean, fmt).problems == []


def test_generated_release_is_valid_for_frictionless(clean: Path) -> None:
    report = Package(str(clean / "datapackage.csv.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


@functools.cache
def _validated(folder: Path, fmt: str):
    """One validation per release and format, shared by the per-defect tests."""
    return validate_release(folder, fmt)


def _kinds_and_formats() -> list[tuple[str, str]]:
    _, _, defects = generate.generate(MEETINGS, defects=True)
    return sorted({(d.kind, fmt) for d in defects for fmt in d.formats})


KINDS_AND_FORMATS = _kinds_and_formats()


def test_every_kind_of_defect_is_planted_in_both_formats() -> None:
    """Each (kind, format) case below must have defects to find, or it would pass vacuously."""
    kinds = {kind for kind, _ in KINDS_AND_FORMATS}
    assert len(kinds) >= 20
    one_format = {k for k in kinds if sum(kind == k for kind, _ in KINDS_AND_FORMATS) == 1}
    assert {k: fmt for k, fmt in KINDS_AND_FORMATS if k in one_format} == {
        "min_length": "parquet",  # planted only where the format can hold the defect
        "type": "csv",
    }


@pytest.mark.parametrize(("kind", "fmt"), KINDS_AND_FORMATS)
def test_each_planted_defect_is_found(planted, kind: str, fmt: str) -> None:
    folder, _, defects = planted
    report = _validated(folder, fmt)
    found = {(p.table, p.line, p.record_id, p.field) for p in report.problems}
    rows = {(p.table, p.line, p.record_id) for p in report.problems}
    wanted = [d for d in defects if d.kind == kind and fmt in d.formats]
    assert wanted, (kind, fmt)  # the case ran: at least one defect of this kind was planted
    for d in wanted:
        assert (d.table, d.row, d.record_id, d.field) in found or (
            d.field is None and (d.table, d.row, d.record_id) in rows
        ), (d, sorted(found))


def test_frictionless_finds_the_defects_a_table_schema_expresses(planted) -> None:
    folder, _, defects = planted
    report = Package(str(folder / "datapackage.csv.json")).validate()
    hits = {(task.name, err.row_number) for task in report.tasks for err in task.errors}
    missed = [
        d for d in defects if d.schema and "csv" in d.formats and (d.table, d.row) not in hits
    ]
    assert missed == []


def _same(problem: records.Problem) -> tuple:
    """A problem without where it is: file names, lines and row numbers differ by design."""
    reason = re.sub(r"\(\S+:\d+\)", "(...)", problem.reason)
    reason = re.sub(r"first defined at \S+", "first defined at ...", reason)
    return problem.table, problem.record_id, problem.field, reason


def test_parity_with_the_yaml_checks(planted) -> None:
    folder, yaml_dir, _ = planted
    yaml = checks.validate(records.read(yaml_dir), [yaml_dir / "no-texts"])
    release = validate_release(folder, "parquet")
    assert sorted(map(_same, release.problems)) == sorted(map(_same, yaml.problems))


def test_cli_validate_release(planted, clean: Path, capsys: pytest.CaptureFixture) -> None:
    folder, _, _ = planted
    assert main(["validate", "--release", str(clean)]) == 0
    assert "rows/s" in capsys.readouterr().out
    assert main(["validate", "--release", str(folder), "--format", "csv"]) == 1
    captured = capsys.readouterr()
    assert "meetings.csv:3: meetings[m-00000001] title: Field required" in captured.out
    assert "problem(s) found" in captured.err


def test_unknown_and_missing_columns_are_reported(clean: Path, tmp_path: Path) -> None:
    copy = shutil.copytree(clean, tmp_path / "copy")
    path = copy / "csv" / "parties.csv"
    text = path.read_text(encoding="utf-8").replace("wikidata_id", "wikidata", 1)
    path.write_text(text, encoding="utf-8")
    reasons = {(p.field, p.reason) for p in validate_release(copy, "csv").problems}
    assert ("wikidata", "unknown field") in reasons
    assert ("wikidata_id", "missing column") in reasons
