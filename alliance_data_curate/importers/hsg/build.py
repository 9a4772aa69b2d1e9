"""Upstream rows → alliance_data records: meetings, people, duplicates and provenance.

Nothing upstream is dropped: every trip and visit id is listed in ``upstream_records`` with the
meeting it became, exact duplicates are merged into one meeting that keeps all their ids, and
near-duplicates are kept and reported for an editor to judge.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any, TypeVar

from pydantic import ValidationError

from . import identities, tenures
from .countries import Crosswalk
from .names import person, split_honorific, split_visitors
from .parse import President, Snapshot, Trip, UpstreamError, Visit
from .people import ELECT_TITLE, USA, Curated, People

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
) -> list[tuple[list[T], str | None]]:
    """Rows grouped by identical content (exact duplicates), each with a near-duplicate reason.

    ``place`` is everything but the text (traveller, dates, place); rows that share it but not
    the text are near-duplicates: kept apart, flagged.
    """
    by_place: dict[Hashable, dict[Hashable, list[T]]] = defaultdict(lambda: defaultdict(list))
    for row in sorted(rows, key=_id_order):
        by_place[place(row)][text(row)].append(row)
    same_place = "same traveller or visitor, dates and place; different text"
    return [
        (same, same_place if len(variants) > 1 else None)
        for variants in by_place.values()
        for same in variants.values()
    ]


def overlapping(groups: list[tuple[list[Trip], str | None]]) -> set[str]:
    """Ids of trip stops overlapping another stop of one traveller at the same place.

    Upstream sometimes enters one stop twice with different end dates and remarks (Blinken in
    Brussels, ids 3994 and 4021); both are kept and flagged for an editor.
    """
    by_place: dict[tuple, list[Trip]] = defaultdict(list)
    for group, _ in groups:
        t = group[0]
        by_place[(t.who, t.role, t.country, t.locale)].append(t)
    flagged: set[str] = set()
    for stops in by_place.values():
        stops.sort(key=lambda t: (t.start, t.end, _id_order(t)))
        for a, b in pairwise(stops):
            if b.start <= a.end and (a.start, a.end) != (b.start, b.end):
                flagged |= {a.id, b.id}
    return flagged


def _status(index: int, near: str | None) -> str:
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
        self.presidencies_curated = 0  # presidents.xml terms the curated records already give
        self.identities = identities.load()
        self.identity_rules_applied: Counter[str] = Counter()
        self.trip_roles: dict[str, str] = {}  # trip meeting id → traveller role
        self.journey_links: set[tuple[str, str]] = set()
        self.journeys_written = 0

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

    def _meeting(
        self, meeting: dict[str, Any], group: list, source_id: str, near: str | None, text
    ):
        first = group[0]
        meeting_id = meeting["meeting_id"]
        self.result.tables["meetings"].append(meeting)
        for i, row in enumerate(group):
            self._upstream(source_id, row.id, "meetings", meeting_id, _status(i, near))
        self.merged += len(group) - 1
        merged = f"; exact duplicate id(s) {', '.join(r.id for r in group[1:])} merged here"
        note = f"{first.file} id {first.id}" + (merged if len(group) > 1 else "")
        party_name = self._party_name(meeting.get("visiting_party_id") or meeting["country"])
        if first.country_label != party_name:  # "Poland (government-in-exile)", "Upper Volta"
            note += f"; upstream country {first.country_label!r} ({first.country})"
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
                    "reason": near,
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
            else:
                self.presidencies_curated += 1

    def trips(self) -> None:
        source_id = REPOS["travels"][0]
        seen_who = {p.id for p in self.snap.presidents}
        groups = group_duplicates(
            self.snap.trips,
            lambda t: (t.who, t.role, t.start, t.end, t.country, t.locale),
            lambda t: t.remarks,
        )
        overlaps = overlapping(groups)
        for group, near in groups:
            trip = group[0]
            self.trip_roles[f"hsg-trip-{trip.id}"] = trip.role
            if near is None and trip.id in overlaps:
                near = "same traveller and place, overlapping dates; a stop entered twice?"
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

    def _trip_meeting(self, group: list[Trip], near: str | None, official_id: str, source_id: str):
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
            title = ELECT_TITLE
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

    def journeys(self) -> None:
        """Consecutive stops of one traveller's trip, linked ``part_of`` a journey meeting.

        Stops of one traveller in one role belong to one journey when each starts no later
        than the day after the previous one ended (upstream has no trip grouping). A journey
        of two or more stops becomes a meeting ``hsg-journey-<first stop id>`` (kind trip, no
        country: it spans several) with the traveller as participant.
        """
        source_id = REPOS["travels"][0]
        meetings = {m["meeting_id"]: m for m in self.result.tables["meetings"]}
        stops: dict[tuple[str, str], list[tuple[dict[str, Any], dict[str, Any]]]] = defaultdict(
            list
        )
        for mp in self.result.tables["meeting_participants"]:
            meeting = meetings[mp["meeting_id"]]
            if meeting["kind"] == "trip":
                stops[(mp["official_id"], self.trip_roles[meeting["meeting_id"]])].append(
                    (meeting, mp)
                )
        for legs in stops.values():
            legs.sort(key=lambda leg: (leg[0]["start_date"], leg[0]["end_date"]))
            journey = [legs[0]]
            for leg in legs[1:]:
                last_end = max(m["end_date"] for m, _ in journey)
                if leg[0]["start_date"] <= last_end + dt.timedelta(days=1):
                    journey.append(leg)
                    continue
                self._journey(journey, source_id)
                journey = [leg]
            self._journey(journey, source_id)

    def _journey(self, legs: list[tuple[dict[str, Any], dict[str, Any]]], source_id: str):
        if len(legs) < 2:
            return
        first, participant = legs[0]
        journey_id = f"hsg-journey-{first['meeting_id'].removeprefix('hsg-trip-')}"
        start, end = first["start_date"], max(m["end_date"] for m, _ in legs)
        places = list(dict.fromkeys(self._party_name(m["country"]) for m, _ in legs))
        name = first["title"].split(" in ")[0]
        self.result.tables["meetings"].append(
            {
                "meeting_id": journey_id,
                "title": f"{name}'s trip to {', '.join(places)} ({start} to {end})",
                "kind": "trip",
                "format": "in_person",
                "start_date": start,
                "end_date": end,
                "date_precision": "day",
                "description": f"{len(legs)} consecutive stops, grouped by the importer",
            }
        )
        self.result.tables["meeting_participants"].append({**participant, "meeting_id": journey_id})
        ids = ", ".join(m["meeting_id"] for m, _ in legs)
        self.result.tables["evidence"].append(
            {
                "evidence_id": f"{journey_id}-meetings-hsg",
                "table": "meetings",
                "record_id": journey_id,
                "source_id": source_id,
                "quote": None,
                "note": f"stops {ids}: one traveller, each stop starting by the day after the "
                "previous one ended",
            }
        )
        self.journey_links |= {(m["meeting_id"], journey_id) for m, _ in legs}
        self.journeys_written += 1

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
            meeting = {
                "meeting_id": meeting_id,
                "title": f"Visit of {visit.visitor} ({visit.country_label}) to the United States",
                "kind": "visit",
                "format": "in_person",
                "start_date": visit.start,
                "end_date": visit.end,
                "date_precision": "day",
                "country": USA,
                "description": visit.description,
                "visiting_party_id": party_id,
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
            honorific, bare = split_honorific(written, party_id)
            name, rule = self.identities.person(party_id, title, written, visit.start)
            if rule is None:
                name, rule = self.identities.person(party_id, title, bare, visit.start)
            if rule is not None:
                self.identity_rules_applied[f"{rule.kind}: {rule.person} ({rule.party})"] += 1
            who = person(title, name, party_id)
            if who.honorific is None and honorific:
                who = replace(who, honorific=honorific)
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
            if meeting.get("country"):
                index[(mp["official_id"], meeting["country"])].append(meeting)
        links = set(self.journey_links)
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

    def run(self, commits: dict[str, str], *, strict: bool = True) -> Result:
        self.presidents()
        self.trips()
        self.journeys()
        self.visits()
        self.relations()
        dated = self.date_visitors(strict)
        tables = self.result.tables
        tables["sources"] = sources(commits, self.curated) + dated.pop("source_rows")
        new_parties = sorted(self.used_parties - self.curated.parties)
        tables["parties"] = [self.crosswalk.party_row(p) for p in new_parties]
        tables["officials"] = list(self.people.officials.values())
        tables["positions"] = list(self.people.positions.values())
        tables["evidence"] += self.people.evidence
        _dedupe_participants(tables)
        validate_rows(tables)
        self.result.reports["identity_candidates.json"] = identities.candidates(tables["officials"])
        self.result.summary = self._summary(commits, len(new_parties))
        self.result.summary["tenures"] = dated
        return self.result

    def date_visitors(self, strict: bool) -> dict[str, Any]:
        """Terms from ``tenures.yaml`` for visitors' positions; what was dated and what not."""
        reviewed = tenures.load()
        meetings = {m["meeting_id"]: m for m in self.result.tables["meetings"]}
        visits: dict[tuple[str, str], list[dt.date]] = defaultdict(list)
        for mp in self.result.tables["meeting_participants"]:
            visits[(mp["official_id"], mp["role_title"])].append(
                meetings[mp["meeting_id"]]["start_date"]
            )
        try:
            done = tenures.apply(
                reviewed, self.people.positions, visits, self.people.evidence, strict=strict
            )
            undated = tenures.left_undated(reviewed, self.people.positions, strict=strict)
        except ValueError as exc:
            raise UpstreamError(str(exc)) from None
        return {
            "tenures_version": reviewed.version,
            "positions_dated": done["dated"],
            "positions_undated": len(undated),
            "positions_left_undated": undated,
            "visits_outside_reviewed_terms": done["outside"],
            "entries_matching_no_position": done["unused"],
            "source_rows": tenures.source_rows(reviewed, done["sources"]),
        }

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
            "journeys_written": self.journeys_written,
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
            "dropped_rows": self._dropped(),
        }

    def _dropped(self) -> int:
        """Upstream rows that no imported or curated row carries (trips, visits, presidencies)."""
        carried = {
            (u["source_id"], u["upstream_id"])
            for u in self.result.tables["upstream_records"]
            if u["table"] in ("meetings", "positions")
        }
        travels, visits = REPOS["travels"][0], REPOS["visits"][0]
        rows = [(travels, t.id) for t in self.snap.trips] + [
            (visits, v.id) for v in self.snap.visits
        ]
        rows += [(travels, f"president:{p.number}") for p in self.snap.presidents]
        return sum(1 for r in rows if r not in carried) - self.presidencies_curated


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
    snap: Snapshot,
    crosswalk: Crosswalk,
    curated: Curated,
    commits: dict[str, str],
    *,
    strict: bool = True,
) -> Result:
    """Build every imported table from one snapshot.

    ``strict`` (the pinned snapshot): a reviewed term that matches no position is an error;
    for any other snapshot it is only counted in the summary.
    """
    return Builder(snap, crosswalk, curated).run(commits, strict=strict)
