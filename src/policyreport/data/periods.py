"""The `period` of a figure, as facts.csv writes it, read into real calendar dates.

Forms: ``2025`` (a year), ``2021-2025`` (years), ``2026-04`` (a month), ``2026-04-30`` (a
day), and spans ``A..B`` of any two points (``2026-01..2026-04``, ``2026-06-16..2026-06-18``),
either end open (``2025-03..`` since March 2025, ``..2026-04-30`` up to that day).
A month 13, a 30 February or a span that ends before it starts is not a period.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

_POINT = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_YEARS = re.compile(r"^(\d{4})-(\d{4})$")


def _bounds(text: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a point: 2026 -> 1 Jan..31 Dec; 2026-04 -> 1..30 April."""
    match = _POINT.match(text)
    if not match:
        raise ValueError(f"{text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(part) if part else None for part in match.groups())
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if not 1 <= month <= 12:
        raise ValueError(f"{text!r}: there is no month {month}")
    if day is None:
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    try:
        day_date = dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{text!r}: there is no day {day} in that month") from None
    return day_date, day_date


def parse_period(period: str) -> tuple[dt.date | None, dt.date | None]:
    """First and last day of a period (None for an open end); ValueError saying what is
    wrong for anything that is not a real date or span."""
    period = period.strip()
    years = _YEARS.match(period)
    if years:
        first, last = (int(y) for y in years.groups())
        if last < first:
            raise ValueError(f"{period!r} ends before it starts")
        return dt.date(first, 1, 1), dt.date(last, 12, 31)
    if ".." not in period:
        return _bounds(period)
    start_text, _, end_text = period.partition("..")
    if not start_text and not end_text:
        raise ValueError(f"{period!r} has neither start nor end")
    start = _bounds(start_text)[0] if start_text else None
    end = _bounds(end_text)[1] if end_text else None
    if start and end and end < start:
        raise ValueError(f"{period!r} ends before it starts")
    return start, end


def is_period(period: str) -> bool:
    try:
        parse_period(period)
    except ValueError:
        return False
    return True
