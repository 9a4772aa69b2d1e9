"""Synthetic records, valid through the models, written straight to a release folder.

Sizes are counted in meetings; the other tables grow with them (per meeting: 2.5 participants,
about 1.6 evidence rows, 1/3 commitment, 1/10 official with two positions and an alias, ...).
Every clean row is validated through its pydantic model before it is written, so the data is
valid by the one definition of the rules. Nothing goes through YAML (too slow at 1M meetings)
unless ``--yaml`` asks for a records folder as well (for the YAML build and parity tests).

``--defects`` plants errors of every kind the checks catch, one or more each, and writes
``defects.json``: kind, table, CSV row number (header = row 1), record id, field, whether a
Table Schema can express the rule (so frictionless must find it too) and which files hold it.

    python benchmarks/generate.py OUT --meetings 10000 [--defects] [--yaml RECORDS_DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import string
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from alliance_data_curate import build as release
from alliance_data_curate.models import TABLES
from alliance_data_curate.records import write_table
from alliance_data_curate.schemas import dumps
from alliance_data_curate.writers import ordered_rows

Rows = list[dict[str, Any]]
EPOCH = dt.date(2000, 1, 3)
SWITCH = dt.date(2010, 1, 1)  # officials are ministers before this day, ambassadors after
SPARE = 5  # officials with a third, earlier post that no meeting relies on (defects go there)
TITLES = ("Minister of Foreign Affairs", "Ambassador to the United States")
MEETING_KINDS = ("bilateral_meeting", "summit", "ministerial_2plus2", "visit", "phone_call")


@dataclass(frozen=True)
class Sizes:
    """Row counts that follow from the number of meetings."""

    meetings: int
    parties: int = field(init=False)
    officials: int = field(init=False)
    sources: int = field(init=False)
    agreements: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "parties", 100)
        object.__setattr__(self, "officials", max(20, self.meetings // 10))
        object.__setattr__(self, "sources", max(10, self.meetings // 100))
        object.__setattr__(self, "agreements", max(5, self.meetings // 100))


PARTIES = [
    "".join(c) for c in itertools.islice(itertools.product(string.ascii_uppercase, repeat=3), 100)
]


def party(j: int) -> str:
    return PARTIES[j]


def official_id(j: int) -> str:
    return f"off-{j:07d}"


def meeting_id(i: int) -> str:
    return f"m-{i:08d}"


def meeting_dates(i: int) -> tuple[dt.date, dt.date]:
    """Meetings come in pairs on the same start day; the odd one is inside the even one."""
    start = EPOCH + dt.timedelta(days=(i // 2) * 7 % 9000)
    return start, start + dt.timedelta(days=2 if i % 2 == 0 else 1)


def src(i: int, s: Sizes) -> str:
    return f"src-{i % s.sources:07d}"


def gen_parties(s: Sizes) -> Rows:
    return [
        {
            "party_id": c,
            "name": f"State {c}",
            "kind": "state",
            "cow_code": j + 2,
            "wikidata_id": None,
        }
        for j, c in enumerate(PARTIES)
    ]


def gen_sources(s: Sizes) -> Rows:
    return [
        {
            "source_id": src(i, s),
            "title": f"Readout of meetings, part {i}",
            "author": None,
            "publisher": "Synthetic Ministry",
            "series": None,
            "published_date": dt.date(2021, 1, 1),
            "published_date_precision": "month",
            "url": f"https://example.org/readouts/{i}",
            "kind": "readout",
            "license": None,
            "text_file": None,
            "text_sha256": None,
        }
        for i in range(s.sources)
    ]


def gen_officials(s: Sizes) -> Rows:
    return [
        {
            "official_id": official_id(j),
            "name": f"Alex{j} Smith{j}",
            "given_name": f"Alex{j}",
            "family_name": f"Smith{j}",
            "suffix": None,
            "name_order": "given_family",
            "native_name": None,
            "party_id": party(j % 100),
            "wikidata_id": f"Q{j + 1}",
            "honorific": None,
        }
        for j in range(s.officials)
    ]


def gen_official_aliases(s: Sizes) -> Rows:
    return [
        {
            "official_id": official_id(j),
            "alias": f"Smith{j} Alex{j}",
            "kind": "name_order",
            "source_id": src(j, s),
        }
        for j in range(s.officials)
    ]


def gen_positions(s: Sizes) -> Rows:
    rows = []
    for j in range(s.officials):
        common = {"official_id": official_id(j), "party_id": party(j % 100)}
        rows.append(
            {
                "position_id": f"pos-{j:07d}-a",
                **common,
                "title": TITLES[0],
                "organization": "Ministry of Foreign Affairs",
                "start_date": dt.date(1990, 1, 1),
                "start_date_precision": "year",
                "end_date": SWITCH - dt.timedelta(days=1),
                "end_date_precision": "day",
                "tenure_status": "ended",
            }
        )
        rows.append(
            {
                "position_id": f"pos-{j:07d}-b",
                **common,
                "title": TITLES[1],
                "organization": "Embassy in Washington",
                "start_date": SWITCH,
                "start_date_precision": "day",
                "end_date": None,
                "end_date_precision": None,
                "tenure_status": "ongoing",
            }
        )
        if j < SPARE:
            rows.append(
                {
                    "position_id": f"pos-{j:07d}-c",
                    **common,
                    "title": "Special Adviser",
                    "organization": "Cabinet Office",
                    "start_date": dt.date(1980, 1, 1),
                    "start_date_precision": "month",
                    "end_date": dt.date(1985, 1, 1),
                    "end_date_precision": "year",
                    "tenure_status": "ended",
                }
            )
    optional = ("appointed_date", "appointed_date_precision", "end_note", "source_title")
    return [{**row, **dict.fromkeys(optional)} for row in rows]


def gen_meetings(s: Sizes) -> Rows:
    rows = []
    for i in range(s.meetings):
        start, end = meeting_dates(i)
        rows.append(
            {
                "meeting_id": meeting_id(i),
                "title": f"Synthetic meeting {i}",
                "series": None,
                "kind": MEETING_KINDS[i % len(MEETING_KINDS)],
                "format": "in_person",
                "start_date": start,
                "end_date": end,
                "date_precision": "day",
                "city": "Capital",
                "venue": None,
                "country": party(i % 100),
                "description": None,
                "series_number": None,
                "visiting_party_id": None,
            }
        )
    return rows


def participants_of(i: int, s: Sizes) -> list[int]:
    count = 2 + i % 2
    return sorted({(i * 3 + t * 7919) % s.officials for t in range(count)})


def gen_meeting_participants(s: Sizes) -> Rows:
    rows = []
    for i in range(s.meetings):
        title = TITLES[0] if meeting_dates(i)[0] < SWITCH else TITLES[1]
        for j in participants_of(i, s):
            rows.append(
                {
                    "meeting_id": meeting_id(i),
                    "official_id": official_id(j),
                    "party_id": party(j % 100),
                    "role_title": title,
                }
            )
    return rows


def gen_meeting_relations(s: Sizes) -> Rows:
    return [
        {
            "meeting_id": meeting_id(i + 1),
            "related_meeting_id": meeting_id(i),
            "relation": "part_of",
        }
        for i in range(0, s.meetings - 1, 20)
    ]


def gen_agreements(s: Sizes) -> Rows:
    return [
        {
            "agreement_id": f"agr-{k:06d}",
            "title": f"Synthetic agreement {k}",
            "kind": "arrangement",
            "status": "in_force",
            "status_date": dt.date(2021, 3, 1),
            "agreed_date": None,
            "agreed_date_precision": None,
            "initialled_date": None,
            "initialled_date_precision": None,
            "signed_date": dt.date(2001, 1, 1),
            "signed_date_precision": "day",
            "in_force_date": dt.date(2001, 6, 1),
            "in_force_date_precision": "month",
            "end_date": None,
            "end_date_precision": None,
            "summary": f"The parties cooperate on matter {k}.",
            "collective_defense": k % 10 == 0,
            "depositary": None,
            "defense_article": None,
            "atop_id": None,
            "cow_alliance_id": None,
        }
        for k in range(s.agreements)
    ]


def gen_agreement_events(s: Sizes) -> Rows:
    """Each agreement signed and in force on the dates gen_agreements derives."""
    return [
        {
            "event_id": f"agr-{k:06d}-{suffix}",
            "agreement_id": f"agr-{k:06d}",
            "party_id": None,
            "event": event,
            "date": date,
            "date_precision": precision,
            "related_agreement_id": None,
            "note": None,
        }
        for k in range(s.agreements)
        for suffix, event, date, precision in (
            ("signed", "signed", dt.date(2001, 1, 1), "day"),
            ("in-force", "entered_into_force", dt.date(2001, 6, 1), "month"),
        )
    ]


def gen_series_coverage(s: Sizes) -> Rows:
    return []  # synthetic meetings belong to no series


def gen_agreement_memberships(s: Sizes) -> Rows:
    return [
        {
            "agreement_id": row["agreement_id"],
            "party_id": row["party_id"],
            "start_date": dt.date(2001, 6, 1),
            "start_date_precision": "month",
            "start_how": "original_party",
            "end_date": None,
            "end_date_precision": None,
            "end_how": None,
            "sequence": 1,
        }
        for row in gen_agreement_parties(s)
    ]


def gen_agreement_parties(s: Sizes) -> Rows:
    return [
        {"agreement_id": f"agr-{k:06d}", "party_id": p}
        for k in range(s.agreements)
        for p in sorted({party(0), party(1 + k % 99)})
    ]


def gen_commitments(s: Sizes) -> Rows:
    rows = []
    for n, i in enumerate(range(0, s.meetings, 3)):
        at_meeting = n % 10 != 9
        rows.append(
            {
                "commitment_id": f"com-{i:08d}",
                "meeting_id": meeting_id(i) if at_meeting else None,
                "document_source_id": None if at_meeting else src(i, s),
                "date": meeting_dates(i)[0] if at_meeting else None,
                "date_precision": "day" if at_meeting else None,
                "committing_party_id": party(i % 100),
                "beneficiary_party_id": party((i + 1) % 100),
                "kind": "cooperation",
                "summary": f"Closer cooperation on topic {i}.",
                "agreement_id": f"agr-{i % s.agreements:06d}" if n % 5 == 0 else None,
                "statement_source_id": None,
                "nuclear": False,
                "full_range": False,
                "mechanism": None,
                "territory": None,
            }
        )
    return rows


def gen_evidence(s: Sizes) -> Rows:
    targets = (
        ("agreements", [f"agr-{k:06d}" for k in range(s.agreements)]),
        ("agreement_events", [e["event_id"] for e in gen_agreement_events(s)]),
        ("commitments", [f"com-{i:08d}" for i in range(0, s.meetings, 3)]),
        ("meetings", [meeting_id(i) for i in range(s.meetings)]),
        ("officials", [official_id(j) for j in range(s.officials)]),
        (
            "positions",
            [
                f"pos-{j:07d}-{x}"
                for j in range(s.officials)
                for x in ("abc" if j < SPARE else "ab")
            ],
        ),
    )
    rows = []
    for table, ids in targets:
        for n, record_id in enumerate(ids):
            quote = table in ("meetings", "commitments")
            rows.append(
                {
                    "evidence_id": f"ev-{table.replace('_', '-')}-{n:08d}",
                    "table": table,
                    "record_id": record_id,
                    "field": None,
                    "source_id": src(n, s),
                    "quote": f"The readout records {record_id}." if quote else None,
                    "note": None if quote else "Listed in the source.",
                }
            )
    return rows


def gen_upstream_records(s: Sizes) -> Rows:
    return [
        {
            "source_id": src(0, s),
            "upstream_id": f"up-{i:08d}",
            "table": "meetings",
            "record_id": meeting_id(i),
            "status": "unique",
        }
        for i in range(0, s.meetings, 10)
    ]


GENERATORS: dict[str, Callable[[Sizes], Rows]] = {name: globals()[f"gen_{name}"] for name in TABLES}


def validate_rows(table: str, rows: Rows) -> None:
    """Every clean row goes through its model: the synthetic data is valid by definition."""
    model = TABLES[table].model
    for row in rows:
        model.model_validate({k: v for k, v in row.items() if v is not None})


# --- defects ----------------------------------------------------------------------------------


@dataclass
class Defect:
    kind: str
    table: str
    row: int  # CSV row number, header = row 1
    record_id: str | None
    field: str | None
    schema: bool  # a Table Schema expresses it: frictionless must find it too
    formats: tuple[str, ...] = ("csv", "parquet")


def _key(table: str, row: dict[str, Any]) -> str:
    return TABLES[table].key(row)


def plant(tables: dict[str, Rows]) -> tuple[dict[str, dict[int, dict]], list[Defect]]:
    """Break rows in place; returns CSV-only cell overrides and the manifest.

    Defects sit on different records, away from each other's consequences: participants,
    commitments and relations broken by cross-record rules point at clean meetings (those
    near the end), while meetings are broken near the start.
    """
    planted: list[Defect] = []
    csv_only: dict[str, dict[int, dict]] = {}

    def put(kind, table, i, fld, value, schema, *, key_field=None):
        row = tables[table][i]
        if value is not _SKIP:
            row[fld] = value
        rid = _key(table, row)
        planted.append(Defect(kind, table, i + 2, rid, key_field or fld, schema))

    m, p = tables["meetings"], tables["meeting_participants"]
    put("required", "meetings", 1, "title", None, True)
    put("enum", "meetings", 2, "kind", "banquet", True)
    put("pattern", "officials", 1, "wikidata_id", "q17", True)
    put("max_length", "upstream_records", 0, "record_id", "a" * 121, True)
    put("minimum", "parties", 1, "cow_code", 0, True)
    put("maximum", "parties", 2, "cow_code", 1000, True)
    put("foreign_key", "meeting_participants", len(p) - 2, "official_id", "off-9999999", True)
    put("foreign_key", "commitments", 1, "agreement_id", "agr-999999", True)
    put("formula", "meetings", 3, "description", "=HYPERLINK(evil)", False)
    put("precision", "positions", 2, "start_date", dt.date(1980, 1, 5), False)
    put("precision_pair", "meetings", 4, "start_date", _SKIP, False)
    m[4]["date_precision"] = None
    put("date_order", "meetings", 5, "end_date", m[5]["start_date"] - dt.timedelta(days=3), False)
    put("end_without_start", "meetings", 6, "end_date", _SKIP, False)
    m[6]["start_date"] = m[6]["date_precision"] = None
    put("tenure_status", "positions", 5, "tenure_status", "ongoing", False)
    put("commitment_where", "commitments", 2, None, _SKIP, False)
    tables["commitments"][2].update(meeting_id=None, document_source_id=None, date=None)
    tables["commitments"][2]["date_precision"] = None
    put("source_text_pair", "sources", 1, "text_file", "readout.txt", False)
    put("citation_note", "evidence", 1, None, _SKIP, False)
    tables["evidence"][1].update(quote=None, note=None)
    ev = tables["evidence"]
    target = next(i for i in range(len(ev) - 1, 0, -1) if ev[i]["table"] == "meetings")
    put("evidence_target", "evidence", target, "record_id", "m-99999999", False)
    put("evidence_field", "evidence", target - 1, "field", "colour", False)
    put("role_title", "meeting_participants", len(p) - 1, "role_title", "Chancellor", False)
    com = tables["commitments"]
    late = next(i for i in range(len(com) - 1, 0, -1) if com[i]["meeting_id"])
    put(
        "commitment_date",
        "commitments",
        late,
        "date",
        com[late]["date"] + dt.timedelta(days=40),
        False,
    )
    rel = tables["meeting_relations"]
    outer = meeting_id(int(rel[-1]["related_meeting_id"][2:]) + 2)
    put("relation_dates", "meeting_relations", len(rel) - 1, "related_meeting_id", outer, False)
    off = tables["officials"]
    off[3].update(name=off[2]["name"], party_id=off[2]["party_id"])
    put("duplicate_official", "officials", 3, "name", _SKIP, False)
    put("duplicate_official", "officials", 4, "wikidata_id", off[0]["wikidata_id"], False)
    csv_only["meetings"] = {7: {"start_date": "2021-02-30"}}
    planted.append(
        Defect("type", "meetings", 9, _key("meetings", m[7]), "start_date", True, ("csv",))
    )
    csv_only["parties"] = {3: {"cow_code": "12a"}}
    planted.append(
        Defect(
            "type", "parties", 5, _key("parties", tables["parties"][3]), "cow_code", True, ("csv",)
        )
    )
    put("min_length", "officials", 5, "native_name", "", False)
    planted[-1].formats = ("parquet",)  # CSV writes empty text as null, which is allowed here
    for table in ("meetings", "meeting_participants"):
        rows = tables[table]
        rows.append(dict(rows[10]))
        planted.append(
            Defect("primary_key", table, len(rows) + 1, _key(table, rows[10]), None, True)
        )
    # the last evidence row (a position's) goes: that position then has no evidence
    gone = ev.pop()
    planted.append(
        Defect(
            "missing_evidence",
            gone["table"],
            next(
                i
                for i, r in enumerate(tables[gone["table"]])
                if _key(gone["table"], r) == gone["record_id"]
            )
            + 2,
            gone["record_id"],
            None,
            False,
        )
    )
    return csv_only, planted


_SKIP = object()


# --- writing ------------------------------------------------------------------------------


def write_release(
    out: Path,
    tables: dict[str, Rows],
    csv_only: dict[str, dict[int, dict]],
    *,
    version: str = "0.0.0",
) -> None:
    """CSV, Parquet parts, schemas and datapackage.json, as ``release`` lays them out.

    Parquet columns are all nullable, so that planted nulls can be written at all.
    """
    out.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        overrides = csv_only.get(name, {})
        shown = [{**row, **overrides[i]} if i in overrides else row for i, row in enumerate(rows)]
        release.write_tables(out, name, shown, parquet_rows=rows, nullable=True)
    descriptor = release.descriptor(version, "2021-04-01T00:00:00Z", out, [])
    (out / "datapackage.json").write_text(dumps(descriptor), encoding="utf-8")
    csv_only_package = dict(
        descriptor, resources=[r for r in descriptor["resources"] if r["format"] == "csv"]
    )
    (out / "datapackage.csv.json").write_text(dumps(csv_only_package), encoding="utf-8")


def generate(meetings: int, *, defects: bool = False) -> tuple[dict[str, Rows], dict, list[Defect]]:
    """All tables' rows (validated), in release order; or, with ``defects``, broken."""
    s = Sizes(meetings)
    tables = {}
    for name, gen in GENERATORS.items():
        tables[name] = gen(s)
        validate_rows(name, tables[name])
    if not defects:  # release order; planted defects keep generation order (simple row numbers)
        return {name: ordered_rows(name, rows) for name, rows in tables.items()}, {}, []
    csv_only, planted = plant(tables)
    return tables, csv_only, planted


def write_yaml(records: Path, tables: dict[str, Rows]) -> None:
    """The same rows as a YAML records folder (canonical form), for the YAML build.

    Derived tables and derived columns (agreements' dates and status) are left out, as
    curators leave them out.
    """
    for name, rows in tables.items():
        if TABLES[name].derived:
            continue
        fields = TABLES[name].input_model.model_fields
        write_table(
            records / f"{name}.yaml",
            name,
            ({k: v for k, v in r.items() if v is not None and k in fields} for r in rows),
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="release folder to write (must not exist)")
    parser.add_argument("--meetings", type=int, default=1000)
    parser.add_argument("--defects", action="store_true", help="plant errors; write defects.json")
    parser.add_argument("--yaml", type=Path, help="also write the rows as a YAML records folder")
    args = parser.parse_args(argv)
    if args.out.exists():
        parser.error(f"{args.out} exists")
    started = time.perf_counter()
    tables, csv_only, planted = generate(args.meetings, defects=args.defects)
    write_release(args.out, tables, csv_only)
    if args.defects:
        manifest = [asdict(d) for d in planted]
        (args.out / "defects.json").write_text(
            json.dumps(manifest, indent=1) + "\n", encoding="utf-8"
        )
    if args.yaml:
        write_yaml(args.yaml, tables)
    rows = sum(len(r) for r in tables.values())
    print(
        f"wrote {args.out}: {rows} rows, {len(planted)} defect(s), "
        f"{time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
