"""The curated crosswalk from upstream country slugs to party ids (``countries.yaml``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..reviewed import ReviewedFileError, read
from .parse import UpstreamError

CROSSWALK = Path(__file__).with_name("countries.yaml")


@dataclass(frozen=True)
class Crosswalk:
    """Slug → party id (possibly by date), and the party rows those ids stand for."""

    slugs: dict[str, str | list[dict[str, Any]]]
    parties: dict[str, dict[str, Any]]

    def party(self, slug: str, on: dt.date, where: str) -> str:
        """The party id for ``slug`` on date ``on``; an unknown slug names itself and the file."""
        entry = self.slugs.get(slug)
        if entry is None:
            raise UpstreamError(
                f"{where}: country slug {slug!r} is not in the crosswalk {CROSSWALK.name}; "
                "add it (ISO 3166-1 alpha-3, ISO 3166-3 or an explicit party)"
            )
        if isinstance(entry, str):
            return entry
        for span in entry:
            if "before" not in span or on < span["before"]:
                return span["party_id"]
        raise UpstreamError(f"{CROSSWALK.name}: {slug!r} has no entry for {on}")

    def party_row(self, party_id: str) -> dict[str, Any]:
        """The parties row for an id the crosswalk produces."""
        spec = self.parties[party_id]
        return {
            "party_id": party_id,
            "name": spec["name"],
            "kind": spec["kind"],
            "cow_code": spec.get("cow_code"),
        }


def _targets(entry: str | list[dict[str, Any]]) -> list[str]:
    return [entry] if isinstance(entry, str) else [span["party_id"] for span in entry]


@cache
def load(path: Path = CROSSWALK) -> Crosswalk:
    """Read the crosswalk and insist every target party is defined exactly once."""
    data = read(path)
    crosswalk = Crosswalk(slugs=data["slugs"], parties=data["parties"])
    missing = sorted(
        {t for e in crosswalk.slugs.values() for t in _targets(e)} - set(crosswalk.parties)
    )
    if missing:
        raise ReviewedFileError(
            f"{path.name}: party ids used but not defined: {', '.join(missing)}"
        )
    return crosswalk
