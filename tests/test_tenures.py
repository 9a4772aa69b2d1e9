"""Reviewed terms of office date visitors' positions, and never force a visit into a term."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections import Counter
from pathlib import Path

import pytest
import yaml

from alliance_data_curate.importers.hsg import tenures

D = dt.date

YAML = """\
version: 3
sources:
  page-a:
    title: Person A
    publisher: Government of Example
    url: https://example.org/a
    official: true
  page-b:
    title: Person B
    publisher: Wikipedia
    url: https://example.org/b
positions:
  - official_id: person-a
    title: Prime Minister
    terms:
      - {start: 1996-06-18, start_precision: day, end: 1999-07-06, end_precision: day,
         source: page-a, quote: "In office 18 June 1996 - 6 July 1999"}
      - {start: 2009-03-31, start_precision: day, end: 2021-06-13, end_precision: day,
         source: page-a, quote: "In office 31 March 2009 - 13 June 2021"}
  - official_id: person-b
    title: President
    terms:
      - {start: 1990-05-01, start_precision: month, source: page-b, quote: "since May 1990"}
"""


def _load(tmp_path: Path, text: str = YAML) -> tenures.Tenures:
    path = tmp_path / "tenures.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return tenures.load.__wrapped__(path)


def _position(official: str, title: str) -> dict:
    pid = f"{official}-{title.lower().replace(' ', '-')}"
    return {
        "position_id": pid,
        "official_id": official,
        "title": title,
        "organization": "Government of Example",
        "party_id": "ISR",
        "tenure_status": "unknown",
        "source_title": None,
    }


def _setup():
    a, b = _position("person-a", "Prime Minister"), _position("person-b", "President")
    positions = {a["position_id"]: a, b["position_id"]: b}
    evidence = [
        {
            "evidence_id": f"{p}-positions-hsg",
            "table": "positions",
            "record_id": p,
            "source_id": "hsg-visits",
            "quote": "q",
            "note": "n",
        }
        for p in positions
    ]
    return positions, evidence


def test_visits_in_two_terms_make_two_dated_positions(tmp_path):
    positions, evidence = _setup()
    visits = {
        ("person-a", "Prime Minister"): [D(1996, 7, 9), D(2010, 7, 6), D(2011, 5, 20)],
        ("person-b", "President"): [D(1990, 5, 1), D(2001, 1, 1)],
    }
    done = tenures.apply(_load(tmp_path), positions, visits, evidence)
    assert done == {"dated": 3, "outside": [], "sources": {"page-a", "page-b"}, "unused": []}
    assert sorted(positions) == [
        "person-a-prime-minister-1996",
        "person-a-prime-minister-2009",
        "person-b-president",
    ]
    first = positions["person-a-prime-minister-1996"]
    assert (first["start_date"], first["end_date"], first["tenure_status"]) == (
        D(1996, 6, 18),
        D(1999, 7, 6),
        "ended",
    )
    b = positions["person-b-president"]
    assert (b["start_date"], b["start_date_precision"], b["end_date"], b["tenure_status"]) == (
        D(1990, 5, 1),
        "month",
        None,
        "ongoing",
    )
    # the upstream citation follows each split position; the unsplit id keeps its own
    by_record = {}
    for e in evidence:
        by_record.setdefault(e["record_id"], []).append((e["source_id"], e.get("field")))
    assert by_record == {
        "person-a-prime-minister-1996": [("hsg-visits", None), ("page-a", "start_date")],
        "person-a-prime-minister-2009": [("hsg-visits", None), ("page-a", "start_date")],
        "person-b-president": [("hsg-visits", None), ("page-b", "start_date")],
    }
    assert {e["evidence_id"] for e in evidence} == {
        "person-a-prime-minister-1996-positions-hsg",
        "person-a-prime-minister-1996-positions-start-date-tenure",
        "person-a-prime-minister-2009-positions-hsg",
        "person-a-prime-minister-2009-positions-start-date-tenure",
        "person-b-president-positions-hsg",
        "person-b-president-positions-start-date-tenure",
    }
    assert tenures.source_rows(_load(tmp_path), done["sources"]) == [
        {
            "source_id": "page-a",
            "title": "Person A",
            "publisher": "Government of Example",
            "url": "https://example.org/a",
            "kind": "official_biography",
        },
        {
            "source_id": "page-b",
            "title": "Person B",
            "publisher": "Wikipedia",
            "url": "https://example.org/b",
            "kind": "reference",
        },
    ]


@pytest.mark.parametrize(
    ("day", "inside"),
    [
        (D(1996, 6, 17), False),  # the day before the term
        (D(1996, 6, 18), True),  # its first day
        (D(1999, 7, 6), True),  # its last day
        (D(1999, 7, 7), False),  # the day after
    ],
)
def test_term_boundaries_are_inclusive(tmp_path, day, inside):
    term = _load(tmp_path).terms[("person-a", "Prime Minister")][0]
    assert term.contains(day) is inside


def test_month_precise_end_covers_its_month():
    term = tenures.Term(D(1990, 1, 1), "year", D(1995, 3, 1), "month", "s", "q")
    assert term.contains(D(1995, 3, 31)) and not term.contains(D(1995, 4, 1))


def test_a_visit_outside_every_term_leaves_the_position_undated(tmp_path):
    positions, evidence = _setup()
    before = {k: dict(v) for k, v in positions.items()}
    visits = {
        ("person-a", "Prime Minister"): [D(1996, 7, 9), D(2005, 1, 1)],
        ("person-b", "President"): [D(1990, 4, 30)],
    }
    done = tenures.apply(_load(tmp_path), positions, visits, list(evidence))
    assert done["dated"] == 0
    assert done["outside"] == [
        {"position_id": "person-a-prime-minister", "visits_outside": ["2005-01-01"]},
        {"position_id": "person-b-president", "visits_outside": ["1990-04-30"]},
    ]
    assert positions == before


def test_an_end_the_import_already_has_is_kept(tmp_path):
    """A president-elect's end (the day before inauguration) comes from presidents.xml."""
    positions, evidence = _setup()
    elect = positions["person-a-prime-minister"]
    elect.update(end_date=D(1998, 1, 1), end_date_precision="day", tenure_status="ended")
    visits = {("person-a", "Prime Minister"): [D(1996, 7, 9)]}
    tenures.apply(_load(tmp_path), positions, visits, evidence, strict=False)
    got = positions["person-a-prime-minister"]
    assert (got["start_date"], got["end_date"], got["tenure_status"]) == (
        D(1996, 6, 18),
        D(1998, 1, 1),
        "ended",
    )
    assert [e.get("field") for e in evidence if e["record_id"] == got["position_id"]] == [
        None,
        "start_date",
    ]


def test_an_entry_matching_no_undated_position_is_refused(tmp_path):
    positions, evidence = _setup()
    del positions["person-b-president"]
    with pytest.raises(
        ValueError,
        match=r"1 entry match no imported position without a start: "
        r"person-b / President",
    ):
        tenures.apply(_load(tmp_path), positions, {}, evidence)
    # another snapshot than the pinned one (a fixture, a newer commit): counted, not refused
    visits = {("person-a", "Prime Minister"): [D(1996, 7, 9)]}
    done = tenures.apply(_load(tmp_path), positions, visits, evidence, strict=False)
    assert (done["dated"], done["unused"]) == (1, ["person-b / President"])


@pytest.mark.parametrize(
    ("term", "message"),
    [
        ("{start: 1990-05-01, start_precision: day, source: page-a}", "missing quote"),
        ("{start: 1990-05-01, start_precision: week, source: page-a, quote: q}", "precision"),
        (
            "{start: 1990-05-01, start_precision: day, end: 1990-06-01, source: page-a, quote: q}",
            "precision",
        ),
        (
            "{start: 1990-05-01, start_precision: day, source: nowhere, quote: q}",
            "source 'nowhere' is not listed",
        ),
        (
            "{start: 1990-05-01, start_precision: day, end: 1989-01-01, end_precision: day, "
            "source: page-a, quote: q}",
            "ends before it starts",
        ),
        (
            "{start: '1990-13-01', start_precision: day, source: page-a, quote: q}",
            r"start: '1990-13-01' is not a day \(month must be in 1..12\)",
        ),
        ("{start: 1990, start_precision: year, source: page-a, quote: q}", "got 1990 \\(int\\)"),
        (
            "{start: 1990-05-01, start_precision: day, end: 1991-01-01, end_precision: day, "
            "source: page-a, quote: q, end_source: nowhere, end_quote: e}",
            "end_source 'nowhere' is not listed",
        ),
        (
            "{start: 1990-05-01, start_precision: day, end: 1991-01-01, end_precision: day, "
            "source: page-a, quote: q, end_source: page-a}",
            "end_source needs an end_quote",
        ),
    ],
)
def test_bad_terms_are_refused_with_their_place(tmp_path, term, message):
    text = (
        "version: 1\nsources:\n  page-a: {title: A, publisher: P, url: 'https://e.org'}\n"
        f"positions:\n  - official_id: x\n    title: King\n    terms:\n      - {term}\n"
    )
    with pytest.raises(ValueError, match=message) as info:
        _load(tmp_path, text)
    assert str(info.value).startswith("tenures.yaml: position 1 (x, King) term 1")


def test_an_impossible_date_in_the_yaml_is_refused_naming_the_file(tmp_path):
    with pytest.raises(ValueError, match=r"^tenures.yaml: not readable: month must be in 1..12"):
        _load(tmp_path, YAML.replace("1990-05-01", "1990-13-01"))


def test_committed_tenures_file_loads():
    reviewed = tenures.load()
    assert reviewed.version >= 1
    used = {s for terms in reviewed.terms.values() for t in terms for s in (t.source, t.end_source)}
    used.discard(None)
    assert used == set(reviewed.sources)  # no source listed that no term cites


def test_an_end_from_another_page_cites_that_page(tmp_path):
    text = YAML.replace(
        'quote: "In office 31 March 2009 - 13 June 2021"}',
        'quote: "In office 31 March 2009 - 13 June 2021",\n'
        '         end_source: page-b, end_quote: "sworn in on 13 June 2021"}',
    )
    positions, evidence = _setup()
    visits = {("person-a", "Prime Minister"): [D(2010, 1, 5)]}
    done = tenures.apply(_load(tmp_path, text), positions, visits, evidence)
    assert done["sources"] == {"page-a", "page-b"}
    cited = {(e["field"], e["source_id"], e["quote"]) for e in evidence if e.get("field")}
    assert cited == {
        ("start_date", "page-a", "In office 31 March 2009 - 13 June 2021"),
        ("end_date", "page-b", "sworn in on 13 June 2021"),
    }


@pytest.mark.parametrize(
    ("suffix", "expected"),
    [("", {"correct": 47, "wrong": 3}), ("_2", {"correct": 40})],
)
def test_independent_audits_of_seeded_samples_found_few_wrong_and_they_are_corrected(
    suffix, expected
):
    """Helpers with their own searches re-found sampled terms; the wrong ones are mended."""
    audits = Path(__file__).parent / "fixtures" / "audits"
    sample = yaml.safe_load((audits / f"tenure_sample{suffix}.yaml").read_text(encoding="utf-8"))
    verdicts = yaml.safe_load(
        (audits / f"tenure_verdicts{suffix}.yaml").read_text(encoding="utf-8")
    )
    assert [(v["n"], v["official_id"], v["term"]) for v in verdicts] == [
        (s["n"], s["official_id"], s["term"]) for s in sample
    ]
    assert Counter(v["verdict"] for v in verdicts) == expected
    wrong = {v["n"] for v in verdicts if v["verdict"] == "wrong"}
    committed = tenures.load().terms
    for item in sample:
        term = committed[(item["official_id"], item["title"])][item["term"] - 1]
        sampled = (item["start"], item["end"])
        now = (str(term.start), str(term.end) if term.end else None)
        if item["n"] in wrong:  # corrected, the new end citing a page other than the first
            assert now != sampled and term.end_source not in (None, term.source), item["n"]
        else:
            assert now == sampled, item["n"]


def test_a_quote_that_the_term_goes_on_supports_the_status(tmp_path):
    text = YAML.replace(
        'quote: "since May 1990"}',
        'quote: "since May 1990", end_source: page-a, end_quote: "re-elected in 1995"}',
    )
    positions, evidence = _setup()
    visits = {("person-b", "President"): [D(1996, 1, 5)]}
    tenures.apply(_load(tmp_path, text), positions, visits, evidence)
    assert positions["person-b-president"]["tenure_status"] == "ongoing"
    cited = {(e["field"], e["source_id"], e["quote"]) for e in evidence if e.get("field")}
    assert ("tenure_status", "page-a", "re-elected in 1995") in cited


def test_every_undated_position_has_its_reason_on_the_pinned_snapshot():
    reviewed = tenures.Tenures(1, {}, {}, {("person-b", "President"): "title wrong upstream"})
    positions, _ = _setup()
    with pytest.raises(
        ValueError, match=r"without a term or a reason: \['person-a-prime-minister'\]"
    ):
        tenures.left_undated(reviewed, positions)
    left = tenures.left_undated(reviewed, positions, strict=False)
    assert left == [
        {"position_id": "person-a-prime-minister", "reason": "not reviewed"},
        {"position_id": "person-b-president", "reason": "title wrong upstream"},
    ]
    positions["person-b-president"]["start_date"] = D(1990, 1, 1)  # the reason is now stale
    with pytest.raises(
        ValueError, match=r"reasons for no undated position: \['person-b / President'\]"
    ):
        tenures.left_undated(reviewed, positions)


def test_an_undated_entry_needs_a_reason(tmp_path):
    text = YAML + "undated:\n  - {official_id: person-c, title: King}\n"
    with pytest.raises(ValueError, match=r"^tenures.yaml: undated 1 \(person-c, King\): needs"):
        _load(tmp_path, text)
