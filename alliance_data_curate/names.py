"""Names compared as people: one definition of a name's comparison key for every caller.

The Office of the Historian importer matches visitors to officials with ``name_key``, and the
duplicate-officials rule (``rules.py``) groups officials by it, so both agree on who is who.
"""

from __future__ import annotations

import re
import unicodedata

NICKNAME_RE = re.compile(r"\s*\([^)]*\)")


def ascii_fold(text: str) -> str:
    """Accents dropped (Shinzō → Shinzo), so spellings with and without them compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def slug(text: str) -> str:
    """Lowercase ASCII slug of a name, as official ids are formed."""
    words = re.findall(r"[a-z0-9]+", ascii_fold(NICKNAME_RE.sub("", text)).lower())
    return "-".join(words)


def name_key(name: str) -> str:
    """The comparison form of a name: ASCII, case-folded, punctuation dropped, words sorted.

    Sorting the words makes "Suga Yoshihide" and "Yoshihide Suga" one key, so the same person
    written in either order is recognised as one official.
    """
    return " ".join(sorted(slug(name).split("-")))


def person_key(name: str) -> str:
    """``name_key`` that keeps a parenthesised qualifier, so namesakes stay apart.

    The duplicate-officials rule compares records with it: "John Forsyth (born 1812)" and
    "John Forsyth" are two people whom the source tells apart, not one person twice.

    Example
    -------
    >>> person_key("John Forsyth (born 1812)") == person_key("John Forsyth")
    False
    >>> person_key("Yoshihide Suga") == person_key("Suga Yoshihide")
    True
    """
    words = re.findall(r"[a-z0-9]+", ascii_fold(name).lower())
    return " ".join(sorted(words))
