"""Derived figures: computed from facts (or other derived figures and assumptions) by a named,
generic formula. data/derived.csv says which formula, which inputs, in words, with a caveat.

Qualifiers propagate: a lower bound (超, 余) fed into a formula that grows with it gives a
lower bound, into one that shrinks with it an upper bound; an approximation gives an
approximation. A 893亿元 balance over 超18万 person-times is therefore *at most* 49.6万元.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from policyreport import paths
from policyreport.data.records import Figure
from policyreport.data.tables import read_table, resource_schema
from policyreport.errors import DataError

LOWER = ("at_least", "more_than")
UPPER = ("at_most",)


def period_years(period: str) -> tuple[int, int]:
    """First and last calendar year a period names: '2021-2025' -> (2021, 2025)."""
    years = [int(year) for year in re.findall(r"(?<!\d)(\d{4})(?!\d)", period)]
    if not years:
        raise ValueError(f"period {period!r} names no year")
    return years[0], years[-1]


def span_years(period: str) -> int:
    """Number of annual steps an average growth rate over `period` compounds: 2021-2025 -> 5."""
    first, last = period_years(period)
    return last - first + 1


def years_between(later: Figure, earlier: Figure) -> int:
    return period_years(later.period)[1] - period_years(earlier.period)[1]


@dataclass(frozen=True)
class Formula:
    """compute(*figures) -> value; monotone[i] is +1 if the result grows with input i,
    -1 if it shrinks, so bounds on inputs become bounds on the result."""

    compute: Callable[..., float]
    monotone: tuple[int, ...]
    code: str


FORMULAS: dict[str, Formula] = {
    "previous_level_from_growth": Formula(
        lambda level, growth: level.value / (1 + growth.value / 100),
        (+1, -1),
        "level / (1 + growth / 100)",
    ),
    "base_level_from_avg_growth": Formula(
        lambda level, rate: level.value / (1 + rate.value / 100) ** span_years(rate.period),
        (+1, -1),
        "level / (1 + rate / 100) ** years(rate.period)",
    ),
    "avg_growth_between": Formula(
        lambda later, earlier: (
            ((later.value / earlier.value) ** (1 / years_between(later, earlier)) - 1) * 100
        ),
        (+1, -1),
        "((later / earlier) ** (1 / (year(later) - year(earlier))) - 1) * 100",
    ),
    "difference": Formula(lambda a, b: a.value - b.value, (+1, -1), "a - b"),
    "ratio": Formula(lambda a, b: a.value / b.value, (+1, -1), "a / b"),
    "share_pct": Formula(
        lambda part, whole: 100 * part.value / whole.value, (+1, -1), "100 * part / whole"
    ),
    "whole_from_share": Formula(
        lambda part, share: part.value / (share.value / 100), (+1, -1), "part / (share / 100)"
    ),
    "part_from_share": Formula(
        lambda whole, share: whole.value * share.value / 100, (+1, +1), "whole * share / 100"
    ),
    "multiply": Formula(lambda a, b: a.value * b.value, (+1, +1), "a * b"),
    "divide": Formula(lambda a, b: a.value / b.value, (+1, -1), "a / b"),
}


def propagate_qualifier(inputs: list[Figure], monotone: tuple[int, ...]) -> str:
    """The qualifier of a result from its inputs' qualifiers (see module docstring)."""
    if any(figure.qualifier in ("approx", "range") for figure in inputs):
        return "approx"
    directions = set()
    for figure, sign in zip(inputs, monotone, strict=True):
        if figure.qualifier in LOWER:
            directions.add(sign)
        elif figure.qualifier in UPPER:
            directions.add(-sign)
    if not directions:
        return "exact"
    if directions == {+1}:
        return "at_least"
    if directions == {-1}:
        return "at_most"
    return "approx"  # bounds pulling both ways leave only an order of magnitude


def load_derived_rows(path: Path | None = None, datapackage: Path | None = None) -> list[dict]:
    path = path or paths.DERIVED
    rows = read_table(path, resource_schema("derived", datapackage))
    for row in rows:
        if row["formula"] not in FORMULAS:
            raise DataError(
                file=path,
                row=row["_row"],
                field="formula",
                expected=f"one of {', '.join(sorted(FORMULAS))}",
                found=row["formula"],
            )
        arity = len(FORMULAS[row["formula"]].monotone)
        if len(row["inputs"].split()) != arity:
            raise DataError(
                file=path,
                row=row["_row"],
                field="inputs",
                expected=f"{arity} space-separated ids for {row['formula']}",
                found=row["inputs"],
            )
    return rows


def compute_derived(rows: list[dict], lookup: Callable[[str], Figure], path: Path) -> list[Figure]:
    """Evaluate derived rows in file order (a row may use the rows above it).

    `lookup(id)` returns the Figure of a fact, assumption or already computed derived row;
    it raises KeyError for an unknown id.
    """
    results = []
    known: dict[str, Figure] = {}
    for row in rows:
        inputs = []
        for ident in row["inputs"].split():
            try:
                inputs.append(known[ident] if ident in known else lookup(ident))
            except KeyError:
                raise DataError(
                    file=path,
                    row=row["_row"],
                    field="inputs",
                    expected="ids of facts, assumptions or derived figures defined above",
                    found=ident,
                ) from None
        formula = FORMULAS[row["formula"]]
        try:
            value = float(formula.compute(*inputs))
        except (ArithmeticError, ValueError) as error:
            raise DataError(
                file=path,
                row=row["_row"],
                field="formula",
                expected="a computable formula",
                found=f"{row['formula']}: {error}",
            ) from None
        if not math.isfinite(value):
            raise DataError(
                file=path, row=row["_row"], field="formula", expected="a finite result", found=value
            )
        figure = Figure(
            id=row["id"],
            ref="derived",
            value=value,
            unit=row["unit"],
            qualifier=propagate_qualifier(inputs, formula.monotone),
            kind=row["kind"],
            period=row["period"],
            subject_en=row["subject_en"],
            subject_zh=row["subject_zh"],
            topic=row["topic"],
        )
        known[row["id"]] = figure
        results.append(figure)
    return results
