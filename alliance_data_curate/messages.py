"""The wording of problems, shared by the records and the release paths of ``rules.py``.

Both validators must say the same thing about the same defect (a test compares them), so each
reason is written here once.
"""

from __future__ import annotations

from typing import Any

NO_EVIDENCE = "no evidence row supports this record"


def duplicate_key(first: str) -> str:
    return f"duplicate primary key; first defined at {first}"


def not_a_key(value: Any, target: str) -> str:
    return f"{value!r} is not a {target}"


def title_not_held(title: str, official: str, start: Any, end: Any, held: str) -> str:
    return (
        f"{title!r} is not a position {official} held on the meeting's dates "
        f"({start} to {end}); positions held then: {held}"
    )


def outside_meeting(date: Any, meeting: str, start: Any, end: Any) -> str:
    return f"{date} is outside meeting {meeting} ({start} to {end})"


def not_within(meeting: str, start: Any, end: Any, related: str, r_start: Any, r_end: Any) -> str:
    return f"{meeting} ({start} to {end}) is not within {related} ({r_start} to {r_end})"


def same_person(what: str, other: str, where: str) -> str:
    return f"same {what} as official {other} ({where}); one person must be one record"


def no_statement_quote(source_id: str) -> str:
    return (
        f"coded from statement {source_id} but no evidence row quotes its words; add an "
        "evidence row with the exact quote (a sentence or less)"
    )


def no_record(table: str, record_id: Any) -> str:
    return f"no {table} record {record_id!r}"


def no_field(table: str, field: Any) -> str:
    return f"{table} has no field {field!r}"


def model_accepts(rules: list[str]) -> str:
    return f"release rule(s) {', '.join(rules)} failed but the model accepts the row"


def declared(what: str, found: Any, expected: Any) -> str:
    return f"{what} is {found} but datapackage.json declares {expected}"
