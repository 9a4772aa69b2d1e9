"""POCOM rows → officials, positions, evidence and upstream_records.

Every person file becomes an official (the curated one when the curated records hold the
person) and every <principal>/<chief> a position, unless a curated position of the same title
already covers it: then the upstream id points at the curated position and nothing is
duplicated. Official ids follow the travels importer (first given name + family name, as
``dean-acheson``); when two pocom people would share one, both get their full forenames
(``john-quincy-adams``), then their birth year.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ...names import slug
from ..hsg.build import validate_rows
from ..hsg.countries import Crosswalk
from ..hsg.parse import UpstreamError
from ..hsg.people import USA, WHO_IDS, Curated
from .parse import PartialDate, PocomPerson, PocomSnapshot, Tenure

SOURCE_ID = "hsg-pocom"
REPO = "pocom"
PUBLISHER = "Office of the Historian, U.S. Department of State"
TERRITORIES = Path(__file__).with_name("territories.yaml")
ORGANIZATION = "U.S. Department of State"
# A tenure with no end date is "ongoing" only if it is the latest of its list and began after
# this year; an older open tenure is an upstream gap, so its end is "unknown".
ONGOING_SINCE = 2000


@cache
def territory_names(path: Path = TERRITORIES) -> dict[str, str]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@dataclass
class Result:
    """The imported tables and the summary."""

    tables: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    summary: dict[str, Any] = field(default_factory=dict)


def _name(p: PocomPerson) -> str:
    name = " ".join(x for x in (p.forename, p.surname) if x)
    return f"{name} {p.gen_name}" if p.gen_name else name


def official_ids(snap: PocomSnapshot, curated: Curated) -> dict[str, str]:
    """pocom person id → official id (curated, mapped, short, full-name or birth-year form)."""

    def short(p: PocomPerson) -> str:
        given = slug(p.forename or "").split("-")[0]
        return "-".join(x for x in (given, slug(p.surname), slug(p.gen_name or "")) if x)

    def full(p: PocomPerson) -> str:
        return slug(_name(p))

    ids: dict[str, str] = {}
    rest = []
    family_given = Counter(
        (slug(p.surname), slug(p.forename or "").split("-")[0]) for p in snap.people.values()
    )
    for pid, p in snap.people.items():
        key = (slug(p.surname), slug(p.forename or "").split("-")[0])
        matches = curated.by_family_given.get((*key, USA), [])
        if WHO_IDS.get(pid) in curated.officials:
            ids[pid] = WHO_IDS[pid]
        elif len(matches) == 1 and family_given[key] == 1 and not p.gen_name:
            ids[pid] = matches[0]
        elif pid in WHO_IDS:
            ids[pid] = WHO_IDS[pid]
        else:
            rest.append(p)
    taken = set(ids.values()) | set(curated.officials)
    for form in (
        short,
        full,
        lambda p: f"{full(p)}-{slug(p.birth or '')}".strip("-"),
        lambda p: p.id,
    ):
        counts = Counter(form(p) for p in rest)
        left = []
        for p in rest:
            candidate = form(p)
            if counts[candidate] == 1 and candidate not in taken:
                ids[p.id] = candidate
            else:
                left.append(p)
        taken |= {ids[p.id] for p in rest if p.id in ids}
        rest = left
    if rest:
        raise UpstreamError(f"pocom people without a unique official id: {[p.id for p in rest]}")
    return ids


def _date_fields(prefix: str, date: PartialDate | None) -> dict[str, Any]:
    return {
        f"{prefix}_date": date.value if date else None,
        f"{prefix}_date_precision": date.precision if date else None,
    }


def _overlaps(p: dict[str, Any], start: dt.date | None, end: dt.date | None) -> bool:
    a, b = p.get("start_date"), p.get("end_date")
    if start is None or a is None:
        return a == start
    return (b is None or start <= b) and (end is None or a <= end)


class Builder:
    """Turns one pocom snapshot into records, given the crosswalk and the curated records."""

    def __init__(self, snap: PocomSnapshot, crosswalk: Crosswalk, curated: Curated):
        self.snap, self.crosswalk, self.curated = snap, crosswalk, curated
        self.result = Result()
        self.ids = official_ids(snap, curated)
        self.old_ids = {o: p.id for p in snap.people.values() for o in p.old_ids}
        self.reused_positions = 0
        self.resolved_old_ids: list[str] = []
        self.inconsistent: list[str] = []
        self.namesakes: list[str] = []

    def _upstream(self, upstream_id: str, table: str, record_id: str) -> None:
        self.result.tables["upstream_records"].append(
            {
                "source_id": SOURCE_ID,
                "upstream_id": upstream_id,
                "table": table,
                "record_id": record_id,
                "status": "unique",
            }
        )

    def _cite(self, table: str, record_id: str, quote: str | None, note: str) -> None:
        self.result.tables["evidence"].append(
            {
                "evidence_id": f"{record_id}-{table}-pocom",
                "table": table,
                "record_id": record_id,
                "source_id": SOURCE_ID,
                "quote": quote,
                "note": note,
            }
        )

    def _display_names(self) -> dict[str, str]:
        """Namesakes (one name, different pocom people) told apart by the younger's birth year."""
        by_name: dict[str, list[PocomPerson]] = defaultdict(list)
        for p in self.snap.people.values():
            by_name[" ".join(sorted(slug(_name(p)).split("-")))].append(p)
        names = {pid: _name(p) for pid, p in self.snap.people.items()}
        for group in by_name.values():
            for p in sorted(group, key=lambda p: (p.birth or "", p.id))[1:]:
                names[p.id] = f"{_name(p)} (born {p.birth})" if p.birth else f"{_name(p)} ({p.id})"
                self.namesakes.append(f"{p.id}: {names[p.id]}")
        return names

    def officials(self) -> None:
        names = self._display_names()
        for pid, p in sorted(self.snap.people.items()):
            official_id = self.ids[pid]
            self._upstream(pid, "officials", official_id)
            if official_id in self.curated.officials:
                continue
            self.result.tables["officials"].append(
                {
                    "official_id": official_id,
                    "name": names[pid],
                    "given_name": p.forename,
                    "family_name": p.surname,
                    "suffix": p.gen_name,
                    "name_order": "given_family",
                    "party_id": USA,
                }
            )
            old = f"; old ids {', '.join(p.old_ids)}" if p.old_ids else ""
            self._cite("officials", official_id, _name(p), f"{p.file}, id {pid}{old}")

    def _place(self, t: Tenure) -> str:
        slug_ = t.territory or t.post
        if slug_ in self.crosswalk.slugs:
            on = (
                t.started.date or t.appointed.date or PartialDate(dt.date(1900, 1, 1), "year")
            ).value
            party = self.crosswalk.party(slug_, on, f"{t.file} id {t.entry_id}")
            return self.crosswalk.parties[party]["name"]
        names = territory_names()
        if slug_ not in names:
            raise UpstreamError(
                f"{t.file} id {t.entry_id}: territory {slug_!r} is in neither "
                f"hsg/countries.yaml nor {TERRITORIES.name}"
            )
        return names[slug_]

    def _title(self, t: Tenure) -> tuple[str, str]:
        """The position title and the upstream role wording it comes from."""
        role = self.snap.role_names.get(t.role_id) or self.snap.role_names.get(t.post)
        if role is None:
            raise UpstreamError(f"{t.file} id {t.entry_id}: role {t.role_id!r} has no name")
        if t.kind == "country":
            return f"{role} to {self._place(t)}", role
        return role, role

    def _tenure_status(self, t: Tenure, end: PartialDate | None) -> tuple[str, str]:
        if end:
            return "ended", "ended date given"
        if t.ended.date:
            return "unknown", "the ended date upstream is before the started date, so left out"
        began = t.started.date or t.appointed.date
        if t.last_in_list and not t.other_appointee and began and began.value.year > ONGOING_SINCE:
            return "ongoing", "no end date and the latest of its list in the pinned snapshot"
        return "unknown", "no end date upstream"

    def positions(self) -> None:
        used: set[str] = set()
        for t in self.snap.tenures:
            person = t.person_id
            if person not in self.snap.people:
                if person not in self.old_ids:
                    raise UpstreamError(f"{t.file} id {t.entry_id}: unknown person {person!r}")
                self.resolved_old_ids.append(f"{t.upstream_id}: {person} -> {self.old_ids[person]}")
                person = self.old_ids[person]
            official_id = self.ids[person]
            title, role = self._title(t)
            start, end = t.started.date, t.ended.date
            if start and end and end.value < start.value:
                self.inconsistent.append(
                    f"{t.upstream_id}: ended {end.value} before started {start.value}"
                )
                end = None
            reuse = [
                p
                for p in self.curated.positions.get(official_id, [])
                if slug(p["title"]) == slug(title)
                and _overlaps(p, start.value if start else None, end.value if end else None)
            ]
            if reuse:
                self.reused_positions += 1
                self._upstream(t.upstream_id, "positions", reuse[0]["position_id"])
                continue
            year = start or t.appointed.date
            base = (
                f"{official_id}-{slug(t.role_id)}"
                + (f"-{slug(t.territory or t.post)}" if t.kind == "country" else "")
                + (f"-{year.value.year}" if year else "")
            )
            position_id, n = base, 2
            while position_id in used:
                position_id, n = f"{base}-{n}", n + 1
            used.add(position_id)
            status, why = self._tenure_status(t, end)
            row = {
                "position_id": position_id,
                "official_id": official_id,
                "title": title,
                "organization": ORGANIZATION,
                "party_id": USA,
                **_date_fields("start", start),
                **_date_fields("end", end),
                "tenure_status": status,
                **_date_fields("appointed", t.appointed.date),
                "end_note": t.ended.note,
                "source_title": role if role != title else None,
            }
            self.result.tables["positions"].append(row)
            self._upstream(t.upstream_id, "positions", position_id)
            self._cite("positions", position_id, t.note, self._note(t, status, why))

    def _note(self, t: Tenure, status: str, why: str) -> str:
        parts = [f"{t.file} id {t.entry_id} (person {t.person_id}, role {t.role_id})"]
        for label, event in (
            ("appointed", t.appointed),
            ("arrived", t.arrived),
            ("started", t.started),
            ("ended", t.ended),
        ):
            if event is None:
                continue
            when = (
                event.date.value.isoformat()[
                    : {"day": 10, "month": 7, "year": 4}[event.date.precision]
                ]
                if event.date
                else "-"
            )
            parts.append(f"{label} {when}" + (f" ({event.note})" if event.note else ""))
        if t.other_appointee:
            parts.append("listed among other appointees")
        parts.append(f"tenure {status}: {why}")
        return "; ".join(parts)

    def run(self, commit: str) -> Result:
        self.officials()
        self.positions()
        tables = self.result.tables
        if SOURCE_ID not in self.curated.sources:
            tables["sources"] = [
                {
                    "source_id": SOURCE_ID,
                    "title": "Principal Officers and Chiefs of Mission (HistoryAtState/pocom)",
                    "author": PUBLISHER,
                    "publisher": PUBLISHER,
                    "url": f"https://github.com/HistoryAtState/{REPO}/tree/{commit}",
                    "kind": "dataset",
                    "license": "CC0-1.0",
                }
            ]
        validate_rows(tables)
        self.result.summary = self._summary(commit)
        return self.result

    def _summary(self, commit: str) -> dict[str, Any]:
        tables, snap = self.result.tables, self.snap
        positions = tables["positions"]
        kinds = Counter(t.kind for t in snap.tenures)
        written = len(tables["officials"]) + len(positions)
        reused_officials = sum(1 for i in self.ids.values() if i in self.curated.officials)
        read = len(snap.people) + len(snap.tenures)
        return {
            "upstream": {REPO: f"https://github.com/HistoryAtState/{REPO}/tree/{commit}"},
            "rows_read": {
                "people": len(snap.people),
                "principals": kinds["principal"],
                "chiefs_of_mission_countries": kinds["country"],
                "chiefs_of_mission_organizations": kinds["organization"],
                "total": read,
            },
            "rows_written": {
                "officials": len(tables["officials"]),
                "positions": len(positions),
                "total": written,
            },
            "merges": {
                "officials_reused_from_curated_records": reused_officials,
                "positions_reused_from_curated_records": self.reused_positions,
            },
            "splits": {
                "people_given_full_name_ids": sum(
                    1
                    for pid, i in self.ids.items()
                    if i.count("-") > 1
                    and i not in self.curated.officials
                    and i not in WHO_IDS.values()
                ),
            },
            "namesakes_named_with_birth_year": self.namesakes,
            "unresolved_candidates": 0,
            "person_ids_resolved_through_old_ids": self.resolved_old_ids,
            "ended_before_started_end_left_out": self.inconsistent,
            "dropped_rows": read - written - reused_officials - self.reused_positions,
            "positions_with_start_date": sum(1 for p in positions if p["start_date"]),
            "positions_with_start_date_share": round(
                sum(1 for p in positions if p["start_date"]) / max(len(positions), 1), 4
            ),
            "tenure_status": dict(Counter(p["tenure_status"] for p in positions)),
            "other_appointees": sum(1 for t in snap.tenures if t.other_appointee),
            "upstream_records": len(tables["upstream_records"]),
        }


def build(snap: PocomSnapshot, crosswalk: Crosswalk, curated: Curated, commit: str) -> Result:
    """Build the pocom tables from one snapshot."""
    return Builder(snap, crosswalk, curated).run(commit)
