"""One title per office per country: the vocabulary of ``titles.yaml``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ..reviewed import ReviewedFileError, read

VOCABULARY = Path(__file__).with_name("titles.yaml")


@cache
def load(path: Path = VOCABULARY) -> dict[tuple[str, str], str]:
    """(party id, upstream title) → normalised title; each line must say why.

    Example
    -------
    >>> load()[("ESP", "President")]
    'Prime Minister'
    """
    data = read(path)
    vocabulary: dict[tuple[str, str], str] = {}
    for i, line in enumerate(data["titles"], 1):
        if len(line) != 4 or not all(line):
            raise ReviewedFileError(
                f"{path.name}: titles line {i}: needs [party, title, normalised, why]"
            )
        party, upstream, normalised, _why = line
        if (party, upstream) in vocabulary:
            raise ReviewedFileError(
                f"{path.name}: titles line {i}: ({party}, {upstream}) listed twice"
            )
        vocabulary[(party, upstream)] = normalised
    return vocabulary


def normalise(party_id: str, title: str) -> str:
    """The vocabulary's title for an upstream title of ``party_id`` (itself if not listed).

    Example
    -------
    >>> normalise("IRL", "Prime Minister"), normalise("GBR", "Prime Minister")
    ('Taoiseach', 'Prime Minister')
    """
    return load().get((party_id, title), title)
