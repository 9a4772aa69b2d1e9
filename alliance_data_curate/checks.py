"""Validating the records: the model of each row, the rules across rows, quotes and layout.

Rows are model-validated as ``records.read`` reads them; the rules across rows and tables are
``rules.py``'s (the same queries check a built release). Quotes against source texts and the
canonical layout of the files are checked here. Every problem is returned (never just the
first), so one run of ``alliance-data validate`` gives an editor the whole list to fix.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import lifecycle, messages
from .records import Problem, Records, non_canonical

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
    """The cross-record rules (no files or texts needed); see ``rules.py``.

    Example
    -------
    >>> from alliance_data_curate import records
    >>> check(records.read("tests/fixtures/records_min"))
    []
    """
    from .rules import check_records  # DuckDB is loaded when rules run, not with every command

    return check_records(records) + _agreement_events(records) + _statement_quotes(records)


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
