"""Fetching a verified release: version strings, the release index, hashes, downloads, cache.

Everything between "a version string" and "a verified folder on disk" lives here, so the
trust chain can be read in one place:

1. a version is ``MAJOR.MINOR.PATCH`` in ASCII digits (a full match: no trailing newline,
   no other scripts' digits), checked before it becomes a path or URL;
2. the index (``releases/index.json``) lists every file of every version with its sha256 and
   size, and is parsed strictly: any other shape is refused with what is wrong and where;
3. each file is streamed to a temporary name beside its target, cut off at the index's
   ``bytes`` and at a total deadline (``$ALLIANCE_DATA_TIMEOUT`` seconds), checked against
   its sha256, and only then renamed into the cache, so the cache never holds a file whose
   hash is not the expected one and a failed download leaves no temporary file;
4. the cache never writes through a symbolic link, and one lock file per version lets many
   threads or processes load the same version at once;
5. the remote index is cached (atomically, with its own sha256), so a version that is
   cached and verified loads with no network at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import atomic

# --- semver ------------------------------------------------------

SEMVER = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
SHOWN = 80  # characters of a bad value echoed in a message


def shorten(value: Any, limit: int = SHOWN) -> str:
    """``repr(value)``, cut to ``limit`` characters so a message never echoes a huge input.

    Example
    -------
    >>> shorten("x" * 200, 10)
    "'xxxxxxxxx… (202 characters)"
    """
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}… ({len(text)} characters)"


def check_version(version: str) -> str:
    """Refuse anything but MAJOR.MINOR.PATCH in ASCII digits (so ``../../x`` never reaches
    the filesystem, and ``'0.4.0\\n'`` or ``'1٤.0.0'`` are not versions).

    Example
    -------
    >>> check_version("0.4.0")
    '0.4.0'
    """
    if not isinstance(version, str) or not SEMVER.fullmatch(version):
        raise ValueError(
            f"version {shorten(version)} is not a semantic version such as 1.2.3 "
            "(MAJOR.MINOR.PATCH in ASCII digits)"
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


# --- cache -------------------------------------------------------

CACHE_ENV = "ALLIANCE_DATA_CACHE"
TIMEOUT_ENV = "ALLIANCE_DATA_TIMEOUT"
DEFAULT_TIMEOUT = 600.0  # seconds for one whole file
MAX_UNSIZED = 256 << 20  # bytes accepted for a file whose size is not known in advance
MAX_INDEX = 16 << 20


class DownloadError(OSError):
    """A file could not be fetched, or arrived with the wrong hash (and was discarded)."""


class UnsafeCache(DownloadError):
    """The cache folder (or a folder in it) is a symbolic link; nothing is written through it."""


def cache_dir() -> Path:
    """$ALLIANCE_DATA_CACHE, else the platform's user cache folder."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    import pooch

    return Path(pooch.os_cache("alliance-data"))


def safe_path(root: Path, relative: str) -> Path:
    """``root / relative``, refusing if ``root`` or any folder below it on the way is a link.

    A cache that is a symlink into the user's files must never get files written through it.

    Example
    -------
    >>> safe_path(Path("/tmp/cache-that-does-not-exist"), "0.1.0/data/x.csv")
    PosixPath('/tmp/cache-that-does-not-exist/0.1.0/data/x.csv')
    """
    path = root
    for part in [None, *Path(relative).parts]:
        if part is not None:
            if part in ("..", "/", "") or "\\" in part:
                raise UnsafeCache(f"refusing the unsafe cache path {relative!r}")
            path = path / part
        if path.is_symlink():
            raise UnsafeCache(
                f"the download cache path {path} is a symbolic link (to {os.readlink(path)}); "
                "alliance_data never writes through links. Remove the link or point "
                f"${CACHE_ENV} at a real folder"
            )
    return path


def timeout() -> float:
    """Seconds allowed for one file (``$ALLIANCE_DATA_TIMEOUT``, default 600)."""
    value = os.environ.get(TIMEOUT_ENV)
    if not value:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < 1e6:
        raise DownloadError(f"${TIMEOUT_ENV} must be a positive number of seconds, not {value!r}")
    return seconds


@contextlib.contextmanager
def locked(root: Path, name: str) -> Iterator[None]:
    """An exclusive lock (``root/.NAME.lock``) across threads and processes."""
    root.mkdir(parents=True, exist_ok=True)
    lock = safe_path(root, f".{name}.lock")
    with open(lock, "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # pragma: no cover (Windows)
            import msvcrt

            msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)  # type: ignore[attr-defined]
            try:
                yield
            finally:
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
            return
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _stream(url: str, limit: int, sink: Any) -> int:
    """Copy ``url`` into ``sink`` (a callable taking bytes); refuse more than ``limit`` bytes
    or more than the deadline. Returns the number of bytes."""
    import requests

    seconds = timeout()
    deadline = time.monotonic() + seconds
    per_read = min(seconds, 30.0)
    got = 0
    try:
        with requests.get(
            url,
            stream=True,
            timeout=(per_read, per_read),
            headers={"Accept-Encoding": "identity"},
        ) as response:
            response.raise_for_status()
            raw = response.raw
            # urllib3 2 returns what has arrived (read1); older ones block for the whole amount
            read = raw.read1 if hasattr(raw, "read1") else (lambda n: raw.read(min(n, 8192)))
            while True:
                if time.monotonic() > deadline:
                    raise DownloadError(
                        f"{url} took longer than {seconds:g} s (${TIMEOUT_ENV}); stopped after "
                        f"{got} bytes"
                    )
                chunk = read(1 << 16)
                if not chunk:
                    return got
                got += len(chunk)
                if got > limit:
                    raise DownloadError(
                        f"{url} sent more than the {limit} bytes expected; the download was "
                        "cut off and discarded"
                    )
                sink(chunk)
    except requests.exceptions.RequestException as exc:
        raise DownloadError(f"could not download from {url}: {exc}") from exc
    except OSError as exc:
        if isinstance(exc, DownloadError):
            raise
        raise DownloadError(f"could not download from {url}: {exc}") from exc


def verified_file(
    url: str,
    target: Path,
    digest: str,
    *,
    size: int | None = None,
    root: Path | None = None,
) -> Path:
    """``target`` holding exactly the bytes with sha256 ``digest``, downloaded if needed.

    The download goes to a temporary file beside ``target``; it is renamed into place only
    when its size and sha256 match, and removed otherwise.

    Parameters
    ----------
    size
        Expected bytes (from the index): more is cut off, fewer fails. None caps at 256 MiB.
    root
        The cache folder ``target`` lies in; no link between ``root`` and ``target`` is
        followed. Defaults to ``target``'s folder.

    Example
    -------
    >>> verified_file(url, cache / "x.csv", hex_digest, size=120)  # doctest: +SKIP
    PosixPath('.../x.csv')
    """
    root = root or target.parent
    target = safe_path(root, target.relative_to(root).as_posix())
    if target.is_file() and sha256(target) == digest:
        return target
    target.unlink(missing_ok=True)  # tampered or truncated: never served, fetched again
    target.parent.mkdir(parents=True, exist_ok=True)
    safe_path(root, target.relative_to(root).as_posix())  # mkdir must not have met a link
    hasher = hashlib.sha256()
    with atomic.temp_beside(target) as (handle, _tmp):

        def sink(chunk: bytes) -> None:
            hasher.update(chunk)
            handle.write(chunk)

        got = _stream(url, MAX_UNSIZED if size is None else size, sink)
        if size is not None and got != size:
            raise DownloadError(
                f"{url} does not match its expected sha256 {digest}: it ended after {got} of "
                f"{size} bytes; the download was discarded and nothing was cached"
            )
        if hasher.hexdigest() != digest:
            raise DownloadError(
                f"{url} does not match its expected sha256 {digest} (got "
                f"{hasher.hexdigest()}); the download was discarded and nothing was cached"
            )
    return target


# --- index -------------------------------------------------------

HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Version:
    version: str
    date: str
    files: dict[str, dict[str, Any]]  # POSIX path -> {"sha256": hex, "bytes": int}


class UntrustedIndex(ValueError):
    """The index is malformed or untrustworthy."""


def _kind(value: Any) -> str:
    names: dict[type, str] = {dict: "a mapping", list: "a list", str: "a string"}
    return names.get(type(value), type(value).__name__)


def parse_index(document: Any, origin: str = "index.json") -> list[Version]:
    """Validate an index document; versions come back oldest first.

    Raises
    ------
    UntrustedIndex
        Anything but ``{"versions": [{"version", "date", "files": {path: {"sha256",
        "bytes"}}}]}``, saying what is wrong and where.

    Example
    -------
    >>> parse_index({"versions": []})
    []
    """

    def refuse(where: str, what: str) -> UntrustedIndex:
        return UntrustedIndex(f"{origin}: {where}: {what}")

    if not isinstance(document, dict) or not isinstance(document.get("versions"), list):
        got = _kind(document) if not isinstance(document, dict) else "a mapping without it"
        raise UntrustedIndex(
            f'{origin}: the index must be a mapping with a "versions" list, not {got}'
        )
    out = []
    seen = set()
    for i, entry in enumerate(document["versions"]):
        where = f"versions[{i}]"
        if not isinstance(entry, dict):
            raise refuse(where, f"must be a mapping, not {_kind(entry)}")
        try:
            version = check_version(entry.get("version", ""))
        except ValueError as exc:
            raise refuse(f"{where}.version", str(exc)) from None
        if version in seen:
            raise refuse(where, f"version {version} is listed twice")
        seen.add(version)
        date = entry.get("date", "")
        if not isinstance(date, str):
            raise refuse(f"{where}.date", f"must be a string, not {_kind(date)}")
        files = entry.get("files")
        if not isinstance(files, dict):
            raise refuse(f"{where}.files", f"must be a mapping of paths, not {_kind(files)}")
        for path, meta in files.items():
            _check_file(version, path, meta, origin)
        if "datapackage.json" not in files:
            raise UntrustedIndex(f"{origin}: version {version} has no datapackage.json entry")
        out.append(Version(version, date, files))
    return sorted(out, key=lambda v: version_key(v.version))


def _check_file(version: str, path: Any, meta: Any, origin: str) -> None:
    if not isinstance(meta, dict):
        raise UntrustedIndex(
            f"{origin}: version {version} lists {shorten(path)} as {_kind(meta)}, not a "
            'mapping with "sha256" and "bytes"'
        )
    digest = meta.get("sha256")
    if not isinstance(digest, str) or not HEX64.fullmatch(digest):
        raise UntrustedIndex(
            f"{origin}: version {version} lists {path} without a valid sha256 "
            f"(got {shorten(digest)}); refusing to trust it — the index must give every "
            "file's lower-case hex sha256"
        )
    size = meta.get("bytes")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise UntrustedIndex(f"{origin}: version {version} lists {path} without a size")
    parts = path.split("/")
    if path.startswith("/") or "\\" in path or any(p in ("", ".", "..") for p in parts):
        raise UntrustedIndex(f"{origin}: version {version} lists an unsafe path {path!r}")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are all different (json.loads would keep only the last)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise UntrustedIndex(
                f"key {shorten(key)} is given twice; the first value would be lost"
            )
        out[key] = value
    return out


def read_json(text: str, origin: str) -> Any:
    """Parse an index document strictly: valid JSON, and no key given twice in an object.

    Example
    -------
    >>> read_json('{"versions": []}', "index.json")
    {'versions': []}
    """
    try:
        return json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise UntrustedIndex(f"{origin}: not a JSON document: {exc}") from None
    except UntrustedIndex as exc:
        raise UntrustedIndex(f"{origin}: {exc}") from None


def load_index(path: Path) -> list[Version]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UntrustedIndex(f"{path}: not UTF-8 text: {exc}") from None
    return parse_index(read_json(text, str(path)), str(path))


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
    atomic.write_text(path, dump_index(versions))


# --- remote ------------------------------------------------------

DEFAULT_URL = "https://raw.githubusercontent.com/alliance-data/alliance_data/main/releases/"
INDEX_CACHE = "remote-index.json"


def base_url() -> str:
    url = os.environ.get("ALLIANCE_DATA_URL") or DEFAULT_URL
    return url if url.endswith("/") else url + "/"


def cached_index() -> list[Version]:
    """The remote index as last fetched from the current base URL; [] if none or damaged.

    The cache file holds the URL, the index text and its sha256, written atomically; a file
    whose text does not match its hash, or that came from another URL, is ignored.
    """
    path = cache_dir() / INDEX_CACHE
    try:
        wrapper = json.loads(path.read_text(encoding="utf-8"))
        body = wrapper["body"]
        if wrapper["url"] != base_url() + "index.json":
            return []
        if hashlib.sha256(body.encode("utf-8")).hexdigest() != wrapper["sha256"]:
            return []
        return parse_index(read_json(body, str(path)), str(path))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []


def remote_index() -> list[Version]:
    """The index published at the base URL (fetched now, then cached for offline use)."""
    url = base_url() + "index.json"
    parts: list[bytes] = []
    try:
        _stream(url, MAX_INDEX, parts.append)
    except DownloadError as exc:
        raise DownloadError(f"could not download the release index from {url}: {exc}") from exc
    try:
        body = b"".join(parts).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UntrustedIndex(f"{url}: not UTF-8 text: {exc}") from None
    versions = parse_index(read_json(body, url), url)
    root = cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    wrapper = {"url": url, "sha256": hashlib.sha256(body.encode()).hexdigest(), "body": body}
    atomic.write_text(safe_path(root, INDEX_CACHE), json.dumps(wrapper) + "\n")
    return versions


def cached_release(entry: Version) -> Path | None:
    """The cached folder of a version if every file is there and matches its hash."""
    root = cache_dir()
    folder = safe_path(root, entry.version)
    for path, meta in entry.files.items():
        target = safe_path(root, f"{entry.version}/{path}")
        if not target.is_file() or sha256(target) != meta["sha256"]:
            return None
    return folder


def fetch_release(entry: Version, *, progress: bool = False) -> Path:
    """Download (or reuse from the cache) every file of a version; return its folder.

    One lock per version: concurrent callers wait for the first and then reuse its files.
    """
    check_version(entry.version)
    root = cache_dir()
    total = sum(meta["bytes"] for meta in entry.files.values())
    with locked(root, entry.version):
        folder = cached_release(entry)
        if folder is not None:
            return folder
        folder = safe_path(root, entry.version)
        with _bar(progress, total, f"alliance-data {entry.version}") as bar:
            for path, meta in entry.files.items():
                url = f"{base_url()}{entry.version}/{path}"
                target = folder / path
                atomic.clean_leftovers(target.parent)
                try:
                    verified_file(url, target, meta["sha256"], size=meta["bytes"], root=root)
                except UnsafeCache:
                    raise
                except DownloadError as exc:
                    raise DownloadError(
                        f"release {entry.version} ({path}): {exc}. Check the network or "
                        "ALLIANCE_DATA_URL; the shipped version still loads offline."
                    ) from exc
                bar.update(meta["bytes"])
    return folder


def _bar(show: bool, total: int, label: str) -> Any:
    """One progress bar for the whole release (tqdm), or a silent stand-in."""
    from tqdm import tqdm

    return tqdm(total=total, unit="B", unit_scale=True, desc=label, disable=not show)
