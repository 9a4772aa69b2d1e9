"""Splitting the visits data's free-text visitor field into titles and names.

Upstream writes "Prime Minister Suga Yoshihide": title first, then the name in whatever order
the editor used. The name is kept exactly as written (only whitespace is tidied); ``name_order``
says which order that is, so nothing is reordered by guesswork.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...names import NICKNAME_RE

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
PARTICLES = {"de", "del", "della", "di", "da", "das", "do", "dos", "du", "la", "le", "van", "von"}
# Where two family names are the norm (paternal and maternal), the last two name parts form it.
TWO_SURNAMES = {
    "ARG", "BOL", "CHL", "COL", "CRI", "CUB", "DOM", "ECU", "ESP", "GNQ", "GTM", "HND", "MEX",
    "NIC", "PAN", "PER", "PRY", "SLV", "URY", "VEN",
}  # fmt: skip
# Where the family name comes first; upstream mostly follows it for these countries.
FAMILY_FIRST = {"CHN", "TWN", "KOR", "PRK", "VNM", "korea", "south-vietnam"}
# Names written against their country's default above, checked one by one.
ORDER_EXCEPTIONS = {
    "Suga Yoshihide": "family_given",
    "Kishida Fumio": "family_given",
    "Chong Pil Kim": "given_family",
    "Il Kwon Chung": "given_family",
}


@dataclass(frozen=True)
class Person:
    """One visitor: title (None if upstream gives none) and the name split into its parts."""

    title: str | None
    name: str
    given_name: str | None
    family_name: str
    suffix: str | None
    name_order: str


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


def _groups(name: str) -> list[str]:
    """Name parts, with particles ("de la") attached to the part they precede."""
    groups: list[str] = []
    pending: list[str] = []
    for token in name.split():
        pending.append(token)
        if token.lower() not in PARTICLES:
            groups.append(" ".join(pending))
            pending = []
    if pending:
        groups.append(" ".join(pending))
    return groups


def person(title: str | None, name: str, party_id: str) -> Person:
    """Split a visitor's name into given/family/suffix by the rules of the party's country."""
    order = ORDER_EXCEPTIONS.get(
        name, "family_given" if party_id in FAMILY_FIRST else "given_family"
    )
    match = SUFFIX_RE.search(name)
    suffix = match.group(1) if match else None
    core = NICKNAME_RE.sub("", name[: match.start()] if match else name).strip()
    groups = _groups(core)
    if title in REGNAL or len(groups) == 1:
        return Person(title, name, None, core, suffix, order)
    if order == "family_given":
        return Person(title, name, " ".join(groups[1:]), groups[0], suffix, order)
    n_family = 2 if party_id in TWO_SURNAMES and len(groups) >= 3 else 1
    given, family = groups[:-n_family], groups[-n_family:]
    return Person(title, name, " ".join(given), " ".join(family), suffix, order)
