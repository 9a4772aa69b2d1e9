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

from alliance_data import atomic, citation
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

    A recoverable transaction: the release is built into ``releases/.staging-VERSION``; a
    journal (``releases/.release-VERSION.json``) then records what is to be published; the
    staging folder is renamed to ``releases/VERSION``; ``__init__.py``, CITATION.cff,
    CHANGELOG.md and the README counts are updated (each file atomically) and the index
    last, which makes the version visible; the journal is removed. A run killed at any
    point is completed (journal written) or rolled back (no journal) by the next run.

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
    try:
        check_version(version)
    except ValueError as exc:
        raise ReleaseError(str(exc)) from None  # before anything is read or written
    releases = repo.releases
    if recover(repo) == version:
        return releases / version  # the interrupted run of this very release is now complete
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
    staging = releases / f"{STAGING}{version}"
    shutil.rmtree(staging, ignore_errors=True)
    build(
        staging,
        repo.records,
        repo.imported,
        version=version,
        date=date,
        text_dirs=text_dirs,
        notes=notes(repo.root / "CHANGELOG.md", version),
    )
    try:
        summary = ["- first release"]
        if latest:
            changes = diff(releases / latest, staging)
            needed, made = required_bump(latest, changes.bump()), bump_kind(latest, version)
            if BUMPS.index(made) < BUMPS.index(needed):
                raise ReleaseError(
                    f"{latest} → {version} is a {made} bump, but the changes need a {needed} "
                    "bump (see the versioning rules in the README)"
                )
            summary = changes.summary()
        summary += _import_notes(repo.imported)
        journal = {
            "version": version,
            "date": date.isoformat(),
            "summary": summary,
            "readme": _readme_lines(staging, repo),
            "files": file_inventory(staging),
        }
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    atomic.write_text(_journal_path(releases, version), json.dumps(journal, indent=1) + "\n")
    staging.rename(target)
    atomic.fsync_dir(releases)
    _publish(repo, journal)
    return target


STAGING = ".staging-"
JOURNAL = ".release-"


def _journal_path(releases: Path, version: str) -> Path:
    return releases / f"{JOURNAL}{version}.json"


def recover(repo: Checkout) -> str | None:
    """Complete or roll back a release a killed run left; return the version completed.

    With a journal, the release was fully built: it is renamed into place if needed and
    published. Without one, leftover staging folders are removed and nothing else changes.

    Example
    -------
    >>> recover(find())  # doctest: +SKIP
    """
    releases = repo.releases
    completed = None
    for path in sorted(releases.glob(f"{JOURNAL}*.json")):
        try:
            journal = json.loads(path.read_text(encoding="utf-8"))
            version = check_version(journal["version"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ReleaseError(f"{path}: unreadable release journal ({exc}); inspect it") from None
        target, staging = releases / version, releases / f"{STAGING}{version}"
        if not target.exists() and staging.is_dir():
            if file_inventory(staging) != journal["files"]:
                raise ReleaseError(f"{staging} does not match its journal {path}; inspect it")
            staging.rename(target)
            atomic.fsync_dir(releases)
        if not target.exists():
            path.unlink()  # never published: roll back
            continue
        if file_inventory(target) != journal["files"]:
            raise ReleaseError(f"{target} does not match its journal {path}; inspect it")
        _publish(repo, journal)
        completed = version
    for leftover in releases.glob(".*"):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)  # .staging-V, .V.xxxx from build
    return completed


def _publish(repo: Checkout, journal: dict) -> None:
    """Record a renamed-in release everywhere; each step may be repeated (idempotent)."""
    version, date = journal["version"], dt.date.fromisoformat(journal["date"])
    root, releases = repo.root, repo.releases
    _set_package_version(root, version)
    atomic.write_text(root / "CITATION.cff", citation.cff(version, date.isoformat()))
    _changelog(root / "CHANGELOG.md", version, date, journal["summary"])
    _readme_counts(root / "README.md", version, journal["readme"])
    index_path = releases / "index.json"
    versions = load_index(index_path) if index_path.exists() else []
    if not any(v.version == version for v in versions):
        versions.append(Version(version, date.isoformat(), journal["files"]))
        save_index(index_path, versions)  # the step that makes the version visible
    _journal_path(releases, version).unlink(missing_ok=True)
    atomic.fsync_dir(releases)


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
        atomic.write_text(init, text)


def _replace_block(text: str, name: str, lines: list[str]) -> str:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    if start not in text or end not in text:
        return text
    head, rest = text.split(start, 1)
    return head + start + "\n" + "\n".join(lines) + "\n" + end + rest.split(end, 1)[1]


def _readme_lines(release_dir: Path, repo: Checkout) -> dict[str, list[str]]:
    """The README's row-count tables (per table, and curated vs imported) for a release."""
    import pyarrow.parquet as pq

    totals = ["| table | rows |", "|---|---:|"]
    origin = ["| table | curated | imported (`imported/<source>/`) |", "|---|---:|---:|"]
    loaded = records.read(repo.records, repo.imported)
    for table, spec in TABLES.items():
        parts = release_files(release_dir, table, "parquet")
        rows = sum(pq.read_metadata(p).num_rows for p in parts)
        totals.append(f"| `{table}` | {rows} |")
        if spec.derived:
            continue  # built from the other tables: neither curated nor imported
        top = sum(1 for r in loaded.rows[table] if r.file.endswith(".yaml"))
        origin.append(f"| `{table}` | {top} | {len(loaded.rows[table]) - top} |")
    return {"counts": totals, "origin": origin}


def _readme_counts(readme: Path, version: str, lines: dict[str, list[str]]) -> None:
    """Keep the README's row counts and codebook link true to the release."""
    if not readme.exists():
        return
    text = readme.read_text(encoding="utf-8")
    for name, block in lines.items():
        text = _replace_block(text, name, block)
    text = re.sub(
        r"releases/[0-9]+\.[0-9]+\.[0-9]+/codebook\.md", f"releases/{version}/codebook.md", text
    )
    atomic.write_text(readme, text)


def _changelog(path: Path, version: str, date: dt.date, summary: list[str]) -> None:
    """Move the Unreleased notes under the new version and add the data diff below them."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Changelog\n"
    if f"\n## {version} — " in text:
        return  # already recorded (a resumed release)
    if UNRELEASED not in text:
        text = text.rstrip("\n") + f"\n\n{UNRELEASED}\n"
    head, _, rest = text.partition(UNRELEASED)
    notes, sep, older = rest.partition("\n## ")
    entry = f"## {version} — {date.isoformat()}\n\n{notes.strip(chr(10))}\n\n"
    entry += f"{DATA_CHANGES} (`alliance-data diff`)\n\n" + "\n".join(summary) + "\n"
    tail = f"\n## {older}" if sep else ""
    atomic.write_text(path, f"{head}{UNRELEASED}\n\n{entry}{tail}")
