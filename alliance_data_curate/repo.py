"""The checkout curators' commands act on, found from the working directory or ``--repo``.

Curators' commands write records, schemas and releases. They must never write into an
installed copy of the package, so they act only on a folder that is recognisably a checkout of
this project: a ``pyproject.toml`` naming ``alliance-data`` beside ``records/`` and
``releases/``. Anywhere else they refuse with :class:`NotACheckout` (exit 2 in the CLI).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

PROJECT_NAME = re.compile(r'^name\s*=\s*"alliance-data"\s*$', re.M)


class NotACheckout(ValueError):
    """The folder is not a checkout of alliance_data, so curators' commands refuse to run."""


@dataclass(frozen=True)
class Checkout:
    """The folders and files of one checkout that curators' commands read and write.

    Example
    -------
    >>> repo = find(Path("."))  # doctest: +SKIP
    >>> repo.records.name
    'records'
    """

    root: Path

    @property
    def records(self) -> Path:
        """Curated YAML records, one file per table."""
        return self.root / "records"

    @property
    def imported(self) -> Path:
        """Importers' output, one sub-folder of CSV tables per upstream source."""
        return self.root / "imported"

    @property
    def releases(self) -> Path:
        """Published releases and their ``index.json``."""
        return self.root / "releases"

    @property
    def schemas(self) -> Path:
        """Generated Table Schemas and JSON Schemas (drift-tested)."""
        return self.root / "schemas"


def is_checkout(folder: Path) -> bool:
    """Whether ``folder`` is the top of an alliance_data checkout.

    Example
    -------
    >>> is_checkout(Path("/"))
    False
    """
    pyproject = folder / "pyproject.toml"
    if not (pyproject.is_file() and (folder / "records").is_dir()):
        return False
    if not (folder / "releases").is_dir():
        return False
    return bool(PROJECT_NAME.search(pyproject.read_text(encoding="utf-8", errors="replace")))


def find(start: Path | None = None, *, explicit: bool = False) -> Checkout:
    """The checkout containing ``start`` (default: the working directory).

    Parameters
    ----------
    start
        Where to look. Unless ``explicit``, its parents are searched too, as git does.
    explicit
        ``start`` came from ``--repo``: it must be the checkout's top folder itself.

    Raises
    ------
    NotACheckout
        Naming the folder and what was looked for.

    Example
    -------
    >>> find(Path("/tmp"), explicit=True)  # doctest: +SKIP
    Traceback (most recent call last):
    NotACheckout: /tmp is not an alliance_data checkout ...
    """
    start = (start or Path.cwd()).resolve()
    candidates = [start] if explicit else [start, *start.parents]
    for folder in candidates:
        if is_checkout(folder):
            return Checkout(folder)
    where = str(start) if explicit else f"{start} (or any folder above it)"
    raise NotACheckout(
        f"{where} is not an alliance_data checkout: looked for pyproject.toml naming "
        "alliance-data beside records/ and releases/. Curators' commands only act on a "
        "checkout; run them inside a clone of the repository or pass --repo DIR."
    )
