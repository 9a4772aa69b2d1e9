"""alliance_data: a versioned, source-traced dataset of U.S. alliance diplomacy."""

__version__ = "0.1.0"
