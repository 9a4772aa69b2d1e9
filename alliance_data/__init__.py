"""alliance_data: a versioned, source-traced dataset of U.S. alliance diplomacy.

Importing the package is cheap: pandas, pyarrow and pydantic load only when a function
that needs them is called.
"""

from __future__ import annotations

__version__ = "0.3.0"

__all__ = ["cite", "codebook", "load", "package_path", "tables", "versions"]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .api import cite, codebook, load, package_path, tables, versions


def __getattr__(name: str) -> object:
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'alliance_data' has no attribute {name!r}")
