"""Reviewed identity decisions (``identities.yaml``) and the report of pairs left to review.

A rule maps a visitor name, within one party and optionally for one title and date range, to
the name of the one person it stands for: merges join spellings of one person, splits keep
namesakes apart. Names are compared folded (accents, case and punctuation dropped).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ...names import slug
from ..reviewed import ReviewedFileError, read

IDENTITIES = Path(__file__).with_name("identities.yaml")


@dataclass(frozen=True)
class Rule:
    """One reviewed decision: these names of this party (title, dates) are ``person``."""

    kind: str
    party: str
    names: frozenset[str]
    person: str
    reason: str
    title: str | None = None
    start: dt.date | None = None
    until: dt.date | None = None

    def applies(self, party: str, title: str | None, name: str, on: dt.date) -> bool:
        return (
            party == self.party
            and slug(name) in self.names
            and (self.title is None or title == self.title)
            and (self.start is None or on >= self.start)
            and (self.until is None or on <= self.until)
        )


@dataclass(frozen=True)
class Identities:
    """The traveller id aliases and the visitor rules of one identities file."""

    version: int
    traveller_ids: dict[str, str | None]  # None: pocom's person of that id is someone else
    rules: tuple[Rule, ...]

    def person(
        self, party: str, title: str | None, name: str, on: dt.date
    ) -> tuple[str, Rule | None]:
        """The name the visitor gets, and the rule that gave it (None: the name as written).

        Example
        -------
        >>> load().person("PER", "President", "Alberto K. Fujimori", dt.date(1991, 9, 1))[0]
        'Alberto Fujimori'
        """
        for rule in self.rules:
            if rule.applies(party, title, name, on):
                return rule.person, rule
        return name, None


@cache
def load(path: Path = IDENTITIES) -> Identities:
    """Read and check the identities file: every rule needs party, names, person and reason."""
    data = read(path)
    rules = []
    for i, r in enumerate(data.get("rules", []), 1):
        missing = [k for k in ("kind", "party", "names", "person", "reason") if not r.get(k)]
        if missing or r["kind"] not in ("merge", "split"):
            raise ReviewedFileError(f"{path.name}: rule {i}: needs kind merge/split and {missing}")
        rules.append(
            Rule(
                kind=r["kind"],
                party=r["party"],
                names=frozenset(slug(n) for n in r["names"]),
                person=r["person"],
                reason=" ".join(r["reason"].split()),
                title=r.get("title"),
                start=r.get("from"),
                until=r.get("until"),
            )
        )
    aliases = {k: v["person"] for k, v in (data.get("traveller_ids") or {}).items()}
    return Identities(data["version"], aliases, tuple(rules))


def candidates(officials: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pairs of imported visitors of one party sharing a family name: left for review."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for o in officials:
        if o["party_id"] == "USA":
            continue
        family = slug(o["family_name"]).split("-")
        groups[(o["party_id"], family[-1] if family else "")].append(o)
    pairs = []
    for (party, family), group in sorted(groups.items()):
        group = sorted(group, key=lambda o: o["official_id"])
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                pairs.append(
                    {
                        "party_id": party,
                        "family": family,
                        "officials": [a["official_id"], b["official_id"]],
                        "names": [a["name"], b["name"]],
                        "why": "same party and last family-name word; same person or namesakes?",
                    }
                )
    return pairs
