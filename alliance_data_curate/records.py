"""Reading records, remembering where each record and field came from.

Curated records live in one YAML file per table (``records/meetings.yaml``); importers'
output lives in CSV tables, one folder per upstream source (``imported/hsg/meetings.csv``).
Every problem keeps the file and line, so an editor can jump straight to it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from alliance_data import atomic
from alliance_data.fetch import shorten

from .models import TABLES

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Safe YAML out, never with anchors or aliases (records refuse them on reading)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


CURATED = tuple(name for name, table in TABLES.items() if not table.derived)
SIDE_FILES = {".json"}  # import summaries and review lists beside imported tables
HEADER = "# alliance_data records: {table}. Keep canonical with `alliance-data format`.\n"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the records, with everything needed to find and fix it."""

    file: str
    line: int | None
    table: str
    record_id: str | None
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        record = f" {self.table}[{self.record_id[:120]}]" if self.record_id else f" {self.table}"
        fld = f" {self.field[:80]}:" if self.field else ":"
        reason = self.reason if len(self.reason) <= 1000 else self.reason[:999] + "…"
        return f"{where}:{record}{fld} {reason}"


@dataclass
class Row:
    """A record as written, its validated model (None if invalid) and its location."""

    table: str
    data: dict[str, Any]
    file: str
    line: int
    field_lines: dict[str, int]
    model: Any = None
    strings: bool = False  # values are CSV text, parsed by the model's string rules

    @property
    def record_id(self) -> str:
        return TABLES[self.table].key(self.data)

    def problem(self, reason: str, field: str | None = None) -> Problem:
        line = self.field_lines.get(field, self.line) if field else self.line
        return Problem(self.file, line, self.table, self.record_id, field, reason)


@dataclass
class Records:
    """All tables' rows plus the problems met while reading them."""

    rows: dict[str, list[Row]] = field(default_factory=lambda: {t: [] for t in TABLES})
    problems: list[Problem] = field(default_factory=list)

    def valid(self, table: str) -> Iterator[Any]:
        return (row.model for row in self.rows[table] if row.model is not None)

    def dicts(self, table: str) -> list[dict[str, Any]]:
        """Validated rows as plain dicts in field order, nulls included."""
        return [m.model_dump() for m in self.valid(table)]


class RecordsError(ValueError):
    """Raised when records must be valid (build, release) but are not."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the records:\n{shown}{more}")


def table_files(directory: Path, table: str) -> list[Path]:
    """The curated file of ``table`` in ``directory``, if there is one."""
    path = directory / f"{table}.yaml"
    return [path] if path.is_file() else []


def read(
    directory: Path | str, imported: Path | str | None = None, *, base: Path | None = None
) -> Records:
    """Read and model-validate every table file; never raises on bad data.

    Parameters
    ----------
    directory
        Curated records: one ``<table>.yaml`` per table. Any other file is a problem.
    imported
        Importers' output: ``<source>/<table>.csv`` per upstream source (optional).
    base
        Folder that file names in problems are shown relative to (default: cwd).

    Example
    -------
    >>> loaded = read("records", "imported")  # doctest: +SKIP
    >>> len(loaded.rows["meetings"]) > 0
    True
    """
    directory = Path(directory)
    records = Records()
    if not directory.is_dir():
        records.problems.append(Problem(str(directory), None, "-", None, None, "no such folder"))
        return records
    for path in sorted(directory.iterdir()):
        if atomic.is_leftover(path):
            continue  # a killed writer's temporary file; `format` removes it
        if path.suffix != ".yaml" or path.stem not in CURATED or not path.is_file():
            records.problems.append(_stray(path, base, "table file (<table>.yaml)"))
    for table in TABLES:
        for path in table_files(directory, table):
            _read_file(path, table, records, _shown(path, base))
    if imported is not None and Path(imported).is_dir():
        for folder in sorted(Path(imported).iterdir()):
            read_imported(folder, records, base)
    return records


def _stray(path: Path, base: Path | None, wanted: str) -> Problem:
    if path.stem in TABLES and TABLES[path.stem].derived:
        reason = f"{path.stem} is derived from other tables when a release is built; remove it"
    else:
        reason = f"not a {wanted}; tables are: {', '.join(CURATED)}"
    return Problem(_shown(path, base), None, path.stem, None, None, reason)


def read_imported(folder: Path, records: Records, base: Path | None) -> None:
    """Add the tables of one imported source's folder (``<table>.csv``) to ``records``."""
    if not folder.is_dir():
        records.problems.append(_stray(folder, base, "folder of imported tables"))
        return
    for path in sorted(folder.iterdir()):
        if (path.suffix in SIDE_FILES and path.is_file()) or atomic.is_leftover(path):
            continue
        if path.suffix != ".csv" or path.stem not in CURATED or not path.is_file():
            records.problems.append(_stray(path, base, "imported table (<table>.csv)"))
            continue
        _read_csv(path, path.stem, records, _shown(path, base))


def _read_csv(path: Path, table: str, records: Records, shown: str) -> None:
    """Rows of an imported table; line numbers count the header as line 1."""
    model = TABLES[table].input_model
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        reason = f"not UTF-8 text (byte {exc.start}: {exc.reason})"
        line = raw[: exc.start].count(b"\n") + 1
        records.problems.append(Problem(shown, line, table, None, None, reason))
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header != list(model.model_fields):
            reason = (
                f"header {shorten(header, 200)} is not the table's fields "
                f"{list(model.model_fields)}"
            )
            records.problems.append(Problem(shown, 1, table, None, None, reason))
            return
        for values in reader:
            line = reader.line_num
            if len(values) != len(header):
                reason = f"{len(values)} values for {len(header)} fields"
                records.problems.append(Problem(shown, line, table, None, None, reason))
                continue
            data = {k: (v if v != "" else None) for k, v in zip(header, values, strict=True)}
            row = Row(table, data, shown, line, {}, strings=True)
            validate_row(row, model, records)
            records.rows[table].append(row)
    except csv.Error as exc:
        reason = f"malformed CSV: {exc}"
        records.problems.append(Problem(shown, reader.line_num, table, None, None, reason))


def _shown(path: Path, base: Path | None) -> str:
    base = base or Path.cwd()
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)


YAML_TAG = "tag:yaml.org,2002:"
PLAIN_TAGS = {YAML_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
CONTAINER_TAGS = {YAML_TAG + "seq", YAML_TAG + "map"}
MERGE_TAG = YAML_TAG + "merge"


def _read_file(path: Path, table: str, records: Records, shown: str) -> None:
    """Rows of one YAML table file, or located problems for anything not plain data.

    Refused (the whole file, before any value is built): anchors and aliases (so an alias
    bomb never expands), tags (``!!python/...``, ``!!binary``...), merge keys (``<<:``),
    keys that are not plain text and keys given twice, anywhere in the file.
    """

    def problem(line: int | None, reason: str, field: str | None = None) -> None:
        records.problems.append(Problem(shown, line, table, None, field, reason))

    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problem(line, f"not UTF-8 text (byte {exc.start}: {exc.reason})")
        return
    try:
        node = yaml.compose(text, Loader=Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = f"malformed YAML: {shorten(getattr(exc, 'problem', None) or exc)}"
        problem(mark.line + 1 if mark else None, reason)
        return
    if node is None:
        return
    hostile = _hostile(node, text)
    if hostile:
        for line, field, reason in hostile:
            problem(line, reason, field)
        return
    if not isinstance(node, yaml.SequenceNode):
        kind = "a mapping" if isinstance(node, yaml.MappingNode) else "a single value"
        problem(
            node.start_mark.line + 1,
            f"the file must be a YAML list of records (`- field: value` items), not {kind}",
        )
        return
    model = TABLES[table].input_model
    for item in node.value:
        row = _row(item, table, shown, records)
        if row is not None:
            validate_row(row, model, records)
            records.rows[table].append(row)


def _hostile(root: yaml.Node, text: str) -> list[tuple[int, str | None, str]]:
    """Everything in a composed file that is not plain data: (line, record field, reason)."""
    found: list[tuple[int, str | None, str]] = []
    seen: set[int] = set()
    aliased = False
    stack: list[tuple[yaml.Node, str | None, int]] = [(root, None, 0)]
    while stack:
        node, field, depth = stack.pop()
        if id(node) in seen:  # composed aliases are the same node object: never walk twice
            aliased = True
            continue
        seen.add(id(node))
        line = node.start_mark.line + 1
        plain = PLAIN_TAGS if isinstance(node, yaml.ScalarNode) else CONTAINER_TAGS
        if node.tag not in plain:
            found.append((line, field, f"YAML tag {shorten(node.tag)} is not allowed in records"))
        if isinstance(node, yaml.ScalarNode):
            continue
        if isinstance(node, yaml.SequenceNode):
            stack.extend((item, field, depth + 1) for item in reversed(node.value))
            continue
        keys: dict[str, int] = {}
        for key, value in node.value:
            key_line = key.start_mark.line + 1
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            here = field if field is not None or depth != 1 else name  # a record's own field
            if not isinstance(key, yaml.ScalarNode):
                found.append((key_line, here, "a key must be plain text, not a list or mapping"))
            elif key.tag == MERGE_TAG:
                found.append((key_line, here, "YAML merge keys (<<:) are not allowed in records"))
            elif key.value in keys:
                reason = (
                    f"key {shorten(key.value)} given twice (first on line {keys[key.value]}); "
                    "the first value would be lost"
                )
                found.append((key_line, here, reason))
            else:
                keys[key.value] = key_line
            stack.append((value, here, depth + 1))
    if aliased or "&" in text:
        found += _anchor_lines(text)
    return sorted(set(found), key=lambda f: (f[0], f[1] or "", f[2]))


def _anchor_lines(text: str) -> list[tuple[int, str | None, str]]:
    """Where anchors (&name) and aliases (*name) are, from the parser's events."""
    found = []
    for event in yaml.parse(text, Loader=Loader):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            reason = f"YAML alias *{event.anchor[:40]} is not allowed in records"
            found.append((line, None, reason))
        elif getattr(event, "anchor", None):
            reason = f"YAML anchor &{event.anchor[:40]} is not allowed in records"
            found.append((line, None, reason))
    return found


def _row(item: yaml.Node, table: str, shown: str, records: Records) -> Row | None:
    line = item.start_mark.line + 1
    if not isinstance(item, yaml.MappingNode):
        kind = "a list" if isinstance(item, yaml.SequenceNode) else "plain text"
        reason = f"a record must be a mapping of fields (`field: value`), not {kind}"
        records.problems.append(Problem(shown, line, table, None, None, reason))
        return None
    data: dict[str, Any] = {}
    lines: dict[str, int] = {}
    loader = Loader("")
    for key_node, value_node in item.value:
        key = key_node.value
        lines[key] = key_node.start_mark.line + 1
        try:
            data[key] = loader.construct_object(value_node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError):
            # Only a timestamp-looking scalar that is no real day (2021-02-30, 0000-01-01)
            # gets here: the model is given its text and says why it is not a date.
            data[key] = value_node.value
    return Row(table, data, shown, line, lines)


def validate_row(row: Row, model: type, records: Records) -> None:
    """Validate one row through its model; each error becomes a Problem at its field."""
    try:
        if row.strings:
            given = {k: v for k, v in row.data.items() if v is not None}  # empty = default
            row.model = model.model_validate_strings(given, context={"csv": True})
        else:
            row.model = model.model_validate(row.data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = error["loc"]
            name = str(loc[0]) if loc else None
            reason = error["msg"].removeprefix("Value error, ")
            if name is None:
                first = reason.split(" ", 1)[0]
                name = first if first in model.model_fields else None
            if error["type"] == "extra_forbidden":
                reason = "unknown field"
            elif error["type"] == "enum":
                reason = f"unknown value {shorten(error['input'])}; {error['msg'].lower()}"
            records.problems.append(row.problem(reason, name))


def canonical(table: str, rows: Iterable[dict[str, Any]]) -> str:
    """The one text form of a table: sorted by primary key, fields in model order, no nulls."""
    spec = TABLES[table]
    order = tuple(spec.input_model.model_fields)

    def sort_key(row: dict[str, Any]) -> tuple[str, ...]:
        return tuple(str(row.get(k, "")) for k in spec.primary_key)

    clean = [
        {k: _plain(row[k]) for k in order if row.get(k) is not None}
        for row in sorted(rows, key=sort_key)
    ]
    body = yaml.dump(clean, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100)
    return HEADER.format(table=table) + (body if clean else "[]\n")


def _plain(value: Any) -> Any:
    return getattr(value, "value", value)


def non_canonical(records: Records, directory: Path) -> Iterator[tuple[Path, str]]:
    """Each table file whose text differs from its canonical form, with that form.

    Files that could not be read as a list of records (their problems say why) are skipped:
    they have no canonical form until those problems are fixed.
    """
    broken = {Path(p.file).resolve() for p in records.problems if p.record_id is None}
    for table, rows in records.rows.items():
        by_file: dict[Path, list[dict[str, Any]]] = {}
        resolved: dict[str, Path] = {}
        for row in rows:  # resolve each file name once, not once per row
            path = resolved.setdefault(row.file, Path(row.file).resolve())
            by_file.setdefault(path, []).append(row.data)
        for path in table_files(directory, table):
            if path.resolve() in broken:
                continue
            text = canonical(table, by_file.get(path.resolve(), []))  # YAML files only
            if path.read_bytes() != text.encode("utf-8"):
                yield path, text


def format_files(directory: Path | str) -> list[Path]:
    """Rewrite every table file below ``directory`` in canonical form; return those changed.

    Nothing is written unless the whole folder reads with no problem at all (so every key
    and value is one the models know and keep), and each new text is read back and must
    hold exactly the records of the old one. Each file is replaced atomically.

    Raises
    ------
    RecordsError
        Any problem in the folder (malformed or hostile YAML, unknown files or fields, keys
        given twice, values the models refuse), or a canonical text that would not carry
        every record; no file is changed.

    Example
    -------
    >>> format_files("records")  # doctest: +SKIP
    [PosixPath('records/meetings.yaml')]
    """
    directory = Path(directory)
    loaded = read(directory)
    if loaded.problems:
        raise RecordsError(loaded.problems)  # rewriting would lose or change what they hold
    changed = list(non_canonical(loaded, directory))
    for path, text in changed:
        _same_records(path, text, [r.data for r in loaded.rows[path.stem]])
    atomic.clean_leftovers(directory)
    for path, text in changed:
        atomic.write_text(path, text)
    return [path for path, _ in changed]


def _same_records(path: Path, text: str, rows: list[dict[str, Any]]) -> None:
    """The canonical ``text`` must read back as exactly ``rows`` (in any order)."""
    again = yaml.load(text, Loader=Loader) or []

    def keyed(items: list[dict[str, Any]]) -> list[str]:
        return sorted(repr(sorted((k, repr(v)) for k, v in row.items())) for row in items)

    if keyed(again) != keyed(rows):
        reason = "the canonical form would not carry every key and value; nothing was written"
        raise RecordsError([Problem(str(path), None, path.stem, None, None, reason)])


def write_table(path: Path, table: str, rows: Iterable[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(path, canonical(table, rows))
