"""Fetching a verified release: version strings, the release index, hashes, downloads, cache.

Everything between "a version string" and "a verified folder on disk" lives here, so the
trust chain can be read in one place:

1. a version is ``MAJOR.MINOR.PATCH`` in ASCII digits, checked before it becomes a path or URL;
2. the index (``releases/index.json``) lists every file of every version with its sha256 and
   size, and is parsed strictly (a file without a hash is refused);
3. pooch downloads each file to a temporary name, checks its sha256, and only then moves it
   into the cache, so the cache never holds a file whose hash is not the expected one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# --- semver ------------------------------------------------------

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")


def check_version(version: str) -> str:
    """Refuse anything but MAJOR.MINOR.PATCH (so ``../../x`` never reaches the filesystem)."""
    if not isinstance(version, str) or not SEMVER.match(version):
        raise ValueError(
            f"version {version!r} is not a semantic version such as 1.2.3 (MAJOR.MINOR.PATCH)"
        )
    return version


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in check_version(version).split("."))


# --- integrity ---------------------------------------------------


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_inventory(folder: Path) -> dict[str, dict[str, Any]]:
    """sha256 and size of every file in a release, by POSIX path."""
    return {
        path.relative_to(folder).as_posix(): {"sha256": sha256(path), "bytes": path.stat().st_size}
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# --- download ----------------------------------------------------

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


# --- index -------------------------------------------------------

HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Version:
    version: str
    date: str
    files: dict[str, dict[str, Any]]  # POSIX path -> {"sha256": hex, "bytes": int}


class UntrustedIndex(ValueError):
    """The index is malformed or untrustworthy."""


def parse_index(document: dict[str, Any], origin: str = "index.json") -> list[Version]:
    """Validate an index document; versions come back oldest first."""
    out = []
    for entry in document.get("versions", []):
        version = check_version(entry.get("version", ""))
        files = entry.get("files") or {}
        for path, meta in files.items():
            digest = (meta or {}).get("sha256")
            if not isinstance(digest, str) or not HEX64.match(digest):
                raise UntrustedIndex(
                    f"{origin}: version {version} lists {path} without a valid sha256 "
                    f"(got {digest!r}); refusing to trust it — the index must give every "
                    "file's lower-case hex sha256"
                )
            size = (meta or {}).get("bytes")
            if not isinstance(size, int) or isinstance(size, bool) or size < 0:
                raise UntrustedIndex(f"{origin}: version {version} lists {path} without a size")
            if path.startswith(("/", "../")) or "/../" in path or "\\" in path:
                raise UntrustedIndex(f"{origin}: version {version} lists an unsafe path {path!r}")
        if "datapackage.json" not in files:
            raise UntrustedIndex(f"{origin}: version {version} has no datapackage.json entry")
        out.append(Version(version, entry.get("date", ""), files))
    return sorted(out, key=lambda v: version_key(v.version))


def load_index(path: Path) -> list[Version]:
    return parse_index(json.loads(path.read_text(encoding="utf-8")), str(path))


def dump_index(versions: list[Version]) -> str:
    document = {
        "versions": [
            {"version": v.version, "date": v.date, "files": v.files}
            for v in sorted(versions, key=lambda v: version_key(v.version))
        ]
    }
    return json.dumps(document, indent=2, sort_keys=False) + "\n"


def save_index(path: Path, versions: list[Version]) -> None:
    """Replace the index atomically so readers never see half of it."""
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(dump_index(versions), encoding="utf-8")
    os.replace(tmp, path)


# --- remote ------------------------------------------------------

DEFAULT_URL = "https://raw.githubusercontent.com/alliance-data/alliance_data/main/releases/"


def base_url() -> str:
    url = os.environ.get("ALLIANCE_DATA_URL") or DEFAULT_URL
    return url if url.endswith("/") else url + "/"


def remote_index() -> list[Version]:
    """The index published at the base URL, for versions newer than the installed package."""
    import pooch

    url = base_url() + "index.json"
    target = cache_dir() / "index.json"
    target.unlink(missing_ok=True)
    try:
        pooch.retrieve(url, known_hash=None, fname="index.json", path=target.parent)
    except Exception as exc:
        raise DownloadError(f"could not download the release index from {url}: {exc}") from exc
    return load_index(target)


def cached_release(entry: Version) -> Path | None:
    """The cached folder of a version if every file is there and matches its hash."""
    folder = cache_dir() / entry.version
    for path, meta in entry.files.items():
        target = folder / path
        if not target.is_file() or sha256(target) != meta["sha256"]:
            return None
    return folder


def fetch_release(entry: Version, *, progress: bool = False) -> Path:
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
