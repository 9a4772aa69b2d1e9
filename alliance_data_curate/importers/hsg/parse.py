"""Safe XML parsing of the upstream files into plain, typed rows.

defusedxml refuses DTDs, entity expansion and external references, so a hostile or corrupted
file cannot blow up memory or make the parser reach the network.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException, ElementTree

WHITESPACE = re.compile(r"\s+")


class UpstreamError(ValueError):
    """An upstream file is missing, malformed or has a value the importer cannot place."""


@dataclass(frozen=True)
class Trip:
    """One stop of a President's or Secretary's trip abroad (travels repository)."""

    id: str
    file: str
    role: str
    who: str
    name: str
    start: dt.date
    end: dt.date
    country: str
    country_label: str
    locale: str | None
    remarks: str | None


@dataclass(frozen=True)
class Visit:
    """A visit to the U.S. by a foreign leader (visits repository)."""

    id: str
    file: str
    visitor: str
    start: dt.date
    end: dt.date
    country: str
    country_label: str
    description: str | None


@dataclass(frozen=True)
class President:
    """One presidency in presidents.xml (a President with two terms appears twice)."""

    number: int
    id: str
    name: str
    took_office: dt.date
    left_office: dt.date | None


def clean(text: str | None) -> str | None:
    """Fold whitespace runs (the XML wraps long remarks) and turn empty text into None."""
    if text is None:
        return None
    folded = WHITESPACE.sub(" ", text).strip()
    return folded or None


def _root(path: Path, shown: str) -> Element:
    try:
        return ElementTree.parse(path, forbid_dtd=True).getroot()
    except ElementTree.ParseError as exc:
        raise UpstreamError(f"{shown}: malformed XML: {exc}") from None
    except DefusedXmlException as exc:
        raise UpstreamError(f"{shown}: refused unsafe XML: {exc!r}") from None
    except OSError as exc:
        raise UpstreamError(f"{shown}: cannot read: {exc}") from None


def _text(elem: Element, tag: str, shown: str, *, required: bool = True) -> str | None:
    child = elem.find(tag)
    value = clean(child.text) if child is not None else None
    if value is None and required:
        ident = clean(elem.findtext("id")) or "?"
        raise UpstreamError(f"{shown}: id {ident}: missing <{tag}>")
    return value


def _date(elem: Element, tag: str, shown: str) -> dt.date:
    value = _text(elem, tag, shown)
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        ident = clean(elem.findtext("id")) or "?"
        raise UpstreamError(f"{shown}: id {ident}: <{tag}> {value!r} is not a date") from None


def _number(elem: Element, attribute: str, shown: str) -> int:
    value = elem.get(attribute) or "0"
    if not value.isascii() or not value.isdigit():
        ident = clean(elem.findtext("id")) or "?"
        raise UpstreamError(
            f"{shown}: id {ident}: attribute {attribute}={value[:40]!r} is not a whole number"
        )
    return int(value)


def _place(elem: Element, tag: str, shown: str) -> tuple[str, str]:
    child = elem.find(tag)
    slug = child.get("id") if child is not None else None
    if not slug:
        ident = clean(elem.findtext("id")) or "?"
        raise UpstreamError(f"{shown}: id {ident}: <{tag}> has no id attribute")
    return slug, clean(child.text) or slug


def read_trips(path: Path, shown: str) -> list[Trip]:
    """All trips of one traveller's file."""
    trips = []
    for elem in _root(path, shown).iter("trip"):
        country, label = _place(elem, "country", shown)
        trips.append(
            Trip(
                id=_text(elem, "id", shown),
                file=shown,
                role=elem.get("role") or _text(elem, "role", shown),
                who=elem.get("who") or "",
                name=_text(elem, "name", shown),
                start=_date(elem, "start-date", shown),
                end=_date(elem, "end-date", shown),
                country=country,
                country_label=label,
                locale=_text(elem, "locale", shown, required=False),
                remarks=_text(elem, "remarks", shown, required=False),
            )
        )
    return trips


def read_visits(path: Path, shown: str) -> list[Visit]:
    """All visits of one decade file."""
    visits = []
    for elem in _root(path, shown).iter("visit"):
        country, label = _place(elem, "from", shown)
        visits.append(
            Visit(
                id=_text(elem, "id", shown),
                file=shown,
                visitor=_text(elem, "visitor", shown),
                start=_date(elem, "start-date", shown),
                end=_date(elem, "end-date", shown),
                country=country,
                country_label=label,
                description=_text(elem, "description", shown, required=False),
            )
        )
    return visits


def read_presidents(path: Path, shown: str) -> list[President]:
    """Presidencies with their terms; an empty left-office date means still in office."""
    presidents = []
    for elem in _root(path, shown).iter("president"):
        left = clean(elem.findtext("left-office-date"))
        presidents.append(
            President(
                number=_number(elem, "n", shown),
                id=_text(elem, "id", shown),
                name=_text(elem, "name", shown),
                took_office=_date(elem, "took-office-date", shown),
                left_office=_date(elem, "left-office-date", shown) if left else None,
            )
        )
    return presidents


def read_roles(path: Path, shown: str) -> set[str]:
    """The traveller role codes (president, secretary) the travels data may use."""
    return {clean(v.text) or "" for v in _root(path, shown).iter("value")}


@dataclass(frozen=True)
class Snapshot:
    """Everything read from one local copy of the two upstream repositories."""

    trips: list[Trip]
    visits: list[Visit]
    presidents: list[President]
    files: list[str]


def _rel(path: Path, base: Path) -> str:
    return path.relative_to(base).as_posix()


def read_snapshot(travels: Path, visits: Path) -> Snapshot:
    """Read the travels and visits repositories (folders laid out as upstream)."""
    trip_files = sorted(travels.glob("president-travels/*.xml")) + sorted(
        travels.glob("secretary-travels/*.xml")
    )
    visit_files = sorted(visits.glob("data/*.xml"))
    if not trip_files or not visit_files:
        raise UpstreamError(
            f"no travels or visits XML found below {travels} and {visits}; expected "
            "president-travels/*.xml, secretary-travels/*.xml and data/*.xml"
        )
    roles = read_roles(travels / "code-tables/travel-role-codes.xml", "travels/code-tables")
    trips = [t for p in trip_files for t in read_trips(p, "travels/" + _rel(p, travels))]
    for trip in trips:
        if trip.role not in roles:
            raise UpstreamError(f"{trip.file}: id {trip.id}: unknown role {trip.role!r}")
    presidents_path = travels / "presidents/presidents.xml"
    return Snapshot(
        trips=trips,
        visits=[v for p in visit_files for v in read_visits(p, "visits/" + _rel(p, visits))],
        presidents=read_presidents(presidents_path, "travels/presidents/presidents.xml"),
        files=sorted(
            ["travels/" + _rel(p, travels) for p in [*trip_files, presidents_path]]
            + ["visits/" + _rel(p, visits) for p in visit_files]
        ),
    )
