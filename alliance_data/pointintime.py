"""Who held which post on a given day, from a release's positions and officials tables.

Dates carry a precision: a start known only to the month or year could fall on any day of that
period, so a day inside it is "possible" rather than "certain" (likewise for end dates, and for
open tenures whose end is unknown). Positions with no start date say nothing about any day and
are left out.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from .api import load
from .dates import cell_day, parse_date, period_end
from .errors import InvalidArgument

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = [
    "official_id",
    "name",
    "title",
    "organization",
    "party_id",
    "position_id",
    "start_date",
    "start_date_precision",
    "end_date",
    "end_date_precision",
    "tenure_status",
    "certainty",
]


def _certainty(row: Any, day: dt.date) -> str | None:
    start = row.start_date
    if start is None:
        return None
    start_last = period_end(start, row.start_date_precision)
    if day < start:
        return None
    end = row.end_date
    if end is not None:
        end_last = period_end(end, row.end_date_precision)
        if day > end_last:
            return None
        sure_end = day <= end
    else:
        sure_end = row.tenure_status == "ongoing"
    return "certain" if day >= start_last and sure_end else "possible"


def positions_on(
    date: Any,
    party: str | None = None,
    title: str | None = None,
    *,
    version: str | None = None,
) -> pd.DataFrame:
    """Every position held (certainly or possibly) on ``date``, with who held it.

    Parameters
    ----------
    date
        The day: a ``datetime.date``, ``datetime.datetime``, pandas ``Timestamp`` or an ISO
        ``YYYY-MM-DD`` string. Anything else, or an impossible date, raises ``ValueError``.
    party
        Only positions serving this party id (``"USA"``, ``"JPN"``).
    title
        Only positions whose title contains this text (case-insensitive).
    version
        Release version (default: the shipped one).

    Returns
    -------
    pandas.DataFrame
        One row per position: official, name, title, organisation, party, dates with their
        precision, tenure status and ``certainty`` ("certain" or "possible").

    Example
    -------
    >>> held = positions_on("2021-03-16", party="USA")  # doctest: +SKIP
    >>> "antony-blinken" in set(held.official_id)  # doctest: +SKIP
    True
    """
    import pandas as pd

    day = parse_date(date, "date")
    for name, value in (("party", party), ("title", title)):
        if value is not None and not isinstance(value, str):
            raise InvalidArgument(f"{name}: expected a string or None, got {value!r}")
    positions = load("positions", version)
    officials = load("officials", version)[["official_id", "name"]]
    frame = positions.copy()
    for column in ("start_date", "end_date"):
        frame[column] = [cell_day(v) for v in frame[column]]
    if party is not None:
        frame = frame[frame["party_id"] == party]
    if title is not None:
        frame = frame[frame["title"].str.contains(title, case=False, regex=False)]
    frame = frame.assign(certainty=[_certainty(r, day) for r in frame.itertuples(index=False)])
    frame = frame[frame["certainty"].notna()].merge(officials, on="official_id", how="left")
    frame = frame[COLUMNS].sort_values(["party_id", "title", "official_id"])
    return (
        frame.reset_index(drop=True).astype({"certainty": "string"})
        if len(frame)
        else pd.DataFrame(columns=COLUMNS)
    )
