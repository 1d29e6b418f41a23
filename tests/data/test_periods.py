"""Periods as facts.csv writes them, read into real dates; anything else is refused."""

import datetime as dt

import pytest

from policyreport.data.periods import is_period, parse_period

D = dt.date


@pytest.mark.parametrize(
    ("period", "first", "last"),
    [
        ("2025", D(2025, 1, 1), D(2025, 12, 31)),
        ("2021-2025", D(2021, 1, 1), D(2025, 12, 31)),
        ("2026-02", D(2026, 2, 1), D(2026, 2, 28)),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),
        ("2026-04-30", D(2026, 4, 30), D(2026, 4, 30)),
        ("2026-01..2026-06", D(2026, 1, 1), D(2026, 6, 30)),
        ("2026-06-16..2026-06-18", D(2026, 6, 16), D(2026, 6, 18)),
        ("2025-03..2026", D(2025, 3, 1), D(2026, 12, 31)),
        ("2025-03..", D(2025, 3, 1), None),
        ("..2026-04-30", None, D(2026, 4, 30)),
    ],
)
def test_real_periods(period, first, last):
    assert parse_period(period) == (first, last)


@pytest.mark.parametrize(
    ("period", "words"),
    [
        ("2025-13", "no month 13"),
        ("2026-02-30", "no day 30"),
        ("2026-04..2026-01", "ends before it starts"),
        ("2025-2021", "ends before it starts"),
        ("..", "neither start nor end"),
        ("26", "is not YYYY"),
        ("TODO:period 2026", "is not YYYY"),
    ],
)
def test_what_is_not_a_period(period, words):
    with pytest.raises(ValueError, match=words):
        parse_period(period)
    assert not is_period(period)
