"""Splitting the visits data's free-text visitor field into titles and names.

Upstream writes "Prime Minister Suga Yoshihide": title first, then the name in whatever order
the editor used. The name is kept exactly as written (only whitespace is tidied); ``name_order``
says which order that is, so nothing is reordered by guesswork. An honorific written before
the name (Dr., Sheikh, Lord, Burmese U) is moved to its own field. Which countries write the
family name first, use two family names, have no family names or patronymics, and which words
are particles or honorifics, is data: ``names.yaml``, with the source of each convention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ...names import NICKNAME_RE, ascii_fold
from ..reviewed import ReviewedFileError, read

# Misspellings and spacing slips seen in the titles; fixed before titles are matched.
TITLE_FIXES: tuple[tuple[str, str], ...] = (
    (r"\bPrime Minste?re?\b|\bPrime Ministere\b", "Prime Minister"),
    (r"\bPrime Minister(?=[A-Z])", "Prime Minister "),
    (r"\bPrime Minister-Prince\b", "Prime Minister and Prince"),
    (r"\bPresident-\s*[Ee]lect\b", "President-elect"),
    (r"\bPresident-\s*designate\b", "President-designate"),
    (r"\s*&\s*", " and "),
)

# Rulers known by one (regnal) name: the whole name is the family_name, no given name.
REGNAL = frozenset(
    {
        "King",
        "Queen",
        "Emperor",
        "Empress",
        "Shah",
        "Sultan",
        "Amir",
        "Emir",
        "Sheikh",
        "Pope",
        "Prince",
        "Princess",
        "Crown Prince",
        "Grand Duke",
        "Grand Duchess",
        "Regent",
    }
)
OFFICES = (
    "President of the Council of Ministers",
    "Chairman of the Presidency",
    "Chief of State",
    "Head of State",
    "Governor General",
    "General Secretary",
    "First Secretary",
    "Junta Member",
    "Brigadier General",
    "Lieutenant General",
    "Acting Prime Minister",
    "Interim Prime Minister",
    "Prime Minister",
    "Acting President",
    "Interim President",
    "Provisional President",
    "President-elect",
    "President-designate",
    "President",
    "Vice Premier",
    "Premier",
    "Federal Chancellor",
    "Chancellor-elect",
    "Chancellor",
    "Taoiseach",
    "Chairman",
    "General",
)
# Longest first, so "Prime Minister" wins over "Minister" and "Crown Prince" over "Prince".
TITLES = sorted({*OFFICES, *REGNAL}, key=lambda t: (-len(t), t))
TITLE_RE = re.compile(r"^(" + "|".join(re.escape(t) for t in TITLES) + r")(?=\s|$)")
# A second visitor starts after "and" or a comma when a title follows.
SPLIT_RE = re.compile(r"\s*(?:,|\band\b)\s+(?=(?:" + "|".join(map(re.escape, TITLES)) + r")\b)")

SUFFIX_RE = re.compile(r",?\s+(Jr\.?|Sr\.?|2nd|3rd|[IVX]+)$")
CONVENTIONS = Path(__file__).with_name("names.yaml")


@dataclass(frozen=True)
class Conventions:
    """The naming conventions of ``names.yaml``: name order, particles, honorifics by country."""

    family_first: frozenset[str]
    personal_name_only: frozenset[str]
    patronymic_first: frozenset[str]
    two_surnames: frozenset[str]
    compound_given: tuple[str, ...]
    family_only: frozenset[str]
    particles: frozenset[str]
    honorifics: tuple[tuple[str, frozenset[str]], ...]
    keep_honorific: frozenset[str]
    order_exceptions: dict[str, str]


@cache
def conventions(path: Path = CONVENTIONS) -> Conventions:
    """Read ``names.yaml``; every country entry must cite its source."""
    data = read(path)
    for group in (
        "family_first",
        "given_first_in_source",
        "personal_name_only",
        "patronymic_first",
    ):
        uncited = [k for k, why in data[group].items() if not why]
        if uncited:
            raise ReviewedFileError(
                f"{path.name}: {group}: no source given for {', '.join(uncited)}"
            )
    honorifics = sorted(
        ((h["text"], frozenset(h.get("parties", ()))) for h in data["honorifics"]),
        key=lambda h: -len(h[0]),
    )
    return Conventions(
        family_first=frozenset(data["family_first"]),
        personal_name_only=frozenset(data["personal_name_only"]),
        patronymic_first=frozenset(data["patronymic_first"]),
        two_surnames=frozenset(data["two_surnames"]["parties"]),
        compound_given=tuple(sorted(data["compound_given_names"], key=lambda n: -len(n))),
        family_only=frozenset(data["family_only"]),
        particles=frozenset(p.casefold() for p in data["particles"]),
        honorifics=tuple(honorifics),
        keep_honorific=frozenset(data["keep_honorific"]),
        order_exceptions=dict(data["order_exceptions"]),
    )


@dataclass(frozen=True)
class Person:
    """One visitor: title (None if upstream gives none), honorific and the name split in parts.

    ``honorific`` (Dr., Sheikh, Lord, U ...) was written before the name; ``name`` is the rest,
    so nothing upstream wrote is lost.
    """

    title: str | None
    name: str
    given_name: str | None
    family_name: str
    suffix: str | None
    name_order: str
    honorific: str | None = None


def tidy(text: str) -> str:
    """Fold whitespace (upstream has trailing spaces) and fix known title slips."""
    text = " ".join(text.split())
    for pattern, repl in TITLE_FIXES:
        text = re.sub(pattern, repl, text)
    return text


def split_visitors(text: str) -> list[tuple[str | None, str]]:
    """Title and name of each visitor in the field ("President X and Prime Minister Y")."""
    pieces = []
    for piece in SPLIT_RE.split(tidy(text)):
        match = TITLE_RE.match(piece)
        title = match.group(1) if match else None
        name = piece[match.end() :].strip() if match else piece
        if pieces and not pieces[-1][1]:  # "Premier and Prince Sihanouk": one person, two titles
            title = f"{pieces.pop()[0]} and {title}"
        pieces.append((title, name))
    if pieces and not pieces[-1][1]:
        raise ValueError(f"visitor {text!r}: a title without a name")
    return pieces


def split_honorific(name: str, party_id: str) -> tuple[str | None, str]:
    """An honorific written before the name, and the name without it.

    Example
    -------
    >>> split_honorific("U Nu", "MMR")
    ('U', 'Nu')
    """
    conv = conventions()
    if name in conv.keep_honorific:
        return None, name
    found: list[str] = []
    changed = True
    while changed:  # "Dato' Seri Anwar", "Sheikh Dr. X": several may stack
        changed = False
        for text, parties in conv.honorifics:
            if (not parties or party_id in parties) and name.startswith(text + " "):
                found.append(text)
                name, changed = name[len(text) :].strip(), True
                break
    return (" ".join(found) or None), name


def _groups(name: str, particles: frozenset[str]) -> list[str]:
    """Name parts, with particles ("de la") attached to the part they precede."""
    groups: list[str] = []
    pending: list[str] = []
    for token in name.split():
        pending.append(token)
        if token.casefold() not in particles:
            groups.append(" ".join(pending))
            pending = []
    if pending:
        groups.append(" ".join(pending))
    return groups


def _given_count(groups: list[str], conv: Conventions, party_id: str) -> int:
    """How many leading parts are the given name(s) in a given-name-first name."""
    if party_id in conv.two_surnames and len(groups) >= 3:
        folded = ascii_fold(" ".join(groups)).casefold()
        for compound in conv.compound_given:
            if folded.startswith(compound.casefold() + " "):
                return len(compound.split())
        return 1
    return len(groups) - 1


def person(title: str | None, written: str, party_id: str) -> Person:
    """Split a visitor's name into honorific/given/family/suffix by the party's conventions.

    Example
    -------
    >>> person("Prime Minister", "Lee Kuan Yew", "SGP").family_name
    'Lee'
    """
    conv = conventions()
    honorific, name = split_honorific(written, party_id)
    default = "family_given" if party_id in conv.family_first else "given_family"
    order = conv.order_exceptions.get(name, default)
    match = SUFFIX_RE.search(name)
    suffix = match.group(1) if match else None
    core = NICKNAME_RE.sub("", name[: match.start()] if match else name).strip()
    groups = _groups(core, conv.particles)

    def made(given: str | None, family: str) -> Person:
        return Person(title, name, given, family, suffix, order, honorific)

    if (
        title in REGNAL
        or len(groups) == 1
        or core in conv.family_only
        or party_id in conv.personal_name_only
    ):
        return made(None, core)
    if party_id in conv.patronymic_first:
        return made(None, groups[-1])
    if order == "family_given":
        return made(" ".join(groups[1:]), groups[0])
    n_given = _given_count(groups, conv, party_id)
    return made(" ".join(groups[:n_given]), " ".join(groups[n_given:]))
