"""`alliance-data import hsg`: exact summary line, and errors as exit code 2."""

from __future__ import annotations

from pathlib import Path

from alliance_data.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "hsg"


def test_summary_line(fake_repo, capsys):
    code = main(
        ["import", "hsg", "--source", str(FIXTURES), "--allow-unpinned", "--repo", str(fake_repo)]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith(
        "hsg import: read 17 upstream rows (6 trips, 10 visits, 1 presidencies); "
        "wrote 15 meetings; merged 2 exact duplicates; flagged 4 near-duplicates; unmapped 1; "
        "72 file(s) not as pinned (--allow-unpinned): travels/president-travels/biden-joseph-r.xml"
    )
    assert out.endswith(" and 67 more\n")
    assert (fake_repo / "imported" / "hsg" / "import_summary.json").is_file()


def test_bad_source_is_exit_2(tmp_path, fake_repo, capsys):
    code = main(["import", "hsg", "--source", str(tmp_path), "--repo", str(fake_repo)])
    assert code == 2
    assert "error:" in capsys.readouterr().err
