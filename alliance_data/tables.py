"""The table registry: each table's model, primary key and foreign keys, in release order.

Kept apart from the models so that checks, schemas and exports share one list and one order.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import models


@dataclass(frozen=True)
class ForeignKey:
    """``fields`` of this table point at ``ref_fields`` of ``ref_table``."""

    fields: tuple[str, ...]
    ref_table: str
    ref_fields: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    name: str
    model: type[models.Record]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.model.model_fields)

    @property
    def description(self) -> str:
        return " ".join((self.model.__doc__ or "").split())

    def key(self, row: dict) -> str:
        """The primary key as one string, as evidence rows and messages name it."""
        return "/".join(str(row.get(name)) for name in self.primary_key)


def _fk(field: str, ref_table: str, ref_field: str) -> ForeignKey:
    return ForeignKey((field,), ref_table, (ref_field,))


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("sources", models.Source, ("source_id",)),
        Table("parties", models.Party, ("party_id",)),
        Table(
            "officials",
            models.Official,
            ("official_id",),
            (_fk("party_id", "parties", "party_id"),),
        ),
        Table(
            "official_aliases",
            models.OfficialAlias,
            ("official_id", "alias"),
            (
                _fk("official_id", "officials", "official_id"),
                _fk("source_id", "sources", "source_id"),
            ),
        ),
        Table(
            "positions",
            models.Position,
            ("position_id",),
            (
                _fk("official_id", "officials", "official_id"),
                _fk("party_id", "parties", "party_id"),
            ),
        ),
        Table(
            "meetings",
            models.Meeting,
            ("meeting_id",),
            (_fk("country", "parties", "party_id"),),
        ),
        Table(
            "meeting_participants",
            models.MeetingParticipant,
            ("meeting_id", "official_id"),
            (
                _fk("meeting_id", "meetings", "meeting_id"),
                _fk("official_id", "officials", "official_id"),
                _fk("party_id", "parties", "party_id"),
            ),
        ),
        Table(
            "meeting_relations",
            models.MeetingRelation,
            ("meeting_id", "related_meeting_id"),
            (
                _fk("meeting_id", "meetings", "meeting_id"),
                _fk("related_meeting_id", "meetings", "meeting_id"),
            ),
        ),
        Table(
            "agreements",
            models.Agreement,
            ("agreement_id",),
        ),
        Table(
            "agreement_parties",
            models.AgreementParty,
            ("agreement_id", "party_id"),
            (
                _fk("agreement_id", "agreements", "agreement_id"),
                _fk("party_id", "parties", "party_id"),
            ),
        ),
        Table(
            "commitments",
            models.Commitment,
            ("commitment_id",),
            (
                _fk("meeting_id", "meetings", "meeting_id"),
                _fk("document_source_id", "sources", "source_id"),
                _fk("committing_party_id", "parties", "party_id"),
                _fk("beneficiary_party_id", "parties", "party_id"),
                _fk("agreement_id", "agreements", "agreement_id"),
            ),
        ),
        Table(
            "evidence",
            models.Evidence,
            ("evidence_id",),
            (_fk("source_id", "sources", "source_id"),),
        ),
        Table(
            "upstream_records",
            models.UpstreamRecord,
            ("source_id", "upstream_id"),
            (_fk("source_id", "sources", "source_id"),),
        ),
    )
}

TABLE_NAMES: tuple[str, ...] = tuple(TABLES)


def get(name: str) -> Table:
    """Look a table up by name, listing the valid names when it is unknown."""
    try:
        return TABLES[name]
    except KeyError:
        raise ValueError(
            f"unknown table {name!r}; expected one of: {', '.join(TABLE_NAMES)}"
        ) from None
