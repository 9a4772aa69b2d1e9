"""POCOM XML (people, principal officers, chiefs of mission) to plain rows with partial dates.

Upstream dates are ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``, or empty; each becomes the first day
of its period plus a precision, so nothing is rounded silently.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

from ..hsg.parse import UpstreamError, _root, clean

DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class PartialDate:
    """A date known to the day, month or year: ``value`` is the first day of that period."""

    value: dt.date
    precision: str


@dataclass(frozen=True)
class Event:
    """An appointed/arrived/started/ended element: its date (if any) and its note."""

    date: PartialDate | None
    note: str | None


@dataclass(frozen=True)
class PocomPerson:
    """One file of people/: the stable id, old ids and the name parts."""

    id: str
    old_ids: tuple[str, ...]
    surname: str
    forename: str | None
    gen_name: str | None
    altnames: tuple[str, ...]
    birth: str | None
    death: str | None
    file: str


@dataclass(frozen=True)
class Tenure:
    """One <principal> or <chief> element: who held which role where, and when."""

    upstream_id: str
    entry_id: str
    file: str
    kind: str  # principal, country or organization
    post: str  # positions-principals id, territory id or org-mission id
    person_id: str
    role_id: str
    territory: str | None
    appointed: Event
    arrived: Event | None
    started: Event
    ended: Event
    note: str | None
    other_appointee: bool
    last_in_list: bool


@dataclass(frozen=True)
class PocomSnapshot:
    """Everything read from one local copy of the pocom repository."""

    people: dict[str, PocomPerson]
    tenures: list[Tenure]
    role_names: dict[str, str]  # role-title ids and org-mission ids → singular name
    files: list[str]


def partial_date(text: str | None, where: str) -> PartialDate | None:
    """``YYYY-MM-DD`` / ``YYYY-MM`` / ``YYYY`` → PartialDate; empty → None; else an error.

    Example
    -------
    >>> partial_date("1861-10", "x")
    PartialDate(value=datetime.date(1861, 10, 1), precision='month')
    """
    text = clean(text)
    if text is None:
        return None
    match = DATE_RE.match(text)
    try:
        if match is None:
            raise ValueError
        year, month, day = match.groups()
        value = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise UpstreamError(
            f"{where}: {text!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)"
        ) from None
    precision = "day" if day else "month" if month else "year"
    return PartialDate(value, precision)


def _event(elem: Element, tag: str, where: str) -> Event | None:
    child = elem.find(tag)
    if child is None:
        return None
    return Event(
        partial_date(child.findtext("date"), f"{where} <{tag}>"), clean(child.findtext("note"))
    )


def read_person(path: Path, shown: str) -> PocomPerson:
    root = _root(path, shown)
    name = root.find("persName")
    pid = clean(root.findtext("id"))
    if name is None or not pid or not clean(name.findtext("surname")):
        raise UpstreamError(f"{shown}: a person needs <id> and <persName><surname>")
    return PocomPerson(
        id=pid,
        old_ids=tuple(clean(e.text) or "" for e in root.iter("old-id") if clean(e.text)),
        surname=clean(name.findtext("surname")) or "",
        forename=clean(name.findtext("forename")),
        gen_name=clean(name.findtext("genName")),
        altnames=tuple(clean(e.text) or "" for e in name.iter("altname") if clean(e.text)),
        birth=clean(root.findtext("birth")),
        death=clean(root.findtext("death")),
        file=shown,
    )


def _names(root: Element) -> str | None:
    return clean(root.findtext("names/singular"))


def read_posts(path: Path, shown: str, kind: str, seen: Counter) -> list[Tenure]:
    """Every <principal> or <chief> of one position or mission file, in file order."""
    root = _root(path, shown)
    post = clean(root.findtext("territory-id")) if kind == "country" else clean(root.findtext("id"))
    post = post or path.stem
    tag = "principal" if kind == "principal" else "chief"
    main = root.find("principals" if kind == "principal" else "chiefs")
    listed = list(main.iter(tag)) if main is not None else []
    tenures = []
    for elem in root.iter(tag):
        entry = clean(elem.findtext("id")) or "?"
        where = f"{shown} id {entry}"
        key = f"{Path(shown).parent.name}/{path.stem}/{entry}"
        seen[key] += 1
        upstream_id = key if seen[key] == 1 else f"{key}#{seen[key]}"
        person = clean(elem.findtext("person-id"))
        if not person:
            raise UpstreamError(f"{where}: missing <person-id>")
        tenures.append(
            Tenure(
                upstream_id=upstream_id,
                entry_id=entry,
                file=shown,
                kind=kind,
                post=post,
                person_id=person,
                role_id=clean(elem.findtext("role-title-id")) or post,
                territory=clean(elem.findtext("contemporary-territory-id"))
                or (post if kind == "country" else None),
                appointed=_event(elem, "appointed", where) or Event(None, None),
                arrived=_event(elem, "arrived", where),
                started=_event(elem, "started", where) or Event(None, None),
                ended=_event(elem, "ended", where) or Event(None, None),
                note=clean(elem.findtext("note")),
                other_appointee=elem not in listed,
                last_in_list=bool(listed) and elem is listed[-1],
            )
        )
    return tenures


def read_snapshot(folder: Path) -> PocomSnapshot:
    """Read people/, positions-principals/, missions-countries/, missions-orgs/ and roles."""
    folder = Path(folder)
    person_files = sorted(folder.glob("people/*/*.xml"))
    groups = {
        "principal": sorted(folder.glob("positions-principals/*.xml")),
        "country": sorted(folder.glob("missions-countries/*.xml")),
        "organization": sorted(folder.glob("missions-orgs/*.xml")),
    }
    role_files = sorted(folder.glob("roles-country-chiefs/*.xml"))
    if not person_files or not all(groups.values()):
        raise UpstreamError(
            f"no pocom XML found below {folder}; expected people/*/*.xml, "
            "positions-principals/*.xml, missions-countries/*.xml and missions-orgs/*.xml"
        )

    def shown(p: Path) -> str:
        return "pocom/" + p.relative_to(folder).as_posix()

    people = {}
    for path in person_files:
        person = read_person(path, shown(path))
        if person.id in people:
            raise UpstreamError(
                f"{person.file}: person id {person.id} also in {people[person.id].file}"
            )
        people[person.id] = person
    role_names: dict[str, str] = {}
    for path in role_files + groups["principal"] + groups["organization"]:
        root = _root(path, shown(path))
        name = _names(root)
        if name:
            role_names[clean(root.findtext("id")) or path.stem] = name
    seen: Counter = Counter()
    tenures = [
        t
        for kind, paths in groups.items()
        for p in paths
        for t in read_posts(p, shown(p), kind, seen)
    ]
    files = [
        shown(p) for p in [*person_files, *role_files, *(p for g in groups.values() for p in g)]
    ]
    return PocomSnapshot(people=people, tenures=tenures, role_names=role_names, files=sorted(files))
