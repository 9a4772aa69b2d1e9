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


def test_a_bad_reviewed_file_is_invalid_data_exit_1(tmp_path, fake_repo, capsys, monkeypatch):
    from alliance_data_curate.importers.hsg import tenures

    bad = tmp_path / "tenures.yaml"
    bad.write_text(
        "version: 1\nsources: {}\npositions:\n  - official_id: x\n    title: King\n"
        "    terms:\n      - {start: 1990-05-01, start_precision: day, source: s, quote: q}\n",
        encoding="utf-8",
    )
    read = tenures.load.__wrapped__
    monkeypatch.setattr(tenures, "load", lambda: read(bad))
    before = sorted(p.name for p in (fake_repo / "imported").rglob("*"))
    argv = [
        "import",
        "hsg",
        "--source",
        str(FIXTURES),
        "--allow-unpinned",
        "--repo",
        str(fake_repo),
    ]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == (
        "",
        "error: tenures.yaml: position 1 (x, King) term 1: "
        "source 's' is not listed under sources\n",
    )
    assert sorted(p.name for p in (fake_repo / "imported").rglob("*")) == before
