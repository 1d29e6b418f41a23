"""The arithmetic of derived figures and how qualifiers carry through it."""

import math
from pathlib import Path

import pytest

from policyreport.data.derived import (
    FORMULAS,
    compute_derived,
    load_derived_rows,
    period_years,
    propagate_qualifier,
    span_years,
)
from policyreport.data.records import Figure
from policyreport.errors import DataError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "derived"


def fig(ident, value, period="2025", qualifier="exact", unit="USD"):
    return Figure(id=ident, ref="fact", value=value, unit=unit, qualifier=qualifier, period=period)


def test_periods():
    assert period_years("2021-2025") == (2021, 2025)
    assert period_years("2026-01..2026-04") == (2026, 2026)
    assert span_years("2021-2025") == 5
    assert span_years("2025") == 1
    with pytest.raises(ValueError):
        period_years("今年")


def test_previous_level_from_growth():
    level, growth = fig("l", 9.21e9), fig("g", 15.4, unit="percent")
    value = FORMULAS["previous_level_from_growth"].compute(level, growth)
    assert value == pytest.approx(9.21e9 / 1.154)
    assert value == pytest.approx(7.98093587e9)


def test_base_level_from_avg_growth_compounds_over_the_period_span():
    level = fig("l", 9.21e9)
    rate = fig("r", 22.6, period="2021-2025", unit="percent")
    value = FORMULAS["base_level_from_avg_growth"].compute(level, rate)
    assert value == pytest.approx(9.21e9 / 1.226**5)
    assert value == pytest.approx(3.32512e9, rel=1e-5)


def test_avg_growth_between_uses_the_years_between_periods():
    later, earlier = fig("a", 7.98e9, period="2024"), fig("b", 3.32e9, period="2020")
    value = FORMULAS["avg_growth_between"].compute(later, earlier)
    assert value == pytest.approx(((7.98 / 3.32) ** 0.25 - 1) * 100)


def test_growth_chain_is_consistent():
    """2020 from the 5-year average, 2024 from the last year's growth: the 2021-2024 rate
    must reproduce the 5-year average when combined with 2025's growth."""
    level = fig("l", 9.21e9)
    yoy = fig("g", 15.4, unit="percent")
    avg = fig("r", 22.6, period="2021-2025", unit="percent")
    y2024 = fig("y24", FORMULAS["previous_level_from_growth"].compute(level, yoy), "2024")
    y2020 = fig("y20", FORMULAS["base_level_from_avg_growth"].compute(level, avg), "2020")
    r = FORMULAS["avg_growth_between"].compute(y2024, y2020) / 100
    assert (1 + r) ** 4 * 1.154 == pytest.approx(1.226**5)
    assert r * 100 == pytest.approx(24.46, abs=0.01)


def test_ratio_share_and_parts():
    assert FORMULAS["ratio"].compute(fig("a", 8.93e10), fig("b", 1.8e5)) == pytest.approx(
        496111.111, rel=1e-6
    )
    assert FORMULAS["share_pct"].compute(fig("a", 1), fig("b", 4)) == 25
    assert FORMULAS["whole_from_share"].compute(fig("a", 1.5e12), fig("s", 68.1)) == (
        pytest.approx(2.2026e12, rel=1e-4)
    )
    assert FORMULAS["part_from_share"].compute(fig("a", 400000), fig("s", 85.8)) == (
        pytest.approx(343200)
    )
    assert FORMULAS["difference"].compute(fig("a", 41.5), fig("b", 15.4)) == pytest.approx(26.1)


@pytest.mark.parametrize(
    ("qualifiers", "monotone", "expected"),
    [
        (("exact", "exact"), (+1, -1), "exact"),
        (("exact", "at_least"), (+1, -1), "at_most"),  # balance / 超18万人次
        (("at_least", "exact"), (+1, -1), "at_least"),
        (("more_than", "at_least"), (+1, +1), "at_least"),
        (("at_least", "at_least"), (+1, -1), "approx"),
        (("approx", "exact"), (+1, -1), "approx"),
        (("at_most", "exact"), (+1, -1), "at_most"),
    ],
)
def test_qualifier_propagation(qualifiers, monotone, expected):
    inputs = [fig(str(i), 1.0, qualifier=q) for i, q in enumerate(qualifiers)]
    assert propagate_qualifier(inputs, monotone) == expected


def test_compute_derived_chains_rows_and_names_unknown_inputs():
    facts = {"a": fig("a", 8.93e10, unit="CNY"), "b": fig("b", 1.8e5, qualifier="at_least")}
    row = dict(
        id="per",
        topic="guangdong_skill_loans",
        subject_en="s",
        subject_zh="s",
        period="2026",
        formula="ratio",
        inputs="a b",
        unit="CNY",
        kind="level",
        _row=2,
    )
    chained = dict(row, id="twice", formula="multiply", inputs="per a", _row=3)
    results = compute_derived([row, chained], facts.__getitem__, Path("derived.csv"))
    assert results[0].value == pytest.approx(496111.11, rel=1e-6)
    assert results[0].qualifier == "at_most"
    assert results[0].ref == "derived"
    assert math.isclose(results[1].value, results[0].value * 8.93e10)
    bad = dict(row, inputs="a missing")
    with pytest.raises(DataError) as caught:
        compute_derived([bad], facts.__getitem__, Path("derived.csv"))
    assert (caught.value.row, caught.value.field, caught.value.found) == (2, "inputs", "missing")


def test_division_by_zero_is_a_data_error():
    facts = {"a": fig("a", 1.0), "z": fig("z", 0.0)}
    row = dict(
        id="r",
        topic="low_altitude",
        subject_en="s",
        subject_zh="s",
        period="2025",
        formula="ratio",
        inputs="a z",
        unit="ratio",
        kind="other",
        _row=2,
    )
    with pytest.raises(DataError, match="expected a computable formula"):
        compute_derived([row], facts.__getitem__, Path("derived.csv"))


@pytest.mark.parametrize(
    ("fixture", "field", "words"),
    [("unknown_formula.csv", "formula", "sqrt"), ("wrong_arity.csv", "inputs", "2 space")],
)
def test_bad_definitions(fixture, field, words):
    with pytest.raises(DataError) as caught:
        load_derived_rows(FIXTURES / fixture)
    assert caught.value.field == field
    assert words in str(caught.value)
