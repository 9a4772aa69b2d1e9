"""The command line: exact output on success, a message on stderr and an exit code on failure."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from alliance_data.cli import main
from conftest import TEXTS


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_versions(published, capsys) -> None:
    assert run(capsys, "versions") == (0, "0.1.0\n0.2.0\n", "")


def test_load_prints_csv_and_json(published, capsys) -> None:
    code, out, err = run(capsys, "load", "parties", "--version", "0.1.0")
    assert (code, err) == (0, "")
    assert out == (
        "party_id,name,kind,cow_code,wikidata_id\n"
        "JPN,Japan,state,740,\nUSA,United States,state,2,\n"
    )
    code, out, _ = run(capsys, "load", "meetings", "--format", "json")
    assert out == (
        '[{"meeting_id":"tokyo-meeting-2021","title":"Ministers\' meeting in Tokyo",'
        '"series":null,"kind":"ministerial_2plus2","format":"in_person",'
        '"start_date":"2021-03-16","end_date":"2021-03-16",'
        '"date_precision":"day","city":"Tokyo","venue":null,"country":"JPN","description":null,'
        '"series_number":null,"visiting_party_id":null}]\n'
    )


def test_info(published, capsys) -> None:
    code, out, _ = run(capsys, "info")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "alliance_data 0.2.0"
    assert "parties                      3 rows" in lines
    assert "meetings                     1 rows" in lines


def test_download_to_dest(published, tmp_path: Path, capsys) -> None:
    code, out, _ = run(capsys, "download", "0.1.0", "--dest", str(tmp_path / "d"), "--quiet")
    assert (code, out) == (0, f"{tmp_path / 'd' / '0.1.0' / 'datapackage.json'}\n")
    code, _, err = run(capsys, "download", "0.1.0", "--dest", str(tmp_path / "d"), "--quiet")
    assert code == 2 and "already exists" in err


def test_download_bad_version(capsys) -> None:
    code, out, err = run(capsys, "download", "../../x")
    assert (code, out) == (2, "")
    assert err == (
        "error: version '../../x' is not a semantic version such as 1.2.3 "
        "(MAJOR.MINOR.PATCH in ASCII digits)\n"
    )


def test_validate_release_refuses_a_missing_temp_dir(tmp_path: Path, capsys) -> None:
    release = Path(__file__).parent.parent / "releases" / "0.5.0"
    absent = tmp_path / "absent"
    code, out, err = run(capsys, "validate", "--release", str(release), "--temp-dir", str(absent))
    assert (code, out) == (2, "")
    assert err == f"error: --temp-dir {absent}: no such folder; give an existing folder\n"
    assert not absent.exists()


def test_unknown_table(published, capsys) -> None:
    code, _, err = run(capsys, "load", "meeting")
    assert code == 2
    assert err.startswith("error: unknown table 'meeting'; expected one of: sources, parties,")


def test_build_and_diff(tmp_path: Path, fake_repo: Path, capsys) -> None:
    out_dir = tmp_path / "rel"
    code, out, _ = run(
        capsys, "build", str(out_dir), "--repo", str(fake_repo), "--texts", str(TEXTS)
    )
    assert (code, out) == (0, f"built {out_dir}\n")
    code, out, _ = run(capsys, "diff", str(out_dir), str(out_dir))
    assert (code, out) == (
        0,
        "- no changes to the data\nsmallest version bump for these changes: patch\n",
    )


def test_build_with_invalid_records_exits_1(fake_repo: Path, tmp_path: Path, capsys) -> None:
    (fake_repo / "records" / "meetings.yaml").write_text("- meeting_id: [broken\n", "utf-8")
    code, out, err = run(capsys, "build", str(tmp_path / "rel"), "--repo", str(fake_repo))
    assert (code, out) == (1, "")
    assert "malformed YAML" in err
    assert not (tmp_path / "rel").exists()


def test_diff_of_versions_reads_this_checkouts_releases_offline(
    two_releases: Path, tmp_path: Path, monkeypatch, capsys, refusing_url: str
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(two_releases, repo / "releases")
    (repo / "records").mkdir()
    (repo / "pyproject.toml").write_text('[project]\nname = "alliance-data"\n')
    monkeypatch.chdir(repo / "records")
    monkeypatch.setenv("ALLIANCE_DATA_URL", refusing_url)
    code, out, err = run(capsys, "diff", "0.1.0", "0.2.0")
    assert (code, err) == (0, "")
    assert out.startswith("- `parties`: 1 added, 0 removed, 0 changed\n  - added `KOR`\n")
    assert out.endswith("smallest version bump for these changes: minor\n")
