"""Import of the Office of the Historian's Principal Officers and Chiefs of Mission (POCOM).

Modules: ``parse`` (safe XML to plain rows, partial dates), ``build`` (officials, positions,
evidence and provenance), ``importer`` (pinned download or local snapshot, atomic write).
Person ids are the traveller ids of the travels data, so the hsg importer reads this import's
``upstream_records`` to give Secretaries' trips the dated positions written here.
"""
