"""Every rule across records, written once as a DuckDB query, run on records or on a release.

The rules read tables through one interface, whatever holds the rows: a view per table, named
after it, with the model's fields plus ``_seq`` (row order), ``_file`` and ``_line`` (where the
row is) and ``_valid`` (the row passes its model). Two sources provide those views:

- curated and imported records (``check_records``): rows that ``records.read`` has validated
  through their models become Arrow tables, one per table;
- a built release (``validate_release``): DuckDB scans its Parquet files (or reads its CSVs
  into an on-disk database), under a memory limit, spilling joins to a temporary folder. Row
  rules generated from the models (``row_checks``) decide ``_valid`` there, and flagged rows
  are then validated through their model, so they are worded exactly as for the records.

A cross-record rule is one ``Rule``: a query naming the failing rows and a function wording
each one (from ``messages``). Adding a rule means adding one to ``cross_rules``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import shutil
import tempfile
import threading
import time
import typing
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import annotated_types
import duckdb
from pydantic import AfterValidator, Strict
from pydantic.fields import FieldInfo

from . import messages, models
from .models import TABLES
from .names import person_key
from .records import Problem, Records, Row, validate_row
from .schemas import FieldSpec, fields

EVIDENCE_REQUIRED = (
    "meetings",
    "officials",
    "positions",
    "commitments",
    "agreements",
    "agreement_events",
)
FORMATS = ("parquet", "csv")
MEMORY_LIMIT = "300MB"
SQL_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "date": "DATE", "boolean": "BOOLEAN"}

MACROS = (
    # Last day a date of the given precision may stand for (a month's or a year's last day).
    """CREATE OR REPLACE MACRO period_end(d, p) AS
       CASE p WHEN 'year' THEN make_date(year(d), 12, 31) WHEN 'month' THEN last_day(d)
       ELSE d END""",
)


def q(name: str) -> str:
    """An SQL identifier, quoted (``table`` and ``format`` are field names)."""
    return '"' + name.replace('"', '""') + '"'


def lit(value: str) -> str:
    """An SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def key_sql(columns: Iterable[str], alias: str) -> str:
    """A key as one string, parts joined by '/', as evidence rows and messages name it.

    Example
    -------
    >>> key_sql(["meeting_id", "official_id"], "t")
    'concat_ws(\\'/\\', coalesce(CAST(t."meeting_id" AS VARCHAR), \\'None\\'), coalesce(CAST(t."official_id" AS VARCHAR), \\'None\\'))'
    """  # noqa: E501
    parts = [f"coalesce(CAST({alias}.{q(c)} AS VARCHAR), 'None')" for c in columns]
    return parts[0] if len(parts) == 1 else f"concat_ws('/', {', '.join(parts)})"


def _record_id(table: str, alias: str) -> str:
    return f"{key_sql(TABLES[table].primary_key, alias)} AS _record_id"


def _where(alias: str) -> str:
    return f"{alias}._seq, {alias}._file, {alias}._line"


# --- cross-record rules ---------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One rule: a query returning each failing row and a function wording its problem.

    The query returns ``_seq``, ``_file``, ``_line`` and ``_record_id`` of the failing row of
    ``table`` (and ``_field`` when the field varies), plus whatever ``reason`` reads.
    """

    name: str
    table: str
    field: str | None
    sql: str
    reason: Callable[[dict[str, Any]], str]

    @property
    def reads_valid(self) -> bool:
        """Whether the rule reads which rows pass their model (directly or through ``SHARED``)."""
        return "_valid" in self.sql or any(name in self.sql for name in SHARED)


def _repeats(table: str, source: str, by: list[str], first: str) -> str:
    """Rows of ``source`` whose ``by`` values an earlier row has, with that first row's place.

    Rows are grouped by a hash of the values first (cheap, integers); only rows whose hash
    repeats are then grouped by the values themselves, so a table of millions with a handful
    of repeats orders a handful of rows.
    """
    cols = ", ".join(f"s.{q(c)}" for c in by)
    return f"""
    WITH s AS NOT MATERIALIZED ({source}),
    g AS (SELECT hash({cols}) AS h FROM s GROUP BY h HAVING count(*) > 1),
    r AS (
        SELECT s.*, first_value(s._seq) OVER w AS first_seq,
               first_value(s._file) OVER w AS first_file,
               first_value(s._line) OVER w AS first_line,
               first_value({first}) OVER w AS first_id
        FROM s SEMI JOIN g ON hash({cols}) = g.h
        WINDOW w AS (PARTITION BY {cols} ORDER BY s._seq)
    )
    SELECT r.*, {_record_id(table, "r")} FROM r WHERE r._seq <> r.first_seq
    """


def _duplicate_key(table: str) -> Rule:
    pk = list(TABLES[table].primary_key)
    source = f"SELECT {_where('t')}, {', '.join(f't.{q(c)}' for c in pk)} FROM {q(table)} t"
    return Rule(
        f"{table}: duplicate primary key",
        table,
        None,
        _repeats(table, source, pk, "s._seq"),
        lambda r: messages.duplicate_key(f"{r['first_file']}:{r['first_line']}"),
    )


def _foreign_key(table: str, fk: models.ForeignKey) -> Rule:
    target = f"{fk.ref_table}.{'/'.join(fk.ref_fields)}"
    present = " AND ".join(f"t.{q(f)} IS NOT NULL" for f in fk.fields)
    match = " AND ".join(
        f"r.{q(rf)} = t.{q(f)}" for f, rf in zip(fk.fields, fk.ref_fields, strict=True)
    )
    sql = f"""
    SELECT {_where("t")}, {_record_id(table, "t")}, {key_sql(fk.fields, "t")} AS value
    FROM {q(table)} t
    WHERE {present} AND NOT EXISTS (SELECT 1 FROM {q(fk.ref_table)} r WHERE {match})
    """
    return Rule(
        f"{table}: foreign key {fk.fields[0]} -> {target}",
        table,
        fk.fields[0],
        sql,
        lambda r: messages.not_a_key(r["value"], target),
    )


def _evidence_target(table: str) -> Rule:
    sql = f"""
    SELECT {_where("e")}, {_record_id("evidence", "e")}, e.record_id AS value
    FROM evidence e
    WHERE e."table" = {lit(table)} AND e.record_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM {q(table)} t WHERE {key_sql(TABLES[table].primary_key, "t")} = e.record_id
    )
    """
    return Rule(
        f"evidence: no such {table} record",
        "evidence",
        "record_id",
        sql,
        lambda r: messages.no_record(table, r["value"]),
    )


def _evidence_field() -> Rule:
    names = ", ".join(
        f"({lit(t)}, [{', '.join(lit(f) for f in spec.fields)}])" for t, spec in TABLES.items()
    )
    sql = f"""
    SELECT {_where("e")}, {_record_id("evidence", "e")}, e."table" AS target, e.field AS value
    FROM evidence e JOIN (VALUES {names}) AS f(target, names) ON e."table" = f.target
    WHERE e.record_id IS NOT NULL AND e.field IS NOT NULL AND NOT list_contains(f.names, e.field)
    """
    return Rule(
        "evidence: no such field",
        "evidence",
        "field",
        sql,
        lambda r: messages.no_field(r["target"], r["value"]),
    )


def _missing_evidence(table: str) -> Rule:
    sql = f"""
    SELECT {_where("t")}, {_record_id(table, "t")}
    FROM {q(table)} t
    WHERE NOT EXISTS (
        SELECT 1 FROM evidence e
        WHERE e."table" = {lit(table)} AND e.record_id = {key_sql(TABLES[table].primary_key, "t")}
    )
    """
    return Rule(f"{table}: no evidence", table, None, sql, lambda r: messages.NO_EVIDENCE)


# Relations several rules read, made once before the rules run (``SHARED``).
# Valid meetings with their first and last day; a repeated id keeps its last row.
MEETING_SPANS = """
    SELECT meeting_id, start_date AS s,
           coalesce(end_date, period_end(start_date, date_precision)) AS e
    FROM meetings
    WHERE _valid AND _seq NOT IN (
        SELECT _seq FROM (
            SELECT _seq, row_number() OVER (PARTITION BY meeting_id ORDER BY _seq DESC) AS n
            FROM meetings SEMI JOIN (
                SELECT hash(meeting_id) AS h FROM meetings WHERE _valid
                GROUP BY h HAVING count(*) > 1
            ) g ON hash(meetings.meeting_id) = g.h
            WHERE _valid
        ) WHERE n > 1
    )
"""
SHARED = {"_meeting_spans": MEETING_SPANS}


def _held(meeting: str) -> str:
    """The position ``pos`` could have been held on some day of the meeting (or it is undated)."""
    s, e = f"{meeting}.s", f"{meeting}.e"
    return (
        f"({s} IS NULL OR ((pos.b IS NULL OR pos.b <= coalesce({e}, {s})) "
        f"AND (pos.f IS NULL OR pos.f >= {s})))"
    )


def _participant_titles() -> Rule:
    sql = f"""
    WITH m AS (SELECT * FROM _meeting_spans),
    pos AS (
        SELECT official_id, title, start_date AS b, period_end(end_date, end_date_precision) AS f
        FROM positions WHERE _valid
    ),
    failing AS (
        SELECT {_where("t")}, {_record_id("meeting_participants", "t")},
               t.official_id, t.role_title, m.s, m.e
        FROM meeting_participants t JOIN m ON t.meeting_id = m.meeting_id
        ANTI JOIN pos
            ON pos.official_id = t.official_id AND pos.title = t.role_title AND {_held("m")}
        WHERE t._valid
    )
    SELECT p.*, list(DISTINCT pos.title) FILTER (WHERE pos.title IS NOT NULL) AS held
    FROM failing p LEFT JOIN pos ON pos.official_id = p.official_id AND {_held("p")}
    GROUP BY ALL
    """

    def reason(r: dict[str, Any]) -> str:
        titles = "; ".join(sorted(r["held"] or ())) or "none"
        return messages.title_not_held(r["role_title"], r["official_id"], r["s"], r["e"], titles)

    return Rule(
        "meeting_participants: role_title not held",
        "meeting_participants",
        "role_title",
        sql,
        reason,
    )


def _commitment_dates() -> Rule:
    sql = f"""
    WITH m AS (SELECT * FROM _meeting_spans)
    SELECT {_where("c")}, {_record_id("commitments", "c")}, c.date, c.meeting_id, m.s, m.e
    FROM commitments c JOIN m ON c.meeting_id = m.meeting_id
    WHERE c._valid AND c.date IS NOT NULL AND m.s IS NOT NULL AND (c.date < m.s OR c.date > m.e)
    """
    return Rule(
        "commitments: date outside meeting",
        "commitments",
        "date",
        sql,
        lambda r: messages.outside_meeting(r["date"], r["meeting_id"], r["s"], r["e"]),
    )


def _relation_dates() -> Rule:
    """A meeting ``part_of`` a trip or visit must fall within that trip's or visit's days."""
    sql = f"""
    WITH m AS (SELECT * FROM _meeting_spans)
    SELECT {_where("r")}, {_record_id("meeting_relations", "r")}, r.meeting_id,
           r.related_meeting_id, i.s, i.e, o.s AS o_s, o.e AS o_e
    FROM meeting_relations r
    JOIN m i ON r.meeting_id = i.meeting_id JOIN m o ON r.related_meeting_id = o.meeting_id
    WHERE r._valid AND r.relation = 'part_of' AND i.s IS NOT NULL AND o.s IS NOT NULL
      AND (i.s < o.s OR i.e > o.e)
    """
    return Rule(
        "meeting_relations: part_of outside the trip",
        "meeting_relations",
        "related_meeting_id",
        sql,
        lambda r: messages.not_within(
            r["meeting_id"], r["s"], r["e"], r["related_meeting_id"], r["o_s"], r["o_e"]
        ),
    )


def _duplicate_officials() -> Rule:
    """Two officials with one wikidata_id, or one name (``names.person_key``) and party."""
    valid = f"SELECT {_where('t')}, t.official_id, {{cols}} FROM officials t WHERE t._valid"
    by_name = _repeats(
        "officials",
        valid.format(cols="name_key(t.name) AS nk, t.party_id"),
        ["nk", "party_id"],
        "s.official_id",
    )
    by_wikidata = _repeats(
        "officials",
        valid.format(cols="t.wikidata_id") + " AND t.wikidata_id IS NOT NULL",
        ["wikidata_id"],
        "s.official_id",
    )
    sql = f"""
    SELECT _seq, _file, _line, _record_id, first_id, first_file, first_line,
           'name' AS _field, 'normalised name and party' AS what FROM ({by_name})
    UNION ALL
    SELECT _seq, _file, _line, _record_id, first_id, first_file, first_line,
           'wikidata_id', 'wikidata_id' FROM ({by_wikidata})
    """
    return Rule(
        "officials: one person twice",
        "officials",
        None,
        sql,
        lambda r: messages.same_person(
            r["what"], r["first_id"], f"{r['first_file']}:{r['first_line']}"
        ),
    )


def cross_rules() -> list[Rule]:
    """Every rule across rows and tables, in the order their problems are listed.

    Example
    -------
    >>> [r.name for r in cross_rules()][-1]
    'officials: one person twice'
    """
    return [
        *(_duplicate_key(t) for t in TABLES),
        *(_foreign_key(t, fk) for t, spec in TABLES.items() for fk in spec.foreign_keys),
        *(_evidence_target(t) for t in TABLES),
        _evidence_field(),
        *(_missing_evidence(t) for t in EVIDENCE_REQUIRED),
        _participant_titles(),
        _commitment_dates(),
        _relation_dates(),
        _duplicate_officials(),
    ]


# --- row rules of a release: the models' field constraints and validators, as SQL ----------


@dataclass(frozen=True)
class Check:
    """One row rule of a table: ``sql`` is true where a row breaks it."""

    rule: str
    field: str
    sql: str

    @property
    def label(self) -> str:
        return f"{self.rule} {self.field}"


def _precision(date: str, precision: str) -> Check:
    """``models._check_precision``: both or neither; a month or year date starts its period."""
    d, p = q(date), q(precision)
    sql = (
        f"(({d} IS NULL) <> ({p} IS NULL)) OR ({p} IN ('month', 'year') AND day({d}) <> 1)"
        f" OR ({p} = 'year' AND month({d}) <> 1)"
    )
    return Check("precision", date, sql)


def _order(start: str, end: str) -> Check:
    """``models._check_order``: an end date before its start date."""
    return Check("order", f"{start}/{end}", f"{q(end)} < {q(start)}")


# The models' @model_validator rules, by "Model.validator": each check mirrors one statement.
MODEL_CHECKS: dict[str, Callable[[], list[Check]]] = {
    "Position._dates": lambda: [
        _precision("start_date", "start_date_precision"),
        _precision("end_date", "end_date_precision"),
        _order("start_date", "end_date"),
        Check("ended", "tenure_status", "(tenure_status = 'ended') <> (end_date IS NOT NULL)"),
    ],
    "Meeting._dates": lambda: [
        _precision("start_date", "date_precision"),
        Check("end without start", "end_date", "end_date IS NOT NULL AND start_date IS NULL"),
        _order("start_date", "end_date"),
    ],
    "Commitment._where": lambda: [
        _precision("date", "date_precision"),
        Check(
            "meeting or document", "meeting_id", "meeting_id IS NULL AND document_source_id IS NULL"
        ),
    ],
    "Agreement._dates": lambda: [
        *(
            _precision(d, f"{d}_precision")
            for d in ("agreed_date", "initialled_date", "signed_date", "in_force_date", "end_date")
        ),
        _order("signed_date", "in_force_date"),
        _order("in_force_date", "end_date"),
    ],
    "AgreementEvent._fields": lambda: [
        _precision("date", "date_precision"),
        Check(
            "whole agreement",
            "party_id",
            "party_id IS NOT NULL AND event IN "
            f"({', '.join(map(lit, models.WHOLE_AGREEMENT_EVENTS))})",
        ),
        Check(
            "party required",
            "party_id",
            "party_id IS NULL AND event NOT IN "
            f"({', '.join(map(lit, (*models.WHOLE_AGREEMENT_EVENTS, 'signed')))})",
        ),
        Check(
            "successor",
            "related_agreement_id",
            "event = 'superseded' AND related_agreement_id IS NULL",
        ),
    ],
    "Source._fields": lambda: [
        _precision("published_date", "published_date_precision"),
        Check("paired", "text_file", "(text_file IS NULL) <> (text_sha256 IS NULL)"),
    ],
    "Evidence._citation": lambda: [
        Check("quote or note", "quote", "quote IS NULL AND note IS NULL"),
    ],
}

# Functions the models run on single fields (``AfterValidator``), and the rule mirroring each.
NOT_PLAIN = r"[^ -~\t\n]|^\s*$"  # anything beyond printable ASCII, or only whitespace
NOT_A_FILE_NAME = r"[/\\]|^[.~]"  # a folder separator, or a leading dot or tilde
# Each runs the model's own function (a DuckDB UDF) on the values a cheap SQL screen lets
# through, so the release path refuses exactly what the records path refuses.
FIELD_VALIDATORS: dict[Callable, str] = {
    models._no_formula: "formula",
    models._plain_text: "plain text",
    models._file_name: "file name",
}
SCREENS = {
    "formula": lambda c: " OR ".join(
        f"starts_with({c}, {lit(p)})" for p in (*models.FORMULA_PREFIXES, "-")
    ),
    "plain text": lambda c: f"regexp_matches({c}, {lit(NOT_PLAIN)})",
    "file name": lambda c: f"regexp_matches({c}, {lit(NOT_A_FILE_NAME)})",
}
UDFS = {
    "formula": "refused_formula",
    "plain text": "refused_plain_text",
    "file name": "refused_file_name",
}


def field_validators(model: type[models.Record], name: str) -> list[Callable]:
    """The ``AfterValidator`` functions pydantic runs on one field, however deeply annotated."""
    info = model.model_fields[name]
    found, stack = [], [*info.metadata, info.annotation]
    while stack:
        item = stack.pop()
        if isinstance(item, AfterValidator):
            found.append(item.func)
        elif isinstance(item, FieldInfo):
            stack += item.metadata
        stack += typing.get_args(item)  # Annotated[T, m, ...] gives (T, m, ...)
    return found


def _field_checks(spec: FieldSpec, validators: list[Callable], csv: bool) -> list[Check]:
    c, name = q(spec.name), spec.name
    checks = []
    if spec.required:
        checks.append(Check("required", name, f"{c} IS NULL"))
    if csv and spec.type != "string":
        checks.append(Check("type", name, f"{q('_raw_' + name)} IS NOT NULL AND {c} IS NULL"))
    if spec.enum:
        checks.append(Check("enum", name, f"{c} NOT IN ({', '.join(map(lit, spec.enum))})"))
    if spec.pattern:
        checks.append(Check("pattern", name, f"NOT regexp_matches({c}, {lit(spec.pattern)})"))
    if spec.min_length is not None:
        checks.append(Check("min_length", name, f"length({c}) < {spec.min_length}"))
    if spec.max_length is not None:
        checks.append(Check("max_length", name, f"length({c}) > {spec.max_length}"))
    if spec.minimum is not None:
        checks.append(Check("minimum", name, f"{c} < {spec.minimum}"))
    if spec.maximum is not None:
        checks.append(Check("maximum", name, f"{c} > {spec.maximum}"))
    for func in validators:
        label = FIELD_VALIDATORS.get(func)
        if label is not None:
            # CASE, not AND: the model's function (a Python UDF) runs only on screened values
            sql = f"CASE WHEN {SCREENS[label](c)} THEN {UDFS[label]}({c}) ELSE false END"
            checks.append(Check(label, name, sql))
    return checks


def row_checks(table: str, *, csv: bool = False) -> list[Check]:
    """Every rule a row of ``table`` must pass, as SQL over its typed columns.

    Field rules come from the field specs (the Table Schema's constraints) and the fields'
    validators; the models' ``@model_validator`` rules from ``MODEL_CHECKS``. With ``csv``,
    each non-text cell must also parse (its text is in ``_raw_<field>``).

    Example
    -------
    >>> [c.label for c in row_checks("parties")][:2]
    ['required party_id', 'pattern party_id']
    """
    model = TABLES[table].model
    checks = [
        check
        for spec in fields(table)
        for check in _field_checks(spec, field_validators(model, spec.name), csv)
    ]
    for name in model.__pydantic_decorators__.model_validators:
        checks += MODEL_CHECKS[f"{model.__name__}.{name}"]()
    return checks


def field_constraints(model: type[models.Record], name: str) -> set[str]:
    """The rules pydantic applies to one field, named as ``row_checks`` names its checks."""
    info = model.model_fields[name]
    found = {"required"} if info.is_required() else set()
    stack: list = [*info.metadata, info.annotation]
    kinds = {
        annotated_types.MinLen: "min_length",
        annotated_types.MaxLen: "max_length",
        annotated_types.Ge: "minimum",
        annotated_types.Le: "maximum",
    }
    while stack:
        item = stack.pop()
        if isinstance(item, AfterValidator):
            found.add(FIELD_VALIDATORS.get(item.func, f"unmapped validator {item.func}"))
        elif isinstance(item, Strict):
            found.add("type")  # the column's type: typed Parquet, or parsed from CSV text
        elif isinstance(item, FieldInfo):
            stack += item.metadata
        elif isinstance(item, annotated_types.BaseMetadata):  # pydantic's pattern metadata too
            kind = kinds.get(type(item))
            if kind is None and getattr(item, "pattern", None):
                kind = "pattern"
            found.add(kind or f"unmapped constraint {item!r}")
        elif isinstance(item, type) and issubclass(item, models.StrEnum):
            found.add("enum")
        elif item in (dt.date, int, bool):
            found.add("type")
        stack += typing.get_args(item)  # Annotated[T, m, ...] gives (T, m, ...)
    return found


# --- running the rules ----------------------------------------------------------------------


@dataclass
class Report:
    """Every problem found, how many rows each rule failed, and what the run cost."""

    problems: list[Problem] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def add(self, rule: str, problems: Iterable[Problem]) -> None:
        found = list(problems)
        self.problems += found
        self.counts[rule] += len(found)


ProblemAt = Callable[[str, dict[str, Any], str | None, str], Problem]


def run_rules(
    con: duckdb.DuckDBPyConnection,
    at: ProblemAt,
    report: Report,
    first: Iterable[str] = (),
    then: Callable[[list[tuple[list, list]]], None] | None = None,
) -> None:
    """Run every cross-record rule on the views of ``con``; ``at`` places each problem.

    The rules run side by side, each on its own cursor: one query rarely keeps every core busy
    (a Parquet row group is read by one thread), several do. Queries in ``first`` (a release's
    row screens) run alongside the rules that do not read ``_valid``; ``then`` receives their
    results before the rules that do read it run.
    """
    rules, first = cross_rules(), list(first)
    early = [r for r in rules if not r.reads_valid]
    late = [r for r in rules if r.reads_valid]
    results = _parallel(con, [*first, *(r.sql for r in early)])
    if then is not None:
        then(results[: len(first)])
    for name, sql in SHARED.items():
        con.execute(f"CREATE OR REPLACE TABLE {q(name)} AS {sql}")
    found = dict(zip(map(id, early), results[len(first) :], strict=True))
    found.update(zip(map(id, late), _parallel(con, [r.sql for r in late]), strict=True))
    for rule in rules:
        names, rows = found[id(rule)]
        ordered = sorted(
            (dict(zip(names, r, strict=True)) for r in rows),
            key=lambda r: (r["_seq"], r.get("_field") or ""),
        )
        report.add(
            rule.name,
            (at(rule.table, r, r.get("_field", rule.field), rule.reason(r)) for r in ordered),
        )


def _parallel(con: duckdb.DuckDBPyConnection, queries: list[str]) -> list[tuple[list, list]]:
    """Each query's column names and rows, the queries run on as many cursors as cores."""
    local = threading.local()

    def run(sql: str) -> tuple[list, list]:
        if not hasattr(local, "cursor"):
            local.cursor = con.cursor()  # shares the connection's macros and functions
        cursor = local.cursor.execute(sql)
        return [d[0] for d in cursor.description], cursor.fetchall()

    workers = con.execute("SELECT current_setting('threads')").fetchone()[0]
    with ThreadPoolExecutor(max_workers=max(1, int(workers))) as pool:
        return list(pool.map(run, queries))


def connect(database: str = ":memory:", **config: str) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the rules' macros and functions."""
    con = duckdb.connect(database, config={"preserve_insertion_order": True, **config})
    for macro in MACROS:
        con.execute(macro)
    con.create_function(
        "name_key", _name_keys, ["VARCHAR"], "VARCHAR", type="arrow", side_effects=False
    )
    for func, label in FIELD_VALIDATORS.items():
        con.create_function(
            UDFS[label], _refuses(func), ["VARCHAR"], "BOOLEAN", type="arrow", side_effects=False
        )
    return con


def _refuses(func: Callable[[str], str]) -> Callable[[Any], Any]:
    """An Arrow UDF: true where the model's field validator ``func`` refuses the value."""

    def refused(values: Any) -> Any:
        import pyarrow as pa

        def one(value: str | None) -> bool | None:
            if value is None:
                return None
            try:
                func(value)
            except ValueError:
                return True
            return False

        return pa.array([one(v) for v in values.to_pylist()], pa.bool_())

    return refused


def _name_keys(names):
    """``names.person_key`` of a column of names (an Arrow UDF: one call per batch, not per row)."""
    import pyarrow as pa

    return pa.array([None if n is None else person_key(n) for n in names.to_pylist()], pa.string())


# --- source (a): records, already validated row by row ---------------------------------------


def _cell(value: Any, kind: str) -> Any:
    """A record's value as its column holds it; a value of the wrong type (invalid row) is null."""
    if value is None:
        return None
    if kind == "string":
        return str(value)  # a vocabulary's member prints as its value
    if kind == "date":
        ok = isinstance(value, dt.date) and not isinstance(value, dt.datetime)
        return value if ok else None
    if kind == "integer":
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    return value if isinstance(value, bool) else None


def _arrow(table: str, rows: list[Row]):
    import pyarrow as pa

    specs = fields(table)
    columns: dict[str, list] = {s.name: [] for s in specs}
    for row in rows:
        values = row.model.__dict__ if row.model is not None else row.data
        for s in specs:
            columns[s.name].append(_cell(values.get(s.name), s.type))
    types = {
        "string": pa.string(),
        "integer": pa.int64(),
        "date": pa.date32(),
        "boolean": pa.bool_(),
    }
    out = {s.name: pa.array(columns[s.name], types[s.type]) for s in specs}
    out["_seq"] = pa.array(range(len(rows)), pa.int64())
    out["_file"] = pa.array([r.file for r in rows], pa.string())
    out["_line"] = pa.array([r.line for r in rows], pa.int64())
    out["_valid"] = pa.array([r.model is not None for r in rows], pa.bool_())
    return pa.table(out)


def check_records(records: Records) -> list[Problem]:
    """The cross-record rules on records read (and model-validated) by ``records.read``.

    Example
    -------
    >>> from alliance_data_curate import records
    >>> check_records(records.read("tests/fixtures/records_min"))
    []
    """
    con = connect()
    for table, rows in records.rows.items():
        con.from_arrow(_arrow(table, rows)).create(table)

    def at(table: str, r: dict[str, Any], fld: str | None, reason: str) -> Problem:
        return records.rows[table][r["_seq"]].problem(reason, fld)

    report = Report()
    run_rules(con, at, report)
    con.close()
    return report.problems


# --- source (b): a built release, scanned from its files -------------------------------------


class Release:
    """The tables of a release folder as DuckDB views, and the problems of their files."""

    def __init__(self, con: duckdb.DuckDBPyConnection, folder: Path, fmt: str, report: Report):
        self.con, self.folder, self.fmt, self.report = con, folder, fmt, report

    def paths(self, table: str) -> list[Path]:
        """The table's files in this format, from ``datapackage.json`` (any layout)."""
        from alliance_data.layout import release_files

        try:
            return release_files(self.folder, table, self.fmt)
        except (KeyError, ValueError, StopIteration):
            return []

    def path(self, table: str) -> Path:
        """The table's (first) file, as problems name it."""
        found = self.paths(table)
        return found[0] if found else self.folder / table

    def at(self, table: str, r: dict[str, Any], fld: str | None, reason: str) -> Problem:
        """Row numbers count as in the CSV (header is row 1), for Parquet too."""
        return Problem(r["_file"], r["_line"], table, r["_record_id"], fld, reason)

    def _file_problem(self, table: str, fld: str | None, reason: str, line: int | None = 1):
        self.report.add(
            f"{table}: file", [Problem(str(self.path(table)), line, table, None, fld, reason)]
        )

    def open(self, table: str) -> None:
        """Define the view ``_typed_<table>``: the model's columns, typed, and where rows are."""
        path = self.path(table)
        where = f"_seq + 2 AS _line, {lit(str(path))} AS _file"  # one file: rows follow _seq
        if not self.paths(table) or not all(p.is_file() for p in self.paths(table)):
            self._file_problem(table, None, "file missing", None)
            self.con.execute(
                f"CREATE VIEW {q('_rows_' + table)} AS SELECT 0::BIGINT AS _seq LIMIT 0"
            )
            found: dict[str, str] = {}
        elif self.fmt == "parquet":
            found = self._parquet(table, path)
            where = "_part_line AS _line, _part AS _file"
        else:
            found = self._csv(table, path)
        for extra in sorted(set(found) - {s.name for s in fields(table)}):
            self._file_problem(table, extra, "unknown field")
        columns = []
        for spec in fields(table):
            wanted = SQL_TYPES[spec.type]
            kind = found.get(spec.name)
            if kind is None:
                if path.is_file():
                    self._file_problem(table, spec.name, "missing column")
                columns.append(f"NULL::{wanted} AS {q(spec.name)}")
                if self.fmt == "csv" and spec.type != "string":
                    columns.append(f"NULL::VARCHAR AS {q('_raw_' + spec.name)}")
            elif self.fmt == "csv":
                columns += _parse(spec)
            elif kind == wanted or (spec.type == "integer" and kind in INTEGER_TYPES):
                columns.append(f"CAST({q(spec.name)} AS {wanted}) AS {q(spec.name)}")
            else:
                self._file_problem(table, spec.name, f"column has type {kind}, expected {wanted}")
                columns.append(f"NULL::{wanted} AS {q(spec.name)}")
        self.con.execute(
            f"CREATE VIEW {q('_typed_' + table)} AS SELECT _seq, {where}, "
            f"{', '.join(columns)} FROM {q('_rows_' + table)}"
        )

    def _parquet(self, table: str, path: Path) -> dict[str, str]:
        """The parts in order: ``_seq`` counts rows across them; ``_part``/``_part_line`` say
        which file and row a problem is in (row 2 is a part's first, as in a CSV)."""
        import pyarrow.parquet as pq

        scans, offset = [], 0
        for part in self.paths(table):
            scans.append(
                f"SELECT *, file_row_number + {offset} AS _seq, {lit(str(part))} AS _part, "
                f"file_row_number + 2 AS _part_line "
                f"FROM read_parquet({lit(str(part))}, file_row_number = true)"
            )
            offset += pq.read_metadata(part).num_rows
        self.con.execute(f"CREATE VIEW {q('_rows_' + table)} AS {' UNION ALL '.join(scans)}")
        described = self.con.execute(f"DESCRIBE SELECT * FROM read_parquet({lit(str(path))})")
        return {name: kind for name, kind, *_ in described.fetchall()}

    def _csv(self, table: str, path: Path) -> dict[str, str]:
        """Read the CSV, as text, into the on-disk database: ``rowid`` keeps the file's order."""
        import csv

        target = q("_csv_" + table)
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                header = next(csv.reader(handle), [])
            columns = "{" + ", ".join(f"{lit(h)}: 'VARCHAR'" for h in header) + "}"
            self.con.execute(
                f"CREATE TABLE {target} AS SELECT * FROM read_csv({lit(str(path))}, "
                f"header = true, auto_detect = false, columns = {columns}, delim = ',', "
                "quote = '\"', escape = '\"', nullstr = '', allow_quoted_nulls = true)"
            )
        except (duckdb.Error, UnicodeDecodeError, csv.Error) as exc:
            self._file_problem(table, None, f"unreadable CSV: {str(exc).splitlines()[0]}", None)
            header = []
            self.con.execute(f"CREATE TABLE {target} (_empty VARCHAR)")
        self.con.execute(
            f"CREATE VIEW {q('_rows_' + table)} AS SELECT *, rowid AS _seq FROM {target}"
        )
        return dict.fromkeys(header, "VARCHAR")

    def rows(self, table: str) -> int:
        return self.con.execute(f"SELECT count(*) FROM {q('_typed_' + table)}").fetchone()[0]

    def prepare(self) -> None:
        """Define the views the rules read, one per table, with ``_valid`` from ``_flagged_*``."""
        for table in TABLES:
            flagged = q("_flagged_" + table)
            self.con.execute(f"CREATE TABLE {flagged} (_seq BIGINT PRIMARY KEY)")
            self.con.execute(
                f"CREATE VIEW {q(table)} AS SELECT *, _seq NOT IN (SELECT _seq FROM {flagged}) "
                f"AS _valid FROM {q('_typed_' + table)}"
            )

    def screens(self) -> list[str]:
        """One query per table: the rows breaking any of its ``row_checks``, and which."""
        queries = []
        for table in TABLES:
            found = row_checks(table, csv=self.fmt == "csv")
            fired = ", ".join(f"coalesce(({c.sql}), false)" for c in found)
            any_fired = " OR ".join(f"coalesce(({c.sql}), false)" for c in found)
            queries.append(  # which rules fired is worked out for the flagged rows only
                f"SELECT _seq, [{fired}] FROM {q('_typed_' + table)} WHERE {any_fired} "
                "ORDER BY _seq"
            )
        return queries

    def flag(self, results: list[tuple[list, list]]) -> None:
        """Record the screens' flagged rows (not ``_valid``) and explain each through its model."""
        for table, (_, flagged) in zip(TABLES, results, strict=True):
            found = row_checks(table, csv=self.fmt == "csv")
            labels = {
                seq: [c.label for c, hit in zip(found, hits, strict=True) if hit]
                for seq, hits in flagged
            }
            for label in itertools.chain.from_iterable(labels.values()):
                self.report.counts[f"{table}: {label}"] += 1
            if labels:
                self.con.execute(
                    f"INSERT INTO {q('_flagged_' + table)} SELECT unnest(?::BIGINT[])",
                    [list(labels)],
                )
                self._explain(table, labels)

    def _explain(self, table: str, labels: dict[int, list[str]]) -> None:
        """The model's own problems for each flagged row, as the records' validator words them."""
        csv = self.fmt == "csv"
        source = q("_rows_" + table) if csv else q("_typed_" + table)
        names = [s.name for s in fields(table)]
        present = names if not csv else [n for n in names if n in self._csv_columns(table)]
        self.con.execute("CREATE OR REPLACE TEMP TABLE _explain (_seq BIGINT)")
        self.con.execute("INSERT INTO _explain SELECT unnest(?::BIGINT[])", [list(labels)])
        located = f"{lit(str(self.path(table)))}, t._seq + 2" if csv else "t._file, t._line"
        cursor = self.con.execute(
            f"SELECT t._seq, {located}, {', '.join(f't.{q(n)}' for n in present)} "
            f"FROM {source} t SEMI JOIN _explain x ON t._seq = x._seq ORDER BY t._seq"
        )
        model = TABLES[table].model
        for seq, file, line, *values in cursor.fetchall():
            data = {k: v for k, v in zip(present, values, strict=True) if v is not None}
            found = Records(rows={}, problems=[])
            validate_row(Row(table, data, file, line, {}, strings=csv), model, found)
            problems = found.problems
            if not problems:  # the screen and the model disagree: say so rather than hide it
                reason = messages.model_accepts(labels[seq])
                problems = [Problem(file, line, table, TABLES[table].key(data), None, reason)]
            self.report.problems += problems

    def _csv_columns(self, table: str) -> set[str]:
        described = self.con.execute(f"DESCRIBE {q('_csv_' + table)}").fetchall()
        return {row[0] for row in described}


INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"}


def _parse(spec: FieldSpec) -> list[str]:
    """CSV text to the field's type (null where it does not parse), and the text itself."""
    c = q(spec.name)
    raw = f"{c} AS {q('_raw_' + spec.name)}"
    if spec.type == "string":
        return [f"{c} AS {c}"]
    if spec.type == "date":
        typed = (
            f"CASE WHEN regexp_full_match({c}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
            f"THEN CAST(try_strptime({c}, '%Y-%m-%d') AS DATE) END"
        )
    elif spec.type == "integer":
        typed = f"CASE WHEN regexp_full_match({c}, '[+-]?[0-9]+') THEN TRY_CAST({c} AS BIGINT) END"
    else:
        typed = f"CASE {c} WHEN 'true' THEN true WHEN 'false' THEN false END"
    return [f"{typed} AS {c}", raw]


def check_hashes(folder: Path, fmt: str, report: Report) -> None:
    """Each data file's size, and each ``fmt`` file's hash, must be as ``datapackage.json`` says.

    Sizes cost nothing to compare; only the files being validated are hashed.
    """
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor.get("resources", []):
        raw = resource.get("path", "")
        if not isinstance(raw, str):
            continue  # Parquet parts: their sha256 are in x-sha256 and the index (integrity.py)
        path = folder / raw
        if not path.is_file():
            continue
        table = resource.get("name", path.stem).removesuffix("_parquet")
        problems = []
        size, declared_bytes = path.stat().st_size, resource.get("bytes")
        if declared_bytes is not None and size != declared_bytes:
            reason = messages.declared("bytes", size, declared_bytes)
            problems.append(Problem(str(path), None, table, None, "bytes", reason))
        declared_hash = resource.get("hash")
        if declared_hash is not None and path.suffix == f".{fmt}":
            algorithm, _, expected = str(declared_hash).rpartition(":")
            digest = _digest(path, algorithm or "md5")
            if digest != expected:
                reason = messages.declared(algorithm or "md5", digest, expected)
                problems.append(Problem(str(path), None, table, None, "hash", reason))
        report.add("datapackage.json: bytes and hash", problems)


def _digest(path: Path, algorithm: str) -> str:
    h = hashlib.new(algorithm)
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


@contextmanager
def _workspace(temp_dir: Path | str | None) -> Iterator[Path]:
    where = Path(tempfile.mkdtemp(prefix="alliance-validate-", dir=temp_dir))
    try:
        yield where
    finally:
        shutil.rmtree(where, ignore_errors=True)


def validate_release(
    folder: Path | str,
    fmt: str = "parquet",
    *,
    memory_limit: str = MEMORY_LIMIT,
    temp_dir: Path | str | None = None,
    threads: int | None = None,
) -> Report:
    """Check every table of a built release; every failing row is listed, none is skipped.

    Parameters
    ----------
    folder
        The release folder (``datapackage.json`` and its data files, in any layout).
    fmt
        Which files to read: ``parquet`` (scanned in place) or ``csv`` (read into a
        temporary on-disk database first).
    memory_limit
        DuckDB's memory limit; joins and sorts beyond it spill to ``temp_dir``.
    temp_dir
        Where the temporary database and spill files go (default: the system's temp folder).
    threads
        DuckDB worker threads (default: one per core).

    Example
    -------
    >>> report = validate_release("releases/0.3.0")  # doctest: +SKIP
    >>> report.problems
    []
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    folder = Path(folder)
    if not (folder / "datapackage.json").is_file():
        raise ValueError(f"{folder} is not a release folder (no datapackage.json inside)")
    started = time.perf_counter()
    report = Report()
    hashes = Report()
    hashing = threading.Thread(target=check_hashes, args=(folder, fmt, hashes))
    hashing.start()
    try:
        with _workspace(temp_dir) as work:
            config = {"memory_limit": memory_limit, "temp_directory": str(work / "spill")}
            if threads:
                config["threads"] = str(threads)
            con = connect(str(work / "validate.duckdb"), **config)
            try:
                release = Release(con, folder, fmt, report)
                for table in TABLES:
                    release.open(table)
                    report.rows[table] = release.rows(table)
                release.prepare()
                run_rules(con, release.at, report, release.screens(), release.flag)
            finally:
                con.close()
    finally:
        hashing.join()
    report.add("datapackage.json: bytes and hash", hashes.problems)
    report.seconds = time.perf_counter() - started
    return report
