"""Checks across records that field types alone cannot express.

Each check returns every problem it finds (never just the first), so one run of
``alliance-data validate`` gives an editor the whole list to fix.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import lifecycle, messages
from .models import TABLES
from .records import Problem, Records, Row, non_canonical

EVIDENCE_REQUIRED = (
    "meetings",
    "officials",
    "positions",
    "commitments",
    "agreements",
    "agreement_events",
)
MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
WHITESPACE = re.compile(r"\s+")


def default_text_dirs(root: Path | None = None) -> list[Path]:
    """Where source texts are looked for: $ALLIANCE_DATA_TEXTS, else ``../shared/seeds``.

    Example
    -------
    >>> default_text_dirs(Path("/work/main"))  # with ALLIANCE_DATA_TEXTS unset  # doctest: +SKIP
    [PosixPath('/work/shared/seeds')]
    """
    env = os.environ.get("ALLIANCE_DATA_TEXTS")
    if env:
        return [Path(p) for p in env.split(os.pathsep) if p]
    return [root.parent / "shared" / "seeds"] if root is not None else []


@dataclass
class Report:
    """Problems make validation fail; notes say what could not be checked and why."""

    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    quotes_checked: int = 0


def normalise(text: str) -> str:
    """Compare quotes by words: link markup dropped and whitespace runs folded to one space."""
    return WHITESPACE.sub(" ", MARKDOWN_LINK.sub(r"\1", text)).strip()


def validate(
    records: Records, text_dirs: Iterable[Path] | None = None, directory: Path | None = None
) -> Report:
    """Run every check; ``directory`` enables the canonical-form check of the files."""
    report = Report(problems=list(records.problems))
    report.problems += check(records)
    _check_quotes(
        records, list(text_dirs if text_dirs is not None else default_text_dirs()), report
    )
    if directory is not None:
        report.problems += check_canonical(records, directory)
    return report


def check(records: Records) -> list[Problem]:
    """The cross-record checks (no files or texts needed)."""
    keys = _primary_keys(records)
    problems = _duplicate_keys(records)
    problems += _foreign_keys(records, keys)
    problems += _evidence_targets(records, keys)
    problems += _missing_evidence(records)
    problems += _participant_titles(records)
    problems += _commitment_dates(records)
    problems += _relation_dates(records)
    problems += _duplicate_officials(records)
    problems += _agreement_events(records)
    problems += _statement_quotes(records)
    return problems


def _agreement_events(records: Records) -> list[Problem]:
    """Lifecycle events in order, about parties of the agreement (rules in ``lifecycle``)."""
    rows = {r.data.get("event_id"): r for r in records.rows["agreement_events"] if r.model}
    found = lifecycle.order_problems(
        records.dicts("agreement_events"), records.dicts("agreement_parties")
    )
    return [rows[event["event_id"]].problem(reason, fld) for event, fld, reason in found]


def _statement_quotes(records: Records) -> list[Problem]:
    """A commitment coded from a statement carries an exact quote of the statement's words
    (from the statement, or from a reprint where no official copy was found)."""
    quoted = {
        r.model.record_id
        for r in records.rows["evidence"]
        if r.model is not None and r.model.table == "commitments" and r.model.quote
    }
    return [
        row.problem(
            messages.no_statement_quote(row.model.statement_source_id), "statement_source_id"
        )
        for row in records.rows["commitments"]
        if row.model is not None
        and row.model.statement_source_id is not None
        and row.model.commitment_id not in quoted
    ]


def _primary_keys(records: Records) -> dict[str, set[str]]:
    return {t: {row.record_id for row in rows} for t, rows in records.rows.items()}


def _duplicate_keys(records: Records) -> list[Problem]:
    problems = []
    for rows in records.rows.values():
        first: dict[str, Row] = {}
        for row in rows:
            key = row.record_id
            if key in first:
                seen = first[key]
                problems.append(row.problem(messages.duplicate_key(f"{seen.file}:{seen.line}")))
            else:
                first[key] = row
    return problems


def _foreign_keys(records: Records, keys: dict[str, set[str]]) -> list[Problem]:
    problems = []
    for table, spec in TABLES.items():
        for fk in spec.foreign_keys:
            targets = keys[fk.ref_table]
            for row in records.rows[table]:
                values = [row.data.get(f) for f in fk.fields]
                if any(v is None for v in values):
                    continue
                value = "/".join(str(v) for v in values)
                if value not in targets:
                    reason = messages.not_a_key(value, f"{fk.ref_table}.{'/'.join(fk.ref_fields)}")
                    problems.append(row.problem(reason, fk.fields[0]))
    return problems


def _evidence_targets(records: Records, keys: dict[str, set[str]]) -> list[Problem]:
    problems = []
    for row in records.rows["evidence"]:
        table, record_id = row.data.get("table"), row.data.get("record_id")
        if table not in TABLES or record_id is None:
            continue
        if str(record_id) not in keys[table]:
            problems.append(row.problem(f"no {table} record {record_id!r}", "record_id"))
        fld = row.data.get("field")
        if fld is not None and fld not in TABLES[table].fields:
            problems.append(row.problem(f"{table} has no field {fld!r}", "field"))
    return problems


def _missing_evidence(records: Records) -> list[Problem]:
    evidenced = {
        (r.data.get("table"), str(r.data.get("record_id"))) for r in records.rows["evidence"]
    }
    return [
        row.problem(messages.NO_EVIDENCE)
        for table in EVIDENCE_REQUIRED
        for row in records.rows[table]
        if (table, row.record_id) not in evidenced
    ]


def period_end(start: dt.date, precision: str | None) -> dt.date:
    """Last day a date of the given precision may stand for."""
    if precision == "year":
        return dt.date(start.year, 12, 31)
    if precision == "month":
        following = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return start


def _held(position, start: dt.date | None, end: dt.date | None) -> bool:
    """Whether a position could have been held at some time in [start, end]."""
    if start is None:
        return True
    end = end or start
    begins = position.start_date
    ends = period_end(position.end_date, position.end_date_precision) if position.end_date else None
    return (begins is None or begins <= end) and (ends is None or ends >= start)


def _participant_titles(records: Records) -> list[Problem]:
    meetings = {m.meeting_id: m for m in records.valid("meetings")}
    positions = defaultdict(list)
    for p in records.valid("positions"):
        positions[p.official_id].append(p)
    problems = []
    for row in records.rows["meeting_participants"]:
        part = row.model
        meeting = meetings.get(part.meeting_id) if part else None
        if part is None or meeting is None:
            continue
        start = meeting.start_date
        end = meeting.end_date or (period_end(start, meeting.date_precision) if start else None)
        held = [p for p in positions[part.official_id] if _held(p, start, end)]
        if not any(p.title == part.role_title for p in held):
            titles = "; ".join(sorted({p.title for p in held})) or "none"
            reason = messages.title_not_held(part.role_title, part.official_id, start, end, titles)
            problems.append(row.problem(reason, "role_title"))
    return problems


def _commitment_dates(records: Records) -> list[Problem]:
    meetings = {m.meeting_id: m for m in records.valid("meetings")}
    problems = []
    for row in records.rows["commitments"]:
        c = row.model
        meeting = meetings.get(c.meeting_id) if c and c.meeting_id else None
        if meeting is None or c.date is None or meeting.start_date is None:
            continue
        last = meeting.end_date or period_end(meeting.start_date, meeting.date_precision)
        if not meeting.start_date <= c.date <= last:
            reason = messages.outside_meeting(c.date, meeting.meeting_id, meeting.start_date, last)
            problems.append(row.problem(reason, "date"))
    return problems


def _relation_dates(records: Records) -> list[Problem]:
    """A meeting ``part_of`` a trip or visit must fall within that trip's or visit's days."""
    meetings = {m.meeting_id: m for m in records.valid("meetings")}
    problems = []
    for row in records.rows["meeting_relations"]:
        rel = row.model
        if rel is None or rel.relation != "part_of":
            continue
        inner, outer = meetings.get(rel.meeting_id), meetings.get(rel.related_meeting_id)
        if inner is None or outer is None or inner.start_date is None or outer.start_date is None:
            continue
        inner_end = inner.end_date or period_end(inner.start_date, inner.date_precision)
        outer_end = outer.end_date or period_end(outer.start_date, outer.date_precision)
        if inner.start_date < outer.start_date or inner_end > outer_end:
            reason = messages.not_within(
                rel.meeting_id,
                inner.start_date,
                inner_end,
                rel.related_meeting_id,
                outer.start_date,
                outer_end,
            )
            problems.append(row.problem(reason, "related_meeting_id"))
    return problems


def name_key(name: str) -> str:
    """A name for comparison: accents and punctuation dropped, case folded, words sorted.

    Sorting makes "Suga Yoshihide" and "Yoshihide Suga" equal, so one person written in either
    order (as curated and imported records may do) is caught.
    """
    folded = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    return " ".join(sorted(re.findall(r"[a-z0-9]+", plain)))


def _duplicate_officials(records: Records) -> list[Problem]:
    """Two officials with one wikidata_id, or one name and party, are one person twice."""
    problems = []
    seen: dict[tuple[str, ...], Row] = {}
    for row in records.rows["officials"]:
        o = row.model
        if o is None:
            continue
        keys = [("name", name_key(o.name), o.party_id)]
        if o.wikidata_id:
            keys.append(("wikidata", o.wikidata_id))
        for key in keys:
            first = seen.setdefault(key, row)
            if first is not row:
                what = "wikidata_id" if key[0] == "wikidata" else "normalised name and party"
                reason = messages.same_person(what, first.record_id, f"{first.file}:{first.line}")
                problems.append(
                    row.problem(reason, "wikidata_id" if key[0] == "wikidata" else "name")
                )
    return problems


def _find_text(name: str, text_dirs: list[Path]) -> Path | None:
    for directory in text_dirs:
        candidate = directory / name
        if candidate.is_file() and candidate.resolve().is_relative_to(directory.resolve()):
            return candidate  # never a file outside the texts folder (../, links)
    return None


def _check_quotes(records: Records, text_dirs: list[Path], report: Report) -> None:
    """Every quote must appear in its source's text, where that text is at hand."""
    texts: dict[str, str | None] = {}
    for row in records.rows["sources"]:
        source = row.model
        if source is None or source.text_file is None:
            continue
        path = _find_text(source.text_file, text_dirs)
        if path is None:
            texts[source.source_id] = None
            continue
        raw = path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        if digest != source.text_sha256:
            report.problems.append(
                row.problem(
                    f"{path} has sha256 {digest}, expected {source.text_sha256}", "text_sha256"
                )
            )
            texts[source.source_id] = None
            continue
        try:
            texts[source.source_id] = normalise(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            reason = f"{path} is not UTF-8 text (byte {exc.start}: {exc.reason})"
            report.problems.append(row.problem(reason, "text_file"))
            texts[source.source_id] = None
    skipped: dict[str, int] = defaultdict(int)
    for row in records.rows["evidence"]:
        ev = row.model
        if ev is None or ev.quote is None or ev.source_id not in texts:
            continue
        text = texts[ev.source_id]
        if text is None:
            skipped[ev.source_id] += 1
            continue
        report.quotes_checked += 1
        if normalise(ev.quote) not in text:
            report.problems.append(
                row.problem(f"quote not found in the text of {ev.source_id}", "quote")
            )
    for source_id, count in sorted(skipped.items()):
        where = ", ".join(str(d) for d in text_dirs)
        report.notes.append(
            f"skipped {count} quote(s) of {source_id}: its text was not found in {where} "
            "(set ALLIANCE_DATA_TEXTS or --texts)"
        )


def check_canonical(records: Records, directory: Path) -> list[Problem]:
    """Each file must be exactly what ``alliance-data format`` would write."""
    reason = "not in canonical form (order, layout); run `alliance-data format`"
    return [
        Problem(str(path), None, path.stem, None, None, reason)
        for path, _ in non_canonical(records, directory)
    ]
