"""The error of a reviewed file that steers an import (identities, terms, countries, titles)."""

from __future__ import annotations


class ReviewedFileError(ValueError):
    """A reviewed file is invalid; the message names the file, the entry and the reason.

    The command line reports it as invalid data (exit 1), like a bad curated record.

    Example
    -------
    >>> str(ReviewedFileError("tenures.yaml: position 3 (x, King) term 1: missing quote"))
    'tenures.yaml: position 3 (x, King) term 1: missing quote'
    """
