"""Frictionless Table Schemas, JSON Schemas and Arrow schemas, derived from the models.

The pydantic JSON Schema of each model is the one input: every other schema is a
translation of it, so a change to a model reaches every output and nothing drifts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alliance_data import atomic

from . import models
from .models import TABLES, Table

if TYPE_CHECKING:
    import pyarrow as pa

TABLE_SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"


@dataclass(frozen=True)
class FieldSpec:
    """One column as every schema format needs it."""

    name: str
    type: str  # frictionless type: string, integer, date, boolean
    required: bool
    description: str
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    min_length: int | None = None
    max_length: int | None = None
    vocabulary: str | None = None  # name of the enum class, for the codebook


def json_schema(table: Table) -> dict[str, Any]:
    schema = table.model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = table.name
    return schema


@cache
def fields(table_name: str) -> tuple[FieldSpec, ...]:
    """Translate the model's JSON Schema into column specs, in model order."""
    table = TABLES[table_name]
    schema = table.model.model_json_schema()
    defs = schema.get("$defs", {})
    required = set(schema.get("required", []))
    return tuple(
        _field(name, prop, name in required, defs) for name, prop in schema["properties"].items()
    )


def _field(name: str, prop: dict[str, Any], required: bool, defs: dict[str, Any]) -> FieldSpec:
    options = [o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"]
    (option,) = options
    vocabulary = None
    if "$ref" in option:
        vocabulary = option["$ref"].rsplit("/", 1)[-1]
        option = defs[vocabulary]
    kind = option.get("type", "string")
    if kind == "string" and option.get("format") == "date":
        kind = "date"
    enum = option.get("enum")
    return FieldSpec(
        name=name,
        type=kind,
        required=required,
        description=prop.get("description", ""),
        enum=tuple(enum) if enum else None,
        pattern=option.get("pattern"),
        minimum=option.get("minimum"),
        maximum=option.get("maximum"),
        min_length=option.get("minLength"),
        max_length=option.get("maxLength"),
        vocabulary=vocabulary,
    )


def table_schema(table: Table) -> dict[str, Any]:
    """The Frictionless (v2) Table Schema of a table."""
    out: dict[str, Any] = {"$schema": TABLE_SCHEMA_PROFILE, "fields": []}
    for spec in fields(table.name):
        constraints: dict[str, Any] = {}
        if spec.required:
            constraints["required"] = True
        for key, value in (
            ("enum", list(spec.enum) if spec.enum else None),
            ("pattern", spec.pattern),
            ("minimum", spec.minimum),
            ("maximum", spec.maximum),
            ("minLength", spec.min_length),
            ("maxLength", spec.max_length),
        ):
            if value is not None:
                constraints[key] = value
        field: dict[str, Any] = {"name": spec.name, "type": spec.type}
        field["description"] = spec.description
        if spec.vocabulary:  # each value's meaning, so a release documents itself
            meanings = models.meanings(getattr(models, spec.vocabulary))
            field["categories"] = [{"value": v, "label": meanings[v]} for v in spec.enum or ()]
        if constraints:
            field["constraints"] = constraints
        out["fields"].append(field)
    out["missingValues"] = [""]
    out["primaryKey"] = list(table.primary_key)
    out["foreignKeys"] = [
        {
            "fields": list(fk.fields),
            "reference": {"resource": fk.ref_table, "fields": list(fk.ref_fields)},
        }
        for fk in table.foreign_keys
    ]
    if not out["foreignKeys"]:
        del out["foreignKeys"]
    return out


def arrow_schema(table_name: str) -> pa.Schema:
    """The Arrow schema of a table's Parquet file: dates as dates, vocabularies as dictionaries."""
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "integer": pa.int64(),
        "date": pa.date32(),
        "boolean": pa.bool_(),
    }
    columns = []
    for spec in fields(table_name):
        kind = pa.dictionary(pa.int32(), pa.string()) if spec.enum else types[spec.type]
        meta = {"description": spec.description}
        columns.append(pa.field(spec.name, kind, nullable=not spec.required, metadata=meta))
    return pa.schema(columns, metadata={"table": table_name})


SPARK_TYPES = {
    "string": "STRING",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "date": "DATE",
    "boolean": "BOOLEAN",
}


def spark_ddl(schema: dict[str, Any]) -> str:
    """A Table Schema as a Spark DDL string, for ``spark.read.schema(...)`` on CSV or Parquet.

    Integers are ``BIGINT`` (the Parquet files hold int64), dates ``DATE``, everything else as
    its Table Schema type says, so nothing is left to Spark's type inference.

    Example
    -------
    >>> spark_ddl({"fields": [{"name": "party_id", "type": "string"},
    ...                       {"name": "cow_code", "type": "integer"}]})
    '`party_id` STRING, `cow_code` BIGINT'
    """
    return ", ".join(f"`{f['name']}` {SPARK_TYPES[f['type']]}" for f in schema["fields"])


def dumps(document: dict[str, Any]) -> str:
    """Stable JSON text for committed and released files."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def generated_files() -> dict[str, str]:
    """Every file in ``schemas/``, by relative path, as the models say it should be."""
    files = {}
    for table in TABLES.values():
        files[f"{table.name}.tableschema.json"] = dumps(table_schema(table))
        files[f"{table.name}.schema.json"] = dumps(json_schema(table))
    return files


def write_schemas(directory: Path) -> list[Path]:
    """Regenerate ``schemas/``; returns the files that changed."""
    directory.mkdir(parents=True, exist_ok=True)
    changed = []
    expected = generated_files()
    for stale in directory.glob("*.json"):
        if stale.name not in expected:
            stale.unlink()
            changed.append(stale)
    for name, text in expected.items():
        path = directory / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            atomic.write_text(path, text)
            changed.append(path)
    return changed
