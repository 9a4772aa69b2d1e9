"""Download the upstream files at their pinned commits, each checked against its sha256.

``registry.json`` records, per repository, the pinned commit and the sha256 of every file the
importer reads (computed from the local snapshot of that commit). Each file is streamed to a
temporary name beside its target (size-capped, with a deadline), its hash checked, and only then
renamed into the cache, so a tampered or truncated download never lands there; no symbolic link
inside the cache is followed (see ``alliance_data.fetch.verified_file``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from alliance_data.fetch import DownloadError, cache_dir, sha256, verified_file

from .parse import UpstreamError

REGISTRY = Path(__file__).with_name("registry.json")
DEFAULT_BASE_URL = "https://raw.githubusercontent.com/HistoryAtState"
BASE_URL_ENV = "ALLIANCE_DATA_HSG_URL"


def load_registry(path: Path = REGISTRY) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def pinned_commits(registry: dict[str, Any] | None = None) -> dict[str, str]:
    registry = registry or load_registry()
    return {repo: entry["commit"] for repo, entry in registry.items()}


def url(base: str, repo: str, commit: str, path: str) -> str:
    """raw.githubusercontent.com/HistoryAtState/<repo>/<commit>/<path>, or the same below base."""
    return f"{base.rstrip('/')}/{repo}/{commit}/{path}"


def resolve_commits(requested: list[str] | None, registry: dict[str, Any]) -> dict[str, str]:
    """Check requested commits against the registry: only pinned commits have known hashes."""
    commits = pinned_commits(registry)
    for sha in requested or []:
        if sha == "pinned":
            continue
        repos = [r for r, c in commits.items() if c.startswith(sha.lower()) and len(sha) >= 7]
        if not repos:
            known = ", ".join(f"{r} {c}" for r, c in commits.items())
            raise UpstreamError(
                f"no file hashes are recorded for commit {sha!r}; pinned commits: {known} "
                f"(add the commit's files and hashes to {REGISTRY.name} first)"
            )
    return commits


def fetch(
    commits: list[str] | None = None,
    *,
    cache: Path | None = None,
    base_url: str | None = None,
    registry: dict[str, Any] | None = None,
) -> dict[str, Path]:
    """Download (or reuse from the cache) every registered file; return each repo's folder."""
    registry = registry or load_registry()
    pinned = resolve_commits(commits, registry)
    base = base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    root = Path(cache) if cache else cache_dir()
    folders = {}
    for repo, entry in registry.items():
        folder = root / "hsg" / f"{repo}-{pinned[repo]}"
        for path, digest in sorted(entry["files"].items()):
            try:
                verified_file(url(base, repo, pinned[repo], path), folder / path, digest, root=root)
            except DownloadError as exc:
                raise UpstreamError(f"pinned upstream file {repo}/{path}: {exc}") from None
        folders[repo] = folder
    return folders


def check_snapshot(folders: dict[str, Path], registry: dict[str, Any] | None = None) -> list[str]:
    """Files of a local snapshot that differ from (or are missing against) the pinned hashes."""
    registry = registry or load_registry()
    differing = []
    for repo, entry in registry.items():
        for path, digest in sorted(entry["files"].items()):
            local = folders[repo] / path
            if not local.is_file() or sha256(local) != digest:
                differing.append(f"{repo}/{path}")
    return differing


def make_registry(folders: dict[str, Path], commits: dict[str, str]) -> dict[str, Any]:
    """The registry for a snapshot known to be at ``commits`` (used to write registry.json)."""
    patterns = {
        "travels": [
            "code-tables/*.xml",
            "presidents/*.xml",
            "president-travels/*.xml",
            "secretary-travels/*.xml",
        ],
        "visits": ["data/*.xml"],
        "pocom": [
            "people/*/*.xml",
            "positions-principals/*.xml",
            "missions-countries/*.xml",
            "missions-orgs/*.xml",
            "roles-country-chiefs/*.xml",
        ],
    }
    registry = {}
    for repo, folder in folders.items():
        files = sorted(p for pattern in patterns[repo] for p in folder.glob(pattern))
        registry[repo] = {
            "commit": commits[repo],
            "files": {p.relative_to(folder).as_posix(): sha256(p) for p in files},
        }
    return registry


def require_pinned(
    folders: dict[str, Path], registry: dict[str, Any], path: Path, allow_unpinned: bool
) -> list[str]:
    """The snapshot's files that are missing or differ from the registry; refused unless allowed.

    Raises
    ------
    UpstreamError
        Some files differ and ``allow_unpinned`` is false; nothing has been written.

    Example
    -------
    >>> require_pinned({"travels": Path("t")}, load_registry(), REGISTRY, True)  # doctest: +SKIP
    []
    """
    differing = check_snapshot(folders, registry)
    if differing and not allow_unpinned:
        shown = ", ".join(differing[:5]) + (
            f" and {len(differing) - 5} more" if len(differing) > 5 else ""
        )
        raise UpstreamError(
            f"{len(differing)} upstream file(s) are missing or differ from the sha256 pinned in "
            f"{path.name}: {shown}. Import the pinned snapshot, or pass "
            "--allow-unpinned to import these files anyway (the summary will list them)"
        )
    return differing
