"""The reviewed files that steer an import (identities, terms, countries, titles, names).

They are read with ``read`` and refused with ``ReviewedFileError``, which the command line
reports as invalid data (exit 1), like a bad curated record.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class ReviewedFileError(ValueError):
    """A reviewed file is invalid; the message names the file, the entry and the reason.

    Example
    -------
    >>> str(ReviewedFileError("tenures.yaml: position 3 (x, King) term 1: missing quote"))
    'tenures.yaml: position 3 (x, King) term 1: missing quote'
    """


def read(path: Path) -> Any:
    """The YAML of a reviewed file; unreadable YAML is refused, naming the file.

    Example
    -------
    >>> import tempfile
    >>> bad = Path(tempfile.mkdtemp()) / "tenures.yaml"
    >>> _ = bad.write_text("start: 1990-13-01", encoding="utf-8")
    >>> try:
    ...     read(bad)
    ... except ReviewedFileError as error:
    ...     print(error)
    tenures.yaml: not readable: month must be in 1..12
    """
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, ValueError) as exc:  # PyYAML raises ValueError for 1990-13-01
        raise ReviewedFileError(
            f"{path.name}: not readable: {' '.join(str(exc).split())}"
        ) from None
