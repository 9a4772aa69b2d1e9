"""Publishing: ``alliance-data release`` adds a new immutable version to ``releases/``.

A published release is never rewritten: an existing version is refused, and a correction
becomes a new version whose CHANGELOG entry says what changed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

from alliance_data import citation
from alliance_data.fetch import (
    Version,
    check_version,
    file_inventory,
    load_index,
    save_index,
    version_key,
)
from alliance_data.layout import release_files

from . import records
from .build import ReleaseError, build
from .diff import diff
from .models import TABLES
from .repo import Checkout

BUMPS = ("patch", "minor", "major")
UNRELEASED = "## Unreleased"
DATA_CHANGES = "### Data changes"


def notes(changelog: Path, version: str) -> str:
    """The curators' notes of a version in ``CHANGELOG.md``, as the overview page shows them.

    The notes under the version's heading (without the generated data diff), or, for a
    version not yet released, the notes under "Unreleased", which ``release`` moves there.
    So a release and its rebuild show the same notes. Empty if there is no changelog.

    Example
    -------
    >>> notes(Path("CHANGELOG.md"), "0.3.0").splitlines()[0]  # doctest: +SKIP
    'Corrections and additions after an independent audit of the records curated from the seed'
    """
    if not changelog.is_file():
        return ""
    text = changelog.read_text(encoding="utf-8")
    heading = re.search(rf"^## {re.escape(version)} — .*$", text, flags=re.M)
    if heading:
        body = text[heading.end() :]
    elif UNRELEASED in text:
        body = text.split(UNRELEASED, 1)[1]
    else:
        return ""
    body = body.split("\n## ", 1)[0].split(DATA_CHANGES, 1)[0]
    return body.strip("\n")


def bump_kind(old: str, new: str) -> str:
    o, n = version_key(old), version_key(new)
    if n[0] > o[0]:
        return "major"
    return "minor" if n[1] > o[1] else "patch"


def required_bump(latest: str, needed: str) -> str:
    """While the data is a draft (0.y.z), a breaking change needs only a minor bump."""
    if version_key(latest)[0] == 0 and needed == "major":
        return "minor"
    return needed


def release(
    version: str,
    repo: Checkout,
    *,
    date: dt.date | None = None,
    text_dirs: list[Path] | None = None,
) -> Path:
    """Build ``releases/VERSION``, then record it in the index, CHANGELOG and CITATION.cff.

    Parameters
    ----------
    version
        ``MAJOR.MINOR.PATCH``, newer than the latest release, with at least the bump the
        diff against the latest release needs.
    repo
        The checkout to publish in (see ``repo.find``).

    Raises
    ------
    ReleaseError
        The version exists, is not newer, or is too small a bump for the changes.

    Example
    -------
    >>> release("0.4.0", find())  # doctest: +SKIP
    PosixPath('.../releases/0.4.0')
    """
    check_version(version)
    releases = repo.releases
    index_path = releases / "index.json"
    versions = load_index(index_path) if index_path.exists() else []
    target = releases / version
    if target.exists() or any(v.version == version for v in versions):
        raise ReleaseError(
            f"release {version} already exists in {releases}; published releases are never "
            "rewritten — choose a new version"
        )
    latest = versions[-1].version if versions else None
    if latest and version_key(version) <= version_key(latest):
        raise ReleaseError(f"version {version} is not newer than the latest release {latest}")
    date = date or dt.date.today()
    build(
        target,
        repo.records,
        repo.imported,
        version=version,
        date=date,
        text_dirs=text_dirs,
        notes=notes(repo.root / "CHANGELOG.md", version),
    )
    summary = ["- first release"]
    if latest:
        changes = diff(releases / latest, target)
        needed, made = required_bump(latest, changes.bump()), bump_kind(latest, version)
        if BUMPS.index(made) < BUMPS.index(needed):
            shutil.rmtree(target)
            raise ReleaseError(
                f"{latest} → {version} is a {made} bump, but the changes need a {needed} bump "
                "(see the versioning rules in the README)"
            )
        summary = changes.summary()
    summary += _import_notes(repo.imported)
    versions.append(Version(version, date.isoformat(), file_inventory(target)))
    save_index(index_path, versions)
    root = repo.root
    _set_package_version(root, version)
    (root / "CITATION.cff").write_text(citation.cff(version, date.isoformat()), encoding="utf-8")
    _changelog(root / "CHANGELOG.md", version, date, summary)
    _readme_counts(root / "README.md", target, repo)
    return target


def _import_notes(directory: Path) -> list[str]:
    """The importers' summaries (rows read, written, merged, flagged) for the release notes."""
    lines = []
    for path in sorted(Path(directory).glob("**/import_summary.json")):
        summary = json.loads(path.read_text(encoding="utf-8"))
        rows = summary.get("rows_read", {})
        lines.append(
            f"- import `{path.parent.name}`: {rows.get('total', '?')} upstream rows read, "
            f"{summary.get('meetings_written', '?')} meetings written, "
            f"{summary.get('merged_exact_duplicates', '?')} exact duplicates merged, "
            f"{summary.get('near_duplicates_flagged', '?')} near-duplicates flagged, "
            f"{summary.get('unmapped', '?')} unmapped"
        )
    return lines


def _set_package_version(repo: Path, version: str) -> None:
    init = repo / "alliance_data" / "__init__.py"
    if init.exists():
        text = re.sub(
            r'^__version__ = "[^"]*"',
            f'__version__ = "{version}"',
            init.read_text(encoding="utf-8"),
            count=1,
            flags=re.M,
        )
        init.write_text(text, encoding="utf-8")


def _replace_block(text: str, name: str, lines: list[str]) -> str:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    if start not in text or end not in text:
        return text
    head, rest = text.split(start, 1)
    return head + start + "\n" + "\n".join(lines) + "\n" + end + rest.split(end, 1)[1]


def _readme_counts(readme: Path, release_dir: Path, repo: Checkout) -> None:
    """Keep the README's row counts (per table, and curated vs imported) true to the release."""
    if not readme.exists():
        return
    import pyarrow.parquet as pq

    totals = ["| table | rows |", "|---|---:|"]
    origin = ["| table | curated | imported (`imported/<source>/`) |", "|---|---:|---:|"]
    loaded = records.read(repo.records, repo.imported)
    for table in TABLES:
        parts = release_files(release_dir, table, "parquet")
        rows = sum(pq.read_metadata(p).num_rows for p in parts)
        totals.append(f"| `{table}` | {rows} |")
        top = sum(1 for r in loaded.rows[table] if r.file.endswith(".yaml"))
        origin.append(f"| `{table}` | {top} | {len(loaded.rows[table]) - top} |")
    text = readme.read_text(encoding="utf-8")
    text = _replace_block(_replace_block(text, "counts", totals), "origin", origin)
    text = re.sub(
        r"releases/\d+\.\d+\.\d+/codebook\.md", f"releases/{release_dir.name}/codebook.md", text
    )
    readme.write_text(text, encoding="utf-8")


def _changelog(path: Path, version: str, date: dt.date, summary: list[str]) -> None:
    """Move the Unreleased notes under the new version and add the data diff below them."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Changelog\n"
    if UNRELEASED not in text:
        text = text.rstrip("\n") + f"\n\n{UNRELEASED}\n"
    head, _, rest = text.partition(UNRELEASED)
    notes, sep, older = rest.partition("\n## ")
    entry = f"## {version} — {date.isoformat()}\n\n{notes.strip(chr(10))}\n\n"
    entry += f"{DATA_CHANGES} (`alliance-data diff`)\n\n" + "\n".join(summary) + "\n"
    tail = f"\n## {older}" if sep else ""
    path.write_text(f"{head}{UNRELEASED}\n\n{entry}{tail}", encoding="utf-8")
