"""The dataset's metadata (title, licences) and how to cite a release: ``CITATION.cff`` and
the one-line citation share it with every release's ``datapackage.json``."""

from __future__ import annotations

NAME = "alliance-data"
TITLE = "alliance_data: U.S. alliance diplomacy — meetings, officials, commitments, agreements"
DESCRIPTION = (
    "A versioned, source-traced dataset of U.S. alliance diplomacy. Every record traces to "
    "a source in the sources table and carries evidence (an exact quote or a citation)."
)
LICENSES = [
    {
        "name": "CC-BY-4.0",
        "path": "https://creativecommons.org/licenses/by/4.0/",
        "title": "Creative Commons Attribution 4.0 (the data; Office of the Historian "
        "records it includes are CC0 1.0)",
    },
    {
        "name": "MIT",
        "path": "https://opensource.org/license/mit",
        "title": "MIT License (the code)",
    },
]
KEYWORDS = ["alliances", "diplomacy", "United States", "Japan", "South Korea", "meetings"]

AUTHORS = "alliance_data contributors"
REPOSITORY = "https://github.com/alliance-data/alliance_data"


def cff(version: str, date: str) -> str:
    """The CITATION.cff text of a release (type dataset, version, date, licence)."""
    return (
        "cff-version: 1.2.0\n"
        "message: If you use this dataset, please cite it as below, with the version you used.\n"
        "type: dataset\n"
        f'title: "{TITLE}"\n'
        "authors:\n"
        f'  - name: "{AUTHORS}"\n'
        f'version: "{version}"\n'
        f'date-released: "{date}"\n'
        f"license: {LICENSES[0]['name']}\n"
        f'repository-code: "{REPOSITORY}"\n'
        "keywords:\n"
        "  - alliances\n"
        "  - diplomacy\n"
        "  - dataset\n"
    )


def text(version: str, date: str) -> str:
    """A plain citation matching CITATION.cff."""
    year = date[:4]
    return f"{AUTHORS} ({year}). {TITLE} (Version {version}) [Data set]. {REPOSITORY}"
