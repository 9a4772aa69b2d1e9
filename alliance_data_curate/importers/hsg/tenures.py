"""Reviewed terms of office for visiting leaders (``tenures.yaml``), applied to their positions.

The visits data gives a visitor's title on the day of the visit but no term. ``tenures.yaml``
gives, per imported (official, title), the terms that contain the visits, each with the page it
comes from and an exact quote. A position whose visits all fall in one term gets that term's
dates; visits in several terms make one position per term; a visit outside every term leaves the
position undated (``tenure_status: unknown``) and is reported, never forced into a term.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from alliance_data.dates import parse_date, period_end

from ...names import slug
from ..reviewed import ReviewedFileError, read

TENURES = Path(__file__).with_name("tenures.yaml")
PRECISIONS = ("day", "month", "year")


@dataclass(frozen=True)
class Term:
    """One term of office, as a cited page gives it."""

    start: dt.date
    start_precision: str
    end: dt.date | None
    end_precision: str | None
    source: str
    quote: str
    end_quote: str | None = None
    end_source: str | None = None  # where end_quote is from, when not ``source``
    note: str | None = None

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` can fall in the term, the dates read at their precision.

        Example
        -------
        >>> Term(dt.date(1945, 12, 10), "day", dt.date(1953, 8, 17), "day", "s", "q").contains(
        ...     dt.date(1951, 9, 24))
        True
        """
        if day < self.start:
            return False
        return self.end is None or day <= period_end(self.end, self.end_precision)


@dataclass(frozen=True)
class Tenures:
    """The sources and the terms per (official, title) of one tenures file."""

    version: int
    sources: dict[str, dict[str, Any]]
    terms: dict[tuple[str, str], tuple[Term, ...]]
    undated: dict[tuple[str, str], str] = field(default_factory=dict)  # why no term is given


def _date(value: Any, where: str) -> dt.date:
    try:
        return parse_date(value, where)
    except ValueError as exc:
        raise ReviewedFileError(str(exc)) from None


def _term(raw: dict[str, Any], sources: dict[str, Any], where: str) -> Term:
    missing = [k for k in ("start", "start_precision", "source", "quote") if not raw.get(k)]
    if missing:
        raise ReviewedFileError(f"{where}: missing {', '.join(missing)}")
    if raw["source"] not in sources:
        raise ReviewedFileError(f"{where}: source {raw['source']!r} is not listed under sources")
    if raw.get("end_source") and raw["end_source"] not in sources:
        raise ReviewedFileError(
            f"{where}: end_source {raw['end_source']!r} is not listed under sources"
        )
    if raw.get("end_source") and not raw.get("end_quote"):
        raise ReviewedFileError(f"{where}: end_source needs an end_quote")
    end = _date(raw["end"], f"{where} end") if raw.get("end") else None
    precisions = [raw["start_precision"], *([raw.get("end_precision")] if end else [])]
    if any(p not in PRECISIONS for p in precisions) or (end is None) != (
        raw.get("end_precision") is None
    ):
        raise ReviewedFileError(
            f"{where}: precision must be one of {PRECISIONS}, and set with its date"
        )
    term = Term(
        start=_date(raw["start"], f"{where} start"),
        start_precision=raw["start_precision"],
        end=end,
        end_precision=raw.get("end_precision"),
        source=raw["source"],
        quote=" ".join(str(raw["quote"]).split()),
        end_quote=raw.get("end_quote"),
        end_source=raw.get("end_source"),
        note=raw.get("note"),
    )
    if term.end is not None and term.end < term.start:
        raise ReviewedFileError(f"{where}: ends before it starts")
    return term


@cache
def load(path: Path = TENURES) -> Tenures:
    """Read and check the tenures file; a bad entry is refused with its place and reason.

    Example
    -------
    >>> load().version >= 1
    True
    """
    data = read(path)
    sources = data.get("sources") or {}
    for source_id, s in sources.items():
        if not (s.get("title") and s.get("url") and s.get("publisher")):
            raise ReviewedFileError(
                f"{path.name}: source {source_id}: needs title, publisher and url"
            )
    terms: dict[tuple[str, str], tuple[Term, ...]] = {}
    for i, entry in enumerate(data.get("positions") or [], 1):
        where = f"{path.name}: position {i} ({entry.get('official_id')}, {entry.get('title')})"
        if not (entry.get("official_id") and entry.get("title") and entry.get("terms")):
            raise ReviewedFileError(f"{where}: needs official_id, title and terms")
        key = (entry["official_id"], entry["title"])
        if key in terms:
            raise ReviewedFileError(f"{where}: listed twice")
        terms[key] = tuple(
            _term(t, sources, f"{where} term {j}") for j, t in enumerate(entry["terms"], 1)
        )
    undated: dict[tuple[str, str], str] = {}
    for i, entry in enumerate(data.get("undated") or [], 1):
        where = f"{path.name}: undated {i} ({entry.get('official_id')}, {entry.get('title')})"
        if not (entry.get("official_id") and entry.get("title") and entry.get("reason")):
            raise ReviewedFileError(f"{where}: needs official_id, title and reason")
        key = (entry["official_id"], entry["title"])
        if key in terms or key in undated:
            raise ReviewedFileError(f"{where}: listed twice")
        undated[key] = " ".join(str(entry["reason"]).split())
    return Tenures(data["version"], sources, terms, undated)


def left_undated(
    tenures: Tenures, positions: dict[str, dict[str, Any]], *, strict: bool = True
) -> list[dict[str, str]]:
    """Each visitor position still without a start, with the reviewed reason it has none.

    A position without a reason, or a reason for no such position, is an error when ``strict``
    (the pinned snapshot); otherwise the reason reads "not reviewed".

    Example
    -------
    >>> left_undated(Tenures(1, {}, {}, {("x", "King"): "no source"}), {"x-king": {
    ...     "official_id": "x", "title": "King", "start_date": None}})
    [{'position_id': 'x-king', 'reason': 'no source'}]
    """
    undated = {
        (p["official_id"], p["title"]): pid
        for pid, p in positions.items()
        if p.get("start_date") is None
    }
    unreviewed = sorted(pid for key, pid in undated.items() if key not in tenures.undated)
    stale = sorted(f"{o} / {t}" for o, t in tenures.undated if (o, t) not in undated)
    if strict and (unreviewed or stale):
        raise ReviewedFileError(
            f"{TENURES.name}: positions without a term or a reason: {unreviewed[:10]}; "
            f"reasons for no undated position: {stale[:10]}"
        )
    return [
        {"position_id": pid, "reason": tenures.undated.get(key, "not reviewed")}
        for key, pid in sorted(undated.items(), key=lambda kv: kv[1])
    ]


def source_rows(tenures: Tenures, used: set[str]) -> list[dict[str, Any]]:
    """The ``sources`` rows of the pages the applied terms cite."""
    return [
        {
            "source_id": source_id,
            "title": s["title"],
            "publisher": s["publisher"],
            "url": s["url"],
            "kind": "official_biography" if s.get("official") else "reference",
        }
        for source_id, s in sorted(tenures.sources.items())
        if source_id in used
    ]


def apply(
    tenures: Tenures,
    positions: dict[str, dict[str, Any]],
    visits: dict[tuple[str, str], list[dt.date]],
    evidence: list[dict[str, Any]],
    *,
    strict: bool = True,
) -> dict[str, Any]:
    """Date the undated visitor positions that ``tenures`` covers; return what was done.

    ``positions`` (by id) and ``evidence`` are changed in place. ``visits`` gives, per
    (official, title), the start days of the visits made under that title. An entry that
    matches no position without a start is an error when ``strict`` (the pinned snapshot: the
    file and the import have drifted apart); otherwise it is returned under ``unused``.
    """
    by_key = {
        (p["official_id"], p["title"]): pid
        for pid, p in positions.items()
        if p.get("start_date") is None
    }
    unused = sorted(f"{o} / {t}" for o, t in tenures.terms if (o, t) not in by_key)
    if unused and strict:
        raise ReviewedFileError(
            f"{TENURES.name}: {len(unused)} entr{'y' if len(unused) == 1 else 'ies'} match no "
            f"imported position without a start: {'; '.join(unused[:10])}"
        )
    dated, outside, used = 0, [], set()
    for key, terms in sorted(tenures.terms.items()):
        pid = by_key.get(key)
        if pid is None:
            continue
        days = sorted(visits.get(key, []))
        held = [next((t for t in terms if t.contains(d)), None) for d in days]
        if not days or None in held:
            outside.append(
                {
                    "position_id": pid,
                    "visits_outside": [
                        str(d) for d, t in zip(days, held, strict=True) if t is None
                    ],
                }
            )
            continue
        chosen = sorted(set(held), key=lambda t: t.start)  # type: ignore[arg-type]
        base = positions.pop(pid)
        cited = [e for e in evidence if e["table"] == "positions" and e["record_id"] == pid]
        years = [t.start.year for t in chosen]
        for term in chosen:
            new_id = pid
            if len(chosen) > 1:  # a second term in the same year is told apart by its day
                same = years.count(term.start.year) > 1
                new_id = f"{pid}-{term.start.isoformat() if same else term.start.year}"
            positions[new_id] = {
                **base,
                "position_id": new_id,
                "start_date": term.start,
                "start_date_precision": term.start_precision,
            }
            if base.get("end_date") is None:  # an end the import already has is kept
                positions[new_id].update(
                    end_date=term.end,
                    end_date_precision=term.end_precision,
                    tenure_status="ended" if term.end else "ongoing",
                )
            if new_id != pid:
                evidence += [
                    {
                        **e,
                        "evidence_id": e["evidence_id"].replace(pid, new_id, 1),
                        "record_id": new_id,
                    }
                    for e in cited
                ]
            evidence.append(_evidence(new_id, "start_date", term.source, term.quote, term.note))
            if term.end_quote and base.get("end_date") is None:  # the end, or that it goes on
                end_source = term.end_source or term.source
                field = "end_date" if term.end else "tenure_status"
                evidence.append(_evidence(new_id, field, end_source, term.end_quote, None))
                used.add(end_source)
            used.add(term.source)
            dated += 1
        if len(chosen) > 1:
            evidence[:] = [e for e in evidence if e not in cited]
    return {"dated": dated, "outside": outside, "sources": used, "unused": unused}


def _evidence(
    position_id: str, field: str, source_id: str, quote: str, note: str | None
) -> dict[str, Any]:
    return {
        "evidence_id": f"{position_id}-positions-{slug(field)}-tenure",
        "table": "positions",
        "record_id": position_id,
        "field": field,
        "source_id": source_id,
        "quote": quote,
        "note": note or f"term dates from {source_id} ({TENURES.name})",
    }
