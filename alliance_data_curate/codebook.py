"""The data dictionary: every table and field with its type, rules, meaning and vocabulary."""

from __future__ import annotations

from typing import Any

from . import models
from .models import TABLES
from .schemas import FieldSpec, fields
from .writers import release_order


def _constraints(spec: FieldSpec) -> str:
    parts = ["required" if spec.required else "nullable"]
    if spec.pattern:
        parts.append(f"pattern `{spec.pattern}`")
    if spec.minimum is not None or spec.maximum is not None:
        parts.append(f"range {spec.minimum}–{spec.maximum}")
    if spec.max_length is not None:
        parts.append(f"at most {spec.max_length} characters")
    return ", ".join(parts)


def _vocabulary(spec: FieldSpec) -> dict[str, str]:
    if not spec.vocabulary:
        return {}
    return models.meanings(getattr(models, spec.vocabulary))


def rows() -> list[dict[str, Any]]:
    """One row per field: what ``alliance_data.codebook()`` returns as a DataFrame."""
    out = []
    for table in TABLES.values():
        for spec in fields(table.name):
            vocab = _vocabulary(spec)
            out.append(
                {
                    "table": table.name,
                    "field": spec.name,
                    "type": spec.type,
                    "required": spec.required,
                    "primary_key": spec.name in table.primary_key,
                    "constraints": _constraints(spec),
                    "meaning": spec.description,
                    "allowed_values": "; ".join(f"{k}: {v}" for k, v in vocab.items()) or None,
                }
            )
    return out


def markdown(examples: dict[str, dict[str, Any]] | None = None, version: str = "") -> str:
    """The codebook shipped with each release; ``examples`` maps table to one sample row."""
    examples = examples or {}
    lines = [f"# alliance_data codebook{f' — version {version}' if version else ''}", ""]
    lines += [
        "Generated from the package's pydantic models; do not edit by hand.",
        "Each table is published as `csv/<table>.csv` (UTF-8, RFC 4180: quotes doubled, CRLF "
        "line ends, empty = null) and as the Parquet parts in `parquet/<table>/` "
        "(`part-0000.parquet`, ...; read the folder). Both hold the same rows in the same "
        "order, given under each table: the column users filter on first, then the primary "
        "key; empty values sort last. `schemas/<table>.json` is the Table Schema, "
        "`schemas/<table>.spark.ddl` the same columns as a Spark DDL string.",
        "",
    ]
    for table in TABLES.values():
        lines += [f"## `{table.name}`", "", table.description, ""]
        lines.append(f"Primary key: `{', '.join(table.primary_key)}`.")
        lines.append(f"Row order: `{', '.join(release_order(table.name))}`.")
        for fk in table.foreign_keys:
            lines.append(f"Foreign key: `{fk.fields[0]}` → `{fk.ref_table}.{fk.ref_fields[0]}`.")
        lines += ["", "| field | type | constraints | meaning | example |", "|---|---|---|---|---|"]
        sample = examples.get(table.name, {})
        for spec in fields(table.name):
            example = sample.get(spec.name)
            shown = "" if example is None else f"`{example}`".replace("|", "\\|")
            meaning = spec.description.replace("|", "\\|")
            lines.append(
                f"| `{spec.name}` | {spec.type} | {_constraints(spec)} | {meaning} | {shown} |"
            )
        for spec in fields(table.name):
            vocab = _vocabulary(spec)
            if vocab:
                lines += ["", f"Values of `{spec.name}`:", ""]
                lines += [f"- `{value}`: {meaning}" for value, meaning in vocab.items()]
        lines.append("")
    return "\n".join(lines)
