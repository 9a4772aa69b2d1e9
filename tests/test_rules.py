"""The rule engine: every model rule has its release check; records and releases share rules."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from alliance_data_curate import checks, records, rules
from alliance_data_curate.models import TABLES
from conftest import RECORDS_MIN


@pytest.mark.parametrize("table", list(TABLES))
def test_every_field_constraint_has_a_release_check(table: str) -> None:
    """A constraint added to a model field fails here until the release validator checks it."""
    model = TABLES[table].model
    checked: dict[str, set[str]] = {}
    for check in rules.row_checks(table, csv=True):
        checked.setdefault(check.field, set()).add(check.rule)
    for name in model.model_fields:
        missing = rules.field_constraints(model, name) - checked.get(name, set())
        assert not missing, f"{table}.{name}: no release check for {sorted(missing)}"


@pytest.mark.parametrize("table", list(TABLES))
def test_every_model_validator_has_release_checks(table: str) -> None:
    """A @model_validator or @field_validator added to a model fails here until mirrored."""
    model = TABLES[table].model
    decorators = model.__pydantic_decorators__
    assert not decorators.field_validators, "field validators need a FIELD_VALIDATORS entry"
    for name in decorators.model_validators:
        assert f"{model.__name__}.{name}" in rules.MODEL_CHECKS, f"{model.__name__}.{name}"


def test_the_constraint_walk_sees_every_kind() -> None:
    """The test above is only as good as field_constraints: it must find each kind."""
    seen = {
        kind
        for spec in TABLES.values()
        for name in spec.model.model_fields
        for kind in rules.field_constraints(spec.model, name)
    }
    assert seen == {
        "required",
        "type",
        "enum",
        "pattern",
        "min_length",
        "max_length",
        "minimum",
        "maximum",
        "formula",
        "plain text",
        "file name",
    }


def test_duplicate_between_curated_and_imported(tmp_path: Path) -> None:
    curated = shutil.copytree(RECORDS_MIN, tmp_path / "records")
    hsg = tmp_path / "imported" / "hsg"
    hsg.mkdir(parents=True)
    (hsg / "parties.csv").write_text(
        "party_id,name,kind,cow_code,wikidata_id\nKOR,South Korea,state,732,\n"
        "USA,United States again,state,2,\n",
        encoding="utf-8",
    )
    loaded = records.read(curated, tmp_path / "imported", base=tmp_path)
    assert [str(p) for p in checks.check(loaded)] == [
        "imported/hsg/parties.csv:3: parties[USA]: duplicate primary key; "
        "first defined at records/parties.yaml:6"
    ]


def test_release_files_must_match_their_declared_size_and_hash(
    mini_release: Path, tmp_path: Path
) -> None:
    """Sizes are compared whatever the format; the files of the format read are hashed."""
    copy = shutil.copytree(mini_release, tmp_path / "copy")
    parties, sources = copy / "csv" / "parties.csv", copy / "csv" / "sources.csv"
    parties.write_bytes(parties.read_bytes().replace(b"Japan", b"Japon"))
    sources.write_bytes(sources.read_bytes() + sources.read_bytes().splitlines(True)[-1])

    def declared(fmt: str) -> set[tuple[str, str | None, str]]:
        problems = rules.validate_release(copy, fmt).problems
        return {(p.file, p.field, p.reason.split(" is ")[0]) for p in problems if not p.line}

    assert declared("parquet") == {(str(sources), "bytes", "bytes")}
    assert declared("csv") == {
        (str(parties), "hash", "sha256"),
        (str(sources), "hash", "sha256"),
        (str(sources), "bytes", "bytes"),
    }


def test_a_missing_data_file_is_a_problem(mini_release: Path, tmp_path: Path) -> None:
    copy = shutil.copytree(mini_release, tmp_path / "copy")
    part = copy / "parquet" / "agreements" / "part-0000.parquet"
    part.unlink()
    problems = [str(p) for p in rules.validate_release(copy).problems]
    assert f"{part}: agreements: file missing" in problems
    assert any("'us-japan-treaty-1960' is not a agreements.agreement_id" in p for p in problems)


def test_spills_under_a_small_memory_limit(mini_release: Path, tmp_path: Path) -> None:
    report = rules.validate_release(mini_release, memory_limit="64MB", temp_dir=tmp_path)
    assert report.problems == []
    assert list(tmp_path.iterdir()) == []  # the temporary database and spill files are gone


def test_the_database_and_spill_files_go_under_temp_dir(
    mini_release: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[tuple[str, dict[str, str]]] = []
    real = rules.connect

    def spy(database: str = ":memory:", **config: str):
        opened.append((database, config))
        return real(database, **config)

    monkeypatch.setattr(rules, "connect", spy)
    rules.validate_release(mini_release, "csv", memory_limit="64MB", temp_dir=tmp_path, threads=1)
    [(database, config)] = opened
    work = Path(database).parent
    assert work.parent == tmp_path and work.name.startswith("alliance-validate-")
    assert Path(database).name == "validate.duckdb"
    assert config == {"memory_limit": "64MB", "temp_directory": str(work / "spill"), "threads": "1"}


def test_a_temp_dir_that_does_not_exist_is_refused(mini_release: Path, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        rules.validate_release(mini_release, temp_dir=tmp_path / "absent")


def test_bad_arguments_are_refused_with_what_was_expected(tmp_path: Path) -> None:
    with pytest.raises(ValueError) as error:
        rules.validate_release(tmp_path, "xml")
    assert str(error.value) == "unknown format 'xml'; expected one of: parquet, csv"
    with pytest.raises(ValueError) as error:
        rules.validate_release(tmp_path)
    assert str(error.value) == f"{tmp_path} is not a release folder (no datapackage.json inside)"


def test_a_missing_csv_column_of_numbers_is_reported(mini_release: Path, tmp_path: Path) -> None:
    copy = shutil.copytree(mini_release, tmp_path / "copy")
    path = copy / "csv" / "parties.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(
        "\n".join(",".join(line.split(",")[:3]) for line in lines) + "\n", encoding="utf-8"
    )
    problems = {(p.table, p.field, p.reason) for p in rules.validate_release(copy, "csv").problems}
    assert ("parties", "cow_code", "missing column") in problems
    assert ("parties", "wikidata_id", "missing column") in problems
