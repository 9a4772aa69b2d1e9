"""The release index (``releases/index.json``): every version, its date and its files' hashes.

The downloader trusts nothing else, so reading it is strict: a file without a sha256 is
refused rather than fetched unchecked.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .semver import check_version, version_key

HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Version:
    version: str
    date: str
    files: dict[str, dict[str, Any]]  # POSIX path -> {"sha256": hex, "bytes": int}


class UntrustedIndex(ValueError):
    """The index is malformed or untrustworthy."""


def parse(document: dict[str, Any], origin: str = "index.json") -> list[Version]:
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


def load(path: Path) -> list[Version]:
    return parse(json.loads(path.read_text(encoding="utf-8")), str(path))


def dump(versions: list[Version]) -> str:
    document = {
        "versions": [
            {"version": v.version, "date": v.date, "files": v.files}
            for v in sorted(versions, key=lambda v: version_key(v.version))
        ]
    }
    return json.dumps(document, indent=2, sort_keys=False) + "\n"


def save(path: Path, versions: list[Version]) -> None:
    """Replace the index atomically so readers never see half of it."""
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(dump(versions), encoding="utf-8")
    os.replace(tmp, path)
