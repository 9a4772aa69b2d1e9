"""Officials and positions: U.S. travellers from the travels data, visitors from the visits data.

A person the curated records already hold keeps the curated id (and the curated positions
where they carry the same title), so curated and imported rows never describe one person twice.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ...names import name_key, slug
from . import titles
from .names import Person
from .names import person as split_person
from .parse import President, Trip

USA = "USA"
# A parenthesised qualifier with a digit ("(1908-1970)", "(born 1812)") tells namesakes apart
# in ids and keys; other parentheses are nicknames ("(Ruud)") that the comparison drops.
QUALIFIER = re.compile(r"\(([^)]*\d[^)]*)\)")
# As the curated records word them: one title per office (titles.yaml for other countries).
ROLE_TITLES = {"president": "President", "secretary": "Secretary of State"}
ELECT_TITLE = "President-elect"
ROLE_ORGS = {"president": "Executive Office of the President", "secretary": "Department of State"}
# Upstream `who` ids whose default official id (first given name + family name) would be
# ambiguous or not the name the person is known by.
WHO_IDS = {
    "bush-george-h-w": "george-h-w-bush",
    "bush-george-w": "george-w-bush",
    "dulles-john-foster": "john-foster-dulles",
    "hughes-charles-evans": "charles-evans-hughes",
    "rusk-david-dean": "dean-rusk",
    # pocom person known by a short form of the given name in the curated records
    "sullivan-jacob-j": "jake-sullivan",
}


def _fold(text: str | None) -> str:
    return slug(text or "")


def _role_of(title: str) -> str | None:
    """Which traveller role a curated title stands for ("U.S. Secretary of State" → secretary)."""
    folded = _fold(title).removeprefix("u-s-").removeprefix("united-states-")
    folded = folded.removesuffix("-of-the-united-states")
    return {"president": "president", "secretary-of-state": "secretary"}.get(folded)


@dataclass
class Curated:
    """Indexes of the curated records the import must reuse rather than duplicate."""

    parties: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    officials: dict[str, dict[str, Any]] = field(default_factory=dict)
    positions: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    meetings: list[dict[str, Any]] = field(default_factory=list)
    participants: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    by_name: dict[tuple[str, str], str] = field(default_factory=dict)
    by_family_given: dict[tuple[str, str, str], list[str]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # From the pocom import: person id (= traveller id) → official id, and the ids it wrote.
    who_ids: dict[str, str] = field(default_factory=dict)
    imported_officials: set[str] = field(default_factory=set)

    @classmethod
    def from_tables(cls, tables: dict[str, list[dict[str, Any]]]) -> Curated:
        cur = cls(
            parties={p["party_id"] for p in tables.get("parties", [])},
            sources={s["source_id"] for s in tables.get("sources", [])},
            meetings=list(tables.get("meetings", [])),
        )
        for o in tables.get("officials", []):
            cur.officials[o["official_id"]] = o
            cur.by_name[(name_key(o["name"]), o["party_id"])] = o["official_id"]
            given = (o.get("given_name") or "").split()
            first = _fold(given[0]) if given else ""
            cur.by_family_given[(_fold(o["family_name"]), first, o["party_id"])].append(
                o["official_id"]
            )
        for a in tables.get("official_aliases", []):
            official = cur.officials.get(a["official_id"])
            if official:
                cur.by_name.setdefault(
                    (name_key(a["alias"]), official["party_id"]), a["official_id"]
                )
        for p in tables.get("positions", []):
            cur.positions[p["official_id"]].append(p)
        for mp in tables.get("meeting_participants", []):
            cur.participants[mp["meeting_id"]].add(mp["official_id"])
        return cur

    def add_pocom(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        """Defer to the pocom import: its officials and dated positions count as given."""
        self.imported_officials |= {o["official_id"] for o in tables.get("officials", [])}
        for u in tables.get("upstream_records", []):
            if u["table"] == "officials":
                self.who_ids[u["upstream_id"]] = u["record_id"]
        for p in tables.get("positions", []):
            self.positions[p["official_id"]].append(p)


def _held(position: dict[str, Any], start: dt.date, end: dt.date) -> bool:
    begins, ends = position.get("start_date"), position.get("end_date")
    return (begins is None or begins <= end) and (ends is None or ends >= start)


@dataclass
class People:
    """The officials and positions built so far, and the curated ones they defer to."""

    curated: Curated
    officials: dict[str, dict[str, Any]] = field(default_factory=dict)
    positions: dict[str, dict[str, Any]] = field(default_factory=dict)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    keys: dict[tuple[str, str], str] = field(default_factory=dict)
    # travels who → pocom person id (None: pocom's person of that id is someone else)
    aliases: dict[str, str | None] = field(default_factory=dict)

    def is_curated(self, official_id: str) -> bool:
        """Held by the curated records or written by the pocom import."""
        return (
            official_id in self.curated.officials or official_id in self.curated.imported_officials
        )

    def taken(self) -> set[str]:
        return set(self.officials) | set(self.curated.officials) | self.curated.imported_officials

    # --- U.S. travellers -------------------------------------------------------------------

    def traveller_id(self, who: str) -> str:
        """pocom's id for the person, else the curated, mapped or default id."""
        person = self.aliases.get(who, who)
        if person is not None and person in self.curated.who_ids:
            return self.curated.who_ids[person]
        parts = who.split("-")
        family, given = parts[0], parts[1] if len(parts) > 1 else ""
        matches = self.curated.by_family_given.get((family, given, USA), [])
        if who in WHO_IDS and WHO_IDS[who] in self.curated.officials:
            return WHO_IDS[who]
        if len(matches) == 1 and who not in WHO_IDS:
            return matches[0]
        default = WHO_IDS.get(who) or f"{given}-{family}".strip("-")
        # A pocom person of the same name is someone else: the upstream id keeps them apart.
        return f"{default}-{who}" if default in self.curated.imported_officials else default

    def add_traveller(self, who: str, name: str, source_id: str, where: str) -> str:
        """The official for an upstream `who` id; written only if the curated records lack it."""
        official_id = self.traveller_id(who)
        if self.is_curated(official_id) or official_id in self.officials:
            return official_id
        who_ = split_person(None, name, USA)
        self.officials[official_id] = {
            "official_id": official_id,
            "name": who_.name,
            "given_name": who_.given_name,
            "family_name": who_.family_name,
            "suffix": who_.suffix,
            "name_order": "given_family",
            "party_id": USA,
            "honorific": who_.honorific,
        }
        self._cite("officials", official_id, source_id, name, f"{where}, who {who}")
        return official_id

    def add_presidency(self, official_id: str, pres: President, source_id: str) -> str | None:
        """A term from presidents.xml, unless the curated records already give the presidency."""
        if self._curated_role(official_id, "president"):
            return None
        position_id = f"{official_id}-president-{pres.took_office.year}"
        self.positions[position_id] = {
            "position_id": position_id,
            "official_id": official_id,
            "title": ROLE_TITLES["president"],
            "organization": ROLE_ORGS["president"],
            "party_id": USA,
            "start_date": pres.took_office,
            "start_date_precision": "day",
            "end_date": pres.left_office,
            "end_date_precision": "day" if pres.left_office else None,
            "tenure_status": "ended" if pres.left_office else "ongoing",
        }
        left = pres.left_office or "still in office"
        note = (
            f"travels/presidents/presidents.xml, president n={pres.number} ({pres.id}): "
            f"took office {pres.took_office}, left office {left}"
        )
        self._cite("positions", position_id, source_id, None, note)
        return position_id

    def add_secretaryship(self, official_id: str, trip: Trip, source_id: str) -> str | None:
        """Secretary of State with unknown term: the upstream data gives no term dates."""
        if self._curated_role(official_id, "secretary"):
            return None
        position_id = f"{official_id}-secretary-of-state"
        if position_id not in self.positions:
            self.positions[position_id] = {
                "position_id": position_id,
                "official_id": official_id,
                "title": ROLE_TITLES["secretary"],
                "organization": ROLE_ORGS["secretary"],
                "party_id": USA,
                "tenure_status": "unknown",
            }
            note = (
                f"{trip.file}: trips with role secretary (who {trip.who}); the travels data "
                "gives no term dates, so the term is left unknown"
            )
            self._cite("positions", position_id, source_id, None, note)
        return position_id

    def add_president_elect(self, official_id: str, trip: Trip, term: President, source_id: str):
        """Upstream files trips made between election and inauguration under the President."""
        position_id = f"{official_id}-president-elect-{term.took_office.year}"
        if position_id not in self.positions:
            self.positions[position_id] = {
                "position_id": position_id,
                "official_id": official_id,
                "title": ELECT_TITLE,
                "organization": ROLE_ORGS["president"],
                "party_id": USA,
                "end_date": term.took_office - dt.timedelta(days=1),
                "end_date_precision": "day",
                "tenure_status": "ended",
            }
            note = (
                f"{trip.file} id {trip.id}: a trip filed under the President, made before "
                f"taking office on {term.took_office} (presidents.xml n={term.number})"
            )
            self._cite("positions", position_id, source_id, None, note)
        return position_id

    def _curated_role(self, official_id: str, role: str) -> list[dict[str, Any]]:
        return [
            p for p in self.curated.positions.get(official_id, []) if _role_of(p["title"]) == role
        ]

    def role_title(self, official_id: str, role: str, start: dt.date, end: dt.date) -> str:
        """The title to give a traveller: the curated one held on the dates, if curated."""
        curated = self._curated_role(official_id, role)
        held = [p for p in curated if _held(p, start, end)] or curated
        return held[0]["title"] if held else ROLE_TITLES[role]

    # --- foreign visitors ------------------------------------------------------------------

    def add_visitor(
        self, person: Person, party_id: str, quote: str, source_id: str, where: str
    ) -> str:
        """One official per (name, party): the curated one if it exists, else an imported one."""
        qualified = "".join(f"-{slug(q)}" for q in QUALIFIER.findall(person.name))
        key = (name_key(person.name) + qualified, party_id)
        if key in self.curated.by_name:
            return self.curated.by_name[key]
        if key in self.keys:
            return self.keys[key]
        official_id = f"{slug(person.name)}{qualified}" or "unnamed"
        taken = self.taken()
        if official_id in taken:
            official_id = f"{official_id}-{slug(party_id)}"
        n = 2
        while official_id in taken:
            official_id, n = f"{slug(person.name)}{qualified}-{slug(party_id)}-{n}", n + 1
        self.keys[key] = official_id
        self.officials[official_id] = {
            "official_id": official_id,
            "name": person.name,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "suffix": person.suffix,
            "name_order": person.name_order,
            "party_id": party_id,
            "honorific": person.honorific,
        }
        self._cite("officials", official_id, source_id, quote, where)
        return official_id

    def add_visitor_position(
        self,
        official_id: str,
        title: str,
        party: dict[str, Any],
        quote: str,
        source_id: str,
        where: str,
    ) -> str:
        """The visitor's title as a position with unknown term; a curated one if it matches.

        The title is normalised by ``titles.yaml``; the upstream wording is kept as
        ``source_title`` when it differs.
        """
        normal = titles.normalise(party["party_id"], title)
        for p in self.curated.positions.get(official_id, []):
            if _fold(p["title"]) == _fold(normal):
                return p["title"]
        position_id = f"{official_id}-{slug(normal)}"
        position = self.positions.get(position_id)
        if position is None:
            self.positions[position_id] = {
                "position_id": position_id,
                "official_id": official_id,
                "title": normal,
                "organization": f"Government of {party['name']}",
                "party_id": party["party_id"],
                "tenure_status": "unknown",
                "source_title": title if title != normal else None,
            }
            note = (
                f"{where}: title as the visits data gives it ({title!r}) on the visit's dates; "
                "the source gives no term dates"
            )
            self._cite("positions", position_id, source_id, quote, note)
        elif title != normal and title not in (position["source_title"] or "").split(" | "):
            words = [w for w in (position["source_title"] or "").split(" | ") if w]
            position["source_title"] = " | ".join(sorted({*words, title}))
        return normal

    def _cite(
        self, table: str, record_id: str, source_id: str, quote: str | None, note: str
    ) -> None:
        self.evidence.append(
            {
                "evidence_id": f"{record_id}-{table}-hsg",
                "table": table,
                "record_id": record_id,
                "source_id": source_id,
                "quote": quote,
                "note": note,
            }
        )
