"""The same rules over a release's Parquet files, as one would write them by hand in DuckDB.

A yardstick for ``alliance-data validate --release``: fixed SQL for these tables, no wording,
no locations, no model explanation; it prints how many rows fail each rule.

    python benchmarks/by_hand.py RELEASE [--memory-limit 300MB]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time

import duckdb

from alliance_data.layout import release_files

TABLES = [
    "sources",
    "parties",
    "officials",
    "official_aliases",
    "positions",
    "meetings",
    "meeting_participants",
    "meeting_relations",
    "agreements",
    "agreement_parties",
    "commitments",
    "evidence",
    "upstream_records",
]
SLUG = "'^[a-z0-9]+(?:-[a-z0-9]+)*$'"
PARTY = "'^(?:[A-Z]{3}|[A-Z]{4}|[a-z0-9]+(?:-[a-z0-9]+)*)$'"
FORMULA = "(left({c}, 1) IN ('=', '+', '@', chr(9), chr(13)))"


def f(c: str) -> str:
    return FORMULA.format(c=c)


PRECISION = """(({d} IS NULL) <> ({p} IS NULL) OR ({p} IN ('month','year') AND day({d}) <> 1)
    OR ({p} = 'year' AND month({d}) <> 1))"""


def prec(d: str, p: str) -> str:
    return PRECISION.format(d=d, p=p)


ROWS = {
    "meetings": f"""meeting_id IS NULL OR NOT regexp_matches(meeting_id, {SLUG})
        OR length(meeting_id) > 120 OR title IS NULL OR length(title) < 1 OR {f("title")}
        OR {f("description")} OR {f("city")} OR {f("venue")} OR {f("series")}
        OR kind IS NULL OR kind NOT IN ('ministerial_2plus2','summit','bilateral_meeting',
           'trilateral_meeting','multilateral_meeting','phone_call','hearing','visit','trip')
        OR format IS NULL OR format NOT IN ('in_person','virtual','phone')
        OR NOT regexp_matches(country, {PARTY}) OR {prec("start_date", "date_precision")}
        OR (end_date IS NOT NULL AND start_date IS NULL) OR end_date < start_date""",
    "meeting_participants": f"""meeting_id IS NULL OR NOT regexp_matches(meeting_id, {SLUG})
        OR official_id IS NULL OR NOT regexp_matches(official_id, {SLUG})
        OR party_id IS NULL OR NOT regexp_matches(party_id, {PARTY})
        OR role_title IS NULL OR length(role_title) < 1 OR {f("role_title")}""",
    "evidence": f"""evidence_id IS NULL OR NOT regexp_matches(evidence_id, {SLUG})
        OR "table" IS NULL OR record_id IS NULL OR length(record_id) < 1 OR {f("record_id")}
        OR NOT regexp_matches(field, '^[a-z_]+$') OR NOT regexp_matches(source_id, {SLUG})
        OR {f("quote")} OR {f("note")} OR (quote IS NULL AND note IS NULL)""",
    "positions": f"""NOT regexp_matches(position_id, {SLUG}) OR {f("title")}
        OR {prec("start_date", "start_date_precision")} OR {prec("end_date", "end_date_precision")}
        OR end_date < start_date OR (tenure_status = 'ended') <> (end_date IS NOT NULL)""",
    "officials": f"""NOT regexp_matches(official_id, {SLUG}) OR {f("name")}
        OR length(native_name) < 1 OR NOT regexp_matches(wikidata_id, '^Q[1-9][0-9]*$')""",
    "commitments": f"""NOT regexp_matches(commitment_id, {SLUG}) OR {f("summary")}
        OR {prec("date", "date_precision")}
        OR (meeting_id IS NULL AND document_source_id IS NULL)""",
    "parties": "cow_code < 1 OR cow_code > 999",
    "sources": "(text_file IS NULL) <> (text_sha256 IS NULL)",
    "upstream_records": "length(record_id) > 120",
}

CROSS = {
    "duplicate keys": " UNION ALL ".join(
        f"(SELECT count(*) - count(DISTINCT {k}) FROM {t})"
        for t, k in (
            ("meetings", "meeting_id"),
            ("meeting_participants", "(meeting_id, official_id)"),
            ("evidence", "evidence_id"),
        )
    ),
    "foreign keys": """
        SELECT count(*) FROM meeting_participants p ANTI JOIN officials o USING (official_id)
        UNION ALL SELECT count(*) FROM commitments c ANTI JOIN agreements a USING (agreement_id)
        WHERE c.agreement_id IS NOT NULL""",
    "evidence targets": """
        SELECT count(*) FROM evidence e ANTI JOIN meetings m ON m.meeting_id = e.record_id
        WHERE e."table" = 'meetings'
        UNION ALL SELECT count(*) FROM evidence WHERE field IS NOT NULL""",
    "missing evidence": """
        SELECT count(*) FROM meetings m ANTI JOIN evidence e
            ON e."table" = 'meetings' AND e.record_id = m.meeting_id
        UNION ALL SELECT count(*) FROM positions p ANTI JOIN evidence e
            ON e."table" = 'positions' AND e.record_id = p.position_id""",
    "role titles": """
        WITH m AS (SELECT meeting_id, start_date s, coalesce(end_date, start_date) e
                   FROM meetings),
        pos AS (SELECT official_id, title, start_date b,
                CASE end_date_precision WHEN 'year' THEN make_date(year(end_date), 12, 31)
                WHEN 'month' THEN last_day(end_date) ELSE end_date END f FROM positions)
        SELECT count(*) FROM meeting_participants t JOIN m USING (meeting_id)
        ANTI JOIN pos ON pos.official_id = t.official_id AND pos.title = t.role_title
            AND (m.s IS NULL
                 OR ((pos.b IS NULL OR pos.b <= m.e) AND (pos.f IS NULL OR pos.f >= m.s)))
        """,
    "commitment dates": """
        SELECT count(*) FROM commitments c JOIN meetings m USING (meeting_id)
        WHERE c.date < m.start_date OR c.date > coalesce(m.end_date, m.start_date)""",
    "relation dates": """
        SELECT count(*) FROM meeting_relations r
        JOIN meetings i ON r.meeting_id = i.meeting_id
        JOIN meetings o ON r.related_meeting_id = o.meeting_id
        WHERE r.relation = 'part_of'
            AND (i.start_date < o.start_date OR i.end_date > o.end_date)""",
    "duplicate officials": """
        SELECT count(*) - count(DISTINCT (list_sort(regexp_extract_all(lower(strip_accents(name)),
            '[a-z0-9]+')), party_id)) FROM officials
        UNION ALL SELECT count(wikidata_id) - count(DISTINCT wikidata_id) FROM officials""",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("release")
    parser.add_argument("--memory-limit", default="300MB")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(config={"memory_limit": args.memory_limit, "temp_directory": tmp})
        for t in TABLES:
            parts = [str(p) for p in release_files(args.release, t, "parquet")]  # any layout
            con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet({parts})")
        for t, where in ROWS.items():
            n = con.execute(f"SELECT count(*) FROM {t} WHERE {where}").fetchone()[0]
            print(f"{t} rows: {n}")
        for name, sql in CROSS.items():
            print(f"{name}: {sum(r[0] for r in con.execute(sql).fetchall())}")
    print(f"{time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
