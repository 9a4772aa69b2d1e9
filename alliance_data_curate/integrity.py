"""A built release's files against the hashes and sizes its descriptor and the index give.

``validate --release`` calls :func:`check` before the rules on rows: a file whose bytes are
not the ones ``datapackage.json`` (``hash``, ``bytes``) and ``releases/index.json``
(``sha256``, ``bytes``) promise is a problem, whatever its rows say.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from alliance_data.fetch import UntrustedIndex, load_index, sha256

from .records import Problem


def check(folder: Path, index_path: Path | None = None) -> list[Problem]:
    """Every resource's sha256 and size against ``datapackage.json`` and the index.

    Parameters
    ----------
    folder
        The release folder (holding ``datapackage.json``).
    index_path
        The index listing this release (default: ``index.json`` beside the folder, used
        when it lists the folder's version).

    Example
    -------
    >>> check(Path("releases/0.3.0"))  # doctest: +SKIP
    []
    """
    problems: list[Problem] = []
    descriptor = folder / "datapackage.json"
    try:
        package = json.loads(descriptor.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [Problem(str(descriptor), None, "-", None, None, f"unreadable: {exc}")]
    actual: dict[str, dict[str, Any]] = {}

    def measured(path: str) -> dict[str, Any] | None:
        if path not in actual:
            file = folder / path
            ok = file.is_file() and file.resolve().is_relative_to(folder.resolve())
            actual[path] = {"sha256": sha256(file), "bytes": file.stat().st_size} if ok else {}
        return actual[path] or None

    for resource in package.get("resources", []):
        paths = resource.get("path")
        paths = paths if isinstance(paths, list) else [paths]
        name = str(resource.get("name", "?"))
        for path in paths:
            shown = str(folder / str(path))
            got = measured(str(path))
            if got is None:
                problems.append(Problem(shown, None, name, None, "path", "file missing"))
                continue
            want_hash = str(resource.get("hash", "")).removeprefix("sha256:")
            if want_hash and got["sha256"] != want_hash:
                reason = f"sha256 {got['sha256']} but datapackage.json says {want_hash}"
                problems.append(Problem(shown, None, name, None, "hash", reason))
            if "bytes" in resource and len(paths) == 1 and got["bytes"] != resource["bytes"]:
                reason = f"{got['bytes']} bytes but datapackage.json says {resource['bytes']}"
                problems.append(Problem(shown, None, name, None, "bytes", reason))
    problems += _against_index(folder, index_path or folder.parent / "index.json", measured)
    return problems


def _against_index(folder: Path, index_path: Path, measured) -> list[Problem]:
    if not index_path.is_file():
        return []
    try:
        versions = load_index(index_path)
    except UntrustedIndex as exc:
        return [Problem(str(index_path), None, "-", None, None, str(exc))]
    entry = next((v for v in versions if v.version == folder.name), None)
    if entry is None:
        return []
    problems = []
    for path, meta in entry.files.items():
        shown = str(folder / path)
        got = measured(path)
        if got is None:
            problems.append(
                Problem(shown, None, "-", None, None, "listed in the index but missing")
            )
        elif got != {"sha256": meta["sha256"], "bytes": meta["bytes"]}:
            reason = (
                f"sha256 {got['sha256']}, {got['bytes']} bytes but {index_path.name} says "
                f"{meta['sha256']}, {meta['bytes']} bytes"
            )
            problems.append(Problem(shown, None, "-", None, None, reason))
    listed = set(entry.files)
    for file in sorted(folder.rglob("*")):
        relative = file.relative_to(folder).as_posix()
        if file.is_file() and relative not in listed:
            reason = f"not listed in {index_path.name} for version {entry.version}"
            problems.append(Problem(str(file), None, "-", None, None, reason))
    return problems
