"""How to cite a release: ``CITATION.cff`` and the one-line citation share this metadata."""

from __future__ import annotations

from .release import LICENSES, TITLE

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
