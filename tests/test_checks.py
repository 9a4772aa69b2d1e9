"""`alliance-data validate`: each kind of problem is reported with file, line, id and field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from alliance_data.cli import main
from alliance_data_curate import records
from alliance_data_curate.checks import validate
from conftest import RECORDS_MIN, TEXTS


def _problems(directory: Path) -> list[str]:
    report = validate(records.read(directory), [TEXTS], directory)
    return [str(p) for p in report.problems]


def _edit(directory: Path, table: str, index: int, **changes: object) -> None:
    """Change fields of one record and keep the file canonical, so only the edit is wrong."""
    path = directory / f"{table}.yaml"
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows[index].update(changes)
    path.write_text(records.canonical(table, rows), encoding="utf-8")


def _append(directory: Path, table: str, row: dict) -> None:
    path = directory / f"{table}.yaml"
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    path.write_text(records.canonical(table, [*rows, row]), encoding="utf-8")


def test_minimal_records_are_valid() -> None:
    report = validate(records.read(RECORDS_MIN), [TEXTS], RECORDS_MIN)
    assert report.problems == []
    assert report.quotes_checked == 3


def test_validate_cli_ok(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", "--records", str(RECORDS_MIN), "--texts", str(TEXTS)])
    assert code == 0
    assert capsys.readouterr().out == (
        "ok: sources 2, parties 2, officials 1, official_aliases 1, positions 1, meetings 1, "
        "meeting_participants 1, meeting_relations 0, agreements 1, agreement_parties 2, "
        "agreement_events 2, commitments 1, evidence 7, upstream_records 0; "
        "3 quote(s) checked against source texts\n"
    )


def test_duplicate_primary_key(records_copy: Path) -> None:
    path = records_copy / "parties.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "- party_id: USA\n  name: Again\n  kind: state\n",
        encoding="utf-8",
    )
    problems = _problems(records_copy)
    assert any(
        p.startswith(f"{path}:10: parties[USA]: duplicate primary key; first defined at {path}:6")
        for p in problems
    ), problems


def test_foreign_key_to_nothing(records_copy: Path) -> None:
    _edit(records_copy, "meetings", 0, country="XXX")
    problems = _problems(records_copy)
    assert any(
        "meetings.yaml:" in p
        and "meetings[tokyo-meeting-2021] country: 'XXX' is not a parties.party_id" in p
        for p in problems
    ), problems


def test_end_before_start(records_copy: Path) -> None:
    _edit(records_copy, "meetings", 0, end_date="2021-03-15")
    problems = _problems(records_copy)
    assert any(
        "meetings[tokyo-meeting-2021] end_date: end_date 2021-03-15 is before start_date "
        "2021-03-16" in p
        for p in problems
    ), problems


def test_role_title_matches_no_position(records_copy: Path) -> None:
    _edit(records_copy, "meeting_participants", 0, role_title="Secretary of Defense")
    problems = _problems(records_copy)
    assert any(
        "meeting_participants[tokyo-meeting-2021/antony-blinken] role_title: "
        "'Secretary of Defense' is not a position antony-blinken held" in p
        for p in problems
    ), problems


def test_role_title_outside_term(records_copy: Path) -> None:
    _edit(records_copy, "meetings", 0, start_date="2019-04-19", end_date="2019-04-19")
    problems = _problems(records_copy)
    assert any("positions held then: none" in p for p in problems), problems


@pytest.mark.parametrize(
    ("table", "record_id"),
    [
        ("meetings", "tokyo-meeting-2021"),
        ("officials", "antony-blinken"),
        ("positions", "antony-blinken-secretary-of-state-2021"),
        ("commitments", "tokyo-defense-of-japan"),
        ("agreements", "us-japan-treaty-1960"),
    ],
)
def test_record_without_evidence(records_copy: Path, table: str, record_id: str) -> None:
    path = records_copy / "evidence.yaml"
    rows = [r for r in yaml.safe_load(path.read_text(encoding="utf-8")) if r["table"] != table]
    path.write_text(records.canonical("evidence", rows), encoding="utf-8")
    problems = _problems(records_copy)
    assert any(f"{table}[{record_id}]: no evidence row supports this record" in p for p in problems)


def test_quote_not_in_source(records_copy: Path) -> None:
    _edit(records_copy, "evidence", 2, quote="The ministers met in Osaka on March 16.")
    problems = _problems(records_copy)
    assert any(
        "evidence[ev-meeting] quote: quote not found in the text of mini-article" in p
        for p in problems
    ), problems


def test_quote_whitespace_is_not_a_difference(records_copy: Path) -> None:
    _edit(records_copy, "evidence", 2, quote="The  ministers met\nin Tokyo on   March 16.")
    assert _problems(records_copy) == []


def test_missing_text_is_skipped_with_a_note(tmp_path: Path) -> None:
    report = validate(records.read(RECORDS_MIN), [tmp_path])
    assert report.problems == []
    assert report.quotes_checked == 0
    assert report.notes and "skipped 3 quote(s) of mini-article" in report.notes[0]


@pytest.mark.parametrize("prefix", ["=", "+", "@", "\t", "\r"])
def test_formula_injection(records_copy: Path, prefix: str) -> None:
    _edit(records_copy, "meetings", 0, title=f"{prefix}HYPERLINK(1)")
    problems = _problems(records_copy)
    assert any(
        "meetings[tokyo-meeting-2021] title: text starts with" in p and "formula injection" in p
        for p in problems
    ), problems


def test_unknown_vocabulary_value(records_copy: Path) -> None:
    _edit(records_copy, "meetings", 0, kind="tea_party")
    problems = _problems(records_copy)
    assert any(
        "meetings[tokyo-meeting-2021] kind: unknown value 'tea_party'" in p for p in problems
    ), problems


def test_unknown_field(records_copy: Path) -> None:
    path = records_copy / "meetings.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  colour: blue\n", encoding="utf-8")
    problems = _problems(records_copy)
    assert f"{path}:11: meetings[tokyo-meeting-2021] colour: unknown field" in problems


def test_malformed_yaml_reports_line(records_copy: Path) -> None:
    path = records_copy / "meetings.yaml"
    path.write_text("- meeting_id: x\n  title: [unclosed\n  kind: summit\n", encoding="utf-8")
    problems = _problems(records_copy)
    assert any(p.startswith(f"{path}:3: meetings: malformed YAML") for p in problems), problems


def test_not_canonical(records_copy: Path) -> None:
    path = records_copy / "parties.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  name: Japan", "  name:   Japan"))
    problems = _problems(records_copy)
    assert any("not in canonical form" in p for p in problems)
    assert main(["format", "--records", str(records_copy)]) == 0
    assert _problems(records_copy) == []


def test_every_problem_is_listed_and_exit_code_is_1(
    records_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(records_copy, "meetings", 0, country="XXX", title="=1+1")
    _append(records_copy, "parties", {"party_id": "jpn", "name": "@x", "kind": "state"})
    code = main(["validate", "--records", str(records_copy), "--texts", str(TEXTS)])
    out = capsys.readouterr()
    assert code == 1
    meetings, parties = records_copy / "meetings.yaml", records_copy / "parties.yaml"
    formula = (
        "which spreadsheets may execute as a formula (formula injection); "
        "reword it or add a leading letter"
    )
    assert sorted(out.out.splitlines()) == sorted(
        [
            f"{parties}:11: parties[jpn] name: text starts with '@', {formula}",
            f"{meetings}:3: meetings[tokyo-meeting-2021] title: text starts with '=', {formula}",
            f"{meetings}:10: meetings[tokyo-meeting-2021] country: 'XXX' is not a parties.party_id",
        ]
    )
    assert "3 problem(s) found" in out.err


def test_month_precision_must_start_the_month(records_copy: Path) -> None:
    _edit(records_copy, "sources", 0, published_date="2021-04-15")
    problems = _problems(records_copy)
    assert any(
        "sources[mini-article] published_date: published_date has precision month" in p
        for p in problems
    ), problems


# --- one key across files: a curated record and an imported row are one table -------------


def test_duplicate_key_across_curated_and_imported_files(fake_repo: Path, capsys) -> None:
    """The duplicate-key check runs over the whole table, not within one file."""
    folder = fake_repo / "imported" / "test"
    folder.mkdir(parents=True)
    (folder / "parties.csv").write_text(
        "party_id,name,kind,cow_code,wikidata_id\nUSA,United States again,state,2,\n",
        encoding="utf-8",
    )
    loaded = records.read(fake_repo / "records", fake_repo / "imported", base=fake_repo)
    report = validate(loaded, [TEXTS])
    assert [str(p) for p in report.problems] == [
        "imported/test/parties.csv:2: parties[USA]: duplicate primary key; "
        "first defined at records/parties.yaml:6"
    ]
    assert main(["validate", "--repo", str(fake_repo), "--texts", str(TEXTS)]) == 1
    assert "imported/test/parties.csv:2: parties[USA]: duplicate primary key" in (
        capsys.readouterr().out
    )


# --- link markup: a quote is compared by its words, not by the page's links -------------


def _texts_with(tmp_path: Path, records_dir: Path, text: str) -> Path:
    """A texts folder whose mini.txt is ``text``, with sources.yaml given its sha256."""
    import hashlib

    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "mini.txt").write_text(text, encoding="utf-8")
    old = (TEXTS / "mini.txt").read_bytes()
    path = records_dir / "sources.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            hashlib.sha256(old).hexdigest(), hashlib.sha256(text.encode()).hexdigest()
        ),
        encoding="utf-8",
    )
    return texts


LINKED = (
    "The ministers met in [Tokyo](https://example.org/tokyo) on March 16.\n"
    "The Secretary of State, [Anthony Blinken](https://example.org/b), reaffirmed the\n"
    '"unwavering commitment to the [defense of Japan](https://example.org/d)."\n'
)


def test_link_markup_in_the_source_text_is_not_part_of_the_quote(
    records_copy: Path, tmp_path: Path
) -> None:
    texts = _texts_with(tmp_path, records_copy, LINKED)
    report = validate(records.read(records_copy), [texts], records_copy)
    assert report.problems == []
    assert report.quotes_checked == 3


def test_link_markup_in_a_quote_is_dropped_and_the_words_still_compared(
    records_copy: Path, tmp_path: Path
) -> None:
    texts = _texts_with(tmp_path, records_copy, LINKED)
    _edit(records_copy, "evidence", 2, quote="met in [Tokyo](https://elsewhere.org) on March 16")
    assert _problems_in(records_copy, texts) == []
    _edit(records_copy, "evidence", 2, quote="met in [Osaka](https://example.org/tokyo) on")
    assert _problems_in(records_copy, texts) == [
        f"{records_copy / 'evidence.yaml'}:16: evidence[ev-meeting] quote: "
        "quote not found in the text of mini-article"
    ]


def test_normalise_keeps_link_text_and_folds_whitespace() -> None:
    from alliance_data_curate.checks import normalise

    assert normalise("  met in [Tokyo](https://x.org/a b)\n on\t[March](y) 16 ") == (
        "met in Tokyo on March 16"
    )
    assert normalise("[](https://x.org)") == ""
    assert normalise("a [b] (c) d") == "a [b] (c) d"  # not a link: kept as written


def _problems_in(directory: Path, texts: Path) -> list[str]:
    return [str(p) for p in validate(records.read(directory), [texts], directory).problems]


# --- a leading "-": a dash before a word is text; anything a spreadsheet runs is refused ---

DASH_ALLOWED = ["- see the note", "- Tokyo meeting, 16 March", "- Überblick"]
DASH_REFUSED = ["-1+1", "- 1+1", "-cmd|' /C calc'!A0", "- SUM(A1)", "-A1", "-", "- see (A1)"]


@pytest.mark.parametrize("title", DASH_ALLOWED)
def test_dash_before_a_word_is_allowed_in_records(records_copy: Path, title: str) -> None:
    _edit(records_copy, "meetings", 0, title=title)
    assert _problems(records_copy) == []
    assert records.read(records_copy).dicts("meetings")[0]["title"] == title


@pytest.mark.parametrize("title", DASH_REFUSED)
def test_dash_that_can_be_a_formula_is_refused_in_records(records_copy: Path, title: str) -> None:
    _edit(records_copy, "meetings", 0, title=title)
    problems = _problems(records_copy)
    assert len(problems) == 1, problems
    assert "meetings.yaml:3: meetings[tokyo-meeting-2021] title: " in problems[0]
    assert "text starts with '-'" in problems[0] and "formula injection" in problems[0]


@pytest.mark.parametrize(
    ("name", "ok"), [(t, True) for t in DASH_ALLOWED] + [(t, False) for t in DASH_REFUSED]
)
def test_dash_rules_hold_for_imported_csv_too(fake_repo: Path, name: str, ok: bool) -> None:
    import csv

    folder = fake_repo / "imported" / "test"
    folder.mkdir(parents=True)
    with (folder / "parties.csv").open("w", encoding="utf-8", newline="") as handle:
        header = ["party_id", "name", "kind", "cow_code", "wikidata_id"]
        csv.writer(handle).writerows([header, ["KOR", name, "state", "", ""]])
    loaded = records.read(fake_repo / "records", fake_repo / "imported", base=fake_repo)
    found = [str(p) for p in loaded.problems]
    if ok:
        assert found == []
        assert [r.data["name"] for r in loaded.rows["parties"]][-1] == name
    else:
        assert len(found) == 1 and found[0].startswith(
            "imported/test/parties.csv:2: parties[KOR] name: text starts with '-'"
        ), found
