"""Dates as the data stores them: a day plus a precision, and dates given to the API.

A stored date is the first day of its period; ``date_precision`` says whether it is exact
(``day``) or known only to the ``month`` or ``year``. A question about a day inside such a
period has no certain answer, and the API says so instead of guessing.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .errors import InvalidArgument

ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def period_end(start: dt.date, precision: str | None) -> dt.date:
    """The last day a date of the given precision may stand for.

    Example
    -------
    >>> period_end(dt.date(2021, 2, 1), "month")
    datetime.date(2021, 2, 28)
    >>> period_end(dt.date(2021, 3, 16), "day")
    datetime.date(2021, 3, 16)
    """
    if precision == "year":
        return dt.date(start.year, 12, 31)
    if precision == "month":
        following = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return start


def parse_date(value: Any, name: str = "on") -> dt.date:
    """A day given to the API as a ``date``, ``datetime``, pandas ``Timestamp`` or ISO string.

    Parameters
    ----------
    value
        The day. A ``datetime`` or ``Timestamp`` stands for its calendar day.
    name
        The argument's name, for the error message.

    Raises
    ------
    InvalidArgument
        (a ``ValueError``) naming the argument: a string that is not an existing day in
        ``YYYY-MM-DD`` form (``"2021-02-30"``, ``"yesterday"``), ``NaT``, ``None`` or any
        other type.

    Example
    -------
    >>> parse_date("2021-03-16")
    datetime.date(2021, 3, 16)
    """
    if isinstance(value, dt.datetime):  # pandas Timestamp is a datetime subclass
        if value != value:  # NaT
            raise InvalidArgument(f"{name}: NaT is not a day")
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        if not ISO_DAY.fullmatch(value):
            raise InvalidArgument(f"{name}: {value!r} is not a day in YYYY-MM-DD form")
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise InvalidArgument(f"{name}: {value!r} is not a day ({exc})") from None
    raise InvalidArgument(
        f"{name}: expected a date, datetime, pandas Timestamp or 'YYYY-MM-DD' string, "
        f"got {value!r} ({type(value).__name__})"
    )


def cell_day(value: Any) -> dt.date | None:
    """A date cell of a loaded table (``Timestamp``, ``NaT``, ``None`` or ISO text) as a day.

    Example
    -------
    >>> cell_day("2021-03-16"), cell_day(None)
    (datetime.date(2021, 3, 16), None)
    """
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()
