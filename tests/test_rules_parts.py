"""The rule engine's parts, exactly: the constraint walk on made-up models, and how a release
CSV that cannot be read, or is empty, or lacks columns, is reported (file, line, reason)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Annotated

import annotated_types
import pytest
from pydantic import AfterValidator, Field

from alliance_data_curate import models, rules
from alliance_data_curate.build import build
from conftest import RECORDS_MIN, TEXTS


def _unmapped(value: str) -> str:
    return value


class Walked(models.Record):
    """Made-up fields, one per branch of the walk."""

    validated: Annotated[str, AfterValidator(_unmapped)]
    patterned: Annotated[str, Field(pattern=r"^x$")] | None = None
    odd: Annotated[int, annotated_types.MultipleOf(2)] | None = None
    nested: list[Annotated[int, annotated_types.Ge(0), annotated_types.Le(9)]] = Field(
        default_factory=list
    )
    bounded: Annotated[str, annotated_types.MinLen(1), annotated_types.MaxLen(5)] = "x"


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("validated", {"required", f"unmapped validator {_unmapped}"}),
        ("patterned", {"pattern"}),
        ("odd", {"unmapped constraint MultipleOf(multiple_of=2)", "type"}),
        ("nested", {"minimum", "maximum", "type"}),
        ("bounded", {"min_length", "max_length"}),
    ],
)
def test_the_constraint_walk_on_each_kind_of_field(name: str, found: set[str]) -> None:
    assert rules.field_constraints(Walked, name) == found


def _outer(value: list[str]) -> list[str]:
    return value


class Layered(models.Record):
    """A validator outside a list whose items carry a Field and a validator of their own."""

    items: Annotated[
        list[Annotated[str, Field(min_length=1), AfterValidator(_unmapped)]],
        AfterValidator(_outer),
    ]


def test_the_validator_walk_keeps_going_past_a_nested_field() -> None:
    assert rules.field_validators(Layered, "items") == [_unmapped, _outer]


# --- release CSV files -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def csv_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("csv") / "r"
    return build(out, RECORDS_MIN, version="0.1.0", text_dirs=[TEXTS])


def _copy(release: Path, tmp_path: Path) -> Path:
    return shutil.copytree(release, tmp_path / "copy")


def _problems(folder: Path) -> list[str]:
    return [str(p) for p in rules.validate_release(folder, "csv").problems]


def _file_level(problems: list, table: str) -> list[tuple]:
    return [(p.line, p.field, p.reason) for p in problems if p.table == table]


def test_an_unreadable_csv_is_reported_naming_the_file(csv_release, tmp_path) -> None:
    copy = _copy(csv_release, tmp_path)
    path = copy / "csv" / "officials.csv"
    header = path.read_text(encoding="utf-8").splitlines()[0]
    path.write_bytes(header.encode() + b"\n\xff\xfe,broken\n")
    report = rules.validate_release(copy, "csv")
    found = _file_level(report.problems, "officials")
    assert found[0] == (
        None,
        None,
        "unreadable CSV: 'utf-8' codec can't decode byte 0xff in position 101: invalid start byte",
    )
    assert str(report.problems[0]) == f"{path}: officials: {found[0][2]}"
    fields = list(models.TABLES["officials"].model.model_fields)
    assert found[1 : 1 + len(fields)] == [(1, f, "missing column") for f in fields]
    assert [f for _, f, _ in found[1 + len(fields) :]] == ["bytes", "hash"]  # the file changed
    assert report.counts["officials: file"] == 1 + len(fields)


def test_an_empty_csv_is_unreadable_not_a_crash(csv_release, tmp_path) -> None:
    copy = _copy(csv_release, tmp_path)
    path = copy / "csv" / "official_aliases.csv"
    path.write_bytes(b"")
    found = _file_level(rules.validate_release(copy, "csv").problems, "official_aliases")
    assert found[0] == (
        None,
        None,
        "unreadable CSV: Binder Error: read_csv requires at least a single column as input!",
    )


def test_a_column_problem_is_at_line_1_of_the_file(csv_release, tmp_path) -> None:
    copy = _copy(csv_release, tmp_path)
    path = copy / "csv" / "parties.csv"
    text = path.read_text(encoding="utf-8").replace("wikidata_id", "wikidata", 1)
    path.write_text(text, encoding="utf-8")
    found = _problems(copy)
    assert f"{path}:1: parties wikidata: unknown field" in found
    assert f"{path}:1: parties wikidata_id: missing column" in found


# --- when a release rule and the model disagree ------------------------------------------------


@pytest.fixture
def bogus_rule(monkeypatch):
    """A release rule on parties.name that every row breaks, which the model does not have."""
    real = rules.row_checks

    def row_checks(table: str, *, csv: bool = False) -> list:
        extra = [rules.Check("bogus", "name", "true")] if table == "parties" else []
        return real(table, csv=csv) + extra

    monkeypatch.setattr(rules, "row_checks", row_checks)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_rule_the_model_does_not_share_is_reported_not_hidden(
    csv_release, bogus_rule, fmt: str
) -> None:
    report = rules.validate_release(csv_release, fmt)
    problems = [str(p) for p in report.problems]
    suffix = "csv/parties.csv" if fmt == "csv" else "parquet/parties/part-0000.parquet"
    why = "release rule(s) bogus name failed but the model accepts the row"
    assert problems == [
        f"{csv_release / suffix}:2: parties[JPN]: {why}",
        f"{csv_release / suffix}:3: parties[USA]: {why}",
    ]
    assert report.counts["parties: bogus name"] == 2


def test_a_flagged_row_of_a_csv_missing_a_column_is_still_explained(
    csv_release, bogus_rule, tmp_path
) -> None:
    copy = _copy(csv_release, tmp_path)
    path = copy / "csv" / "parties.csv"
    text = path.read_text(encoding="utf-8").replace("wikidata_id", "wikidata", 1)
    path.write_text(text, encoding="utf-8")
    found = [str(p) for p in rules.validate_release(copy, "csv").problems]
    why = "release rule(s) bogus name failed but the model accepts the row"
    assert f"{path}:2: parties[JPN]: {why}" in found
    assert f"{path}:1: parties wikidata_id: missing column" in found


def test_cross_table_problems_of_a_release_name_their_file(csv_release, tmp_path) -> None:
    copy = _copy(csv_release, tmp_path)
    path = copy / "csv" / "officials.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(
        "\n".join(lines[:1] + [line for line in lines[1:] if "antony-blinken" not in line]) + "\n"
    )
    found = [str(p) for p in rules.validate_release(copy, "csv").problems]
    assert (
        f"{copy / 'csv' / 'positions.csv'}:2: positions[antony-blinken-secretary-of-state-2021] "
        "official_id: 'antony-blinken' is not a officials.official_id"
    ) in found


def test_a_csv_cell_that_does_not_parse_is_explained_as_the_model_words_it(
    csv_release, tmp_path
) -> None:
    copy = _copy(csv_release, tmp_path)
    path = copy / "csv" / "parties.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("cow_code")] = "seven"
    path.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    found = [
        str(p)
        for p in rules.validate_release(copy, "csv").problems
        if p.table == "parties" and p.line is not None
    ]
    assert found == [
        f"{path}:2: parties[JPN] cow_code: 'seven' is not a whole number written in digits"
    ]


# --- records into DuckDB: each cell as its column holds it -------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "cell"),
    [
        (None, "string", None),
        (models.PartyKind.STATE, "string", "state"),
        (dt.date(2021, 3, 16), "date", dt.date(2021, 3, 16)),
        (dt.datetime(2021, 3, 16, 12), "date", None),
        ("2021-03-16", "date", None),
        (740, "integer", 740),
        (True, "integer", None),
        ("740", "integer", None),
        (True, "boolean", True),
        (1, "boolean", None),
    ],
)
def test_a_cell_of_the_wrong_type_is_null(value, kind, cell) -> None:
    got = rules._cell(value, kind)
    assert got == cell and type(got) is type(cell)


def test_records_become_typed_columns_from_their_models(tmp_path: Path) -> None:
    """Valid rows give their models' values (CSV text parsed); invalid rows their raw data."""
    from alliance_data_curate import records

    curated = shutil.copytree(RECORDS_MIN, tmp_path / "records")
    (tmp_path / "imported" / "x").mkdir(parents=True)
    (tmp_path / "imported" / "x" / "parties.csv").write_text(
        "party_id,name,kind,cow_code,wikidata_id\nKOR,South Korea,state,732,\n"
        "PRK,North Korea,state,seven,\n",
        encoding="utf-8",
    )
    loaded = records.read(curated, tmp_path / "imported")
    table = rules._arrow("parties", loaded.rows["parties"])
    assert str(table.schema.field("cow_code").type) == "int64"
    assert str(table.schema.field("wikidata_id").type) == "string"  # all null, still text
    assert str(table.schema.field("_seq").type) == "int64"
    assert table.column("party_id").to_pylist() == ["JPN", "USA", "KOR", "PRK"]
    assert table.column("cow_code").to_pylist() == [740, 2, 732, None]
    assert table.column("kind").to_pylist() == ["state"] * 4
    assert table.column("_valid").to_pylist() == [True, True, True, False]
    assert table.column("_seq").to_pylist() == [0, 1, 2, 3]


# --- Parquet parts and column types ------------------------------------------------------------


def _rewrite_parquet(folder: Path, table: str, change) -> Path:
    import pyarrow.parquet as pq

    path = folder / "parquet" / table / "part-0000.parquet"
    pq.write_table(change(pq.read_table(path)), path)
    return path


def test_a_parquet_column_of_another_type_is_named(csv_release, tmp_path) -> None:
    import pyarrow as pa

    copy = _copy(csv_release, tmp_path)

    def as_text(t):
        i = t.schema.get_field_index("cow_code")
        return t.set_column(i, "cow_code", t.column("cow_code").cast(pa.string()))

    path = _rewrite_parquet(copy, "parties", as_text)
    found = [
        str(p) for p in rules.validate_release(copy, "parquet").problems if p.field == "cow_code"
    ]
    assert found == [f"{path}:1: parties cow_code: column has type VARCHAR, expected BIGINT"]


def test_a_narrower_integer_parquet_column_is_accepted(csv_release, tmp_path) -> None:
    import pyarrow as pa

    copy = _copy(csv_release, tmp_path)

    def as_int32(t):
        i = t.schema.get_field_index("cow_code")
        return t.set_column(i, "cow_code", t.column("cow_code").cast(pa.int32()))

    _rewrite_parquet(copy, "parties", as_int32)
    found = [p for p in rules.validate_release(copy, "parquet").problems if p.table == "parties"]
    assert {p.field for p in found} <= {"hash", "bytes", "sha256"}  # only the changed file


# --- sizes and hashes against datapackage.json -------------------------------------------------


def _descriptor(folder: Path) -> dict:
    import json

    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def _write_descriptor(folder: Path, descriptor: dict) -> None:
    import json

    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


def test_size_and_hash_problems_are_worded_exactly(csv_release, tmp_path) -> None:
    import hashlib

    copy = _copy(csv_release, tmp_path)
    path = copy / "csv" / "parties.csv"
    declared = next(r for r in _descriptor(copy)["resources"] if r["name"] == "parties")
    path.write_bytes(path.read_bytes() + b"\n")
    report = rules.Report()
    rules.check_hashes(copy, "csv", report)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert [str(p) for p in report.problems] == [
        f"{path}: parties bytes: bytes is {declared['bytes'] + 1} but datapackage.json "
        f"declares {declared['bytes']}",
        f"{path}: parties hash: sha256 is {digest} but datapackage.json declares "
        f"{declared['hash'].split(':')[1]}",
    ]
    other = rules.Report()
    rules.check_hashes(copy, "parquet", other)  # only the format validated is hashed
    assert [p.field for p in other.problems] == ["bytes"]


def test_a_hash_without_an_algorithm_is_md5(csv_release, tmp_path) -> None:
    import hashlib

    copy = _copy(csv_release, tmp_path)
    descriptor = _descriptor(copy)
    for resource in descriptor["resources"]:
        if resource["name"] == "parties":
            resource["hash"] = "0" * 32
        if resource["name"] == "meetings":
            resource.pop("name")  # the table is then named after the file
    _write_descriptor(copy, descriptor)
    report = rules.Report()
    meetings = copy / "csv" / "meetings.csv"
    meetings.write_bytes(meetings.read_bytes() + b"\n")
    rules.check_hashes(copy, "csv", report)
    path = copy / "csv" / "parties.csv"
    md5 = hashlib.md5(path.read_bytes()).hexdigest()
    found = [str(p) for p in report.problems]
    assert f"{path}: parties hash: md5 is {md5} but datapackage.json declares {'0' * 32}" in found
    assert sorted((p.table, p.field) for p in report.problems) == [
        ("meetings", "bytes"),
        ("meetings", "hash"),
        ("parties", "hash"),
    ]


def test_resources_without_a_path_or_file_are_skipped(csv_release, tmp_path) -> None:
    copy = _copy(csv_release, tmp_path)
    descriptor = _descriptor(copy)
    descriptor["resources"] = [
        {"name": "a"},
        {"name": "b", "path": "csv/missing.csv", "bytes": 1},
        *descriptor["resources"],
    ]
    path = copy / "csv" / "officials.csv"
    path.write_bytes(path.read_bytes() + b"x")
    _write_descriptor(copy, descriptor)
    report = rules.Report()
    rules.check_hashes(copy, "csv", report)
    assert [(p.table, p.field) for p in report.problems] == [
        ("officials", "bytes"),
        ("officials", "hash"),
    ]
    _write_descriptor(copy, {"name": "no resources"})
    empty = rules.Report()
    rules.check_hashes(copy, "csv", empty)
    assert empty.problems == []


def test_problems_in_a_later_parquet_part_name_that_part_and_its_row(csv_release, tmp_path):
    """Rows are counted across parts, and each problem names the part and row it is in."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    copy = _copy(csv_release, tmp_path)
    folder = copy / "parquet" / "parties"
    first, second = folder / "part-0000.parquet", folder / "part-0001.parquet"
    table = pq.read_table(first)
    bad = table.set_column(
        table.schema.get_field_index("party_id"), "party_id", pa.array(["bad one", "bad two"])
    )
    pq.write_table(bad.slice(0, 1), first)
    pq.write_table(bad.slice(1, 1), second)
    descriptor = _descriptor(copy)
    for resource in descriptor["resources"]:
        if resource["name"] == "parties_parquet":
            resource["path"] = [f"parquet/parties/{p.name}" for p in (first, second)]
    (copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    found = [
        (p.file, p.line, p.record_id)
        for p in rules.validate_release(copy, "parquet").problems
        if p.table == "parties" and p.field == "party_id"
    ]
    assert found == [(str(first), 2, "bad one"), (str(second), 2, "bad two")]


def test_rows_are_ordered_across_three_parts_so_the_later_duplicate_is_reported(
    csv_release, tmp_path
):
    """The first row of the third part comes after the second part's rows, whatever their size."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    copy = _copy(csv_release, tmp_path)
    folder = copy / "parquet" / "evidence"
    table = pq.read_table(folder / "part-0000.parquet")
    assert table.num_rows >= 4
    parts = [folder / f"part-000{i}.parquet" for i in range(3)]
    pq.write_table(table.slice(0, 2), parts[0])
    pq.write_table(table.slice(2, 1), parts[1])  # a part smaller than the one before it
    pq.write_table(pa.concat_tables([table.slice(2, 1), table.slice(3)]), parts[2])
    descriptor = _descriptor(copy)
    for resource in descriptor["resources"]:
        if resource["name"] == "evidence_parquet":
            resource["path"] = [f"parquet/evidence/{p.name}" for p in parts]
    (copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    duplicated = table["evidence_id"][2].as_py()
    found = [
        (p.file, p.line, p.record_id, p.reason)
        for p in rules.validate_release(copy, "parquet").problems
        if p.table == "evidence" and "duplicate" in p.reason
    ]
    assert found == [
        (str(parts[2]), 2, duplicated, f"duplicate primary key; first defined at {parts[1]}:2")
    ]


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_a_table_the_descriptor_does_not_list_is_missing_by_its_name(csv_release, tmp_path, fmt):
    copy = _copy(csv_release, tmp_path)
    descriptor = _descriptor(copy)
    name = {"parquet": "parties_parquet", "csv": "parties"}[fmt]
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != name]
    _write_descriptor(copy, descriptor)
    missing = [
        (p.file, p.line, p.record_id, p.field)
        for p in rules.validate_release(copy, fmt).problems
        if p.table == "parties" and p.reason == "file missing"
    ]
    assert missing == [(str(copy / "parties"), None, None, None)]


def _planted_release(tmp_path: Path):
    """A generated release with five defects planted, and the records it was written from."""
    import sys

    from conftest import ROOT

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import generate

    tables, _, _ = generate.generate(12)
    late = tables["meetings"][3]
    late["end_date"] = late["start_date"] - dt.timedelta(days=3)
    mid_month = tables["meetings"][5]
    mid_month["date_precision"], mid_month["start_date"] = "month", dt.date(2000, 1, 15)
    evidence = tables["evidence"]
    cited = [i for i, e in enumerate(evidence) if e["record_id"]]
    evidence[cited[0]]["field"] = "no_such_field"
    stray = {**evidence[cited[1]], "evidence_id": "ev-stray", "record_id": "no-such-record"}
    evidence.append(stray)
    tables["meeting_participants"][0]["official_id"] = "nobody"
    folder = tmp_path / "r"
    generate.write_release(folder, tables, {})
    return folder, tables, stray


def test_planted_problems_and_their_rule_counts_are_worded_exactly(tmp_path):
    folder, tables, retargeted = _planted_release(tmp_path)
    report = rules.validate_release(folder)
    parquet = folder / "parquet"
    table = retargeted["table"]
    assert [str(p) for p in report.problems] == [
        f"{parquet}/meetings/part-0000.parquet:5: meetings[m-00000003] end_date: "
        "end_date 2000-01-07 is before start_date 2000-01-10",
        f"{parquet}/meetings/part-0000.parquet:7: meetings[m-00000005] start_date: "
        "start_date has precision month but is not the first of the month",
        f"{parquet}/meeting_participants/part-0000.parquet:2: "
        "meeting_participants[m-00000000/nobody] official_id: "
        "'nobody' is not a officials.official_id",
        f"{parquet}/evidence/part-0000.parquet:{tables['evidence'].index(retargeted) + 2}: "
        f"evidence[{retargeted['evidence_id']}] record_id: "
        f"no {table} record 'no-such-record'",
        f"{parquet}/evidence/part-0000.parquet:2: evidence[ev-agreement-events-00000001] "
        "field: agreement_events has no field 'no_such_field'",
        f"{parquet}/meeting_participants/part-0000.parquet:2: "
        "meeting_participants[m-00000000/nobody] role_title: 'Minister of Foreign Affairs' is "
        "not a position nobody held on the meeting's dates (2000-01-03 to 2000-01-05); "
        "positions held then: none",
    ]
    fired = {rule: n for rule, n in report.counts.items() if n}
    assert fired == {
        "meetings: order start_date/end_date": 1,
        "meetings: precision start_date": 1,
        "meeting_participants: foreign key official_id -> officials.official_id": 1,
        "evidence: no such field": 1,
        f"evidence: no such {table} record": 1,
        "meeting_participants: role_title not held": 1,
    }
    assert "datapackage.json: bytes and hash" in list(report.counts)  # checked, nothing found
    assert 0 < report.seconds < 120


def test_hash_problems_name_the_table_of_each_resource(tmp_path):
    """A one-file Parquet resource (early releases) and the SQLite file, by resource name."""
    import json

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "parties.parquet").write_bytes(b"PAR1")
    (tmp_path / "alliance_data.sqlite").write_bytes(b"SQLite")
    resources = [
        {"name": "parties_parquet", "path": "data/parties.parquet", "hash": "md5:0"},
        {"name": "alliance_data_sqlite", "path": "alliance_data.sqlite", "bytes": 1},
        {"name": "absent", "path": "data/absent.csv", "bytes": 1},
    ]
    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": resources}))
    report = rules.Report()
    rules.check_hashes(tmp_path, "parquet", report)
    assert [(p.table, p.field, p.reason) for p in report.problems] == [
        (
            "parties",
            "hash",
            "md5 is 2b85af6abf9be8e9a8bb4d661cde9488 but datapackage.json declares 0",
        ),
        ("alliance_data_sqlite", "bytes", "bytes is 6 but datapackage.json declares 1"),
    ]
    assert {k: v for k, v in report.counts.items()} == {"datapackage.json: bytes and hash": 2}


def _generated(meetings: int = 12):
    import sys

    from conftest import ROOT

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import generate

    tables, _, _ = generate.generate(meetings)
    return generate, tables


def test_cross_table_rules_at_their_boundaries_in_both_paths(tmp_path):
    """A day on the edge of a meeting, trip or term is inside; the day beyond is not."""
    from alliance_data_curate import checks, records

    generate, tables = _generated()
    day = dt.timedelta(days=1)
    span = {m["meeting_id"]: (m["start_date"], m["end_date"]) for m in tables["meetings"]}
    c = tables["commitments"]
    c[0]["date"] = span[c[0]["meeting_id"]][1]  # the meeting's last day: inside
    c[1]["date"] = span[c[1]["meeting_id"]][1] + day  # the day after: outside
    c[1]["summary"] = "- closer cooperation"  # a dash before a word is text, the row valid
    c[2]["date"] = span[c[2]["meeting_id"]][0]  # the first day: inside
    c[3]["date"] = span[c[3]["meeting_id"]][0] - day  # the day before: outside
    inner, outer = tables["meeting_relations"][0]["meeting_id"], "m-00000000"
    next(m for m in tables["meetings"] if m["meeting_id"] == inner)["end_date"] = span[outer][1]
    tables["meeting_relations"].append(
        {"meeting_id": "m-00000002", "related_meeting_id": "m-00000003", "relation": "part_of"}
    )
    officials = tables["officials"]
    officials[1].update(name="smith0 ALEX0", party_id=officials[0]["party_id"])
    officials[3]["wikidata_id"] = officials[2]["wikidata_id"]
    who = tables["meeting_participants"][0]
    attended = [
        span[t["meeting_id"]]
        for t in tables["meeting_participants"]
        if (t["official_id"], t["role_title"]) == (who["official_id"], who["role_title"])
    ]
    for p in tables["positions"]:  # the term ends on the first day of the last meeting
        if (p["official_id"], p["title"]) == (who["official_id"], who["role_title"]):
            p.update(end_date=max(attended)[0], end_date_precision="day", tenure_status="ended")
    folder = tmp_path / "release"
    generate.write_release(folder, tables, {})
    release = rules.validate_release(folder)
    generate.write_yaml(tmp_path / "records", tables)
    from_records = checks.validate(records.read(tmp_path / "records"), [tmp_path / "no-texts"])
    import re

    def found(problems) -> list[tuple]:  # where a first row is, said without its file and line
        return [
            (p.table, p.record_id, p.field, re.sub(r" \(\S+:\d+\)", "", p.reason)) for p in problems
        ]

    assert found(release.problems) == found(from_records.problems)
    assert found(release.problems) == [  # and none for the days on the edges
        ("commitments", "com-00000003", "date",
         "2000-01-12 is outside meeting m-00000003 (2000-01-10 to 2000-01-11)"),
        ("commitments", "com-00000009", "date",
         "2000-01-30 is outside meeting m-00000009 (2000-01-31 to 2000-02-01)"),
        ("meeting_relations", "m-00000002/m-00000003", "related_meeting_id",
         "m-00000002 (2000-01-10 to 2000-01-12) is not within "
         "m-00000003 (2000-01-10 to 2000-01-11)"),
        ("officials", "off-0000001", "name",
         "same normalised name and party as official off-0000000; one person must be one record"),
        ("officials", "off-0000003", "wikidata_id",
         "same wikidata_id as official off-0000002; one person must be one record"),
    ]  # fmt: skip
    assert {rule: n for rule, n in release.counts.items() if n} == {
        "commitments: date outside meeting": 2,
        "meeting_relations: part_of outside the trip": 1,
        "officials: one person twice": 2,
    }


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_a_release_in_a_folder_with_quotes_in_its_name_is_read(csv_release, tmp_path, fmt):
    """Paths reach DuckDB as string literals: an apostrophe in a folder name is escaped."""
    copy = shutil.copytree(csv_release, tmp_path / 'it\'s "here"')
    assert rules.validate_release(copy, fmt).problems == []
    (copy / "csv" / "parties.csv").write_text("party_id\n", encoding="utf-8")
    found = [(p.file, p.field, p.reason) for p in rules.validate_release(copy, fmt).problems]
    if fmt == "csv":
        assert (str(copy / "csv" / "parties.csv"), "name", "missing column") in found
    else:
        declared = (csv_release / "csv" / "parties.csv").stat().st_size
        reason = f"bytes is 9 but datapackage.json declares {declared}"
        assert found == [(str(copy / "csv" / "parties.csv"), "bytes", reason)]


def test_a_connection_takes_its_settings_and_the_rules_functions():
    con = rules.connect(memory_limit="64MB", threads="1")
    settings = con.execute(
        "SELECT current_setting('memory_limit'), current_setting('threads'), "
        "current_setting('preserve_insertion_order')"
    ).fetchone()
    assert settings == ("61.0 MiB", 1, True)
    assert con.execute("SELECT name_key('Yoshihide Suga'), period_end(DATE '2024-02-05', 'month')")
    assert con.fetchone() == ("suga yoshihide", dt.date(2024, 2, 29))
