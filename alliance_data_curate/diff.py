"""Comparing two releases table by table, by primary key, as the CHANGELOG reports it."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from alliance_data.layout import release_files


@dataclass
class TableDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)  # key -> changed fields
    fields_added: list[str] = field(default_factory=list)
    fields_removed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.added or self.removed or self.changed or self.fields_added or self.fields_removed
        )


@dataclass
class ReleaseDiff:
    tables: dict[str, TableDiff]
    tables_added: list[str]
    tables_removed: list[str]

    def bump(self) -> str:
        """The smallest semantic-version bump that honestly describes the change."""
        if self.tables_removed or any(d.fields_removed or d.removed for d in self.tables.values()):
            return "major"
        if self.tables_added or any(d.fields_added or d.added for d in self.tables.values()):
            return "minor"
        return "patch"

    def summary(self, details: int = 20) -> list[str]:
        """Markdown lines: one per table that changed, then the changed keys."""
        lines = [f"- new table `{t}`" for t in self.tables_added]
        lines += [f"- removed table `{t}`" for t in self.tables_removed]
        for name, d in self.tables.items():
            if d.empty:
                continue
            lines.append(
                f"- `{name}`: {len(d.added)} added, {len(d.removed)} removed, "
                f"{len(d.changed)} changed"
                + (f"; new fields {', '.join(d.fields_added)}" if d.fields_added else "")
                + (f"; removed fields {', '.join(d.fields_removed)}" if d.fields_removed else "")
            )
            items = [f"added `{k}`" for k in d.added] + [f"removed `{k}`" for k in d.removed]
            items += [f"changed `{k}` ({', '.join(f)})" for k, f in d.changed.items()]
            lines += [f"  - {item}" for item in items[:details]]
            if len(items) > details:
                lines.append(f"  - ... and {len(items) - details} more")
        return lines or ["- no changes to the data"]


def _resources(release: Path) -> dict[str, dict]:
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    return {r["name"]: r for r in package["resources"] if r.get("format") == "csv"}


def _read(release: Path, resource: dict) -> tuple[list[str], dict[str, dict[str, str]]]:
    schema = resource["schema"]
    if isinstance(schema, str):
        schema = json.loads((release / schema).read_text(encoding="utf-8"))
    key = schema["primaryKey"]
    (path,) = release_files(release, resource["name"], "csv")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = {"/".join(row[k] for k in key): row for row in reader}
        return list(reader.fieldnames or []), rows


def diff(old: Path | str, new: Path | str) -> ReleaseDiff:
    """Added, removed and changed records per table between two release folders."""
    old, new = Path(old), Path(new)
    old_res, new_res = _resources(old), _resources(new)
    tables = {}
    for name in new_res.keys() & old_res.keys():
        old_fields, old_rows = _read(old, old_res[name])
        new_fields, new_rows = _read(new, new_res[name])
        d = TableDiff(
            added=sorted(new_rows.keys() - old_rows.keys()),
            removed=sorted(old_rows.keys() - new_rows.keys()),
            fields_added=[f for f in new_fields if f not in old_fields],
            fields_removed=[f for f in old_fields if f not in new_fields],
        )
        for key in sorted(new_rows.keys() & old_rows.keys()):
            changed = [
                f for f in new_fields if f in old_fields and old_rows[key][f] != new_rows[key][f]
            ]
            if changed:
                d.changed[key] = changed
        tables[name] = d
    ordered = {name: tables[name] for name in new_res if name in tables}
    return ReleaseDiff(
        ordered,
        tables_added=[t for t in new_res if t not in old_res],
        tables_removed=[t for t in old_res if t not in new_res],
    )
