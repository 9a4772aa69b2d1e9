"""Validating a built release as Arrow columns: the models' rules, vectorised.

Per-record pydantic validation costs microseconds a row, which is minutes at millions of rows.
Here every rule runs as a pyarrow.compute expression over whole columns instead. The rules are
not written again: field rules (required, vocabulary, pattern, length, range) come from
``schema.fields()``, keys from ``tables.TABLES``, formula prefixes from ``models``. Only the
models' ``@model_validator`` rules have no schema-level form; each is screened here once, next
to a pointer to the validator it mirrors. Rows a screen flags are then validated through their
model, so the reasons printed are the model's own words, exactly as ``alliance-data validate``
prints them for the YAML records (``tests/test_columnar.py`` keeps the two paths in parity).

Quotes are not checked: a release does not carry the source texts they are checked against.
"""

from __future__ import annotations

import time
import typing
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import AfterValidator

from alliance_data.layout import release_files

from . import messages, models
from .checks import EVIDENCE_REQUIRED, name_key
from .models import TABLES
from .records import Problem, Records, Row, validate_row
from .schemas import FieldSpec, arrow_schema, fields

FORMATS = ("parquet", "csv")
DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
INTEGER_RE = r"^[+-]?[0-9]+$"
Mask = np.ndarray  # one bool per row


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


@dataclass
class Loaded:
    """One table as read: typed columns, the raw CSV text where typing failed, its file."""

    name: str
    path: str
    typed: pa.Table
    type_errors: dict[str, Mask] = field(default_factory=dict)
    raw: dict[str, pa.ChunkedArray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return self.typed.num_rows

    def problem(self, i: int, reason: str, fld: str | None, keys: pa.Array) -> Problem:
        """Row numbers count as in the CSV (header is row 1), for Parquet too."""
        return Problem(self.path, int(i) + 2, self.name, keys[int(i)].as_py(), fld, reason)


# --- reading -------------------------------------------------------------------------------


def read(folder: Path, table: str, fmt: str, report: Report) -> Loaded:
    """Read one table as Arrow, with the model's columns, whatever the file holds."""
    paths = release_files(folder, table, fmt)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        found = pa.concat_tables([pq.read_table(p) for p in paths])
    else:
        found = pa.concat_tables([_read_csv(p, table) for p in paths])
    # parts in parquet/<table>/ are one table: name the folder (rows count across the parts)
    path = paths[0].parent if paths[0].parent.name == table else paths[0]
    loaded = Loaded(table, str(path), found)
    loaded.typed = _conform(loaded, found, report)
    return loaded


def _read_csv(path: Path, table: str) -> pa.Table:
    import pyarrow.csv as pcsv

    names = [spec.name for spec in fields(table)]
    options = pcsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()),
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )
    parse = pcsv.ParseOptions(newlines_in_values=True)
    return pcsv.read_csv(path, parse_options=parse, convert_options=options)


def _conform(loaded: Loaded, found: pa.Table, report: Report) -> pa.Table:
    """Columns in model order and type (vocabularies as plain strings); header problems noted."""
    columns = {}
    for extra in sorted(set(found.column_names) - {f.name for f in fields(loaded.name)}):
        report.add("unknown column", [_file_problem(loaded, extra, "unknown field")])
    for spec, target in zip(fields(loaded.name), arrow_schema(loaded.name), strict=True):
        wanted = pa.string() if pa.types.is_dictionary(target.type) else target.type
        if spec.name not in found.column_names:
            report.add("missing column", [_file_problem(loaded, spec.name, "missing column")])
            columns[spec.name] = pa.nulls(found.num_rows, wanted)
            continue
        column = found.column(spec.name)
        if pa.types.is_dictionary(column.type):
            column = column.cast(pa.string())
        if column.type == wanted:
            columns[spec.name] = column
        elif pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            columns[spec.name] = _parse(loaded, spec.name, column.cast(pa.string()), wanted)
        else:
            reason = f"column has type {column.type}, expected {wanted}"
            report.add("column type", [_file_problem(loaded, spec.name, reason)])
            columns[spec.name] = pa.nulls(found.num_rows, wanted)
    return pa.table(columns)


def _file_problem(loaded: Loaded, name: str, reason: str) -> Problem:
    return Problem(loaded.path, 1, loaded.name, None, name, reason)


def _parse(loaded: Loaded, name: str, text: pa.ChunkedArray, wanted: pa.DataType):
    """CSV text to the column's type; cells that do not parse are nulls plus a type error."""
    if pa.types.is_string(wanted):
        return text
    if pa.types.is_date32(wanted):
        stamp = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
        # strptime rolls 2021-02-30 over to 2 March: the text must survive the round trip
        ok = pc.and_(
            pc.match_substring_regex(text, DATE_RE), pc.equal(pc.strftime(stamp, "%Y-%m-%d"), text)
        )
        value = stamp.cast(pa.date32())
    elif pa.types.is_integer(wanted):
        ok = pc.match_substring_regex(text, INTEGER_RE)
        value = pc.if_else(ok, text, pa.scalar(None, pa.string())).cast(wanted)
    else:
        ok = pc.is_in(text, pa.array(["true", "false"]))
        value = pc.equal(pc.if_else(ok, text, pa.scalar(None, pa.string())), "true")
    bad = _mask(pc.and_(pc.is_valid(text), pc.invert(pc.fill_null(ok, False))))
    if bad.any():
        loaded.type_errors[name] = bad
        loaded.raw[name] = text
    return pc.if_else(pa.array(~bad), value, pa.scalar(None, wanted))


def _mask(values) -> Mask:
    """A boolean Arrow result as numpy, null counting as False (the rule did not fail)."""
    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)


# --- row rules: from the field specs and the model validators -------------------------------


def _is_formula_checked(model: type[models.Record], name: str) -> bool:
    """Whether the model runs ``models._no_formula`` on this field (its ``Text`` fields)."""
    info = model.model_fields[name]
    stack: list = [*info.metadata, info.annotation]
    while stack:
        item = stack.pop()
        if isinstance(item, AfterValidator) and item.func is models._no_formula:
            return True
        stack += [*getattr(item, "__metadata__", ()), *typing.get_args(item)]
    return False


def _field_rules(loaded: Loaded) -> dict[tuple[str, str], Mask]:
    """One mask per (rule, field) derived from the FieldSpec, as a Table Schema states it."""
    rules: dict[tuple[str, str], Mask] = {}
    model = TABLES[loaded.name].model
    for spec in fields(loaded.name):
        column = loaded.typed.column(spec.name)
        for rule, check in _spec_checks(spec, _is_formula_checked(model, spec.name)):
            bad = _mask(check(column))
            if bad.any():
                rules[(rule, spec.name)] = bad
        if spec.name in loaded.type_errors:
            rules[("type", spec.name)] = loaded.type_errors[spec.name]
    return rules


def _spec_checks(spec: FieldSpec, formula: bool) -> list[tuple[str, Callable]]:
    checks: list[tuple[str, Callable]] = []
    if spec.required:
        checks.append(("required", pc.is_null))
    if spec.enum:
        allowed = pa.array(spec.enum)
        checks.append(("enum", lambda c: pc.and_(pc.is_valid(c), pc.invert(pc.is_in(c, allowed)))))
    if spec.pattern:
        checks.append(("pattern", lambda c: pc.invert(pc.match_substring_regex(c, spec.pattern))))
    if spec.min_length is not None:
        checks.append(("min_length", lambda c: pc.less(pc.utf8_length(c), spec.min_length)))
    if spec.max_length is not None:
        checks.append(("max_length", lambda c: pc.greater(pc.utf8_length(c), spec.max_length)))
    if spec.minimum is not None:
        checks.append(("minimum", lambda c: pc.less(c, spec.minimum)))
    if spec.maximum is not None:
        checks.append(("maximum", lambda c: pc.greater(c, spec.maximum)))
    if formula:
        checks.append(("formula", _starts_with_formula))
    return checks


def _starts_with_formula(column):
    hits = [pc.starts_with(column, prefix) for prefix in models.FORMULA_PREFIXES]
    out = hits[0]
    for hit in hits[1:]:
        out = pc.or_(out, hit)
    return out


def _precision(t: pa.Table, date: str, precision: str):
    """Mirrors ``models._check_precision``: both or neither; month/year dates start the period."""
    d, p = t.column(date), t.column(precision)
    one_missing = pc.not_equal(pc.is_null(d), pc.is_null(p))
    not_first = pc.and_(pc.is_in(p, pa.array(["month", "year"])), pc.not_equal(pc.day(d), 1))
    not_january = pc.and_(pc.equal(p, "year"), pc.not_equal(pc.month(d), 1))
    return pc.or_(one_missing, pc.fill_null(pc.or_kleene(not_first, not_january), False))


def _order(t: pa.Table, start: str, end: str):
    """Mirrors ``models._check_order``: an end date before its start date."""
    return pc.less(t.column(end), t.column(start))


def _paired(t: pa.Table, a: str, b: str):
    """Both set or both empty."""
    return pc.not_equal(pc.is_null(t.column(a)), pc.is_null(t.column(b)))


def precision_pairs(table: str) -> list[tuple[str, str]]:
    """Each date field and the field giving its precision (``models._check_precision``).

    ``X_precision`` qualifies ``X``; a bare ``date_precision`` with no ``date`` field qualifies
    ``start_date`` (``Meeting``, whose end date shares its start date's precision).
    """
    names = [spec.name for spec in fields(table)]
    pairs = []
    for name in names:
        if name.endswith("_precision"):
            base = name.removesuffix("_precision")
            pairs.append((base if base in names else "start_date", name))
    return pairs


# Screens for the models' other @model_validator rules, which no Table Schema can express.
MODEL_RULES: dict[str, dict[str, Callable[[pa.Table], object]]] = {
    "positions": {  # models.Position._dates
        "order start/end": lambda t: _order(t, "start_date", "end_date"),
        "tenure_status/end_date": lambda t: pc.not_equal(
            pc.fill_null(pc.equal(t.column("tenure_status"), "ended"), False),
            pc.is_valid(t.column("end_date")),
        ),
    },
    "meetings": {  # models.Meeting._dates
        "end without start": lambda t: pc.and_(
            pc.is_valid(t.column("end_date")), pc.is_null(t.column("start_date"))
        ),
        "order start/end": lambda t: _order(t, "start_date", "end_date"),
    },
    "commitments": {  # models.Commitment._where
        "meeting or document": lambda t: pc.and_(
            pc.is_null(t.column("meeting_id")), pc.is_null(t.column("document_source_id"))
        ),
    },
    "agreements": {  # models.Agreement._dates
        "order signed/in_force": lambda t: _order(t, "signed_date", "in_force_date"),
        "order in_force/end": lambda t: _order(t, "in_force_date", "end_date"),
    },
    "sources": {  # models.Source._fields
        "text_file/text_sha256": lambda t: _paired(t, "text_file", "text_sha256"),
    },
    "evidence": {  # models.Evidence._citation
        "quote or note": lambda t: pc.and_(
            pc.is_null(t.column("quote")), pc.is_null(t.column("note"))
        )
    },
}


def _row_rules(loaded: Loaded) -> dict[tuple[str, str], Mask]:
    rules = _field_rules(loaded)
    screens = dict(MODEL_RULES.get(loaded.name, {}))
    for date, precision in precision_pairs(loaded.name):
        screens[f"precision {date}"] = lambda t, d=date, p=precision: _precision(t, d, p)
    for rule, screen in screens.items():
        bad = _mask(screen(loaded.typed))
        if bad.any():
            rules[(rule, "model")] = bad
    return rules


def check_rows(loaded: Loaded, keys: pa.Array, report: Report) -> Mask:
    """Screen every row; explain flagged rows through the model. Returns the valid-row mask."""
    rules = _row_rules(loaded)
    flagged = np.zeros(loaded.n, dtype=bool)
    for mask in rules.values():
        flagged |= mask
    valid = ~flagged
    rows = np.flatnonzero(flagged)
    if not len(rows):
        return valid
    for (rule, name), mask in rules.items():
        report.counts[f"{loaded.name}: {rule} {name}"] += int(mask.sum())
    explained = _explain(loaded, rows, keys)
    for i, problems in zip(rows, explained, strict=True):
        if not problems:  # the screen and the model disagree: say so rather than hide it
            fired = [f"{r} {n}" for (r, n), m in rules.items() if m[i]]
            reason = f"columnar rule(s) {', '.join(fired)} failed but the model accepts the row"
            problems = [loaded.problem(i, reason, None, keys)]
        report.problems += problems
    return valid


def _explain(loaded: Loaded, rows: np.ndarray, keys: pa.Array) -> list[list[Problem]]:
    """The model's own problems for each flagged row, as the YAML validator words them."""
    index = pa.array(rows)
    data = loaded.typed.take(index).to_pylist()
    for name, text in loaded.raw.items():  # unparsable CSV cells go to the model as written
        bad = loaded.type_errors[name][rows]
        for j in np.flatnonzero(bad):
            data[j][name] = text[int(rows[j])].as_py()
    model = TABLES[loaded.name].model
    out = []
    for i, row in zip(rows, data, strict=True):
        values = {k: v for k, v in row.items() if v is not None}
        found = Records(rows={}, problems=[])
        validate_row(Row(loaded.name, values, loaded.path, int(i) + 2, {}), model, found)
        out.append(found.problems)
    return out


# --- cross-record rules (``checks.py`` on YAML records) -------------------------------------


def key_strings(t: pa.Table, names: Iterable[str]) -> pa.ChunkedArray:
    """A key as one string, parts joined by '/', as evidence rows and messages name it."""
    parts = [pc.fill_null(pc.cast(t.column(n), pa.string()), "None") for n in names]
    if len(parts) == 1:
        return parts[0]
    return pc.binary_join_element_wise(*parts, "/")


def _repeats(keys) -> tuple[Mask, np.ndarray]:
    """Which values repeat an earlier one, and the row where each value first appears."""
    if isinstance(keys, pa.ChunkedArray):
        keys = keys.combine_chunks()
    codes = keys.dictionary_encode().indices.to_numpy()
    dup = np.zeros(len(codes), dtype=bool)
    if len(codes):
        seen = np.maximum.accumulate(codes)
        dup[1:] = codes[1:] <= seen[:-1]  # a new value always gets the next code
    firsts = np.flatnonzero(~dup)  # value k first appears at row firsts[k]
    return dup, firsts[codes] if len(codes) else codes


def key_codes(t: pa.Table, names: Iterable[str]) -> pa.Array:
    """A key as one integer per row, equal exactly when every key column is equal.

    That is the YAML check's '/'-joined key: no key has two free-text parts, so no '/' inside
    a part can make two different keys join to the same text.

    Cheaper than hashing joined strings: each column is dictionary-encoded on its own and the
    codes are folded together, re-numbered after each step so they stay small.
    """
    codes: np.ndarray | None = None
    for name in names:
        column = pc.fill_null(pc.cast(t.column(name), pa.string()), "None").combine_chunks()
        encoded = column.dictionary_encode()
        part = encoded.indices.to_numpy().astype(np.int64)
        if codes is None:
            codes = part
        else:
            codes = (
                np.unique(codes, return_inverse=True)[1].ravel() * len(encoded.dictionary) + part
            )
    return pa.array(codes if codes is not None else np.zeros(t.num_rows, dtype=np.int64))


def duplicates(loaded: Loaded, keys: pa.ChunkedArray, report: Report) -> None:
    """Every row whose primary key an earlier row already has (checks._duplicate_keys)."""
    dup, first = _repeats(key_codes(loaded.typed, TABLES[loaded.name].primary_key))
    report.add(
        f"{loaded.name}: duplicate primary key",
        (
            loaded.problem(
                i,
                messages.duplicate_key(f"{loaded.path}:{first[i] + 2}"),
                None,
                keys,
            )
            for i in np.flatnonzero(dup)
        ),
    )


def foreign_keys(tables: dict[str, Loaded], keys: dict[str, pa.Array], report: Report) -> None:
    """Each foreign key value must be a key of the referenced table (checks._foreign_keys)."""
    for name, spec in TABLES.items():
        loaded = tables[name]
        for fk in spec.foreign_keys:
            present = np.ones(loaded.n, dtype=bool)
            for f in fk.fields:
                present &= _mask(pc.is_valid(loaded.typed.column(f)))
            value = key_strings(loaded.typed, fk.fields)
            targets = key_strings(tables[fk.ref_table].typed, fk.ref_fields).unique()
            bad = present & ~_mask(pc.is_in(value, targets))
            target = f"{fk.ref_table}.{'/'.join(fk.ref_fields)}"
            report.add(
                f"{name}: foreign key {fk.fields[0]} -> {target}",
                (
                    loaded.problem(
                        i,
                        messages.not_a_key(value[int(i)].as_py(), target),
                        fk.fields[0],
                        keys[name],
                    )
                    for i in np.flatnonzero(bad)
                ),
            )


def evidence_targets(tables: dict[str, Loaded], keys: dict[str, pa.Array], report: Report) -> None:
    """Evidence must point at an existing record and field (checks._evidence_targets)."""
    ev = tables["evidence"]
    table_col, record_col = ev.typed.column("table"), ev.typed.column("record_id")
    field_col = ev.typed.column("field")
    for name in TABLES:
        rows = _mask(pc.and_(pc.equal(table_col, name), pc.is_valid(record_col)))
        if not rows.any():
            continue
        no_record = rows & ~_mask(pc.is_in(record_col, keys[name].unique()))
        names = pa.array(TABLES[name].fields)
        no_field = rows & _mask(
            pc.and_(pc.is_valid(field_col), pc.invert(pc.is_in(field_col, names)))
        )
        report.add(
            "evidence: no such record",
            (
                ev.problem(
                    i,
                    f"no {name} record {record_col[int(i)].as_py()!r}",
                    "record_id",
                    keys["evidence"],
                )
                for i in np.flatnonzero(no_record)
            ),
        )
        report.add(
            "evidence: no such field",
            (
                ev.problem(
                    i,
                    f"{name} has no field {field_col[int(i)].as_py()!r}",
                    "field",
                    keys["evidence"],
                )
                for i in np.flatnonzero(no_field)
            ),
        )


def missing_evidence(tables: dict[str, Loaded], keys: dict[str, pa.Array], report: Report) -> None:
    """Records of these tables need an evidence row (checks._missing_evidence)."""
    ev = tables["evidence"].typed
    for name in EVIDENCE_REQUIRED:
        cited = pc.filter(
            ev.column("record_id"), pc.fill_null(pc.equal(ev.column("table"), name), False)
        )
        bad = ~_mask(pc.is_in(keys[name], cited.unique()))
        report.add(
            f"{name}: no evidence",
            (
                tables[name].problem(i, messages.NO_EVIDENCE, None, keys[name])
                for i in np.flatnonzero(bad)
            ),
        )


def period_end(dates, precision) -> pa.Array:
    """Last day each date may stand for, given its precision (vectorised checks.period_end)."""
    days = pc.fill_null(pc.cast(dates, pa.int32()), 0).to_numpy().astype("datetime64[D]")
    kind = pc.fill_null(precision, "day").to_numpy(zero_copy_only=False)
    month_end = (days.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1
    year_end = (days.astype("datetime64[Y]") + 1).astype("datetime64[D]") - 1
    out = np.where(kind == "year", year_end, np.where(kind == "month", month_end, days))
    missing = _mask(pc.is_null(dates))
    return pa.array(out.astype("int64").astype("int32"), mask=missing).cast(pa.date32())


def _valid_meetings(tables: dict[str, Loaded], valid: dict[str, Mask]) -> pa.Table:
    """Valid meetings with their last day; a repeated id keeps its last row, as a dict would."""
    t = tables["meetings"].typed.filter(pa.array(valid["meetings"]))
    codes = t.column("meeting_id").combine_chunks().dictionary_encode().indices.to_numpy()
    last = np.zeros(len(codes), dtype=bool)
    if len(codes):
        _, first_from_end = np.unique(codes[::-1], return_index=True)
        last[len(codes) - 1 - first_from_end] = True
    t = t.filter(pa.array(last))
    end = pc.coalesce(
        t.column("end_date"), period_end(t.column("start_date"), t.column("date_precision"))
    )
    return pa.table(
        {
            "meeting_id": t.column("meeting_id"),
            "m_start": t.column("start_date"),
            "m_end": end,
        }
    )


def participant_titles(
    tables: dict[str, Loaded], keys: dict[str, pa.Array], valid: dict[str, Mask], report: Report
) -> None:
    """A participant's role_title must be a position held on the meeting's dates.

    Mirrors checks._participant_titles. Officials and titles are joined as integer codes, not
    strings: with millions of participants the string join alone took a gigabyte.
    """
    part = tables["meeting_participants"].typed
    meetings = _valid_meetings(tables, valid)
    pos = tables["positions"].typed.filter(pa.array(valid["positions"]))
    officials = pos.column("official_id").unique()
    titles = pos.column("title").unique()
    m = pc.index_in(part.column("meeting_id"), value_set=meetings.column("meeting_id"))
    rows = np.flatnonzero(valid["meeting_participants"] & _mask(pc.is_valid(m)))
    at = pa.array(rows)
    m = pc.take(m, at)
    left = pa.table(
        {
            "row": at,
            "off": pc.index_in(pc.take(part.column("official_id"), at), value_set=officials),
            "role": pc.index_in(pc.take(part.column("role_title"), at), value_set=titles),
            "m_start": pc.take(meetings.column("m_start"), m),
            "m_end": pc.take(meetings.column("m_end"), m),
        }
    )
    right = pa.table(
        {
            "off": pc.index_in(pos.column("official_id"), value_set=officials),
            "title": pc.index_in(pos.column("title"), value_set=titles),
            "p_start": pos.column("start_date"),
            "p_end": period_end(pos.column("end_date"), pos.column("end_date_precision")),
        }
    )
    pairs = left.filter(pc.is_valid(left.column("off"))).join(right, "off", join_type="inner")
    held = pc.fill_null(_held(pairs), False)
    ok = pc.and_(held, pc.equal(pairs.column("title"), pairs.column("role")))
    matched = pc.filter(pairs.column("row"), ok).unique()
    failing = left.filter(pc.invert(pc.is_in(left.column("row"), value_set=matched)))
    if failing.num_rows:
        _report_titles(tables, keys, failing, pairs.filter(held), titles, report)


def _held(pairs: pa.Table):
    """Vectorised checks._held: the position overlaps the meeting's days (or no dates known)."""
    start = pairs.column("m_start")
    end = pc.coalesce(pairs.column("m_end"), start)
    begins, ends = pairs.column("p_start"), pairs.column("p_end")
    return pc.or_kleene(
        pc.is_null(start),
        pc.and_kleene(
            pc.or_kleene(pc.is_null(begins), pc.less_equal(begins, end)),
            pc.or_kleene(pc.is_null(ends), pc.greater_equal(ends, start)),
        ),
    )


def _report_titles(tables, keys, failing: pa.Table, held: pa.Table, titles, report) -> None:
    """Word each failing participant as the YAML check does, listing the titles held then."""
    part = tables["meeting_participants"]
    held = held.filter(pc.is_in(held.column("row"), value_set=failing.column("row")))
    names = titles.to_pylist()
    by_row: dict[int, set[str]] = {}
    for row, code in zip(
        held.column("row").to_pylist(), held.column("title").to_pylist(), strict=True
    ):
        by_row.setdefault(row, set()).add(names[code])
    rows = failing.column("row")
    shown = part.typed.select(["official_id", "role_title"]).take(rows).to_pylist()
    problems = []
    for row, r, start, end in zip(
        rows.to_pylist(),
        shown,
        failing.column("m_start").to_pylist(),
        failing.column("m_end").to_pylist(),
        strict=True,
    ):
        end = end if start is not None else None
        held_titles = "; ".join(sorted(by_row.get(row, ()))) or "none"
        reason = messages.title_not_held(r["role_title"], r["official_id"], start, end, held_titles)
        problems.append(part.problem(row, reason, "role_title", keys["meeting_participants"]))
    problems.sort(key=lambda p: p.line or 0)
    report.add("meeting_participants: role_title not held", problems)


def _valid_rows(loaded: Loaded, valid: Mask, columns: list[str]) -> pa.Table:
    """The model-valid rows' columns, with each row's index kept for the report."""
    index = pa.array(np.flatnonzero(valid))
    return loaded.typed.select(columns).take(index).append_column("row", index)


def _dated_meetings(tables: dict[str, Loaded], valid: dict[str, Mask]) -> pa.Table:
    meetings = _valid_meetings(tables, valid)
    return meetings.filter(pc.is_valid(meetings.column("m_start")))


def commitment_dates(
    tables: dict[str, Loaded], keys: dict[str, pa.Array], valid: dict[str, Mask], report: Report
) -> None:
    """A commitment made at a meeting is dated within the meeting (checks._commitment_dates)."""
    com = tables["commitments"]
    c = _valid_rows(com, valid["commitments"], ["meeting_id", "date"])
    c = c.filter(pc.and_(pc.is_valid(c.column("meeting_id")), pc.is_valid(c.column("date"))))
    meetings = _dated_meetings(tables, valid)
    j = c.join(meetings, "meeting_id", join_type="inner")
    outside = pc.or_(
        pc.less(j.column("date"), j.column("m_start")),
        pc.greater(j.column("date"), j.column("m_end")),
    )
    bad = j.filter(outside)
    problems = [
        com.problem(
            r["row"],
            messages.outside_meeting(r["date"], r["meeting_id"], r["m_start"], r["m_end"]),
            "date",
            keys["commitments"],
        )
        for r in bad.to_pylist()
    ]
    problems.sort(key=lambda p: p.line or 0)
    report.add("commitments: date outside meeting", problems)


def relation_dates(
    tables: dict[str, Loaded], keys: dict[str, pa.Array], valid: dict[str, Mask], report: Report
) -> None:
    """A meeting ``part_of`` a trip lies within the trip's days (checks._relation_dates)."""
    rel = tables["meeting_relations"]
    columns = ["meeting_id", "related_meeting_id", "relation"]
    r = _valid_rows(rel, valid["meeting_relations"], columns)
    r = r.filter(pc.fill_null(pc.equal(r.column("relation"), "part_of"), False))
    meetings = _dated_meetings(tables, valid)
    outer = meetings.rename_columns(["related_meeting_id", "o_start", "o_end"])
    j = r.join(meetings, "meeting_id", join_type="inner")
    j = j.join(outer, "related_meeting_id", join_type="inner")
    outside = pc.or_(
        pc.less(j.column("m_start"), j.column("o_start")),
        pc.greater(j.column("m_end"), j.column("o_end")),
    )
    problems = [
        rel.problem(
            x["row"],
            messages.not_within(
                x["meeting_id"],
                x["m_start"],
                x["m_end"],
                x["related_meeting_id"],
                x["o_start"],
                x["o_end"],
            ),
            "related_meeting_id",
            keys["meeting_relations"],
        )
        for x in j.filter(outside).to_pylist()
    ]
    problems.sort(key=lambda p: p.line or 0)
    report.add("meeting_relations: part_of outside the trip", problems)


def duplicate_officials(
    tables: dict[str, Loaded], keys: dict[str, pa.Array], valid: dict[str, Mask], report: Report
) -> None:
    """One person recorded twice: same wikidata_id, or same name and party.

    Mirrors checks._duplicate_officials and uses its ``name_key`` per name: officials are a
    small table next to meetings, and the key's Unicode folding is the YAML check's own.
    """
    off = tables["officials"]
    index = np.flatnonzero(valid["officials"])
    t = off.typed.take(pa.array(index))
    names = [name_key(n) for n in t.column("name").to_pylist()]
    party = pc.fill_null(t.column("party_id"), "None").to_pylist()
    by_name = pa.array([f"{n}\x00{p}" for n, p in zip(names, party, strict=True)])
    wikidata = t.column("wikidata_id")
    problems = []
    for what, fld, values, present in (
        ("normalised name and party", "name", by_name, np.ones(len(index), dtype=bool)),
        ("wikidata_id", "wikidata_id", wikidata, _mask(pc.is_valid(wikidata))),
    ):
        sub = np.flatnonzero(present)
        dup, first = _repeats(pa.chunked_array([values]).take(pa.array(sub)))
        for j in np.flatnonzero(dup):
            i, f = index[sub[j]], index[sub[first[j]]]
            other = keys["officials"][int(f)].as_py()
            reason = messages.same_person(what, other, f"{off.path}:{f + 2}")
            problems.append(off.problem(i, reason, fld, keys["officials"]))
    problems.sort(key=lambda p: p.line or 0)
    report.add("officials: one person twice", problems)


# --- the whole release ----------------------------------------------------------------------


def validate_release(folder: Path | str, fmt: str = "parquet") -> Report:
    """Check every table of a built release; every failing row is listed, none is skipped."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    folder = Path(folder)
    if not (folder / "datapackage.json").is_file():
        raise ValueError(f"{folder} is not a release folder (no datapackage.json inside)")
    started = time.perf_counter()
    report = Report()
    tables = {name: read(folder, name, fmt, report) for name in TABLES}
    keys = {name: key_strings(t.typed, TABLES[name].primary_key) for name, t in tables.items()}
    valid = {name: check_rows(t, keys[name], report) for name, t in tables.items()}
    for name, t in tables.items():
        report.rows[name] = t.n
        duplicates(t, keys[name], report)
    foreign_keys(tables, keys, report)
    evidence_targets(tables, keys, report)
    missing_evidence(tables, keys, report)
    participant_titles(tables, keys, valid, report)
    commitment_dates(tables, keys, valid, report)
    relation_dates(tables, keys, valid, report)
    duplicate_officials(tables, keys, valid, report)
    report.seconds = time.perf_counter() - started
    return report
