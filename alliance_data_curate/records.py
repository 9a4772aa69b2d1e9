"""Reading records, remembering where each record and field came from.

Curated records live in one YAML file per table (``records/meetings.yaml``); importers'
output lives in CSV tables, one folder per upstream source (``imported/hsg/meetings.csv``).
Every problem keeps the file and line, so an editor can jump straight to it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .models import TABLES

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

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
        record = f" {self.table}[{self.record_id}]" if self.record_id else f" {self.table}"
        fld = f" {self.field}:" if self.field else ":"
        return f"{where}:{record}{fld} {self.reason}"


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
        if path.suffix != ".yaml" or path.stem not in CURATED or not path.is_file():
            records.problems.append(_stray(path, base, "table file (<table>.yaml)"))
    for table in TABLES:
        for path in table_files(directory, table):
            _read_file(path, table, records, _shown(path, base))
    if imported is not None and Path(imported).is_dir():
        for folder in sorted(Path(imported).iterdir()):
            _read_imported(folder, records, base)
    return records


def _stray(path: Path, base: Path | None, wanted: str) -> Problem:
    if path.stem in TABLES and TABLES[path.stem].derived:
        reason = f"{path.stem} is derived from other tables when a release is built; remove it"
    else:
        reason = f"not a {wanted}; tables are: {', '.join(CURATED)}"
    return Problem(_shown(path, base), None, path.stem, None, None, reason)


def _read_imported(folder: Path, records: Records, base: Path | None) -> None:
    if not folder.is_dir():
        records.problems.append(_stray(folder, base, "folder of imported tables"))
        return
    for path in sorted(folder.iterdir()):
        if path.suffix in SIDE_FILES and path.is_file():
            continue
        if path.suffix != ".csv" or path.stem not in CURATED or not path.is_file():
            records.problems.append(_stray(path, base, "imported table (<table>.csv)"))
            continue
        _read_csv(path, path.stem, records, _shown(path, base))


def _read_csv(path: Path, table: str, records: Records, shown: str) -> None:
    """Rows of an imported table; line numbers count the header as line 1."""
    model = TABLES[table].input_model
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header != list(model.model_fields):
                reason = f"header {header} is not the table's fields {list(model.model_fields)}"
                records.problems.append(Problem(shown, 1, table, None, None, reason))
                return
            for line, values in enumerate(reader, start=2):
                if len(values) != len(header):
                    reason = f"{len(values)} values for {len(header)} fields"
                    records.problems.append(Problem(shown, line, table, None, None, reason))
                    continue
                data = {k: (v if v != "" else None) for k, v in zip(header, values, strict=True)}
                row = Row(table, data, shown, line, {}, strings=True)
                validate_row(row, model, records)
                records.rows[table].append(row)
    except UnicodeDecodeError as exc:
        reason = f"not UTF-8 text (byte {exc.start}: {exc.reason})"
        records.problems.append(Problem(shown, None, table, None, None, reason))


def _shown(path: Path, base: Path | None) -> str:
    base = base or Path.cwd()
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)


def _read_file(path: Path, table: str, records: Records, shown: str) -> None:
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = f"malformed YAML: {getattr(exc, 'problem', None) or exc}"
        records.problems.append(Problem(shown, line, table, None, None, reason))
        return
    if node is None:
        return
    if not isinstance(node, yaml.SequenceNode):
        records.problems.append(
            Problem(
                shown,
                node.start_mark.line + 1,
                table,
                None,
                None,
                "the file must be a YAML list of records",
            )
        )
        return
    model = TABLES[table].input_model
    for item in node.value:
        row = _row(item, table, shown, records)
        if row is not None:
            validate_row(row, model, records)
            records.rows[table].append(row)


def _row(item: yaml.Node, table: str, shown: str, records: Records) -> Row | None:
    line = item.start_mark.line + 1
    if not isinstance(item, yaml.MappingNode):
        records.problems.append(
            Problem(shown, line, table, None, None, "a record must be a mapping")
        )
        return None
    data: dict[str, Any] = {}
    lines: dict[str, int] = {}
    loader = Loader("")
    for key_node, value_node in item.value:
        key = key_node.value
        if key in data:
            records.problems.append(
                Problem(shown, key_node.start_mark.line + 1, table, None, key, "field given twice")
            )
        data[key] = loader.construct_object(value_node, deep=True)
        lines[key] = key_node.start_mark.line + 1
    return Row(table, data, shown, line, lines)


def validate_row(row: Row, model: type, records: Records) -> None:
    """Validate one row through its model; each error becomes a Problem at its field."""
    try:
        if row.strings:
            given = {k: v for k, v in row.data.items() if v is not None}  # empty = default
            row.model = model.model_validate_strings(given)
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
                reason = f"unknown value {error['input']!r}; {error['msg'].lower()}"
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
    """Each table file whose text differs from its canonical form, with that form."""
    for table, rows in records.rows.items():
        by_file: dict[Path, list[dict[str, Any]]] = {}
        resolved: dict[str, Path] = {}
        for row in rows:  # resolve each file name once, not once per row
            path = resolved.setdefault(row.file, Path(row.file).resolve())
            by_file.setdefault(path, []).append(row.data)
        for path in table_files(directory, table):
            text = canonical(table, by_file.get(path.resolve(), []))  # YAML files only
            if path.read_text(encoding="utf-8") != text:
                yield path, text


def format_files(directory: Path | str) -> list[Path]:
    """Rewrite every table file below ``directory`` in canonical form; return those changed."""
    directory = Path(directory)
    loaded = read(directory)
    malformed = [p for p in loaded.problems if p.reason.startswith("malformed YAML")]
    if malformed:
        raise RecordsError(malformed)  # rewriting a half-read file would lose records
    changed = list(non_canonical(loaded, directory))
    for path, text in changed:
        path.write_text(text, encoding="utf-8")
    return [path for path, _ in changed]


def write_table(path: Path, table: str, rows: Iterable[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(canonical(table, rows), encoding="utf-8")
