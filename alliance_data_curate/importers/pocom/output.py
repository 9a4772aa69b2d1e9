"""Reading back what the pocom import wrote, for the hsg import to defer to."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from ...models import TABLES

SUBFOLDER = "pocom"


def read_output(imported_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """The pocom tables a previous run wrote (empty if it has not run), as model-checked dicts."""
    folder = Path(imported_dir) / SUBFOLDER
    tables: dict[str, list[dict[str, Any]]] = {}
    for name in ("officials", "positions", "upstream_records"):
        path = folder / f"{name}.csv"
        if not path.is_file():
            return {}
        model = TABLES[name].model
        with path.open(encoding="utf-8", newline="") as handle:
            rows = csv.DictReader(handle)
            tables[name] = [
                model.model_validate(
                    {k: (v if v != "" else None) for k, v in r.items()}
                ).model_dump()
                for r in rows
            ]
    return tables
