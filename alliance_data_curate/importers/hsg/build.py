"""Upstream rows → alliance_data records: meetings, people, duplicates and provenance.

Nothing upstream is dropped: every trip and visit id is listed in ``upstream_records`` with the
meeting it became, exact duplicates are merged into one meeting that keeps all their ids, and
near-duplicates are kept and reported for an editor to judge.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import ValidationError

from . import identities
from .countries import Crosswalk
from .names import person, split_visitors
from .parse import President, Snapshot, Trip, UpstreamError, Visit
from .people import USA, Curated, People

T = TypeVar("T", Trip, Visit)

PUBLISHER = "Office of the Historian, U.S. Department of State"
REPOS = {
    "travels": ("hsg-travels", "Travels of the Presidents and Secretaries of State"),
    "visits": ("hsg-visits", "Visits by Foreign Leaders"),
}


@dataclass
class Result:
    """All imported tables plus the summary and near-duplicate report."""

    tables: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    summary: dict[str, Any] = field(default_factory=dict)
    near_duplicates: list[dict[str, Any]] = field(default_factory=list)
    reports: dict[str, Any] = field(default_factory=dict)  # more review files, by file name


def sources(commits: dict[str, str], curated: Curated) -> list[dict[str, Any]]:
    """One dataset source per upstream repository, at the pinned commit."""
    rows = []
    for repo, (source_id, title) in REPOS.items():
        if source_id in curated.sources:
            continue
        rows.append(
            {
                "source_id": source_id,
                "title": f"{title} (HistoryAtState/{repo})",
                "author": PUBLISHER,
                "publisher": PUBLISHER,
                "url": f"https://github.com/HistoryAtState/{repo}/tree/{commits[repo]}",
                "kind": "dataset",
                "license": "CC0-1.0",
            }
        )
    return rows


def _id_order(row: Trip | Visit) -> tuple[int, str]:
    return (int(row.id) if row.id.isdigit() else 0, row.id)


def group_duplicates(
    rows: Sequence[T], place: Callable[[T], Hashable], text: Callable[[T], Hashable]
) -> list[tuple[list[T], bool]]:
    """Rows grouped by identical content (exact duplicates), each with a near-duplicate flag.

    ``place`` is everything but the text (traveller, dates, place); rows that share it but not
    the text are near-duplicates: kept apart, flagged.
    """
    by_place: dict[Hashable, dict[Hashable, list[T]]] = defaultdict(lambda: defaultdict(list))
    for row in sorted(rows, key=_id_order):
        by_place[place(row)][text(row)].append(row)
    return [
        (same, len(variants) > 1) for variants in by_place.values() for same in variants.values()
    ]


def _status(index: int, near: bool) -> str:
    if index > 0:
        return "exact_duplicate"
    return "near_duplicate" if near else "unique"


class Builder:
    """Turns one snapshot into records, given the crosswalk and the curated records."""

    def __init__(self, snap: Snapshot, crosswalk: Crosswalk, curated: Curated):
        self.snap, self.crosswalk, self.curated = snap, crosswalk, curated
        self.people = People(curated, aliases=identities.load().traveller_ids)
        self.result = Result()
        self.used_parties: set[str] = {USA}
        self.merged = 0
        self.untitled = 0
        self.president_elect = 0
        self.identities = identities.load()
        self.identity_rules_applied: Counter[str] = Counter()

    # --- helpers ---------------------------------------------------------------------------

    def _party(self, slug: str, row: Trip | Visit) -> str:
        party_id = self.crosswalk.party(slug, row.start, f"{row.file} id {row.id}")
        self.used_parties.add(party_id)
        return party_id

    def _party_name(self, party_id: str) -> str:
        return self.crosswalk.parties[party_id]["name"]

    def _upstream(self, source_id: str, upstream_id: str, table: str, record_id: str, status: str):
        self.result.tables["upstream_records"].append(
            {
                "source_id": source_id,
                "upstream_id": upstream_id,
                "table": table,
                "record_id": record_id,
                "status": status,
            }
        )

    def _meeting(self, meeting: dict[str, Any], group: list, source_id: str, near: bool, text):
        first = group[0]
        meeting_id = meeting["meeting_id"]
        self.result.tables["meetings"].append(meeting)
        for i, row in enumerate(group):
            self._upstream(source_id, row.id, "meetings", meeting_id, _status(i, near))
        self.merged += len(group) - 1
        merged = f"; exact duplicate id(s) {', '.join(r.id for r in group[1:])} merged here"
        note = f"{first.file} id {first.id}" + (merged if len(group) > 1 else "")
        self.result.tables["evidence"].append(
            {
                "evidence_id": f"{meeting_id}-meetings-hsg",
                "table": "meetings",
                "record_id": meeting_id,
                "source_id": source_id,
                "quote": text,
                "note": note,
            }
        )
        if near:
            self.result.near_duplicates.append(
                {
                    "meeting_id": meeting_id,
                    "upstream_ids": [r.id for r in group],
                    "file": first.file,
                }
            )

    # --- trips -----------------------------------------------------------------------------

    def presidents(self) -> None:
        source_id = REPOS["travels"][0]
        seen: set[str] = set()
        for pres in self.snap.presidents:
            official_id = self.people.add_traveller(
                pres.id, pres.name, source_id, "travels/presidents/presidents.xml"
            )
            if pres.id not in seen:
                seen.add(pres.id)
                self._upstream(source_id, pres.id, "officials", official_id, "unique")
            position_id = self.people.add_presidency(official_id, pres, source_id)
            if position_id:
                self._upstream(
                    source_id, f"president:{pres.number}", "positions", position_id, "unique"
                )

    def trips(self) -> None:
        source_id = REPOS["travels"][0]
        seen_who = {p.id for p in self.snap.presidents}
        groups = group_duplicates(
            self.snap.trips,
            lambda t: (t.who, t.role, t.start, t.end, t.country, t.locale),
            lambda t: t.remarks,
        )
        for group, near in groups:
            trip = group[0]
            official_id = self.people.add_traveller(trip.who, trip.name, source_id, trip.file)
            if trip.who not in seen_who:
                seen_who.add(trip.who)
                self._upstream(source_id, trip.who, "officials", official_id, "unique")
            if trip.role == "secretary":
                position_id = self.people.add_secretaryship(official_id, trip, source_id)
                key = f"secretary:{trip.who}"
                if position_id and key not in seen_who:
                    seen_who.add(key)
                    self._upstream(source_id, key, "positions", position_id, "unique")
            self._trip_meeting(group, near, official_id, source_id)

    def _trip_meeting(self, group: list[Trip], near: bool, official_id: str, source_id: str):
        trip = group[0]
        party_id = self._party(trip.country, trip)
        place = ", ".join(p for p in (trip.locale, self._party_name(party_id)) if p)
        meeting_id = f"hsg-trip-{trip.id}"
        meeting = {
            "meeting_id": meeting_id,
            "title": f"{trip.name} in {place}",
            "kind": "trip",
            "format": "in_person",
            "start_date": trip.start,
            "end_date": trip.end,
            "date_precision": "day",
            "city": trip.locale,
            "country": party_id,
            "description": trip.remarks,
        }
        self._meeting(meeting, group, source_id, near, trip.remarks)
        title = self.people.role_title(official_id, trip.role, trip.start, trip.end)
        term = self._elect_term(trip)
        if term is not None:
            self.people.add_president_elect(official_id, trip, term, source_id)
            title = "President-elect of the United States"
            self.president_elect += 1
        self.result.tables["meeting_participants"].append(
            {
                "meeting_id": meeting_id,
                "official_id": official_id,
                "party_id": USA,
                "role_title": title,
            }
        )

    def _elect_term(self, trip: Trip) -> President | None:
        """The term a President's trip came just before, if it falls before any of his terms."""
        if trip.role != "president":
            return None
        terms = sorted(
            (p for p in self.snap.presidents if p.id == trip.who), key=lambda p: p.took_office
        )
        held = any(
            p.took_office <= trip.end and (p.left_office is None or trip.start <= p.left_office)
            for p in terms
        )
        following = [p for p in terms if p.took_office > trip.end]
        return following[0] if following and not held else None

    # --- visits ----------------------------------------------------------------------------

    def visits(self) -> None:
        source_id = REPOS["visits"][0]
        groups = group_duplicates(
            self.snap.visits,
            lambda v: (" ".join(v.visitor.split()).casefold(), v.start, v.end, v.country),
            lambda v: v.description,
        )
        for group, near in groups:
            visit = group[0]
            party_id = self._party(visit.country, visit)
            meeting_id = f"hsg-visit-{visit.id}"
            country = self._party_name(party_id)
            meeting = {
                "meeting_id": meeting_id,
                "title": f"Visit of {visit.visitor} ({country}) to the United States",
                "kind": "visit",
                "format": "in_person",
                "start_date": visit.start,
                "end_date": visit.end,
                "date_precision": "day",
                "country": USA,
                "description": visit.description,
            }
            self._meeting(meeting, group, source_id, near, visit.description)
            self._visitors(visit, meeting_id, party_id, source_id)

    def _visitors(self, visit: Visit, meeting_id: str, party_id: str, source_id: str) -> None:
        where = f"{visit.file} id {visit.id}"
        try:
            pieces = split_visitors(visit.visitor)
        except ValueError as exc:
            raise UpstreamError(f"{where}: {exc}") from None
        party = self.crosswalk.party_row(party_id)
        for title, written in pieces:
            name, rule = self.identities.person(party_id, title, written, visit.start)
            if rule is not None:
                self.identity_rules_applied[f"{rule.kind}: {rule.person} ({rule.party})"] += 1
            who = person(title, name, party_id)
            official_id = self.people.add_visitor(who, party_id, visit.visitor, source_id, where)
            if title is None:
                self.untitled += 1
                continue
            role = self.people.add_visitor_position(
                official_id, title, party, visit.visitor, source_id, where
            )
            self.result.tables["meeting_participants"].append(
                {
                    "meeting_id": meeting_id,
                    "official_id": official_id,
                    "party_id": party_id,
                    "role_title": role,
                }
            )

    # --- links to curated meetings ---------------------------------------------------------

    def relations(self) -> None:
        """Curated meeting → imported trip/visit it took place during (same person, place, days)."""
        index: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        meetings = {m["meeting_id"]: m for m in self.result.tables["meetings"]}
        for mp in self.result.tables["meeting_participants"]:
            meeting = meetings[mp["meeting_id"]]
            index[(mp["official_id"], meeting["country"])].append(meeting)
        links = set()
        for cm in self.curated.meetings:
            start = cm.get("start_date")
            if start is None or cm.get("country") is None:
                continue
            end = cm.get("end_date") or start
            for official_id in sorted(self.curated.participants.get(cm["meeting_id"], ())):
                for im in index.get((official_id, cm["country"]), []):
                    if im["start_date"] <= start and end <= im["end_date"]:
                        links.add((cm["meeting_id"], im["meeting_id"]))
        self.result.tables["meeting_relations"] = [
            {"meeting_id": a, "related_meeting_id": b, "relation": "part_of"}
            for a, b in sorted(links)
        ]

    # --- the whole run ---------------------------------------------------------------------

    def run(self, commits: dict[str, str]) -> Result:
        self.presidents()
        self.trips()
        self.visits()
        self.relations()
        tables = self.result.tables
        tables["sources"] = sources(commits, self.curated)
        new_parties = sorted(self.used_parties - self.curated.parties)
        tables["parties"] = [self.crosswalk.party_row(p) for p in new_parties]
        tables["officials"] = list(self.people.officials.values())
        tables["positions"] = list(self.people.positions.values())
        tables["evidence"] += self.people.evidence
        _dedupe_participants(tables)
        validate_rows(tables)
        self.result.reports["identity_candidates.json"] = identities.candidates(tables["officials"])
        self.result.summary = self._summary(commits, len(new_parties))
        return self.result

    def _summary(self, commits: dict[str, str], parties_added: int) -> dict[str, Any]:
        snap, tables = self.snap, self.result.tables
        return {
            "upstream": {
                repo: f"https://github.com/HistoryAtState/{repo}/tree/{commit}"
                for repo, commit in commits.items()
            },
            "rows_read": {
                "trips": len(snap.trips),
                "visits": len(snap.visits),
                "presidencies": len(snap.presidents),
                "total": len(snap.trips) + len(snap.visits) + len(snap.presidents),
            },
            "meetings_written": len(tables["meetings"]),
            "merged_exact_duplicates": self.merged,
            "near_duplicates_flagged": sum(
                len(n["upstream_ids"]) for n in self.result.near_duplicates
            ),
            "unmapped": self.untitled,
            "unmapped_means": "visitor names without a title: official kept, no participant row",
            "president_elect_trips": self.president_elect,
            "officials_written": len(tables["officials"]),
            "positions_written": len(tables["positions"]),
            "parties_added": parties_added,
            "meeting_relations": len(tables["meeting_relations"]),
            "upstream_records": len(tables["upstream_records"]),
            "identities_version": self.identities.version,
            "identity_rules_applied": dict(sorted(self.identity_rules_applied.items())),
            "identity_candidates": len(self.result.reports["identity_candidates.json"]),
        }


def _dedupe_participants(tables: dict[str, list[dict[str, Any]]]) -> None:
    """One participant row per (meeting, official), keeping the first title seen."""
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for row in tables["meeting_participants"]:
        seen.setdefault((row["meeting_id"], row["official_id"]), row)
    tables["meeting_participants"] = list(seen.values())


def validate_rows(tables: dict[str, list[dict[str, Any]]]) -> None:
    """Every imported row must pass the same models as curated ones before anything is written."""
    from ...models import TABLES

    errors = []
    for name, rows in tables.items():
        model = TABLES[name].model
        for row in rows:
            try:
                model.model_validate(row)
            except ValidationError as exc:
                errors.append(f"{name}[{TABLES[name].key(row)}]: {exc.errors()[0]['msg']}")
    if errors:
        shown = "\n  ".join(errors[:20])
        raise UpstreamError(f"{len(errors)} imported row(s) fail the models:\n  {shown}")


def build(
    snap: Snapshot, crosswalk: Crosswalk, curated: Curated, commits: dict[str, str]
) -> Result:
    """Build every imported table from one snapshot."""
    return Builder(snap, crosswalk, curated).run(commits)
