"""Import of the Office of the Historian's travels and visits data (history.state.gov).

Kept out of ``alliance_data/__init__`` so that ``import alliance_data`` stays light; the CLI
imports ``alliance_data.hsg.importer`` only when the ``import`` command runs.

Modules: ``parse`` (safe XML to plain rows), ``countries`` (slug crosswalk), ``names``
(visitor title/name split), ``people`` (officials and positions), ``build`` (rows to records,
duplicates, provenance), ``fetch`` (pinned download), ``importer`` (the whole run, atomic write).
"""
