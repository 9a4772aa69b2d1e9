"""What ``release`` writes besides the release folder, and how a killed release is recovered.

Exact outputs: CHANGELOG.md, CITATION.cff, the package version, the README's row counts and
codebook link, the index, the journal, and ``recover`` on each state a killed run can leave.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from alliance_data import citation
from alliance_data import fetch as index
from alliance_data.fetch import file_inventory
from alliance_data_curate import release as rel
from alliance_data_curate.build import ReleaseError
from alliance_data_curate.models import TABLES
from alliance_data_curate.records import RecordsError
from alliance_data_curate.repo import Checkout
from conftest import RECORDS_MIN, RELEASE_DATE, TEXTS, checkout

README = """\
# Title

Counts:

<!-- counts:start -->
stale
<!-- counts:end -->

Origin:

<!-- origin:start -->
stale
<!-- origin:end -->

See [the codebook](releases/0.0.1/codebook.md) and releases/0.0.1/codebook.md.
"""
INIT = '"""The package."""\n\n__version__ = "0.0.0"\n__all__ = ["x"]\n__version__ = "keep"\n'
CHANGELOG = "# Changelog\n\nIntro.\n\n## Unreleased\n\n- first data\n- more\n"


def _repo(tmp_path: Path, records: Path):
    root = tmp_path / "repo"
    (root / "alliance_data").mkdir(parents=True)
    (root / "alliance_data" / "__init__.py").write_text(INIT, encoding="utf-8")
    (root / "README.md").write_text(README, encoding="utf-8")
    (root / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
    return checkout(root, records)


# --- notes -------------------------------------------------------------------------------


LOG = """\
# Changelog

## Unreleased

- next thing

## 0.2.0 — 2021-05-01

- second
  ## not a heading (indented)

### Data changes (`alliance-data diff`)

- `parties`: 1 added
### Data changes again

## 0.1.0 — 2021-04-01

- first
"""


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("0.2.0", "- second\n  ## not a heading (indented)"),
        ("0.1.0", "- first"),
        ("0.3.0", "- next thing"),  # not released yet: the Unreleased notes
    ],
)
def test_notes_of_a_version(tmp_path: Path, version: str, expected: str) -> None:
    path = tmp_path / "CHANGELOG.md"
    path.write_text(LOG, encoding="utf-8")
    assert rel.notes(path, version) == expected


def test_notes_with_two_unreleased_headings_take_the_first(tmp_path: Path) -> None:
    path = tmp_path / "CHANGELOG.md"
    path.write_text("## Unreleased\n\nA\n\n## Unreleased\n\nB\n", encoding="utf-8")
    assert rel.notes(path, "9.9.9") == "A"


def test_notes_keep_what_precedes_a_second_data_section(tmp_path: Path) -> None:
    path = tmp_path / "CHANGELOG.md"
    path.write_text(
        "## 1.0.0 — 2020-01-01\n\nA\n### Data changes\nB\n### Data changes\nC\n", encoding="utf-8"
    )
    assert rel.notes(path, "1.0.0") == "A"


def test_notes_without_a_changelog_or_a_match_are_empty(tmp_path: Path) -> None:
    assert rel.notes(tmp_path / "missing.md", "0.1.0") == ""
    path = tmp_path / "CHANGELOG.md"
    path.write_text("# Changelog\n\n## 0.1.0 — 2021-04-01\n\n- first\n", encoding="utf-8")
    assert rel.notes(path, "0.2.0") == ""


def test_notes_read_utf8(tmp_path: Path) -> None:
    path = tmp_path / "CHANGELOG.md"
    path.write_bytes("## Unreleased\n\n- Ōsaka — ROK\n".encode())
    assert rel.notes(path, "1.0.0") == "- Ōsaka — ROK"


# --- the CHANGELOG entry ------------------------------------------------------------------


def test_changelog_moves_unreleased_notes_under_the_version(tmp_path: Path) -> None:
    path = tmp_path / "CHANGELOG.md"
    path.write_text(CHANGELOG + "\n## 0.1.0 — 2021-04-01\n\n- old\n", encoding="utf-8")
    rel._changelog(path, "0.2.0", dt.date(2021, 5, 1), ["- `parties`: 1 added", "- b"])
    assert path.read_text(encoding="utf-8") == (
        "# Changelog\n\nIntro.\n\n## Unreleased\n\n"
        "## 0.2.0 — 2021-05-01\n\n- first data\n- more\n\n"
        "### Data changes (`alliance-data diff`)\n\n- `parties`: 1 added\n- b\n"
        "\n## 0.1.0 — 2021-04-01\n\n- old\n"
    )
    before = path.read_text(encoding="utf-8")
    rel._changelog(path, "0.2.0", dt.date(2021, 6, 1), ["- other"])  # a resumed release
    assert path.read_text(encoding="utf-8") == before


def test_changelog_created_or_given_an_unreleased_heading(tmp_path: Path) -> None:
    path = tmp_path / "CHANGELOG.md"
    rel._changelog(path, "0.1.0", dt.date(2021, 4, 1), ["- first release"])
    assert path.read_text(encoding="utf-8") == (
        "# Changelog\n\n## Unreleased\n\n## 0.1.0 — 2021-04-01\n\n\n\n"
        "### Data changes (`alliance-data diff`)\n\n- first release\n"
    )
    path.write_text("# Changelog\n\n\n", encoding="utf-8")
    rel._changelog(path, "0.1.0", dt.date(2021, 4, 1), ["- x"])
    assert path.read_text(encoding="utf-8").startswith("# Changelog\n\n## Unreleased\n\n## 0.1.0")


# --- README, package version --------------------------------------------------------------


def test_replace_block_rewrites_only_between_its_markers() -> None:
    text = "a\n<!-- n:start -->\nold\n<!-- n:end -->\nb <!-- n:end --> c\n"
    assert rel._replace_block(text, "n", ["x", "y"]) == (
        "a\n<!-- n:start -->\nx\ny\n<!-- n:end -->\nb <!-- n:end --> c\n"
    )
    assert rel._replace_block(text, "other", ["x"]) == text
    assert rel._replace_block("<!-- n:start --> only", "n", ["x"]) == "<!-- n:start --> only"
    assert rel._replace_block("<!-- n:end --> only", "n", ["x"]) == "<!-- n:end --> only"


def test_readme_counts_and_codebook_link(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(README, encoding="utf-8")
    rel._readme_counts(readme, "1.2.3", {"counts": ["| t | 1 |"], "origin": ["o"]})
    assert readme.read_text(encoding="utf-8") == (
        README.replace("stale", "| t | 1 |", 1)
        .replace("stale", "o", 1)
        .replace("releases/0.0.1/codebook.md", "releases/1.2.3/codebook.md")
    )
    rel._readme_counts(tmp_path / "none.md", "1.2.3", {})  # no README: nothing written
    assert not (tmp_path / "none.md").exists()


def test_set_package_version_changes_the_first_assignment_only(tmp_path: Path) -> None:
    (tmp_path / "alliance_data").mkdir()
    init = tmp_path / "alliance_data" / "__init__.py"
    init.write_text(INIT, encoding="utf-8")
    rel._set_package_version(tmp_path, "1.2.3")
    assert init.read_text(encoding="utf-8") == INIT.replace('"0.0.0"', '"1.2.3"')
    rel._set_package_version(tmp_path / "nowhere", "1.2.3")  # no package: nothing written
    assert not (tmp_path / "nowhere").exists()


def test_import_notes_summarise_each_importer(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "deep").mkdir(parents=True)
    (tmp_path / "b" / "import_summary.json").write_text(
        json.dumps(
            {
                "rows_read": {"total": 10},
                "meetings_written": 8,
                "merged_exact_duplicates": 1,
                "near_duplicates_flagged": 2,
                "unmapped": 0,
            }
        ),
        encoding="utf-8",
    )
    (tmp_path / "a" / "deep" / "import_summary.json").write_text("{}", encoding="utf-8")
    assert rel._import_notes(tmp_path) == [
        "- import `deep`: ? upstream rows read, ? meetings written, ? exact duplicates "
        "merged, ? near-duplicates flagged, ? unmapped",
        "- import `b`: 10 upstream rows read, 8 meetings written, 1 exact duplicates "
        "merged, 2 near-duplicates flagged, 0 unmapped",
    ]
    assert rel._import_notes(tmp_path / "none") == []


# --- a whole release, then a second one ---------------------------------------------------


def test_release_publishes_everywhere(tmp_path: Path, records_copy: Path) -> None:
    repo = _repo(tmp_path, records_copy)
    target = rel.release("0.1.0", repo, date=RELEASE_DATE, text_dirs=[TEXTS])
    assert target == repo.releases / "0.1.0"
    assert sorted(p.name for p in repo.releases.iterdir()) == ["0.1.0", "index.json"]
    root = repo.root
    assert (root / "CITATION.cff").read_text(encoding="utf-8") == citation.cff(
        "0.1.0", "2021-04-01"
    )
    assert (root / "alliance_data" / "__init__.py").read_text(encoding="utf-8") == (
        INIT.replace('"0.0.0"', '"0.1.0"')
    )
    log = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert log == (
        "# Changelog\n\nIntro.\n\n## Unreleased\n\n## 0.1.0 — 2021-04-01\n\n- first data\n"
        "- more\n\n### Data changes (`alliance-data diff`)\n\n- first release\n"
    )
    readme = (root / "README.md").read_text(encoding="utf-8")
    lines = rel._readme_lines(target, repo)
    for name in ("counts", "origin"):
        block = readme.split(f"<!-- {name}:start -->\n")[1].split(f"\n<!-- {name}:end -->")[0]
        assert block.splitlines() == lines[name]
    assert lines["counts"][:3] == ["| table | rows |", "|---|---:|", "| `sources` | 2 |"]
    assert lines["origin"][:3] == [
        "| table | curated | imported (`imported/<source>/`) |",
        "|---|---:|---:|",
        "| `sources` | 2 | 0 |",
    ]
    # every table is counted; derived ones (built from the others) have no origin row
    assert [line.split("`")[1] for line in lines["counts"][2:]] == list(TABLES)
    assert [line.split("`")[1] for line in lines["origin"][2:]] == [
        t for t, spec in TABLES.items() if not spec.derived
    ]
    assert lines["origin"][-1] == "| `upstream_records` | 0 | 0 |"
    assert "releases/0.1.0/codebook.md" in readme and "0.0.1" not in readme
    # the release was built with the Unreleased notes and the release date, as its rebuild will be
    assert "first data" in (target / "index.html").read_text(encoding="utf-8")
    package = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
    assert (package["version"], package["created"]) == ("0.1.0", "2021-04-01T00:00:00Z")
    versions = index.load_index(repo.releases / "index.json")
    assert [(v.version, v.date) for v in versions] == [("0.1.0", "2021-04-01")]
    assert versions[0].files == file_inventory(target)

    (root / "CHANGELOG.md").write_text(log + "\n", encoding="utf-8")
    second = rel.release("0.1.1", repo, date=dt.date(2021, 5, 2), text_dirs=[TEXTS])
    log2 = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    head = log2.split("\n## 0.1.0 — ")[0]
    assert head.startswith(
        "# Changelog\n\nIntro.\n\n## Unreleased\n\n## 0.1.1 — 2021-05-02\n\n\n\n"
        "### Data changes (`alliance-data diff`)\n\n"
    )
    assert log2.count("## 0.1.0 — 2021-04-01") == 1
    assert second == repo.releases / "0.1.1"
    assert [v.version for v in index.load_index(repo.releases / "index.json")] == [
        "0.1.0",
        "0.1.1",
    ]


def test_a_release_built_from_imported_rows_reads_them(tmp_path: Path, records_copy: Path) -> None:
    repo = _repo(tmp_path, records_copy)
    (repo.imported / "src").mkdir(parents=True)
    (repo.imported / "src" / "sources.csv").write_text(
        "source_id,title,author,publisher,series,published_date,published_date_precision,url,"
        "kind,license,text_file,text_sha256\n"
        "imported-source,An imported source,,,,,,,dataset,,,\n",
        encoding="utf-8",
    )
    rel.release("0.1.0", repo, date=RELEASE_DATE, text_dirs=[TEXTS])
    lines = rel._readme_lines(repo.releases / "0.1.0", repo)
    assert lines["counts"][2] == "| `sources` | 3 |"
    assert lines["origin"][2] == "| `sources` | 2 | 1 |"
    readme = (repo.root / "README.md").read_text(encoding="utf-8")
    assert "| `sources` | 2 | 1 |" in readme and "| `sources` | 3 |" in readme


@pytest.mark.parametrize("bad", ["1.0", "../1.0.0", "1.0.0\n"])
def test_a_bad_version_is_refused_before_anything_is_read(
    tmp_path: Path, records_copy: Path, bad: str
) -> None:
    repo = _repo(tmp_path, records_copy)
    with pytest.raises(ReleaseError, match=r"is not a semantic version such as 1\.2\.3"):
        rel.release(bad, repo, date=RELEASE_DATE, text_dirs=[TEXTS])
    assert list(repo.releases.iterdir()) == []


def test_too_small_a_bump_names_the_rules(tmp_path: Path, records_copy: Path) -> None:
    repo = _repo(tmp_path, records_copy)
    rel.release("0.1.0", repo, date=RELEASE_DATE, text_dirs=[TEXTS])
    (records_copy / "parties.yaml").write_text(
        (records_copy / "parties.yaml").read_text(encoding="utf-8")
        + "- party_id: KOR\n  name: South Korea\n  kind: state\n  cow_code: 732\n",
        encoding="utf-8",
    )
    with pytest.raises(ReleaseError) as info:
        rel.release("0.1.1", repo, date=RELEASE_DATE, text_dirs=[TEXTS])
    assert str(info.value) == (
        "0.1.0 → 0.1.1 is a patch bump, but the changes need a minor bump (see the "
        "versioning rules in the README)"
    )
    assert sorted(p.name for p in repo.releases.iterdir()) == ["0.1.0", "index.json"]


# --- recovery of a killed run -------------------------------------------------------------


class Killed(Exception):
    """Raised in place of the step a killed run never reached."""


@pytest.fixture(scope="module")
def _killed_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A checkout whose 0.1.0 release was killed just after the journal was written (made once)."""
    base = tmp_path_factory.mktemp("killed")
    records = shutil.copytree(RECORDS_MIN, base / "records")
    repo = _repo(base, records)
    real_rename = Path.rename

    def rename(self, target):
        if self.name.startswith(rel.STAGING):
            raise Killed
        return real_rename(self, target)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Path, "rename", rename)
        with pytest.raises(Killed):
            rel.release("0.1.0", repo, date=RELEASE_DATE, text_dirs=[TEXTS])
    return repo.root


@pytest.fixture
def killed_after_journal(_killed_once: Path, tmp_path: Path):
    """A fresh copy of that checkout for each test (its records folder is shared, read only)."""
    return Checkout(shutil.copytree(_killed_once, tmp_path / "repo", symlinks=True))


def test_the_journal_records_what_is_to_be_published(killed_after_journal) -> None:
    repo = killed_after_journal
    releases = repo.releases
    assert sorted(p.name for p in releases.iterdir()) == [".release-0.1.0.json", ".staging-0.1.0"]
    text = (releases / ".release-0.1.0.json").read_text(encoding="utf-8")
    journal = json.loads(text)
    assert text.endswith("}\n") and text.startswith('{\n "version": "0.1.0",\n')
    assert journal["date"] == "2021-04-01"
    assert journal["summary"] == ["- first release"]
    assert journal["files"] == file_inventory(releases / ".staging-0.1.0")
    assert set(journal["readme"]) == {"counts", "origin"}
    assert not (repo.root / "CITATION.cff").exists()


def test_recover_completes_a_journaled_release(killed_after_journal) -> None:
    repo = killed_after_journal
    (repo.releases / ".0.1.0.tmpdir").mkdir()  # a build's leftover folder
    (repo.releases / ".keep").write_text("a file, not a folder", encoding="utf-8")
    assert rel.recover(repo) == "0.1.0"
    assert sorted(p.name for p in repo.releases.iterdir()) == [".keep", "0.1.0", "index.json"]
    assert (repo.root / "CITATION.cff").read_text(encoding="utf-8") == citation.cff(
        "0.1.0", "2021-04-01"
    )
    assert '__version__ = "0.1.0"' in (repo.root / "alliance_data" / "__init__.py").read_text()
    assert "<!-- counts:start -->\n| table | rows |" in (repo.root / "README.md").read_text()
    assert "## 0.1.0 — 2021-04-01" in (repo.root / "CHANGELOG.md").read_text()
    assert rel.recover(repo) is None  # nothing left to do


def test_release_of_the_interrupted_version_completes_it(killed_after_journal) -> None:
    repo = killed_after_journal
    got = rel.release("0.1.0", repo, date=dt.date(2030, 1, 1), text_dirs=[TEXTS])
    assert got == repo.releases / "0.1.0"
    assert [(v.version, v.date) for v in index.load_index(repo.releases / "index.json")] == [
        ("0.1.0", "2021-04-01")  # the journal's date, not the second run's
    ]


def test_recover_after_the_rename_publishes_once(killed_after_journal) -> None:
    repo = killed_after_journal
    (repo.releases / ".staging-0.1.0").rename(repo.releases / "0.1.0")
    assert rel.recover(repo) == "0.1.0"
    assert [v.version for v in index.load_index(repo.releases / "index.json")] == ["0.1.0"]
    assert not (repo.releases / ".release-0.1.0.json").exists()


def test_recover_rolls_back_a_journal_without_a_release(killed_after_journal) -> None:
    repo = killed_after_journal
    shutil.rmtree(repo.releases / ".staging-0.1.0")
    assert rel.recover(repo) is None
    assert list(repo.releases.iterdir()) == []
    assert not (repo.root / "CITATION.cff").exists()


def test_recover_goes_on_after_a_rolled_back_journal(killed_after_journal) -> None:
    repo = killed_after_journal
    journal = repo.releases / ".release-0.1.0.json"
    data = json.loads(journal.read_text(encoding="utf-8"))
    (repo.releases / ".release-0.0.9.json").write_text(
        json.dumps({**data, "version": "0.0.9"}), encoding="utf-8"
    )
    assert rel.recover(repo) == "0.1.0"  # 0.0.9 (sorted first) had no release: rolled back
    assert sorted(p.name for p in repo.releases.iterdir()) == ["0.1.0", "index.json"]


@pytest.mark.parametrize("where", ["staging", "target"])
def test_recover_refuses_files_that_differ_from_the_journal(
    killed_after_journal, where: str
) -> None:
    repo = killed_after_journal
    folder = repo.releases / ".staging-0.1.0"
    if where == "target":
        folder = folder.rename(repo.releases / "0.1.0")
    (folder / "extra.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ReleaseError) as info:
        rel.recover(repo)
    assert str(info.value) == (
        f"{folder} does not match its journal {repo.releases / '.release-0.1.0.json'}; inspect it"
    )
    assert (repo.releases / ".release-0.1.0.json").exists()


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("{not json", "Expecting property name enclosed in double quotes"),
        ('{"date": "2021-04-01"}', "'version'"),
        ('{"version": "1.0"}', "is not a semantic version"),
        ("[1]", "list indices must be integers or slices, not str"),
    ],
)
def test_recover_refuses_an_unreadable_journal(
    tmp_path: Path, records_copy: Path, text: str, why: str
) -> None:
    repo = _repo(tmp_path, records_copy)
    path = repo.releases / ".release-1.0.0.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReleaseError) as info:
        rel.recover(repo)
    message = str(info.value)
    assert message.startswith(f"{path}: unreadable release journal (")
    assert why in message and message.endswith("); inspect it")


# --- edges of the text helpers ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "head"),
    [
        ("# Log \n", "# Log \n\n## Unreleased\n\n"),  # only newlines are trimmed
        ("# Log\nX\n", "# Log\nX\n\n## Unreleased\n\n"),
    ],
)
def test_changelog_without_unreleased_keeps_its_last_line(tmp_path: Path, text, head) -> None:
    path = tmp_path / "CHANGELOG.md"
    path.write_text(text, encoding="utf-8")
    rel._changelog(path, "0.1.0", dt.date(2021, 4, 1), ["- x"])
    assert path.read_text(encoding="utf-8").startswith(head + "## 0.1.0 — 2021-04-01\n")


def test_changelog_takes_the_first_unreleased_and_keeps_indented_notes(tmp_path: Path) -> None:
    path = tmp_path / "CHANGELOG.md"
    path.write_text("# C\n\n## Unreleased\n\n  - indented X\n\n## Unreleased\n\nold\n")
    rel._changelog(path, "0.1.0", dt.date(2021, 4, 1), ["- x"])
    assert path.read_text(encoding="utf-8") == (
        "# C\n\n## Unreleased\n\n## 0.1.0 — 2021-04-01\n\n  - indented X\n\n"
        "### Data changes (`alliance-data diff`)\n\n- x\n\n## Unreleased\n\nold\n"
    )


def test_notes_keep_indentation_and_a_last_x(tmp_path: Path) -> None:
    path = tmp_path / "CHANGELOG.md"
    path.write_text("## Unreleased\n\n  - indented\n- fix X\n", encoding="utf-8")
    assert rel.notes(path, "1.0.0") == "  - indented\n- fix X"


def test_replace_block_replaces_the_first_of_two_blocks() -> None:
    text = "<!-- n:start -->a<!-- n:end --> <!-- n:start -->b<!-- n:end -->"
    assert rel._replace_block(text, "n", ["x"]) == (
        "<!-- n:start -->\nx\n<!-- n:end --> <!-- n:start -->b<!-- n:end -->"
    )


def test_release_checks_quotes_against_the_given_texts(tmp_path: Path, records_copy: Path) -> None:
    path = records_copy / "evidence.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("The ministers met in Tokyo on March 16.", "The ministers met in Osaka."),
        encoding="utf-8",
    )
    repo = _repo(tmp_path, records_copy)
    with pytest.raises(RecordsError, match="quote not found in the text of mini-article"):
        rel.release("0.1.0", repo, date=RELEASE_DATE, text_dirs=[TEXTS])
    assert list(repo.releases.iterdir()) == []
