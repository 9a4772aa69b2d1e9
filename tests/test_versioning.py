"""The version bump a release needs: removals break users, additions do not, edits are fixes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from alliance_data import fetch
from alliance_data_curate.build import ReleaseError, build
from alliance_data_curate.diff import ReleaseDiff, TableDiff, diff
from alliance_data_curate.release import bump_kind, release, required_bump
from conftest import RELEASE_DATE, TEXTS, checkout

KOREA = "- party_id: KOR\n  name: South Korea\n  kind: state\n  cow_code: 732\n"


def _with_korea(records: Path) -> None:
    path = records / "parties.yaml"
    path.write_text(path.read_text(encoding="utf-8") + KOREA, encoding="utf-8")


def _without_korea(records: Path) -> None:
    path = records / "parties.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(KOREA, ""), encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "bump"),
    [
        ({}, "patch"),
        ({"changed": {"k": ["name"]}}, "patch"),
        ({"added": ["k"]}, "minor"),
        ({"fields_added": ["f"]}, "minor"),
        ({"removed": ["k"]}, "major"),
        ({"fields_removed": ["f"]}, "major"),
        ({"removed": ["k"], "added": ["j"], "changed": {"i": ["name"]}}, "major"),
    ],
)
def test_bump_of_one_table_change(change: dict, bump: str) -> None:
    quiet = TableDiff()
    assert ReleaseDiff({"a": quiet, "b": TableDiff(**change)}, [], []).bump() == bump
    assert ReleaseDiff({"b": TableDiff(**change), "a": quiet}, [], []).bump() == bump


def test_bump_of_tables_added_or_removed() -> None:
    assert ReleaseDiff({}, ["new"], []).bump() == "minor"
    assert ReleaseDiff({}, [], ["old"]).bump() == "major"
    assert ReleaseDiff({}, ["new"], ["old"]).bump() == "major"


def test_removed_records_are_a_breaking_change_in_real_releases(
    records_copy: Path, tmp_path: Path
) -> None:
    _with_korea(records_copy)
    old = build(tmp_path / "old", records_copy, version="1.0.0", date=RELEASE_DATE,
                text_dirs=[TEXTS])  # fmt: skip
    _without_korea(records_copy)
    new = build(tmp_path / "new", records_copy, version="2.0.0", date=RELEASE_DATE,
                text_dirs=[TEXTS])  # fmt: skip
    changes = diff(old, new)
    assert changes.tables["parties"].removed == ["KOR"]
    assert [name for name, d in changes.tables.items() if not d.empty] == ["parties"]
    assert changes.bump() == "major"
    assert diff(new, old).bump() == "minor"  # the same record added back
    assert "  - removed `KOR`" in changes.summary()


def test_a_removed_field_is_a_breaking_change(mini_release: Path, tmp_path: Path) -> None:
    import shutil

    copy = shutil.copytree(mini_release, tmp_path / "copy")
    path = copy / "csv" / "parties.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(",".join(line.split(",")[:-1]) for line in lines) + "\n")
    changes = diff(mini_release, copy)
    assert changes.tables["parties"].fields_removed == ["wikidata_id"]
    assert changes.bump() == "major"
    assert diff(copy, mini_release).bump() == "minor"


def test_a_removed_table_is_a_breaking_change(mini_release: Path, tmp_path: Path) -> None:
    import shutil

    copy = shutil.copytree(mini_release, tmp_path / "copy")
    path = copy / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    package["resources"] = [r for r in package["resources"] if r["name"] != "official_aliases"]
    path.write_text(json.dumps(package), encoding="utf-8")
    changes = diff(mini_release, copy)
    assert changes.tables_removed == ["official_aliases"]
    assert changes.bump() == "major"
    assert diff(copy, mini_release).tables_added == ["official_aliases"]
    assert diff(copy, mini_release).bump() == "minor"


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        ("0.1.0", "0.1.1", "patch"),
        ("0.1.9", "0.2.0", "minor"),
        ("0.9.0", "1.0.0", "major"),
        ("1.2.3", "1.2.4", "patch"),
        ("1.2.3", "1.3.0", "minor"),
        ("1.2.3", "2.0.0", "major"),
        ("1.9.9", "1.10.0", "minor"),  # numbers, not text
        ("9.0.0", "10.0.0", "major"),
    ],
)
def test_bump_kind(old: str, new: str, kind: str) -> None:
    assert bump_kind(old, new) == kind


@pytest.mark.parametrize(
    ("latest", "needed", "required"),
    [
        ("0.2.0", "major", "minor"),  # a draft (0.y.z) takes breaking changes in a minor bump
        ("0.2.0", "minor", "minor"),
        ("0.2.0", "patch", "patch"),
        ("1.0.0", "major", "major"),
        ("1.0.0", "minor", "minor"),
        ("1.0.0", "patch", "patch"),
        ("10.0.0", "major", "major"),
    ],
)
def test_required_bump(latest: str, needed: str, required: str) -> None:
    assert required_bump(latest, needed) == required


def _released(repo: Path) -> list[str]:
    return [v.version for v in fetch.load_index(repo / "releases" / "index.json")]


@pytest.mark.parametrize(
    ("first", "too_small", "made", "needed", "enough"),
    [
        ("1.0.0", "1.1.0", "minor", "major", "2.0.0"),
        ("0.1.0", "0.1.1", "patch", "minor", "0.2.0"),
    ],
)
def test_release_refuses_too_small_a_bump_after_a_removal(
    tmp_path: Path, records_copy: Path, first, too_small, made, needed, enough
) -> None:
    repo = tmp_path / "repo"
    _with_korea(records_copy)
    release(first, checkout(repo, records_copy), date=RELEASE_DATE, text_dirs=[TEXTS])
    _without_korea(records_copy)
    with pytest.raises(
        ReleaseError, match=f"{first} → {too_small} is a {made} bump, but the changes need a "
        f"{needed} bump"
    ):  # fmt: skip
        release(too_small, checkout(repo, records_copy), text_dirs=[TEXTS])
    assert sorted(p.name for p in (repo / "releases").iterdir()) == [first, "index.json"]
    assert _released(repo) == [first]
    release(enough, checkout(repo, records_copy), date=dt.date(2021, 5, 1), text_dirs=[TEXTS])
    assert _released(repo) == [first, enough]
    assert "  - removed `KOR`" in (repo / "CHANGELOG.md").read_text(encoding="utf-8")


def test_summary_lists_every_kind_of_change() -> None:
    changes = ReleaseDiff(
        {
            "quiet": TableDiff(),
            "parties": TableDiff(
                added=["KOR"],
                removed=["PRK"],
                changed={"JPN": ["name", "cow_code"]},
                fields_added=["a", "b"],
                fields_removed=["c", "d"],
            ),
        },
        tables_added=["new"],
        tables_removed=["old"],
    )
    assert changes.summary() == [
        "- new table `new`",
        "- removed table `old`",
        "- `parties`: 1 added, 1 removed, 1 changed; new fields a, b; removed fields c, d",
        "  - added `KOR`",
        "  - removed `PRK`",
        "  - changed `JPN` (name, cow_code)",
    ]
    assert ReleaseDiff({"quiet": TableDiff()}, [], []).summary() == ["- no changes to the data"]


@pytest.mark.parametrize(
    ("count", "details", "more"),
    [(20, None, None), (21, None, 1), (2, 2, None), (3, 2, 1), (7, 2, 5)],
)
def test_summary_cuts_long_lists(count: int, details: int | None, more: int | None) -> None:
    changes = ReleaseDiff({"t": TableDiff(added=[f"k{i:02}" for i in range(count)])}, [], [])
    lines = changes.summary() if details is None else changes.summary(details)
    shown = count if more is None else count - more
    assert lines[0] == f"- `t`: {count} added, 0 removed, 0 changed"
    assert lines[1:] == [f"  - added `k{i:02}`" for i in range(shown)] + (
        [f"  - ... and {more} more"] if more else []
    )


def test_changed_fields_under_a_composite_key(mini_release: Path, tmp_path: Path) -> None:
    import shutil

    copy = shutil.copytree(mini_release, tmp_path / "copy")
    path = copy / "csv" / "meeting_participants.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Secretary of State", "Secrétaire d'État"),
        encoding="utf-8",
    )
    changes = diff(mini_release, copy)
    assert changes.tables["meeting_participants"].changed == {
        "tokyo-meeting-2021/antony-blinken": ["role_title"]
    }
    assert [n for n, d in changes.tables.items() if not d.empty] == ["meeting_participants"]
    assert changes.bump() == "patch"


def test_a_release_folder_without_an_index_entry_is_never_overwritten(
    tmp_path: Path, records_copy: Path
) -> None:
    repo = tmp_path / "repo"
    release("0.1.0", checkout(repo, records_copy), date=RELEASE_DATE, text_dirs=[TEXTS])
    stray = repo / "releases" / "0.2.0"
    stray.mkdir()
    (stray / "mine.txt").write_text("kept")
    with pytest.raises(
        ReleaseError,
        match=r"^release 0\.2\.0 already exists in .*releases; published releases are never "
        r"rewritten — choose a new version$",
    ):
        release("0.2.0", checkout(repo, records_copy), text_dirs=[TEXTS])
    assert [p.name for p in stray.iterdir()] == ["mine.txt"]
    assert _released(repo) == ["0.1.0"]
