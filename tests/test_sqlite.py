"""The release's SQLite database: typed, keyed, indexed, searchable, and the same rows as CSV."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import polars as pl

from alliance_data_curate import sqlite
from alliance_data_curate.models import TABLES
from alliance_data_curate.writers import ordered_rows, write_csv


def _connect(release: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{release / sqlite.PATH}?mode=ro", uri=True)


def test_tables_have_declared_keys_types_and_indexes(mini_release: Path) -> None:
    with _connect(mini_release) as db:
        columns = {row[1]: row for row in db.execute("PRAGMA table_xinfo(meetings)")}
        assert columns["meeting_id"][2:6] == ("TEXT", 1, None, 1)  # type, notnull, default, pk
        assert columns["start_date"][2] == "TEXT"
        assert columns["start_year"][6] == 2  # a virtual generated column
        parties = {row[1]: row[2] for row in db.execute("PRAGMA table_info(parties)")}
        assert parties["cow_code"] == "INTEGER"
        pk = [row[1] for row in db.execute("PRAGMA table_info(meeting_participants)") if row[5]]
        assert pk == ["meeting_id", "official_id"]
        keys = {
            (row[3], row[2], row[4]) for row in db.execute("PRAGMA foreign_key_list(commitments)")
        }
        assert keys == {
            ("meeting_id", "meetings", "meeting_id"),
            ("document_source_id", "sources", "source_id"),
            ("committing_party_id", "parties", "party_id"),
            ("beneficiary_party_id", "parties", "party_id"),
            ("agreement_id", "agreements", "agreement_id"),
            ("statement_source_id", "sources", "source_id"),
        }
        indexes = {row[1] for row in db.execute("PRAGMA index_list(commitments)")}
        assert {"idx_commitments_meeting_id", "idx_commitments_agreement_id"} <= indexes
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_values_are_typed_and_empty_is_null(mini_release: Path) -> None:
    with _connect(mini_release) as db:
        row = db.execute(
            "SELECT start_date, typeof(start_date), venue, start_year FROM meetings "
            "WHERE meeting_id = 'tokyo-meeting-2021'"
        ).fetchone()
        assert row == ("2021-03-16", "text", None, 2021)
        assert db.execute("SELECT cow_code FROM parties WHERE party_id = 'JPN'").fetchone() == (
            740,
        )
        for table, spec in TABLES.items():
            for name in spec.fields:
                empty = db.execute(f'SELECT count(*) FROM "{table}" WHERE "{name}" = \'\'')
                assert empty.fetchone() == (0,), (table, name)


def test_full_text_search_finds_titles_and_quotes(mini_release: Path) -> None:
    with _connect(mini_release) as db:
        found = db.execute(
            "SELECT meeting_id FROM meetings WHERE rowid IN "
            "(SELECT rowid FROM meetings_fts WHERE meetings_fts MATCH 'tokyo')"
        ).fetchall()
        assert found == [("tokyo-meeting-2021",)]
        quotes = db.execute("SELECT count(*) FROM evidence_fts WHERE evidence_fts MATCH 'defense'")
        assert quotes.fetchone()[0] > 0


BOOLEANS = {
    "agreements": ("collective_defense",),
    "commitments": ("nuclear", "full_range"),
    "series_coverage": ("statement_coded",),
}


def test_rows_are_the_csv_rows_in_the_same_order(mini_release: Path) -> None:
    with _connect(mini_release) as db:
        for table, spec in TABLES.items():
            with (mini_release / "csv" / f"{table}.csv").open(encoding="utf-8") as handle:
                expected = [[v or None for v in row] for row in list(csv.reader(handle))[1:]]
            names = ", ".join(f'"{n}"' for n in spec.fields)
            got = db.execute(f'SELECT {names} FROM "{table}" ORDER BY rowid').fetchall()
            booleans = [i for i, n in enumerate(spec.fields) if n in BOOLEANS.get(table, ())]
            got_text = [
                [
                    None if v is None else ("true" if v else "false") if i in booleans else str(v)
                    for i, v in enumerate(row)
                ]
                for row in got
            ]
            assert got_text == expected, table


def test_content_ignores_the_search_index_pages(mini_release: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes((mini_release / sqlite.PATH).read_bytes())
    with sqlite3.connect(copy) as db:
        db.execute("INSERT INTO meetings_fts(meetings_fts) VALUES ('optimize')")
    assert sqlite.content(copy) == sqlite.content(mini_release / sqlite.PATH)
    with sqlite3.connect(copy) as db:
        db.execute("UPDATE parties SET cow_code = 741 WHERE party_id = 'JPN'")
    assert sqlite.content(copy) != sqlite.content(mini_release / sqlite.PATH)


def _upstream(ids: list[str]) -> list[dict]:
    return [
        {"source_id": "s", "upstream_id": u, "table": "meetings", "record_id": f"m-{u}",
         "status": "unique"}
        for u in ids
    ]  # fmt: skip


def test_ordered_rows_lead_with_a_text_value_for_type_guessing_readers(tmp_path: Path) -> None:
    ids = [str(i) for i in range(1, 300)] + ["adams-john", "zz"]
    rows = ordered_rows("upstream_records", _upstream(ids))
    assert [r["upstream_id"] for r in rows[:3]] == ["adams-john", "1", "10"]
    assert sorted(map(str, rows), key=str) == sorted(map(str, _upstream(ids)), key=str)
    path = tmp_path / "upstream_records.csv"
    write_csv("upstream_records", rows, path)
    assert pl.read_csv(path)["upstream_id"].dtype == pl.String
    numeric = ordered_rows("upstream_records", _upstream(["2", "1"]))
    assert [r["upstream_id"] for r in numeric] == ["1", "2"]  # nothing to move
