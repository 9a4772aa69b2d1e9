"""schemas/ is generated from the models: a model change without regeneration fails here."""

from __future__ import annotations

import json

import jsonschema
import pyarrow as pa

from alliance_data_curate import schemas as schema
from alliance_data_curate.models import TABLES, Meeting
from conftest import ROOT


def test_committed_schemas_match_the_models() -> None:
    expected = schema.generated_files()
    committed = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "schemas").glob("*.json")}
    assert committed.keys() == expected.keys(), "run `alliance-data schemas`"
    stale = [name for name, text in expected.items() if committed[name] != text]
    assert stale == [], f"out of date, run `alliance-data schemas`: {stale}"


def test_every_field_is_typed_and_described() -> None:
    for table in TABLES.values():
        ts = schema.table_schema(table)
        assert ts["primaryKey"] == list(table.primary_key)
        for field in ts["fields"]:
            assert field["type"] in {"string", "integer", "date", "boolean"}, field
            assert field["description"], (table.name, field["name"])


def test_json_schema_accepts_a_model_dump_and_rejects_unknown_fields() -> None:
    meeting = Meeting(
        meeting_id="x",
        title="X",
        kind="summit",
        format="virtual",
        start_date="2021-03-12",
        end_date="2021-03-12",
        date_precision="day",
    )
    document = json.loads(meeting.model_dump_json(exclude_none=True))
    validator = jsonschema.Draft202012Validator(schema.json_schema(TABLES["meetings"]))
    assert list(validator.iter_errors(document)) == []
    assert list(validator.iter_errors({**document, "colour": "blue"}))
    assert list(validator.iter_errors({**document, "kind": "tea_party"}))


def test_arrow_schema_types() -> None:
    arrow = schema.arrow_schema("meetings")
    assert arrow.field("start_date").type == pa.date32()
    assert pa.types.is_dictionary(arrow.field("format").type)
    assert not arrow.field("meeting_id").nullable and arrow.field("city").nullable
    assert schema.arrow_schema("parties").field("cow_code").type == pa.int64()
