"""The overview page: counts, origin, coverage, inline charts, notes and citation, offline."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import sqlite3
from pathlib import Path

from alliance_data.fetch import sha256
from alliance_data_curate import overview, records, sqlite
from alliance_data_curate.release import notes
from conftest import RECORDS_MIN

NOTES = """Added the Tokyo meeting.

- Corrected: a date
  continued on a second line
- `quad` removed

### Details

A paragraph with <b>markup</b>."""


def test_page_says_what_the_release_holds(mini_release: Path) -> None:
    page = (mini_release / "index.html").read_text(encoding="utf-8")
    assert "<h1>alliance_data: U.S. alliance diplomacy" in page
    assert "Release <strong>0.1.0</strong> of 2021-04-01." in page
    row = re.search(r"<tr><td>meetings</td>(.*?)</tr>", page)
    assert row and re.findall(r'<td class="n">(\d+)</td>', row.group(1)) == ["1", "1", "0"]
    assert "<td>meetings.start_date</td><td>2021-03-16</td><td>2021-03-16</td>" in page
    assert "alliance_data contributors (2021). alliance_data: U.S. alliance diplomacy" in page
    assert "Version 0.1.0" in page
    assert "Members per year, by agreement" in page  # the treaty's memberships, derived


def test_charts_are_inline_svg_and_nothing_is_fetched(mini_release: Path) -> None:
    page = (mini_release / "index.html").read_text(encoding="utf-8")
    assert page.count("<figure><svg") == 4
    assert "Commitments per year, by kind and alliance" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<script" not in page


def test_page_is_a_hashed_resource(mini_release: Path) -> None:
    package = json.loads((mini_release / "datapackage.json").read_text(encoding="utf-8"))
    (resource,) = [r for r in package["resources"] if r["name"] == "overview"]
    assert resource["path"] == "index.html"
    assert resource["hash"] == f"sha256:{sha256(mini_release / 'index.html')}"


def test_notes_are_rendered_and_escaped(mini_release: Path, tmp_path: Path) -> None:
    loaded = records.read(RECORDS_MIN)
    page = overview.write(
        tmp_path / "index.html", mini_release / sqlite.PATH, loaded, "0.1.0",
        dt.date(2021, 4, 1), NOTES,
    ).read_text(encoding="utf-8")  # fmt: skip
    assert (
        "<p>Added the Tokyo meeting.</p>\n<ul>\n<li>Corrected: a date continued on a second "
        "line</li>\n<li><code>quad</code> removed</li>\n</ul>\n<h4>Details</h4>\n"
        "<p>A paragraph with &lt;b&gt;markup&lt;/b&gt;.</p>"
    ) in page


def test_membership_chart_appears_with_a_memberships_table(
    mini_release: Path, tmp_path: Path
) -> None:
    db = shutil.copy(mini_release / sqlite.PATH, tmp_path / "db.sqlite")
    with sqlite3.connect(db) as connection:
        connection.execute("DROP TABLE agreement_memberships")
        connection.execute(
            "CREATE TABLE agreement_memberships "
            "(agreement_id TEXT, party_id TEXT, start_date TEXT, end_date TEXT)"
        )
        connection.execute(
            "INSERT INTO agreement_memberships VALUES ('anzus', 'NZL', '1951-09-01', '1986-09-17')"
        )
    page = overview.write(
        tmp_path / "index.html", Path(db), records.read(RECORDS_MIN), "0.1.0", dt.date(2021, 4, 1)
    ).read_text(encoding="utf-8")
    assert page.count("<figure><svg") == 4
    assert "Members per year, by agreement" in page


def test_notes_of_a_version_leave_out_the_generated_diff(tmp_path: Path) -> None:
    log = tmp_path / "CHANGELOG.md"
    log.write_text(
        "# Changelog\n\n## Unreleased\n\n- next\n\n## 0.2.0 — 2021-05-01\n\n- added KOR\n\n"
        "### Data changes (`alliance-data diff`)\n\n- `parties`: 1 added\n\n"
        "## 0.1.0 — 2021-04-01\n\n- first\n",
        encoding="utf-8",
    )
    assert notes(log, "0.2.0") == "- added KOR"
    assert notes(log, "0.1.0") == "- first"
    assert notes(log, "0.3.0") == "- next"
    assert notes(tmp_path / "missing.md", "0.3.0") == ""
