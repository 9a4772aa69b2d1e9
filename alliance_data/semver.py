"""Release version strings: checked before they become a path or a URL."""

from __future__ import annotations

import re

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
