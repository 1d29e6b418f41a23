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
    ("fixture", "message"),
    [
        (
            "unknown_formula.csv",
            "row 2, field 'formula': expected one of avg_growth_between, "
            "base_level_from_avg_growth, difference, divide, multiply, part_from_share, "
            "previous_level_from_growth, ratio, share_pct, whole_from_share; found 'sqrt'",
        ),
        (
            "wrong_arity.csv",
            "row 2, field 'inputs': expected 2 space-separated ids for ratio; found 'a'",
        ),
    ],
)
def test_bad_definitions(fixture, message):
    with pytest.raises(DataError) as caught:
        load_derived_rows(FIXTURES / fixture)
    assert str(caught.value) == f"{FIXTURES / fixture}, {message}"


def test_definitions_are_read_with_the_given_data_package():
    package = FIXTURES / "datapackage_without_derived.json"
    with pytest.raises(DataError) as caught:
        load_derived_rows(FIXTURES / "wrong_arity.csv", package)
    assert str(caught.value) == f"{package}: expected a resource named 'derived'; found 'none'"


def row_of(formula, inputs, **extra):
    return dict(
        dict(
            id="r",
            topic="low_altitude",
            subject_en="s en",
            subject_zh="s zh",
            period="2025",
            formula=formula,
            inputs=inputs,
            unit="ratio",
            kind="other",
            _row=7,
        ),
        **extra,
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            row_of("ratio", "a missing"),
            "row 7, field 'inputs': expected ids of facts, assumptions or derived figures "
            "defined above; found 'missing'",
        ),
        (
            row_of("ratio", "a zero"),
            "row 7, field 'formula': expected a computable formula; found 'ratio: float "
            "division by zero'",
        ),
        (
            row_of("multiply", "huge huge"),
            "row 7, field 'formula': expected a finite result; found inf",
        ),
        (
            row_of("avg_growth_between", "a a"),  # no years between: 1 / 0
            "row 7, field 'formula': expected a computable formula; found "
            "'avg_growth_between: division by zero'",
        ),
    ],
)
def test_uncomputable_rows_are_data_errors(row, message):
    facts = {"a": fig("a", 1.0), "zero": fig("zero", 0.0), "huge": fig("huge", 1e200)}
    with pytest.raises(DataError) as caught:
        compute_derived([row], facts.__getitem__, Path("derived.csv"))
    assert str(caught.value) == f"derived.csv, {message}"


def test_a_derived_figure_carries_its_row():
    facts = {"a": fig("a", 6.0, qualifier="at_least"), "b": fig("b", 3.0)}
    row = row_of("divide", "a b", id="d", unit="USD", kind="share", period="2026-04-30")
    row.update(topic="t", subject_en="English", subject_zh="中文")
    [result] = compute_derived([row], facts.__getitem__, Path("derived.csv"))
    assert result == Figure(
        id="d",
        ref="derived",
        value=2.0,
        unit="USD",
        qualifier="at_least",
        kind="share",
        period="2026-04-30",
        subject_en="English",
        subject_zh="中文",
        topic="t",
        value_high=None,
    )


def test_a_period_without_a_year_is_named():
    with pytest.raises(ValueError) as caught:
        period_years("今年")
    assert str(caught.value) == "period '今年' names no year"


def test_qualifiers_need_one_direction_per_input():
    with pytest.raises(ValueError):
        propagate_qualifier([fig("a", 1.0)], (+1, -1))


# --- independent oracles -------------------------------------------------------------------
# Every expected value below was worked out by hand (with a calculator, never with this
# package) from data/facts.csv and data/assumptions.csv; the arithmetic is in the comment.

#: id -> (value, qualifier) of every derived figure of the page (data/derived.csv).
PAGE_DERIVED = {
    # 92.1亿美元 / (1 + 15.4%) = 9,210,000,000 / 1.154 = 7,980,935,875.22
    "wh_exec_2024_implied": (7_980_935_875.22, "exact"),
    # 9,210,000,000 / 1.226^5; 1.226^5 = 2.769825128 -> 3,325,119,664.21
    "wh_exec_2020_implied": (3_325_119_664.21, "exact"),
    # (7,980,935,875.22 / 3,325,119,664.21)^(1/4) - 1 = 2.400195085^(1/4) - 1 = 24.46912 %
    "wh_exec_2021_2024_avg_growth": (24.46912, "exact"),
    # 15.4 - 22.6 = -7.2 percentage points
    "wh_exec_growth_gap_2025": (-7.2, "exact"),
    # 41.5 - 15.4 = 26.1
    "wh_bpo_minus_total_2025": (26.1, "exact"),
    # 37.9 - 15.4 = 22.5
    "wh_kpo_minus_total_2025": (22.5, "exact"),
    # 19.1 - 23.6 = -4.5
    "wh_offshore_minus_total_2026ytd": (-4.5, "exact"),
    # 400,000 * 85.8 / 100 = 343,200 people
    "wh_workforce_bachelor_plus": (343_200, "exact"),
    # 突破1.5万亿 / 68.1% = 1,500,000,000,000 / 0.681 = 2,202,643,171,806.17; a lower bound in
    # the numerator gives a lower bound
    "wh_gdp_implied_2025": (2_202_643_171_806.17, "at_least"),
    # 9,210,000,000 USD * 7.18 CNY/USD = 66,127,800,000 CNY
    "wh_exec_2025_cny": (66_127_800_000, "exact"),
    # 20余部 / 10余部 = 2; lower bounds above and below pull both ways: only approximate
    "wh_comic_output_multiple": (2, "approx"),
    # 893亿元 / 超18万人次 = 89,300,000,000 / 180,000 = 496,111.11; a lower bound below the
    # line gives an upper bound
    "gd_balance_per_person_time": (496_111.11, "at_most"),
    # 1,500,000 / 496,111.11 = 3.023516; over an upper bound: a lower bound
    "gd_chef_loan_multiple": (3.023516, "at_least"),
    # 89,300,000,000 CNY / 7.18 CNY per USD = 12,437,325,905.29 USD (not 641 billion)
    "gd_loan_balance_usd": (12_437_325_905.29, "exact"),
    # 超200万 / 超30万 = 2,000,000 / 300,000 = 6.6667 days; bounds both ways: approximate
    "la_platform_flights_in_model_days": (6.666667, "approx"),
    # 89,300,000,000 / 66,127,800,000 = 1.350415
    "gd_balance_vs_wh_exec": (1.350415, "exact"),
}


@pytest.fixture(scope="module")
def page():
    from policyreport.data.dataset import load_dataset

    return load_dataset()


def test_every_derived_figure_of_the_page_has_an_oracle(page):
    assert set(page.derived["id"]) == set(PAGE_DERIVED)


@pytest.mark.parametrize(("ident", "expected"), PAGE_DERIVED.items(), ids=list(PAGE_DERIVED))
def test_derived_figures_of_the_page_match_the_hand_worked_values(page, ident, expected):
    value, qualifier = expected
    figure = page.figure(ident)
    assert figure.value == pytest.approx(value, rel=1e-6)
    assert figure.qualifier == qualifier
    assert figure.ref == "derived"


# --- each formula on inputs that tell a wrong operator, a swapped argument or a wrong scale
# apart (the public way in: compute_derived over rows, as data/derived.csv gives them) ------


def derive(formula: str, *inputs: Figure) -> Figure:
    facts = {figure.id: figure for figure in inputs}
    row = dict(
        id="result",
        topic="t",
        subject_en="s",
        subject_zh="s",
        period="2025",
        formula=formula,
        inputs=" ".join(facts),
        unit="USD",
        kind="other",
        _row=2,
    )
    [result] = compute_derived([row], facts.__getitem__, Path("derived.csv"))
    return result


# formula -> (inputs as (value, period), expected value, what the wrong readings would give)
FORMULA_CASES = {
    # 230 / (1 + 15/100) = 200   (230 * 1.15 = 264.5; 230 / 16 = 14.4; 230 / 1.015 = 226.6)
    "previous_level_from_growth": (((230, "2025"), (15, "2025")), 200),
    # 1331 / 1.1^3 = 1000 over 2021-2023 (three years; two would give 1100, four 909.1)
    "base_level_from_avg_growth": (((1331, "2023"), (10, "2021-2023")), 1000),
    # (1331 / 1000)^(1/3) - 1 = 10 % over 2020 -> 2023 (swapped: -9.09; 1/4: 7.4)
    "avg_growth_between": (((1331, "2023"), (1000, "2020")), 10),
    # 41.5 - 15.4 = 26.1 (swapped: -26.1)
    "difference": (((41.5, "2025"), (15.4, "2025")), 26.1),
    # 6 / 3 = 2 (swapped 0.5, multiplied 18)
    "ratio": (((6, "2025"), (3, "2025")), 2),
    # 100 * 1 / 4 = 25 (swapped 400, unscaled 0.25)
    "share_pct": (((1, "2025"), (4, "2025")), 25),
    # 30 / (60 / 100) = 50 (30 * 0.6 = 18, 30 / 60 = 0.5)
    "whole_from_share": (((30, "2025"), (60, "2025")), 50),
    # 200 * 30 / 100 = 60 (200 / 0.3 = 666.7, unscaled 6000)
    "part_from_share": (((200, "2025"), (30, "2025")), 60),
    # 6 * 3 = 18
    "multiply": (((6, "2025"), (3, "2025")), 18),
    # 6 / 3 = 2 (multiplied: 18, swapped: 0.5)
    "divide": (((6, "2025"), (3, "2025")), 2),
}


def test_every_formula_has_a_case():
    assert set(FORMULA_CASES) == set(FORMULAS)


@pytest.mark.parametrize(("formula", "case"), FORMULA_CASES.items(), ids=list(FORMULA_CASES))
def test_formula_on_telling_inputs(formula, case):
    inputs, expected = case
    figures = [fig(f"in{i}", value, period) for i, (value, period) in enumerate(inputs)]
    result = derive(formula, *figures)
    assert result.value == pytest.approx(expected, rel=1e-9)
    assert result.qualifier == "exact"


# Which way the result moves with each input, read off the arithmetic by hand: a lower bound
# (超) on input i gives the result the qualifier listed at position i.
BOUND_ON_INPUT = {
    "previous_level_from_growth": ("at_least", "at_most"),  # level / (1 + g): grows, shrinks
    "base_level_from_avg_growth": ("at_least", "at_most"),
    "avg_growth_between": ("at_least", "at_most"),  # later up: faster; earlier up: slower
    "difference": ("at_least", "at_most"),
    "ratio": ("at_least", "at_most"),
    "share_pct": ("at_least", "at_most"),
    "whole_from_share": ("at_least", "at_most"),  # a bigger share means a smaller whole
    "part_from_share": ("at_least", "at_least"),  # whole and share both grow the part
    "multiply": ("at_least", "at_least"),
    "divide": ("at_least", "at_most"),
}


def test_every_formula_has_its_bound_directions():
    assert set(BOUND_ON_INPUT) == set(FORMULAS)


@pytest.mark.parametrize("bound", ["at_least", "more_than", "at_most"])
@pytest.mark.parametrize("formula", sorted(BOUND_ON_INPUT))
def test_a_bound_on_one_input_carries_through_each_formula(formula, bound):
    inputs, _ = FORMULA_CASES[formula]
    flip = {"at_least": "at_most", "at_most": "at_least"}
    for position, lower_result in enumerate(BOUND_ON_INPUT[formula]):
        figures = [
            fig(f"in{i}", value, period, qualifier=bound if i == position else "exact")
            for i, (value, period) in enumerate(inputs)
        ]
        expected = flip[lower_result] if bound == "at_most" else lower_result
        assert derive(formula, *figures).qualifier == expected, (formula, position)


@pytest.mark.parametrize("loose", ["approx", "range"])
def test_an_approximate_input_makes_an_approximate_result(loose):
    figures = [fig("a", 6, qualifier=loose), fig("b", 3)]
    assert derive("divide", *figures).qualifier == "approx"
    figures = [fig("a", 6), fig("b", 3, qualifier=loose)]
    assert derive("multiply", *figures).qualifier == "approx"
