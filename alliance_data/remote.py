"""Fetching other released versions: download, verify against the index, cache.

pooch downloads each file to a temporary name, checks its sha256 and only then moves it
into the cache, so a failed or tampered download never leaves a file behind.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import index
from .download import DownloadError, cache_dir, verified_file
from .integrity import sha256
from .semver import check_version

DEFAULT_URL = "https://raw.githubusercontent.com/alliance-data/alliance_data/main/releases/"


def base_url() -> str:
    url = os.environ.get("ALLIANCE_DATA_URL") or DEFAULT_URL
    return url if url.endswith("/") else url + "/"


def remote_index() -> list[index.Version]:
    """The index published at the base URL, for versions newer than the installed package."""
    import pooch

    url = base_url() + "index.json"
    target = cache_dir() / "index.json"
    target.unlink(missing_ok=True)
    try:
        pooch.retrieve(url, known_hash=None, fname="index.json", path=target.parent)
    except Exception as exc:
        raise DownloadError(f"could not download the release index from {url}: {exc}") from exc
    return index.load(target)


def cached_release(entry: index.Version) -> Path | None:
    """The cached folder of a version if every file is there and matches its hash."""
    folder = cache_dir() / entry.version
    for path, meta in entry.files.items():
        target = folder / path
        if not target.is_file() or sha256(target) != meta["sha256"]:
            return None
    return folder


def fetch(entry: index.Version, *, progress: bool = False) -> Path:
    """Download (or reuse from the cache) every file of a version; return its folder."""
    check_version(entry.version)
    folder = cache_dir() / entry.version
    total = sum(meta["bytes"] for meta in entry.files.values())
    with _bar(progress, total, f"alliance-data {entry.version}") as bar:
        for path, meta in entry.files.items():
            url = f"{base_url()}{entry.version}/{path}"
            try:
                verified_file(url, folder / path, meta["sha256"])
            except DownloadError as exc:
                raise DownloadError(
                    f"release {entry.version} ({path}): {exc}. Check the network or "
                    "ALLIANCE_DATA_URL; the shipped version still loads offline."
                ) from exc
            bar.update(meta["bytes"])
    return folder


def _bar(show: bool, total: int, label: str):
    """One progress bar for the whole release (tqdm), or a silent stand-in."""
    from tqdm import tqdm

    return tqdm(total=total, unit="B", unit_scale=True, desc=label, disable=not show)
