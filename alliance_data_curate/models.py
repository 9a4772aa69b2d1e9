"""Pydantic models: the one definition of every table's fields, types and rules.

Table Schemas, JSON Schema, the Arrow schema and the codebook are all derived from these
classes (see ``schema.py``); nothing here is written twice elsewhere.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationInfo,
    model_validator,
)

FORMULA_PREFIXES = ("=", "+", "@", "\t", "\r")
DASH_TEXT = re.compile(r"- [^\W\d_]")  # a dash before a word: "- see the note"
FORMULA_CHARS = set("=+@|!()")
BIDI = {*range(0x202A, 0x202F), *range(0x2066, 0x206A)}
ZERO_WIDTH = {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF}
ALLOWED_CONTROLS = {"\n", "\t"}  # line breaks and tabs inside text (quotes wrap lines)
HIDDEN_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}
CONTROL_NAMES = {0x00: "NULL", 0x07: "BELL", 0x08: "BACKSPACE", 0x0D: "CARRIAGE RETURN"}
CONTROL_NAMES |= {0x1B: "ESCAPE", 0x7F: "DELETE", 0x85: "NEXT LINE"}
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")


def code_point(char: str) -> str:
    """``U+200B ZERO WIDTH SPACE``: how a message names a character.

    Example
    -------
    >>> code_point("\u202e")
    'U+202E RIGHT-TO-LEFT OVERRIDE'
    """
    name = CONTROL_NAMES.get(ord(char)) or unicodedata.name(char, "control character")
    return f"U+{ord(char):04X} {name}"


def _no_formula(value: str) -> str:
    """Reject text a spreadsheet would execute; CSVs stay raw, so the data must be safe.

    ``=``, ``+``, ``@``, tab and carriage return never start a text. ``-`` starts one only as
    a dash before a word (``- see the note``) and only when the text holds none of
    ``= + @ | ! ( )``; ``-1+1`` or ``-cmd|' /C calc'!A0`` are refused.
    """
    if value.startswith(FORMULA_PREFIXES) or (
        value.startswith("-") and (not DASH_TEXT.match(value) or FORMULA_CHARS.intersection(value))
    ):
        raise ValueError(
            f"text starts with {value[0]!r}, which spreadsheets may execute as a formula "
            "(formula injection); reword it or add a leading letter"
        )
    return value


def _plain_text(value: str) -> str:
    """Refuse invisible or deceptive characters and text that is only whitespace.

    Control characters (NUL, escape, carriage return...; newline and tab are allowed
    inside text, and tab is refused at its start as a formula prefix), bidi overrides and
    isolates, zero-width characters and other format, private-use or unassigned code
    points are refused: two names that look the same must be the same string.
    """
    for position, char in enumerate(value, start=1):
        if char in ALLOWED_CONTROLS:
            continue
        if (
            ord(char) in BIDI
            or ord(char) in ZERO_WIDTH
            or unicodedata.category(char) in HIDDEN_CATEGORIES
        ):
            raise ValueError(
                f"contains {code_point(char)} at character {position}; "
                "invisible and control characters are not allowed in text"
            )
    if not value.strip():
        raise ValueError("text is only whitespace")
    return value


def _iso_date_text(value: object) -> object:
    """Text (CSV, or a quoted YAML value) must be exactly YYYY-MM-DD and a real day."""
    if isinstance(value, dt.datetime):
        raise ValueError(f"{value.isoformat()} has a time of day; write the day as YYYY-MM-DD")
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(f"{value!r} is a number, not a date written YYYY-MM-DD")
    if not isinstance(value, str):
        return value  # a date passes; anything else fails the strict check
    if not ISO_DATE.fullmatch(value):
        raise ValueError(f"{value[:40]!r} is not a date written YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a date: {exc}") from None


def _integer_text(value: object, info: ValidationInfo) -> object:
    """CSV text must be a plain integer (no ``1.0``, ``+5``, `` 5`` or ``5_0``); in YAML a
    number must be a number (``cow_code: "732"`` is text, and refused)."""
    if not isinstance(value, str):
        return value  # an int passes; true, 1.0 and dates fail the strict check
    if not (info.context or {}).get("csv"):
        raise ValueError(f"{value[:40]!r} is text, not a whole number; write it without quotes")
    if not INTEGER.fullmatch(value):
        raise ValueError(f"{value[:40]!r} is not a whole number written in digits")
    return int(value)


SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
PARTY_PATTERN = r"^(?:[A-Z]{3}|[A-Z]{4}|[a-z0-9]+(?:-[a-z0-9]+)*)$"
WIKIDATA_PATTERN = r"^Q[1-9][0-9]*$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"

Text = Annotated[str, Field(min_length=1), AfterValidator(_no_formula), AfterValidator(_plain_text)]
# YAML gives dates and integers as such (strict: no numbers as dates, no true as 1);
# CSV gives text, which must be written exactly as the release writes it.
Date = Annotated[dt.date, Strict(), BeforeValidator(_iso_date_text)]
CowCode = Annotated[int, Strict(), Field(ge=1, le=999), BeforeValidator(_integer_text)]


def _file_name(value: str) -> str:
    """A plain file name inside the texts folder: no folders, no ``..``, not absolute."""
    if "/" in value or "\\" in value or value in (".", "..") or value.startswith("~"):
        raise ValueError(
            f"{value[:80]!r} is not a plain file name; text files are looked up inside the "
            "texts folders only"
        )
    return value


FileName = Annotated[Text, AfterValidator(_file_name)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=120)]
PartyId = Annotated[str, Field(pattern=PARTY_PATTERN, max_length=60)]
WikidataId = Annotated[str, Field(pattern=WIKIDATA_PATTERN)]
Url = Annotated[str, Field(pattern=r"^https?://\S+$")]


def vocabulary(meanings: dict[str, str]):
    """Attach each value's meaning to an enum so the codebook can print it."""

    def attach(cls: type[StrEnum]) -> type[StrEnum]:
        values = {member.value for member in cls}
        if values != set(meanings):
            raise TypeError(f"{cls.__name__}: meanings do not match values {sorted(values)}")
        cls.meanings = meanings  # type: ignore[attr-defined]
        return cls

    return attach


@vocabulary(
    {
        "day": "the date is exact to the day",
        "month": "only the month is known; the date is the first of that month",
        "year": "only the year is known; the date is 1 January of that year",
    }
)
class DatePrecision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


@vocabulary(
    {
        "state": "a sovereign state, keyed by its ISO 3166-1 alpha-3 code",
        "former_state": "a state that no longer exists, keyed by its ISO 3166-3 code or a slug",
        "territory": "a dependent territory or pre-statehood entity, keyed by ISO code or slug",
        "organization": "an international organisation, keyed by a slug",
        "grouping": "an informal grouping of states such as the Quad, keyed by a slug",
    }
)
class PartyKind(StrEnum):
    STATE = "state"
    FORMER_STATE = "former_state"
    TERRITORY = "territory"
    ORGANIZATION = "organization"
    GROUPING = "grouping"


@vocabulary(
    {
        "given_family": "the name is written given name first (English, Indian usage)",
        "family_given": "the name is written family name first (Japanese, Korean, Chinese usage)",
    }
)
class NameOrder(StrEnum):
    GIVEN_FAMILY = "given_family"
    FAMILY_GIVEN = "family_given"


@vocabulary(
    {
        "misspelling": "a spelling of the name that is wrong",
        "name_order": "the same name written in the other name order",
        "short_form": "a shortened or informal form of the name",
        "full_form": "a longer form of the name (middle names, suffixes)",
        "native_script": "the name in another script",
        "romanization": "another romanization of the native name",
    }
)
class AliasKind(StrEnum):
    MISSPELLING = "misspelling"
    NAME_ORDER = "name_order"
    SHORT_FORM = "short_form"
    FULL_FORM = "full_form"
    NATIVE_SCRIPT = "native_script"
    ROMANIZATION = "romanization"


@vocabulary(
    {
        "ended": "the position ended on end_date",
        "ongoing": "still held according to the latest source consulted (see its evidence)",
        "unknown": "whether or when the position ended is not known; for positions imported "
        "from the visits data, the source gives only the title held on the visit's dates",
    }
)
class TenureStatus(StrEnum):
    ENDED = "ended"
    ONGOING = "ongoing"
    UNKNOWN = "unknown"


@vocabulary(
    {
        "ministerial_2plus2": "a joint meeting of two countries' foreign and defence ministers",
        "summit": "a meeting of heads of state or government",
        "bilateral_meeting": "a meeting between officials of two governments",
        "trilateral_meeting": "a meeting between officials of three governments",
        "multilateral_meeting": "a meeting between officials of more than three governments",
        "phone_call": "a telephone conversation between leaders or officials",
        "hearing": "a legislative committee hearing",
        "visit": "a visit by an official to another country, including visits to the U.S.",
        "trip": "a trip abroad by a U.S. President or Secretary of State (one stop of it)",
    }
)
class MeetingKind(StrEnum):
    MINISTERIAL_2PLUS2 = "ministerial_2plus2"
    SUMMIT = "summit"
    BILATERAL_MEETING = "bilateral_meeting"
    TRILATERAL_MEETING = "trilateral_meeting"
    MULTILATERAL_MEETING = "multilateral_meeting"
    PHONE_CALL = "phone_call"
    HEARING = "hearing"
    VISIT = "visit"
    TRIP = "trip"


@vocabulary(
    {
        "in_person": "the participants met in one place",
        "virtual": "the participants met by video link",
        "phone": "the participants spoke by telephone",
    }
)
class MeetingFormat(StrEnum):
    IN_PERSON = "in_person"
    VIRTUAL = "virtual"
    PHONE = "phone"


@vocabulary(
    {
        "same_as": "both records describe the same event (for example from different sources)",
        "part_of": "the meeting took place during the related trip or visit",
    }
)
class MeetingRelationKind(StrEnum):
    SAME_AS = "same_as"
    PART_OF = "part_of"


@vocabulary(
    {
        "defense_guarantee": "a pledge to defend the beneficiary or a territory of it",
        "treaty_reaffirmation": "a reaffirmation of obligations under a treaty",
        "territorial_scope": "a statement that a treaty's defense article covers a named "
        "territory (e.g. Article V and the Senkaku Islands); see `territory`",
        "extended_deterrence": "a pledge of U.S. extended deterrence (see `nuclear`, "
        "`full_range` and `mechanism`)",
        "force_presence": "a pledge on stationed forces: troop levels, presence, stationing",
        "opcon_transition": "a decision or pledge on transferring wartime operational control",
        "missile_defense": "a pledge on missile defense cooperation",
        "trilateral_cooperation": "a pledge of cooperation among the U.S., Japan and the ROK",
        "alliance_affirmation": "a statement of the alliance's importance or role",
        "deterrence_posture": "a pledge about deterrence, readiness or force posture",
        "policy_consultation": "a promise to consult the beneficiary on a policy",
        "cost_sharing": "a pledge on sharing the cost of stationed forces",
        "norms_order": "support for a regional or international order or its norms",
        "cooperation": "a pledge of closer cooperation in named or general fields",
    }
)
class CommitmentKind(StrEnum):
    DEFENSE_GUARANTEE = "defense_guarantee"
    TREATY_REAFFIRMATION = "treaty_reaffirmation"
    TERRITORIAL_SCOPE = "territorial_scope"
    EXTENDED_DETERRENCE = "extended_deterrence"
    FORCE_PRESENCE = "force_presence"
    OPCON_TRANSITION = "opcon_transition"
    MISSILE_DEFENSE = "missile_defense"
    TRILATERAL_COOPERATION = "trilateral_cooperation"
    ALLIANCE_AFFIRMATION = "alliance_affirmation"
    DETERRENCE_POSTURE = "deterrence_posture"
    POLICY_CONSULTATION = "policy_consultation"
    COST_SHARING = "cost_sharing"
    NORMS_ORDER = "norms_order"
    COOPERATION = "cooperation"


@vocabulary(
    {
        "treaty": "a treaty ratified by the parties",
        "special_measures_agreement": "a host-nation support (cost-sharing) agreement",
        "protocol_extension": "a protocol or agreement that amends or extends another",
        "joint_statement": "a statement issued jointly by the parties",
        "arrangement": "a transfer, plan or arrangement agreed between governments",
        "guidelines": "guidelines or a framework approved by the parties' ministers",
    }
)
class AgreementKind(StrEnum):
    TREATY = "treaty"
    SPECIAL_MEASURES_AGREEMENT = "special_measures_agreement"
    PROTOCOL_EXTENSION = "protocol_extension"
    JOINT_STATEMENT = "joint_statement"
    ARRANGEMENT = "arrangement"
    GUIDELINES = "guidelines"


@vocabulary(
    {
        "in_force": "in force on status_date",
        "signed": "signed (or, for a statement or guidelines, issued) but not in force",
        "agreed_in_principle": "agreed or initialled by negotiators, not yet signed",
        "under_negotiation": "negotiations or a process under way and not concluded",
        "expired": "no longer in force: it expired",
        "proposed": "proposed by at least one party",
        "terminated": "no longer in force: terminated by a party or by the parties",
        "superseded": "no longer in force: replaced by another agreement",
    }
)
class AgreementStatus(StrEnum):
    IN_FORCE = "in_force"
    SIGNED = "signed"
    AGREED_IN_PRINCIPLE = "agreed_in_principle"
    UNDER_NEGOTIATION = "under_negotiation"
    EXPIRED = "expired"
    PROPOSED = "proposed"
    TERMINATED = "terminated"
    SUPERSEDED = "superseded"


@vocabulary(
    {
        "negotiations_opened": "negotiations opened (the agreement as a whole)",
        "agreed_in_principle": "negotiators agreed in principle (the agreement as a whole)",
        "initialled": "the negotiated text was initialled (the agreement as a whole)",
        "signed": "signed (as a whole, or by the party named); a statement: issued",
        "ratified": "the party deposited its ratification; it is a party once the agreement "
        "is in force",
        "acceded": "the party deposited its accession and is a party from that day",
        "succeeded": "the party became a party by succession",
        "became_party": "the party became a party (an original party on entry into force)",
        "entered_into_force": "entered into force (the agreement as a whole)",
        "amended": "amended or revised; a process: its plan changed (see note)",
        "extended": "its term was extended",
        "withdrawal_announced": "the party announced it would withdraw or denounce; no formal "
        "notice is dated in the data",
        "withdrawal_notified": "the party gave notice of withdrawal or denunciation",
        "withdrew": "the party's withdrawal took effect; it is no longer a party",
        "denounced": "the party's denunciation took effect; it is no longer a party",
        "obligations_suspended": "obligations toward the party were suspended; it stays a party",
        "obligations_restored": "suspended obligations toward the party were restored",
        "expired": "it expired (the agreement as a whole)",
        "terminated": "it was terminated (the agreement as a whole)",
        "superseded": "it was replaced by related_agreement_id (the agreement as a whole)",
        "organization_dissolved": "an organisation built on it dissolved; the agreement itself "
        "stays in force",
    }
)
class AgreementEventKind(StrEnum):
    NEGOTIATIONS_OPENED = "negotiations_opened"
    AGREED_IN_PRINCIPLE = "agreed_in_principle"
    INITIALLED = "initialled"
    SIGNED = "signed"
    RATIFIED = "ratified"
    ACCEDED = "acceded"
    SUCCEEDED = "succeeded"
    BECAME_PARTY = "became_party"
    ENTERED_INTO_FORCE = "entered_into_force"
    AMENDED = "amended"
    EXTENDED = "extended"
    WITHDRAWAL_ANNOUNCED = "withdrawal_announced"
    WITHDRAWAL_NOTIFIED = "withdrawal_notified"
    WITHDREW = "withdrew"
    DENOUNCED = "denounced"
    OBLIGATIONS_SUSPENDED = "obligations_suspended"
    OBLIGATIONS_RESTORED = "obligations_restored"
    EXPIRED = "expired"
    TERMINATED = "terminated"
    SUPERSEDED = "superseded"
    ORGANIZATION_DISSOLVED = "organization_dissolved"


@vocabulary(
    {
        "original_party": "a party from entry into force (bilateral treaties; original parties "
        "with a became_party event)",
        "ratified": "a party from its ratification, or from entry into force if later",
        "acceded": "a party from its accession",
        "succeeded": "a party by succession",
        "unknown": "a signatory whose ratification date the data does not have",
    }
)
class MembershipStart(StrEnum):
    ORIGINAL_PARTY = "original_party"
    RATIFIED = "ratified"
    ACCEDED = "acceded"
    SUCCEEDED = "succeeded"
    UNKNOWN = "unknown"


@vocabulary(
    {
        "withdrew": "the party's withdrawal took effect",
        "denounced": "the party's denunciation took effect",
        "expired": "the agreement expired",
        "terminated": "the agreement was terminated",
        "superseded": "the agreement was replaced by another",
        "withdrawal_pending": "the party announced or notified its withdrawal on end_date; the "
        "data does not have the day it took effect, so membership after end_date is uncertain",
    }
)
class MembershipEnd(StrEnum):
    WITHDREW = "withdrew"
    DENOUNCED = "denounced"
    EXPIRED = "expired"
    TERMINATED = "terminated"
    SUPERSEDED = "superseded"
    WITHDRAWAL_PENDING = "withdrawal_pending"


@vocabulary(
    {
        "edpc": "U.S.-ROK Extended Deterrence Policy Committee (2010-2015)",
        "dsc": "U.S.-ROK Deterrence Strategy Committee (from 2015)",
        "kidd": "Korea-U.S. Integrated Defense Dialogue",
        "edscg": "U.S.-ROK Extended Deterrence Strategy and Consultation Group",
        "ncg": "U.S.-ROK Nuclear Consultative Group (from 2023)",
        "extended_deterrence_dialogue": "U.S.-Japan Extended Deterrence Dialogue",
    }
)
class DeterrenceMechanism(StrEnum):
    EDPC = "edpc"
    DSC = "dsc"
    KIDD = "kidd"
    EDSCG = "edscg"
    NCG = "ncg"
    EXTENDED_DETERRENCE_DIALOGUE = "extended_deterrence_dialogue"


@vocabulary(
    {
        "analysis_article": "a published analysis or commentary",
        "joint_statement": "a statement issued jointly by governments",
        "readout": "an official account of a meeting or call",
        "press_release": "an official press release or news article",
        "testimony": "testimony or a transcript of a legislative hearing",
        "strategy_document": "an official strategy or guidance document",
        "official_biography": "an official biography or list of office holders",
        "treaty_text": "the text or official record of a treaty or agreement",
        "dataset": "a published dataset",
        "reference": "a reference work, used only where no official page was found",
    }
)
class SourceKind(StrEnum):
    ANALYSIS_ARTICLE = "analysis_article"
    JOINT_STATEMENT = "joint_statement"
    READOUT = "readout"
    PRESS_RELEASE = "press_release"
    TESTIMONY = "testimony"
    STRATEGY_DOCUMENT = "strategy_document"
    OFFICIAL_BIOGRAPHY = "official_biography"
    TREATY_TEXT = "treaty_text"
    DATASET = "dataset"
    REFERENCE = "reference"


@vocabulary(
    {
        "unique": "the upstream row became its own record",
        "exact_duplicate": "same content as another upstream row; merged into one record",
        "near_duplicate": "same traveller, dates and place as another row, different text; kept",
    }
)
class UpstreamStatus(StrEnum):
    UNIQUE = "unique"
    EXACT_DUPLICATE = "exact_duplicate"
    NEAR_DUPLICATE = "near_duplicate"


class Record(BaseModel):
    """Base of every table row: unknown fields are errors, vocabularies stored as values."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True, validate_default=True)


def _check_precision(value: dt.date | None, precision: str | None, name: str) -> None:
    """A date and its precision come together; a month or year date starts its period."""
    if (value is None) != (precision is None):
        raise ValueError(f"{name} and {name}_precision must both be set or both be empty")
    if value is None:
        return
    if precision in ("month", "year") and value.day != 1:
        raise ValueError(f"{name} has precision {precision} but is not the first of the month")
    if precision == "year" and value.month != 1:
        raise ValueError(f"{name} has precision year but is not 1 January")


def _check_order(
    start: dt.date | None, end: dt.date | None, start_name: str, end_name: str
) -> None:
    if start is not None and end is not None and end < start:
        raise ValueError(f"{end_name} {end} is before {start_name} {start}")


class Party(Record):
    """A state, former state, territory, organisation or grouping."""

    party_id: PartyId = Field(
        description="ISO 3166-1 alpha-3 code for states, ISO 3166-3 code for former states, "
        "lowercase slug for organisations and groupings"
    )
    name: Text = Field(description="Common English name")
    kind: PartyKind = Field(description="What sort of party this is")
    cow_code: CowCode | None = Field(
        default=None, description="Correlates of War state number; null if none"
    )
    wikidata_id: WikidataId | None = Field(default=None, description="Wikidata item id")


class Official(Record):
    """A person who held an official role."""

    official_id: Slug = Field(
        description="Stable slug of the person's display name, in its name order (lowercase)"
    )
    name: Text = Field(description="Display name in the order the person's country uses")
    given_name: Text | None = Field(default=None, description="Given name(s)")
    family_name: Text = Field(description="Family name")
    suffix: Text | None = Field(default=None, description="Generational suffix (Jr., III)")
    name_order: NameOrder = Field(description="Order of given and family name in `name`")
    native_name: Text | None = Field(
        default=None, description="Name in the original script (kanji, hangul, hanzi, ...)"
    )
    party_id: PartyId = Field(description="The state the official served (FK parties)")
    wikidata_id: WikidataId | None = Field(default=None, description="Wikidata item id")
    honorific: Text | None = Field(
        default=None,
        description="Honorific the source writes before the name (Dr., Sheikh, Lord, Burmese U); "
        "not part of `name`",
    )


class OfficialAlias(Record):
    """Another spelling or order of an official's name, as seen in a source."""

    official_id: Slug = Field(description="The official (FK officials)")
    alias: Text = Field(description="The name exactly as the source writes it")
    kind: AliasKind = Field(description="How the alias differs from the display name")
    source_id: Slug = Field(description="Where the alias was seen (FK sources)")


class Position(Record):
    """A post an official held, with its term."""

    position_id: Slug = Field(description="Stable slug: official, post and start year")
    official_id: Slug = Field(description="Who held the post (FK officials)")
    title: Text = Field(description="Official title of the post")
    organization: Text = Field(description="Ministry, department or body the post belongs to")
    party_id: PartyId = Field(description="The state or organisation served (FK parties)")
    start_date: Date | None = Field(default=None, description="First day in the post")
    start_date_precision: DatePrecision | None = Field(
        default=None, description="Precision of start_date"
    )
    end_date: Date | None = Field(
        default=None, description="Last day in the post; null when ongoing or unknown"
    )
    end_date_precision: DatePrecision | None = Field(
        default=None, description="Precision of end_date"
    )
    tenure_status: TenureStatus = Field(description="Why end_date is or is not set")
    appointed_date: Date | None = Field(
        default=None, description="Date of appointment or commission, when the source gives it"
    )
    appointed_date_precision: DatePrecision | None = Field(
        default=None, description="Precision of appointed_date"
    )
    end_note: Text | None = Field(
        default=None, description="How the tenure ended, as the source words it"
    )
    source_title: Text | None = Field(
        default=None, description="The title exactly as the source words it, when title differs"
    )

    @model_validator(mode="after")
    def _dates(self) -> Position:
        _check_precision(self.start_date, self.start_date_precision, "start_date")
        _check_precision(self.end_date, self.end_date_precision, "end_date")
        _check_precision(self.appointed_date, self.appointed_date_precision, "appointed_date")
        _check_order(self.start_date, self.end_date, "start_date", "end_date")
        if (self.tenure_status == "ended") != (self.end_date is not None):
            raise ValueError("tenure_status is 'ended' exactly when end_date is set")
        return self


class Meeting(Record):
    """A meeting, call, hearing, visit or trip."""

    meeting_id: Slug = Field(description="Stable slug for the event")
    title: Text = Field(description="Descriptive title")
    series: Text | None = Field(
        default=None, description="Recurring format the meeting belongs to, if any"
    )
    kind: MeetingKind = Field(description="What sort of event")
    format: MeetingFormat | None = Field(
        default=None, description="How the participants met; null when no source says"
    )
    start_date: Date | None = Field(default=None, description="First day (local time)")
    end_date: Date | None = Field(default=None, description="Last day (local time)")
    date_precision: DatePrecision | None = Field(
        default=None, description="Precision of start_date and end_date"
    )
    city: Text | None = Field(default=None, description="City, for in-person meetings")
    venue: Text | None = Field(default=None, description="Building or site, if reported")
    country: PartyId | None = Field(
        default=None, description="Where it took place (FK parties); null when virtual or phone"
    )
    description: Text | None = Field(default=None, description="What happened, briefly")
    series_number: int | None = Field(
        default=None, ge=1, description="Number in its series (e.g. 53 for the 53rd SCM), if any"
    )
    visiting_party_id: PartyId | None = Field(
        default=None,
        description="For a visit: the state or party the visitors came from (FK parties), kept "
        "even when the source names no visitor with a title",
    )

    @model_validator(mode="after")
    def _dates(self) -> Meeting:
        _check_precision(self.start_date, self.date_precision, "start_date")
        if self.end_date is not None and self.start_date is None:
            raise ValueError("end_date is set but start_date is empty")
        _check_order(self.start_date, self.end_date, "start_date", "end_date")
        return self


class MeetingParticipant(Record):
    """An official who took part in a meeting, with the title held that day."""

    meeting_id: Slug = Field(description="The meeting (FK meetings)")
    official_id: Slug = Field(description="The participant (FK officials)")
    party_id: PartyId = Field(description="The delegation the participant belonged to")
    role_title: Text = Field(description="Title held on the meeting's dates (matches positions)")


class MeetingRelation(Record):
    """A link between two meeting records, such as a curated meeting and an upstream trip."""

    meeting_id: Slug = Field(description="The meeting (FK meetings)")
    related_meeting_id: Slug = Field(description="The related meeting (FK meetings)")
    relation: MeetingRelationKind = Field(description="How the two are related")


class Commitment(Record):
    """A commitment, reaffirmation or pledge made at a meeting or in a document."""

    commitment_id: Slug = Field(description="Stable slug for the commitment")
    meeting_id: Slug | None = Field(
        default=None, description="Meeting where it was made (FK meetings)"
    )
    document_source_id: Slug | None = Field(
        default=None, description="Document that makes it, when not a meeting (FK sources)"
    )
    date: Date | None = Field(default=None, description="When it was made")
    date_precision: DatePrecision | None = Field(default=None, description="Precision of date")
    committing_party_id: PartyId = Field(description="Who commits (FK parties)")
    beneficiary_party_id: PartyId | None = Field(
        default=None, description="To whom, if anyone in particular (FK parties)"
    )
    kind: CommitmentKind = Field(description="What sort of commitment")
    summary: Text = Field(description="What is committed, in plain words")
    agreement_id: Slug | None = Field(
        default=None, description="Treaty or agreement the commitment invokes (FK agreements)"
    )
    statement_source_id: Slug | None = Field(
        default=None,
        description="The statement or communique it is coded from (FK sources); its evidence "
        "must quote that statement",
    )
    nuclear: bool = Field(
        default=False, description="The quoted words name U.S. (or allied) nuclear capabilities"
    )
    full_range: bool = Field(
        default=False, description="The quoted words say 'full range of (military) capabilities'"
    )
    mechanism: DeterrenceMechanism | None = Field(
        default=None, description="Extended-deterrence body the quoted words name, if any"
    )
    territory: Text | None = Field(
        default=None, description="Territory the quoted words name (territorial_scope)"
    )

    @model_validator(mode="after")
    def _where(self) -> Commitment:
        _check_precision(self.date, self.date_precision, "date")
        if self.meeting_id is None and self.document_source_id is None:
            raise ValueError("a commitment needs a meeting_id or a document_source_id")
        return self


# The fields an agreement's record and its release row share (written once, used twice).
Summary = Annotated[Text, Field(description="What it does, with the figures sources give")]
CollectiveDefense = Annotated[
    bool,
    Field(
        description="A collective or mutual defense treaty: its parties undertake to act on "
        "an armed attack against another party"
    ),
]
Depositary = Annotated[
    Text | None,
    Field(description="Government or organisation holding the instruments, if any"),
]
DefenseArticle = Annotated[
    Text | None, Field(description="The treaty's own defense article (e.g. 'Article 5')")
]
AtopId = Annotated[
    int | None, Field(ge=1, description="Alliance Treaty Obligations and Provisions (ATOP) id")
]
CowAllianceId = Annotated[
    int | None, Field(ge=1, description="Correlates of War Formal Alliances id")
]


class AgreementRecord(Record):
    """A treaty, agreement, joint statement or negotiated arrangement, as curators write it.

    Its dates and status are not written here: they are derived from ``agreement_events``.
    """

    agreement_id: Slug = Field(description="Stable slug for the agreement")
    title: Text = Field(description="Official or descriptive title")
    kind: AgreementKind = Field(description="What sort of instrument")
    summary: Summary
    collective_defense: CollectiveDefense = False
    depositary: Depositary = None
    defense_article: DefenseArticle = None
    atop_id: AtopId = None
    cow_alliance_id: CowAllianceId = None


class Agreement(Record):
    """A treaty, agreement, joint statement or negotiated arrangement; dates and status on
    status_date are derived from its events (``agreement_events``)."""

    agreement_id: Slug = Field(description="Stable slug for the agreement")
    title: Text = Field(description="Official or descriptive title")
    kind: AgreementKind = Field(description="What sort of instrument")
    status: AgreementStatus = Field(
        description="Status on status_date, derived from the latest lifecycle event on or before it"
    )
    status_date: Date = Field(description="Date status holds on: the release's date")
    agreed_date: Date | None = Field(
        default=None, description="Date agreed in principle (derived: first such event)"
    )
    agreed_date_precision: DatePrecision | None = Field(
        default=None, description="Precision of agreed_date"
    )
    initialled_date: Date | None = Field(
        default=None, description="Date the text was initialled (derived: first such event)"
    )
    initialled_date_precision: DatePrecision | None = Field(
        default=None, description="Precision of initialled_date"
    )
    signed_date: Date | None = Field(
        default=None,
        description="Date of signature or issue (derived: first 'signed' event "
        "of the agreement as a whole)",
    )
    signed_date_precision: DatePrecision | None = Field(
        default=None, description="Precision of signed_date"
    )
    in_force_date: Date | None = Field(
        default=None, description="Date it entered into force (derived)"
    )
    in_force_date_precision: DatePrecision | None = Field(
        default=None, description="Precision of in_force_date"
    )
    end_date: Date | None = Field(
        default=None,
        description="Date it expired, was terminated or superseded (derived; null while in "
        "force or when unknown)",
    )
    end_date_precision: DatePrecision | None = Field(
        default=None, description="Precision of end_date"
    )
    summary: Summary
    collective_defense: CollectiveDefense = False
    depositary: Depositary = None
    defense_article: DefenseArticle = None
    atop_id: AtopId = None
    cow_alliance_id: CowAllianceId = None

    @model_validator(mode="after")
    def _dates(self) -> Agreement:
        for name in ("agreed_date", "initialled_date", "signed_date", "in_force_date", "end_date"):
            _check_precision(getattr(self, name), getattr(self, f"{name}_precision"), name)
        _check_order(self.signed_date, self.in_force_date, "signed_date", "in_force_date")
        _check_order(self.in_force_date, self.end_date, "in_force_date", "end_date")
        return self


# Events of an agreement as a whole (no party_id); every other event but ``signed`` names one.
WHOLE_AGREEMENT_EVENTS = (
    "negotiations_opened",
    "agreed_in_principle",
    "initialled",
    "entered_into_force",
    "amended",
    "extended",
    "expired",
    "terminated",
    "superseded",
    "organization_dissolved",
)


class AgreementEvent(Record):
    """A dated event in an agreement's life, for the agreement as a whole or for one party."""

    event_id: Slug = Field(description="Stable slug for the event")
    agreement_id: Slug = Field(description="The agreement (FK agreements)")
    party_id: PartyId | None = Field(
        default=None,
        description="The party the event concerns (FK parties); null for the agreement as a whole",
    )
    event: AgreementEventKind = Field(description="What happened")
    date: Date = Field(description="When (the first day of its period; see date_precision)")
    date_precision: DatePrecision = Field(description="Precision of date")
    related_agreement_id: Slug | None = Field(
        default=None,
        description="Another agreement the event names, e.g. the successor (FK agreements)",
    )
    note: Text | None = Field(default=None, description="What the event was, briefly")

    @model_validator(mode="after")
    def _fields(self) -> AgreementEvent:
        _check_precision(self.date, self.date_precision, "date")
        whole = WHOLE_AGREEMENT_EVENTS
        if self.event in whole and self.party_id is not None:
            raise ValueError(
                f"party_id must be empty for a '{self.event}' event (it concerns "
                "the agreement as a whole)"
            )
        if self.event not in whole and self.event != "signed" and self.party_id is None:
            raise ValueError(f"party_id is required for a '{self.event}' event")
        if self.event == "superseded" and self.related_agreement_id is None:
            raise ValueError("a 'superseded' event needs related_agreement_id (the successor)")
        return self


class AgreementMembership(Record):
    """A party's membership of an agreement as an interval, derived from the events."""

    agreement_id: Slug = Field(description="The agreement (FK agreements)")
    party_id: PartyId = Field(description="The party (FK parties)")
    start_date: Date | None = Field(
        default=None, description="First day as a party; null when unknown"
    )
    start_date_precision: DatePrecision | None = Field(
        default=None, description="Precision of start_date"
    )
    start_how: MembershipStart = Field(description="How it became a party")
    end_date: Date | None = Field(
        default=None,
        description="First day no longer a party (or, with end_how withdrawal_pending, the "
        "day withdrawal was announced or notified); null while a party",
    )
    end_date_precision: DatePrecision | None = Field(
        default=None, description="Precision of end_date"
    )
    end_how: MembershipEnd | None = Field(default=None, description="How it ceased to be a party")
    sequence: int = Field(ge=1, description="1 for the first membership, 2 after a return, ...")


class SeriesCoverage(Record):
    """One meeting of a recurring series and whether its statement is coded (derived)."""

    series: Text = Field(description="The series (meetings.series)")
    meeting_id: Slug = Field(description="The meeting (FK meetings)")
    series_number: int | None = Field(default=None, ge=1, description="Number in the series")
    start_date: Date | None = Field(default=None, description="The meeting's first day")
    date_precision: DatePrecision | None = Field(default=None, description="Its precision")
    statement_coded: bool = Field(
        description="At least one commitment of the meeting is coded from a statement"
    )
    commitments: int = Field(ge=0, description="Commitments recorded for the meeting")
    kinds: Text | None = Field(
        default=None,
        description="The commitment kinds recorded, sorted and joined by '; ' (null if none)",
    )


class AgreementParty(Record):
    """A party to an agreement."""

    agreement_id: Slug = Field(description="The agreement (FK agreements)")
    party_id: PartyId = Field(description="A party to it (FK parties)")


class Source(Record):
    """A document records are traced to."""

    source_id: Slug = Field(description="Stable slug for the source")
    title: Text = Field(description="Title as published")
    author: Text | None = Field(default=None, description="Author(s), if named")
    publisher: Text | None = Field(default=None, description="Publishing body")
    series: Text | None = Field(default=None, description="Publication series and number")
    published_date: Date | None = Field(default=None, description="Publication date")
    published_date_precision: DatePrecision | None = Field(
        default=None, description="Precision of published_date"
    )
    url: Url | None = Field(default=None, description="Where the source is published")
    kind: SourceKind = Field(description="What sort of source")
    license: Text | None = Field(default=None, description="Licence of the source, if known")
    text_file: FileName | None = Field(
        default=None,
        description="File name of the source's plain text against which quotes are checked "
        "(the text itself is not distributed)",
    )
    text_sha256: Annotated[str, Field(pattern=SHA256_PATTERN)] | None = Field(
        default=None, description="sha256 of that text, so quotes are checked against one copy"
    )

    @model_validator(mode="after")
    def _fields(self) -> Source:
        _check_precision(self.published_date, self.published_date_precision, "published_date")
        if (self.text_file is None) != (self.text_sha256 is None):
            raise ValueError("text_file and text_sha256 must both be set or both be empty")
        return self


@vocabulary(
    {
        "sources": "a row of sources",
        "parties": "a row of parties",
        "officials": "a row of officials",
        "official_aliases": "a row of official_aliases",
        "positions": "a row of positions",
        "meetings": "a row of meetings",
        "meeting_participants": "a row of meeting_participants (record_id: meeting/official)",
        "meeting_relations": "a row of meeting_relations (record_id: meeting/related meeting)",
        "commitments": "a row of commitments",
        "agreements": "a row of agreements",
        "agreement_parties": "a row of agreement_parties (record_id: agreement/party)",
        "agreement_events": "a row of agreement_events",
    }
)
class TableName(StrEnum):
    SOURCES = "sources"
    PARTIES = "parties"
    OFFICIALS = "officials"
    OFFICIAL_ALIASES = "official_aliases"
    POSITIONS = "positions"
    MEETINGS = "meetings"
    MEETING_PARTICIPANTS = "meeting_participants"
    MEETING_RELATIONS = "meeting_relations"
    COMMITMENTS = "commitments"
    AGREEMENTS = "agreements"
    AGREEMENT_PARTIES = "agreement_parties"
    AGREEMENT_EVENTS = "agreement_events"


class Evidence(Record):
    """Support for a record or one of its fields: a quote from a source, or a citation."""

    evidence_id: Slug = Field(description="Stable slug for the evidence row")
    table: TableName = Field(description="Table of the supported record")
    record_id: Text = Field(description="Primary key of the supported record (parts joined by '/')")
    field: Annotated[str, Field(pattern=r"^[a-z_]+$")] | None = Field(
        default=None, description="The field supported; null for the record as a whole"
    )
    source_id: Slug = Field(description="The source (FK sources)")
    quote: Text | None = Field(
        default=None,
        description="Exact words from the source (whitespace-normalised); null for a citation",
    )
    note: Text | None = Field(
        default=None, description="How the quote supports the record; where the source differs"
    )

    @model_validator(mode="after")
    def _citation(self) -> Evidence:
        if self.quote is None and self.note is None:
            raise ValueError("a citation without a quote needs a note saying what it supports")
        return self


class UpstreamRecord(Record):
    """Provenance of an imported row: which upstream row became which record."""

    source_id: Slug = Field(description="The upstream dataset (FK sources)")
    upstream_id: Text = Field(description="The row's id in the upstream dataset")
    table: TableName = Field(description="Table of the record it became")
    record_id: Slug = Field(description="Primary key of the record it became")
    status: UpstreamStatus = Field(description="How duplicates upstream were handled")


def meanings(enum: type[StrEnum]) -> dict[str, str]:
    """The codebook text of each value of a vocabulary."""
    return dict(enum.meanings)  # type: ignore[attr-defined]


# --- the table registry: each table's model, primary key and foreign keys, in release order
@dataclass(frozen=True)
class ForeignKey:
    """``fields`` of this table point at ``ref_fields`` of ``ref_table``."""

    fields: tuple[str, ...]
    ref_table: str
    ref_fields: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """One table: its release model, key, foreign keys, and how curators write it.

    ``record_model`` is what curated files are validated against when it differs from the
    release row (agreements: dates and status are derived); ``derived`` tables are built from
    other tables and never written by curators.
    """

    name: str
    model: type[Record]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    record_model: type[Record] | None = None
    derived: bool = False

    @property
    def input_model(self) -> type[Record]:
        """The model curated and imported rows are validated against."""
        return self.record_model or self.model

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
        Table("sources", Source, ("source_id",)),
        Table("parties", Party, ("party_id",)),
        Table(
            "officials",
            Official,
            ("official_id",),
            (_fk("party_id", "parties", "party_id"),),
        ),
        Table(
            "official_aliases",
            OfficialAlias,
            ("official_id", "alias"),
            (
                _fk("official_id", "officials", "official_id"),
                _fk("source_id", "sources", "source_id"),
            ),
        ),
        Table(
            "positions",
            Position,
            ("position_id",),
            (
                _fk("official_id", "officials", "official_id"),
                _fk("party_id", "parties", "party_id"),
            ),
        ),
        Table(
            "meetings",
            Meeting,
            ("meeting_id",),
            (
                _fk("country", "parties", "party_id"),
                _fk("visiting_party_id", "parties", "party_id"),
            ),
        ),
        Table(
            "meeting_participants",
            MeetingParticipant,
            ("meeting_id", "official_id"),
            (
                _fk("meeting_id", "meetings", "meeting_id"),
                _fk("official_id", "officials", "official_id"),
                _fk("party_id", "parties", "party_id"),
            ),
        ),
        Table(
            "meeting_relations",
            MeetingRelation,
            ("meeting_id", "related_meeting_id"),
            (
                _fk("meeting_id", "meetings", "meeting_id"),
                _fk("related_meeting_id", "meetings", "meeting_id"),
            ),
        ),
        Table(
            "agreements",
            Agreement,
            ("agreement_id",),
            record_model=AgreementRecord,
        ),
        Table(
            "agreement_parties",
            AgreementParty,
            ("agreement_id", "party_id"),
            (
                _fk("agreement_id", "agreements", "agreement_id"),
                _fk("party_id", "parties", "party_id"),
            ),
        ),
        Table(
            "agreement_events",
            AgreementEvent,
            ("event_id",),
            (
                _fk("agreement_id", "agreements", "agreement_id"),
                _fk("party_id", "parties", "party_id"),
                _fk("related_agreement_id", "agreements", "agreement_id"),
            ),
        ),
        Table(
            "agreement_memberships",
            AgreementMembership,
            ("agreement_id", "party_id", "sequence"),
            (
                _fk("agreement_id", "agreements", "agreement_id"),
                _fk("party_id", "parties", "party_id"),
            ),
            derived=True,
        ),
        Table(
            "commitments",
            Commitment,
            ("commitment_id",),
            (
                _fk("meeting_id", "meetings", "meeting_id"),
                _fk("document_source_id", "sources", "source_id"),
                _fk("committing_party_id", "parties", "party_id"),
                _fk("beneficiary_party_id", "parties", "party_id"),
                _fk("agreement_id", "agreements", "agreement_id"),
                _fk("statement_source_id", "sources", "source_id"),
            ),
        ),
        Table(
            "series_coverage",
            SeriesCoverage,
            ("meeting_id",),
            (_fk("meeting_id", "meetings", "meeting_id"),),
            derived=True,
        ),
        Table(
            "evidence",
            Evidence,
            ("evidence_id",),
            (_fk("source_id", "sources", "source_id"),),
        ),
        Table(
            "upstream_records",
            UpstreamRecord,
            ("source_id", "upstream_id"),
            (_fk("source_id", "sources", "source_id"),),
        ),
    )
}

TABLE_NAMES: tuple[str, ...] = tuple(TABLES)
