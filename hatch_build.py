"""Build hook: ship exactly the latest release inside the wheel, without a second copy in git."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class ShipLatestRelease(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return  # editable installs read releases/ straight from the checkout
        root = Path(self.root)
        index = json.loads((root / "releases" / "index.json").read_text(encoding="utf-8"))
        latest = index["versions"][-1]["version"]
        source = root / "releases" / latest
        for path in sorted(source.rglob("*")):
            if path.is_file():
                relative = path.relative_to(source).as_posix()
                build_data["force_include"][str(path)] = f"alliance_data/_release/{relative}"
        build_data["force_include"][str(root / "releases" / "index.json")] = (
            "alliance_data/_release_index.json"
        )
