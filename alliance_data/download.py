"""One verified download, shared by release fetching and the upstream importers.

pooch downloads to a temporary name, checks the sha256 and only then moves the file into the
cache, so the cache never holds a file whose hash is not the expected one.
"""

from __future__ import annotations

import os
from pathlib import Path

from .integrity import sha256

CACHE_ENV = "ALLIANCE_DATA_CACHE"


class DownloadError(OSError):
    """A file could not be fetched, or arrived with the wrong hash (and was discarded)."""


def cache_dir() -> Path:
    """$ALLIANCE_DATA_CACHE, else the platform's user cache folder."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    import pooch

    return Path(pooch.os_cache("alliance-data"))


def verified_file(url: str, target: Path, digest: str, *, progress: bool = False) -> Path:
    """``target`` holding exactly the bytes with sha256 ``digest``, downloaded if needed."""
    import pooch
    import requests

    pooch.get_logger().setLevel("WARNING")  # callers report progress their own way
    if target.is_file() and sha256(target) != digest:
        target.unlink()  # tampered or truncated: never served, fetched again below
    try:
        pooch.retrieve(
            url,
            known_hash=f"sha256:{digest}",
            fname=target.name,
            path=target.parent,
            progressbar=progress,
        )
    except requests.exceptions.RequestException as exc:
        raise DownloadError(f"could not download from {url}: {exc}") from exc
    except ValueError as exc:
        raise DownloadError(
            f"{url} does not match its expected sha256 {digest}; the download was discarded "
            f"and nothing was cached ({exc})"
        ) from exc
    return target
