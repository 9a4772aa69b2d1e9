"""alliance_data: a versioned, source-traced dataset of U.S. alliance diplomacy.

>>> import alliance_data
>>> meetings = alliance_data.load("meetings")      # the shipped release; no network
>>> alliance_data.tables()                          # table names
>>> alliance_data.load("meetings", version="0.1.0")  # an older release, fetched and verified

Importing the package is cheap: pandas and pyarrow load only when a function that needs
them is called.
"""

from __future__ import annotations

__version__ = "0.7.0"

__all__ = [
    "DownloadError",
    "InvalidArgument",
    "agreements_in_force",
    "allies",
    "cite",
    "codebook",
    "load",
    "package_path",
    "positions_on",
    "tables",
    "versions",
]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .alliances import agreements_in_force, allies
    from .api import InvalidArgument, cite, codebook, load, package_path, tables, versions
    from .fetch import DownloadError
    from .pointintime import positions_on

_HOMES = {
    "DownloadError": "fetch",
    "allies": "alliances",
    "agreements_in_force": "alliances",
    "positions_on": "pointintime",
}


def __getattr__(name: str) -> object:
    if name in __all__:
        import importlib

        module = importlib.import_module(f".{_HOMES.get(name, 'api')}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'alliance_data' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*__all__, "__version__"])
