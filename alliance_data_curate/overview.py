"""The release's overview page (``index.html``): one static page that works offline.

It says what the release holds (rows per table, curated or imported), what it covers (date
spans, evidence), shows charts (meetings per year by kind and by country, commitments by
kind and year for each alliance, membership over time where the release has it), and gives
the release notes and how to cite the release.

Everything is computed from the release's SQLite database and the validated records, and
drawn with matplotlib as inline SVG: nothing is loaded from the network. SVG ids are salted
with a constant and no timestamp is written, so the same rows give the same page (with the
same matplotlib version).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import itertools
import re
import sqlite3
from collections import defaultdict
from pathlib import Path
from typing import Any

from alliance_data import citation

from . import records, sqlite
from .models import TABLES, CommitmentKind, MeetingKind

PATH = "index.html"  # within a release folder
MEDIATYPE = "text/html"
ALLIANCES = (("JPN", "U.S.–Japan"), ("KOR", "U.S.–Republic of Korea"))
TOP_COUNTRIES = 10
MEMBERSHIPS = "agreement_memberships"  # a later table; its chart appears once it exists
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem;
       padding: 0 1rem; color: #1b1b1b; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { border-bottom: 1px solid #ccc; padding-bottom: .2rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: .2rem .6rem; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1rem 0 2rem; } figure svg { max-width: 100%; height: auto; }
figcaption { font-size: .9rem; color: #444; }
code, pre { background: #f4f4f4; padding: 0 .2rem; }
pre { padding: .6rem; white-space: pre-wrap; }
.note { color: #555; font-style: italic; }
"""


def write(
    path: Path,
    database: Path,
    loaded: records.Records,
    version: str,
    date: dt.date,
    notes: str = "",
) -> Path:
    """Write the overview page of a release.

    Parameters
    ----------
    path
        The page to write, ``<release>/index.html``.
    database
        The release's SQLite database (``sqlite.write``), queried for counts and charts.
    loaded
        The validated records, for where each row comes from (curated or imported).
    version, date
        The release's version and date.
    notes
        The release notes (Markdown), shown as the changelog entry.

    Example
    -------
    >>> day = dt.date(2026, 12, 1)
    >>> write(Path("/tmp/rel/index.html"), db, loaded, "0.4.0", day)  # doctest: +SKIP
    PosixPath('/tmp/rel/index.html')
    """
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        body = [
            f"<h1>{html.escape(citation.TITLE)}</h1>",
            f"<p>Release <strong>{html.escape(version)}</strong> of {date.isoformat()}. "
            f"{html.escape(citation.DESCRIPTION)}</p>",
            _licences(),
            "<h2>What this release holds</h2>",
            _holdings(connection, loaded),
            "<h2>Coverage</h2>",
            _coverage(connection),
            "<h2>Charts</h2>",
            *_charts(connection),
            "<h2>Release notes</h2>",
            _markdown(notes) if notes.strip() else '<p class="note">No notes for this build.</p>',
            "<h2>How to cite</h2>",
            f"<p>{html.escape(citation.text(version, date.isoformat()))}</p>",
            "<p>Please cite the version you used; <code>CITATION.cff</code> in the repository "
            "and <code>alliance-data cite --version VERSION</code> give the same citation.</p>",
            _files(),
        ]
    finally:
        connection.close()
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>alliance_data {html.escape(version)}: overview</title>\n"
        f"<style>{STYLE}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )
    path.write_text(page, encoding="utf-8")
    return path


def _licences() -> str:
    items = "".join(
        f"<li>{html.escape(lic['title'])} (<code>{html.escape(lic['name'])}</code>)</li>"
        for lic in citation.LICENSES
    )
    return f"<p>Licences:</p><ul>{items}</ul>"


def _count(connection: sqlite3.Connection, sql: str, *args: Any) -> int:
    return int(connection.execute(sql, args).fetchone()[0])


def _table(header: list[str], rows: list[list[Any]], numeric: set[int]) -> str:
    def cell(tag: str, i: int, value: Any) -> str:
        css = ' class="n"' if i in numeric else ""
        return f"<{tag}{css}>{html.escape(str(value))}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(header))
    body = "".join(
        "<tr>" + "".join(cell("td", i, v) for i, v in enumerate(row)) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def origin_counts(loaded: records.Records) -> dict[str, tuple[int, int]]:
    """Rows of each table by origin: (curated YAML records, importers' CSV tables).

    Example
    -------
    >>> origin_counts(records.read("records", "imported"))["meetings"]  # doctest: +SKIP
    (12, 7535)
    """
    out = {}
    for table in TABLES:
        valid = [row for row in loaded.rows[table] if row.model is not None]
        imported = sum(1 for row in valid if row.strings)
        out[table] = (len(valid) - imported, imported)
    return out


def _holdings(connection: sqlite3.Connection, loaded: records.Records) -> str:
    origin = origin_counts(loaded)
    rows = []
    for name, spec in TABLES.items():
        total = _count(connection, f'SELECT count(*) FROM "{name}"')
        curated, imported = origin[name]
        rows.append([name, total, curated, imported, spec.description])
    header = ["table", "rows", "curated", "imported", "what a row is"]
    note = (
        "<p>Curated rows are written and checked by hand (<code>records/</code>); imported rows "
        "come from upstream datasets through an importer (<code>imported/&lt;source&gt;/</code>"
        "), and the <code>upstream_records</code> table links each upstream row to the record "
        "it became.</p>"
    )
    return _table(header, rows, {1, 2, 3}) + note


# Date columns whose span is shown under coverage: (table, column).
SPANS = (
    ("meetings", "start_date"),
    ("commitments", "date"),
    ("agreements", "signed_date"),
    ("positions", "start_date"),
    ("sources", "published_date"),
)


def _coverage(connection: sqlite3.Connection) -> str:
    spans = []
    for table, column in SPANS:
        first, last, dated = connection.execute(
            f'SELECT min("{column}"), max("{column}"), count("{column}") FROM "{table}"'
        ).fetchone()
        total = _count(connection, f'SELECT count(*) FROM "{table}"')
        spans.append([f"{table}.{column}", first or "–", last or "–", dated, total])
    evidence = []
    for name, spec in TABLES.items():
        if name in ("evidence", "upstream_records"):
            continue
        key = " || '/' || ".join(f'"{k}"' for k in spec.primary_key)
        total = _count(connection, f'SELECT count(*) FROM "{name}"')
        supported = _count(
            connection,
            f'SELECT count(*) FROM "{name}" WHERE {key} IN '
            '(SELECT record_id FROM evidence WHERE "table" = ?)',
            name,
        )
        share = f"{100 * supported / total:.0f} %" if total else "–"
        evidence.append([name, total, supported, share])
    countries = _count(connection, "SELECT count(DISTINCT country) FROM meetings")
    return (
        _table(["column", "earliest", "latest", "rows dated", "rows"], spans, {3, 4})
        + f"<p>Meetings took place in {countries} countries and territories.</p>"
        + "<p>Records with evidence (a quote or a citation in <code>evidence</code>):</p>"
        + _table(["table", "rows", "with evidence", "share"], evidence, {1, 2, 3})
    )


def _svg(figure: Any) -> str:
    """A matplotlib figure as inline SVG: text as text, stable ids, no date."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "alliance-data", "svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _stacked(
    title: str,
    series: dict[str, dict[int, int]],
    order: list[str],
    labels: tuple[str, str],
    axes: Any = None,
) -> Any:
    """Stacked bars of counts by x (years or decades), one colour per label of ``order``.

    Labels keep their colour across charts drawn with the same ``order``; labels without
    counts are left out of the bars and the legend. Returns the new figure (None when drawn
    into the given ``axes``).
    """
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = None
    if axes is None:
        figure = Figure(figsize=(11, 3.6))
        axes = figure.subplots()
    xs = sorted({x for counts in series.values() for x in counts})
    bottom = dict.fromkeys(xs, 0)
    step = min((b - a for a, b in itertools.pairwise(xs)), default=1)
    colours = dict(zip(order, _colours(len(order)), strict=True))
    for label in order:
        if label not in series:
            continue
        counts, colour = series[label], colours[label]
        heights = [counts.get(x, 0) for x in xs]
        axes.bar(
            xs,
            heights,
            bottom=[bottom[x] for x in xs],
            width=step * 0.9,
            label=label,
            color=colour,
            linewidth=0,
        )
        for x, h in zip(xs, heights, strict=True):
            bottom[x] += h
    axes.set_title(title, fontsize=11)
    axes.set_xlabel(labels[0])
    axes.set_ylabel(labels[1])
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.spines[["top", "right"]].set_visible(False)
    if series:
        axes.legend(fontsize=8, frameon=False, loc="upper left", ncols=2)
    return figure


def _colours(count: int) -> list[Any]:
    from matplotlib import colormaps

    palette = colormaps["tab10" if count <= 10 else "tab20"]
    return [palette(i % palette.N) for i in range(count)]


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{html.escape(caption)}</figcaption></figure>"


def _by(connection: sqlite3.Connection, sql: str) -> dict[str, dict[int, int]]:
    """``label, x, count`` rows as {label: {x: count}}, labels in first-seen order."""
    out: dict[str, dict[int, int]] = defaultdict(dict)
    for label, x, count in connection.execute(sql):
        out[str(label)][int(x)] = int(count)
    return dict(out)


def _charts(connection: sqlite3.Connection) -> list[str]:
    kinds = [k.value for k in MeetingKind]
    per_kind = _by(
        connection,
        "SELECT kind, CAST(substr(start_date, 1, 4) AS INTEGER) AS y, count(*) FROM meetings "
        "WHERE start_date IS NOT NULL GROUP BY kind, y",
    )
    out = [
        _figure(
            _svg(_stacked("Meetings per year, by kind", per_kind, kinds, ("year", "meetings"))),
            "Meetings per year (start date), stacked by kind. Trips and visits come from the "
            "Office of the Historian; the other kinds are curated.",
        )
    ]
    top = [
        row[0]
        for row in connection.execute(
            "SELECT country FROM meetings WHERE country IS NOT NULL AND start_date IS NOT NULL "
            "GROUP BY country ORDER BY count(*) DESC, country LIMIT ?",
            (TOP_COUNTRIES,),
        )
    ]
    marks = ", ".join("?" for _ in top)
    decades: dict[str, dict[int, int]] = defaultdict(dict)
    for label, decade, count in connection.execute(
        f"SELECT CASE WHEN country IN ({marks}) THEN country ELSE 'other' END AS c, "
        "CAST(substr(start_date, 1, 3) AS INTEGER) * 10 AS d, count(*) FROM meetings "
        "WHERE country IS NOT NULL AND start_date IS NOT NULL GROUP BY c, d",
        top,
    ):
        decades[label][decade] = count
    out.append(
        _figure(
            _svg(
                _stacked(
                    f"Meetings per decade, by country (the {len(top)} most frequent)",
                    decades,
                    [*top, "other"],
                    ("decade", "meetings"),
                )
            ),
            "Meetings per decade by the country they took place in (visits to the United "
            "States count under USA); virtual meetings and calls have no country.",
        )
    )
    out.append(_commitments(connection))
    out.append(_memberships(connection))
    return out


def _commitments(connection: sqlite3.Connection) -> str:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(11, 3.6))
    panels = figure.subplots(1, len(ALLIANCES), sharey=True)
    kinds = [k.value for k in CommitmentKind]
    for axes, (party, name) in zip(panels, ALLIANCES, strict=True):
        series = _by(
            connection,
            "SELECT kind, CAST(substr(date, 1, 4) AS INTEGER) AS y, count(*) FROM commitments "
            f"WHERE date IS NOT NULL AND (committing_party_id = '{party}' "
            f"OR beneficiary_party_id = '{party}') GROUP BY kind, y",
        )
        _stacked(name, series, kinds, ("year", "commitments"), axes=axes)
    figure.suptitle("Commitments per year, by kind and alliance", fontsize=11)
    return _figure(
        _svg(figure),
        "Commitments made by or to Japan (left) and the Republic of Korea (right), per year "
        "of the commitment, stacked by kind.",
    )


def _memberships(connection: sqlite3.Connection) -> str:
    """Members of each agreement per year, when the release has a memberships table."""
    columns = {row[1] for row in connection.execute(f'PRAGMA table_info("{MEMBERSHIPS}")')}
    needed = {"agreement_id", "party_id", "start_date", "end_date"}
    if not needed <= columns:
        return (
            '<p class="note">Alliance membership over time: this release has no '
            f"<code>{MEMBERSHIPS}</code> table yet, so there is no membership chart.</p>"
        )
    last = connection.execute("SELECT max(start_date) FROM meetings").fetchone()[0] or "2000"
    series: dict[str, dict[int, int]] = defaultdict(dict)
    rows = connection.execute(
        f'SELECT agreement_id, start_date, end_date FROM "{MEMBERSHIPS}" '
        "WHERE start_date IS NOT NULL"
    ).fetchall()
    for agreement, start, end in rows:
        for year in range(int(start[:4]), int((end or last)[:4]) + 1):
            series[agreement][year] = series[agreement].get(year, 0) + 1
    chart = _stacked("Members per year, by agreement", series, sorted(series), ("year", "members"))
    return _figure(_svg(chart), "Parties that were members of each agreement in each year.")


def _inline(text: str) -> str:
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text, quote=False))


def _markdown(notes: str) -> str:
    """The few Markdown forms release notes use: headings, bullet lists, paragraphs."""
    out: list[str] = []
    listing = False
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()

    for line in notes.splitlines():
        bullet = re.match(r"^\s*[-*] (.*)$", line)
        indented = line.startswith("  ") and listing and not bullet
        if indented:
            out[-1] = out[-1][: -len("</li>")] + " " + _inline(line.strip()) + "</li>"
            continue
        if listing and not bullet:
            out.append("</ul>")
            listing = False
        if bullet:
            flush()
            if not listing:
                out.append("<ul>")
                listing = True
            out.append(f"<li>{_inline(bullet.group(1))}</li>")
        elif line.startswith("#"):
            flush()
            level = min(len(line) - len(line.lstrip("#")) + 1, 6)
            out.append(f"<h{level}>{_inline(line.lstrip('#').strip())}</h{level}>")
        elif line.strip():
            paragraph.append(line.strip())
        else:
            flush()
    flush()
    if listing:
        out.append("</ul>")
    return "\n".join(out)


def _files() -> str:
    return (
        "<h2>Files</h2><p><code>datapackage.json</code> describes every file; "
        "<code>codebook.md</code> explains every column; <code>schemas/</code> holds the Table "
        f"Schemas; the SQLite database (<code>{sqlite.PATH}</code>) holds every "
        "table with keys and full-text search — browse it with <code>alliance-data serve</code>. "
        "CSV files read without options; for types, use the Table Schemas, "
        "<code>alliance_data.load()</code> or the Parquet files.</p>"
    )
