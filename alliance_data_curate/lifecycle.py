"""Agreements' lives from their dated events: derived dates and status, memberships as
intervals, and the order rules events must follow.

Curators record events only (``agreement_events``); a status or a membership is never
written down, so it cannot contradict the events. Every function here takes plain rows
(dicts as the models dump them), so the same code serves the records and a built release.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from alliance_data.dates import period_end

Row = dict[str, Any]

STATUS_AFTER = {
    "negotiations_opened": "under_negotiation",
    "agreed_in_principle": "agreed_in_principle",
    "initialled": "agreed_in_principle",
    "signed": "signed",
    "entered_into_force": "in_force",
    "expired": "expired",
    "terminated": "terminated",
    "superseded": "superseded",
}
# The order an agreement's own events must follow (same rank: any order).
RANK = {
    "negotiations_opened": 1,
    "agreed_in_principle": 2,
    "initialled": 3,
    "signed": 4,
    "entered_into_force": 5,
    "amended": 6,
    "extended": 6,
    "organization_dissolved": 6,
    "expired": 7,
    "terminated": 7,
    "superseded": 7,
}
ENDS = ("expired", "terminated", "superseded")
JOINS = ("ratified", "acceded", "succeeded", "became_party")
LEAVES = ("withdrew", "denounced")
NOTICES = ("withdrawal_announced", "withdrawal_notified")
DERIVED_DATES = {
    "agreed_date": "agreed_in_principle",
    "initialled_date": "initialled",
    "signed_date": "signed",
    "in_force_date": "entered_into_force",
}


def _key(event: Row) -> tuple[dt.date, int, str]:
    return (event["date"], RANK.get(event["event"], 0), event["event_id"])


def by_agreement(events: Iterable[Row]) -> dict[str, list[Row]]:
    """Events grouped by agreement, each group in date order."""
    groups: dict[str, list[Row]] = defaultdict(list)
    for event in events:
        groups[event["agreement_id"]].append(event)
    return {k: sorted(v, key=_key) for k, v in groups.items()}


def _first(events: list[Row], kinds: Iterable[str]) -> Row | None:
    wanted = set(kinds)
    return next((e for e in events if e["party_id"] is None and e["event"] in wanted), None)


def derive_agreement(record: Row, events: list[Row], on: dt.date) -> Row:
    """The release row of an agreement: its record plus dates and status on ``on``.

    Example
    -------
    >>> ev = [{"event_id": "s", "agreement_id": "a", "party_id": None, "event": "signed",
    ...        "date": dt.date(2020, 1, 1), "date_precision": "day"}]
    >>> derive_agreement({"agreement_id": "a"}, ev, dt.date(2021, 1, 1))["status"]
    'signed'
    """
    row = dict(record)
    status = "proposed"
    for event in events:
        if event["party_id"] is None and event["date"] <= on and event["event"] in STATUS_AFTER:
            status = STATUS_AFTER[event["event"]]
    row["status"], row["status_date"] = status, on
    for column, kind in (*DERIVED_DATES.items(), ("end_date", None)):
        first = _first(events, ENDS if kind is None else (kind,))
        row[column] = first["date"] if first else None
        row[f"{column}_precision"] = first["date_precision"] if first else None
    return row


def memberships(
    agreements: Iterable[Row], parties: Iterable[Row], events: Iterable[Row]
) -> list[Row]:
    """Every party's membership intervals, from the events (see the codebook's rules).

    A party becomes a party by ``became_party``, ``acceded`` or ``succeeded`` (that day) or by
    ``ratified`` (that day, or entry into force if later); a party with no such event is an
    original party from entry into force, unless other parties of the same agreement have
    ratification events (then its start is unknown). It stops on ``withdrew``/``denounced``
    or when the agreement expires, is terminated or superseded; it may return later.
    """
    grouped = by_agreement(events)
    members: dict[str, list[str]] = defaultdict(list)
    for row in parties:
        members[row["agreement_id"]].append(row["party_id"])
    out: list[Row] = []
    for agreement in agreements:
        aid = agreement["agreement_id"]
        evs = grouped.get(aid, [])
        force, end = _first(evs, ("entered_into_force",)), _first(evs, ENDS)
        if force is None:
            continue  # never in force: nobody was ever a party
        ratifies = any(e["event"] == "ratified" for e in evs)
        for party in sorted(members.get(aid, [])):
            own = [e for e in evs if e["party_id"] == party]
            out += _intervals(aid, party, own, force, end, ratifies)
    return out


def _intervals(
    aid: str, party: str, own: list[Row], force: Row, end: Row | None, ratifies: bool
) -> list[Row]:
    rows: list[Row] = []
    current: Row | None = None

    def start(date: dt.date | None, precision: str | None, how: str) -> Row:
        return {
            "agreement_id": aid,
            "party_id": party,
            "start_date": date,
            "start_date_precision": precision,
            "start_how": how,
            "end_date": None,
            "end_date_precision": None,
            "end_how": None,
            "sequence": len(rows) + 1,
        }

    if not any(e["event"] in JOINS for e in own):
        current = (
            start(None, None, "unknown")
            if ratifies
            else start(force["date"], force["date_precision"], "original_party")
        )
    for event in own:
        kind = event["event"]
        if kind in JOINS and current is None:
            how = "original_party" if kind == "became_party" else kind
            if kind == "ratified" and event["date"] < force["date"]:
                current = start(force["date"], force["date_precision"], how)
            else:
                current = start(event["date"], event["date_precision"], how)
        elif kind in LEAVES and current is not None:
            current.update(
                end_date=event["date"], end_date_precision=event["date_precision"], end_how=kind
            )
            rows.append(current)
            current = None
    if current is not None:
        notice = [e for e in own if e["event"] in NOTICES]
        if notice and (
            current["start_date"] is None or notice[-1]["date"] >= current["start_date"]
        ):
            current.update(
                end_date=notice[-1]["date"],
                end_date_precision=notice[-1]["date_precision"],
                end_how="withdrawal_pending",
            )
        elif end is not None:
            current.update(
                end_date=end["date"], end_date_precision=end["date_precision"], end_how=end["event"]
            )
        rows.append(current)
    return rows


def order_problems(events: Iterable[Row], parties: Iterable[Row]) -> list[tuple[Row, str, str]]:
    """Events out of order or about a non-party: ``(event, field, reason)`` for each.

    An event is out of order only when it is certainly before one it must follow (a
    month-precise date may fall on any day of its month).
    """
    members: dict[str, set[str]] = defaultdict(set)
    for row in parties:
        members[row["agreement_id"]].add(row["party_id"])
    problems: list[tuple[Row, str, str]] = []
    for aid, evs in by_agreement(events).items():
        whole = [e for e in evs if e["party_id"] is None]
        for later in whole:
            for earlier in whole:
                if (
                    RANK.get(earlier["event"], 0) < RANK.get(later["event"], 0)
                    and period_end(later["date"], later["date_precision"]) < earlier["date"]
                ):
                    reason = (
                        f"{later['event']} on {later['date']} is before {earlier['event']} on "
                        f"{earlier['date']} ({earlier['event_id']})"
                    )
                    problems.append((later, "date", reason))
                    break
        if not whole:
            problems.append(
                (
                    evs[0],
                    "event",
                    f"agreement {aid} has no event of the agreement as a whole "
                    "(e.g. signed or entered_into_force), so its status cannot be derived",
                )
            )
        for party in sorted({e["party_id"] for e in evs if e["party_id"]}):
            if party not in members.get(aid, set()):
                first = next(e for e in evs if e["party_id"] == party)
                problems.append(
                    (first, "party_id", f"{party} is not listed in agreement_parties of {aid}")
                )
            problems += _party_order([e for e in evs if e["party_id"] == party])
    return problems


def _party_order(own: list[Row]) -> list[tuple[Row, str, str]]:
    problems: list[tuple[Row, str, str]] = []
    has_join = any(e["event"] in JOINS for e in own)
    member, suspended = not has_join, False
    for event in own:
        kind = event["event"]
        if kind in JOINS:
            member = True
        elif kind in NOTICES:
            if not member:
                problems.append((event, "event", f"{kind} before becoming a party"))
        elif kind in LEAVES:
            if not member:
                problems.append((event, "event", f"{kind} before becoming a party"))
            member, suspended = False, False
        elif kind == "obligations_suspended":
            if not member:
                problems.append((event, "event", "obligations suspended while not a party"))
            suspended = True
        elif kind == "obligations_restored":
            if not suspended:
                problems.append((event, "event", "obligations restored without a suspension"))
            suspended = False
    return problems
