"""Point-in-time questions about the U.S. alliance system, answered from a release's tables.

Memberships (``agreement_memberships``) are intervals derived from dated events; an agreement
is in force from its ``in_force_date`` until its ``end_date``. A day that falls inside the
period of a month- or year-precise boundary has no certain answer: such rows are returned
with ``certainty == "possible"``, never silently in or out.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from .dates import cell_day, parse_date, period_end
from .errors import InvalidArgument

if TYPE_CHECKING:
    import pandas as pd

UNITED_STATES = "USA"
ALLIES_COLUMNS = [
    "party_id",
    "party_name",
    "agreement_id",
    "agreement_title",
    "since",
    "since_precision",
    "how",
    "certainty",
    "obligations_suspended",
]


def _state(
    start: Any, start_p: Any, end: Any, end_p: Any, day: dt.date, open_end: bool = False
) -> str | None:
    """'certain', 'possible' or None (not active) for an interval [start, end) on ``day``.

    ``open_end``: ``end`` is a notice whose effect the data does not date, so days from it
    on are 'possible', never silently out.
    """
    if open_end and end is not None and day >= end:
        return "possible" if _state(start, start_p, None, None, day) else None
    certain = True
    if start is None:
        certain = False  # a party whose start the data does not have
    else:
        if day < start:
            return None
        if day <= period_end(start, start_p) and start_p != "day":
            certain = False
    if end is not None:
        if day >= period_end(end, end_p):
            if end_p == "day" or day > period_end(end, end_p):
                return None
            certain = False
        elif end_p != "day" and day >= end:
            certain = False
    return "certain" if certain else "possible"


def _frames(version: str | None) -> dict[str, pd.DataFrame]:
    from .api import load, tables

    names = tables(version)
    if "agreement_memberships" not in names:
        raise InvalidArgument(
            f"release {version or 'shipped'} has no agreement_memberships table (added in "
            "0.4.0); use a newer version"
        )
    return {
        name: load(name, version)
        for name in ("agreements", "agreement_memberships", "agreement_events", "parties")
    }


def _check_coverage(day: dt.date, frames: dict[str, pd.DataFrame]) -> None:
    import warnings

    released = cell_day(frames["agreements"]["status_date"].max())
    if released is not None and day > released:
        raise InvalidArgument(
            f"{day} is after this release's date ({released}); the data does not know what "
            "happened then — use a newer release"
        )
    first = cell_day(
        frames["agreements"].loc[frames["agreements"].collective_defense, "in_force_date"].min()
    )
    if first is not None and day < first:
        warnings.warn(
            f"{day} is before the first U.S. collective-defense treaty in the data entered into "
            f"force ({first}): the answer is empty by construction",
            stacklevel=3,
        )


def _active(memberships: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    rows = memberships.copy()
    rows["certainty"] = [
        _state(
            cell_day(r.start_date),
            r.start_date_precision,
            cell_day(r.end_date),
            r.end_date_precision,
            day,
            open_end=r.end_how == "withdrawal_pending",
        )
        for r in rows.itertuples()
    ]
    return rows[rows.certainty.notna()]


def _suspended(events: pd.DataFrame, day: dt.date) -> set[tuple[str, str]]:
    """(agreement, party) pairs whose obligations are suspended on ``day``."""
    out: set[tuple[str, str]] = set()
    kinds = events[events.event.isin(["obligations_suspended", "obligations_restored"])]
    for row in kinds.sort_values("date").itertuples():
        when = cell_day(row.date)
        if when is not None and when <= day:
            pair = (row.agreement_id, row.party_id)
            if row.event == "obligations_suspended":
                out.add(pair)
            else:
                out.discard(pair)
    return out


def allies(on: Any, *, include_suspended: bool = False, version: str | None = None) -> pd.DataFrame:
    """The parties toward which the United States had a collective-defense obligation that day.

    One row per party and treaty: a party in two treaties (the Philippines under its bilateral
    treaty and the Manila Pact) appears twice. The United States is not its own ally.

    Parameters
    ----------
    on
        The day: ``datetime.date``, ``datetime``, pandas ``Timestamp`` or ``"YYYY-MM-DD"``.
    include_suspended
        Also list parties whose U.S. obligations were suspended that day (New Zealand under
        ANZUS since 1986), flagged in ``obligations_suspended``.
    version
        Release to answer from; None for the shipped one.

    Returns
    -------
    pandas.DataFrame
        Columns ``party_id, party_name, agreement_id, agreement_title, since,
        since_precision, how, certainty, obligations_suspended``. ``certainty`` is
        ``"possible"`` when the day falls inside a month- or year-precise boundary or a
        party's start is unknown.

    Raises
    ------
    InvalidArgument
        (a ``ValueError``) ``on`` is not an existing day (``"2021-02-30"``, ``"yesterday"``,
        ``None``), or is after the release's date.

    Example
    -------
    >>> import alliance_data
    >>> allies = alliance_data.allies("2021-03-16")
    >>> {"JPN", "KOR", "AUS"} <= set(allies.party_id)
    True
    """
    import pandas as pd

    day = parse_date(on, "on")
    frames = _frames(version)
    _check_coverage(day, frames)
    agreements = frames["agreements"]
    defense = agreements[agreements.collective_defense]
    active = _active(frames["agreement_memberships"], day)
    active = active[active.agreement_id.isin(defense.agreement_id)]
    in_force = {  # an agreement never in force binds nobody: no entry
        r.agreement_id: _state(
            cell_day(r.in_force_date),
            r.in_force_date_precision,
            cell_day(r.end_date),
            r.end_date_precision,
            day,
        )
        for r in defense.itertuples()
        if cell_day(r.in_force_date) is not None
    }
    us = active[active.party_id == UNITED_STATES].set_index("agreement_id").certainty.to_dict()
    suspended = _suspended(frames["agreement_events"], day)
    names = frames["parties"].set_index("party_id").name.to_dict()
    titles = defense.set_index("agreement_id").title.to_dict()
    rows = []
    for r in active[active.party_id != UNITED_STATES].itertuples():
        if r.agreement_id not in us or in_force.get(r.agreement_id) is None:
            continue
        is_suspended = (r.agreement_id, r.party_id) in suspended
        if is_suspended and not include_suspended:
            continue
        levels = {r.certainty, us[r.agreement_id], in_force[r.agreement_id]}
        rows.append(
            {
                "party_id": r.party_id,
                "party_name": names.get(r.party_id),
                "agreement_id": r.agreement_id,
                "agreement_title": titles[r.agreement_id],
                "since": r.start_date,
                "since_precision": r.start_date_precision,
                "how": r.start_how,
                "certainty": "possible" if "possible" in levels else "certain",
                "obligations_suspended": is_suspended,
            }
        )
    frame = pd.DataFrame(rows, columns=ALLIES_COLUMNS)
    return frame.sort_values(["agreement_id", "party_id"], ignore_index=True)


def agreements_in_force(
    on: Any, party: str | None = None, *, version: str | None = None
) -> pd.DataFrame:
    """Agreements in force that day, one row per agreement and party that was a party then.

    Parameters
    ----------
    on
        The day: ``datetime.date``, ``datetime``, pandas ``Timestamp`` or ``"YYYY-MM-DD"``.
    party
        Only agreements this party (e.g. ``"JPN"``) was a party to that day.
    version
        Release to answer from; None for the shipped one.

    Returns
    -------
    pandas.DataFrame
        Columns ``agreement_id, title, kind, collective_defense, in_force_date,
        party_id, certainty``.

    Raises
    ------
    InvalidArgument
        (a ``ValueError``) ``on`` is not an existing day (``"2021-02-30"``, ``"yesterday"``,
        ``None``), or is after the release's date.

    Example
    -------
    >>> import alliance_data
    >>> frame = alliance_data.agreements_in_force("2021-03-16", party="JPN")
    >>> "us-japan-security-treaty-1960" in set(frame.agreement_id)
    True
    """
    import pandas as pd

    day = parse_date(on, "on")
    frames = _frames(version)
    _check_coverage(day, frames)
    agreements = frames["agreements"]
    active = _active(frames["agreement_memberships"], day)
    rows = []
    for a in agreements.itertuples():
        state = (
            _state(
                cell_day(a.in_force_date),
                a.in_force_date_precision,
                cell_day(a.end_date),
                a.end_date_precision,
                day,
            )
            if cell_day(a.in_force_date)
            else None
        )
        if state is None:
            continue
        for m in active[active.agreement_id == a.agreement_id].itertuples():
            if party is not None and m.party_id != party:
                continue
            rows.append(
                {
                    "agreement_id": a.agreement_id,
                    "title": a.title,
                    "kind": a.kind,
                    "collective_defense": bool(a.collective_defense),
                    "in_force_date": a.in_force_date,
                    "party_id": m.party_id,
                    "certainty": "possible" if "possible" in (state, m.certainty) else "certain",
                }
            )
    columns = [
        "agreement_id",
        "title",
        "kind",
        "collective_defense",
        "in_force_date",
        "party_id",
        "certainty",
    ]
    return pd.DataFrame(rows, columns=columns).sort_values(
        ["agreement_id", "party_id"], ignore_index=True
    )
