"""Everything a notebook or the report reads, loaded and validated in one call:
sources (checksummed), facts, assumptions (with parameter overrides), derived figures and
exclusions, as DataFrames indexed by id, plus one lookup that turns any id into a Figure and
one that gives its label (F13, D2, A1), what readers see instead of the id."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from policyreport import paths
from policyreport.data.assumptions import check_not_a_duplicate, load_assumption_rows
from policyreport.data.derived import compute_derived, load_derived_rows
from policyreport.data.exclusions import load_exclusion_rows
from policyreport.data.facts import load_fact_rows
from policyreport.data.records import REF_KINDS, Figure
from policyreport.errors import DataError

# The letter of each kind's labels: F1… facts, D1… derived figures, A1… assumptions.
LABEL_PREFIXES = {"fact": "F", "derived": "D", "assumption": "A"}


def figure_labels(figures: Iterable[Figure]) -> dict[str, str]:
    """id -> label, numbering each kind in the order given. Given the whole dataset's figures
    in data order (facts.csv, then derived.csv, assumptions.csv rows), a figure keeps one label
    in every report, scoped or not, and in every chart."""
    counts = dict.fromkeys(REF_KINDS, 0)
    labels = {}
    for fig in figures:
        counts[fig.ref] += 1
        labels[fig.id] = f"{LABEL_PREFIXES[fig.ref]}{counts[fig.ref]}"
    return labels


def _nan_to_none(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def fact_figure(row: dict) -> Figure:
    return Figure(
        id=row["id"],
        ref="fact",
        value=row["value"],
        value_high=_nan_to_none(row["value_high"]),
        unit=row["unit"],
        qualifier=row["qualifier"],
        kind=row["kind"],
        period=row["period"],
        subject_en=row["subject_en"],
        subject_zh=row["subject_zh"],
        topic=row["topic"],
    )


def assumption_figure(row: dict) -> Figure:
    return Figure(
        id=row["id"],
        ref="assumption",
        value=row["value"],
        unit=row["unit"],
        kind="other",
        subject_en=row["label_en"],
        subject_zh=row["label_zh"],
    )


@dataclass
class Dataset:
    facts: object  # pandas.DataFrame indexed by id
    derived: object
    assumptions: object
    exclusions: object
    sources: list = field(default_factory=list)
    figures: dict[str, Figure] = field(default_factory=dict)

    def figure(self, ident: str) -> Figure:
        try:
            return self.figures[ident]
        except KeyError:
            raise DataError(
                file="data/",
                field="id",
                expected="the id of a fact, derived figure or assumption",
                found=ident,
            ) from None

    @cached_property
    def labels(self) -> dict[str, str]:
        """id -> label over all the figures; a scoped copy (dataclasses.replace) keeps the
        whole dataset's figures, so its labels are the unscoped ones (gaps allowed)."""
        ordered = sorted(self.figures.values(), key=lambda fig: REF_KINDS.index(fig.ref))
        return figure_labels(ordered)

    def label(self, ident: str) -> str:
        """The label of a fact, derived figure or assumption (a DataError for an unknown id)."""
        self.figure(ident)
        return self.labels[ident]

    def quote(self, fact_id: str) -> str:
        return self.facts.loc[fact_id, "quote"]


def _frame(rows: list[dict], index: str | None = "id", resource: str = "", package=None):
    """Rows as a DataFrame; with no rows, the resource's columns all the same (a new
    project's empty tables), so that code reading a column never meets a missing one."""
    import pandas as pd

    from policyreport.data.tables import resource_schema

    if rows or not resource:
        frame = pd.DataFrame(rows)
    else:
        names = [field["name"] for field in resource_schema(resource, package)["fields"]]
        frame = pd.DataFrame(columns=[*names, "_row"])
    return frame.set_index(index, drop=False) if index and index in frame.columns else frame


def load_dataset(data_dir: Path | str | None = None, overrides: dict | None = None) -> Dataset:
    """Load and validate everything under data_dir (default: the project's data/)."""
    from policyreport.data.sources import list_sources

    data = Path(data_dir) if data_dir else paths.DATA
    if not data.is_absolute():
        data = paths.ROOT / data
    package = data / "datapackage.json"
    sources = list_sources(data / "sources")
    texts = {source.path.name: source.text for source in sources}
    fact_rows = load_fact_rows(data / "facts.csv", texts, package)
    assumption_rows = load_assumption_rows(data / "assumptions.csv", overrides, package)
    check_not_a_duplicate(
        assumption_rows, data / "assumptions.csv", {row["id"] for row in fact_rows}
    )
    assumption_ids = {row["id"] for row in assumption_rows}
    for source in sources:  # the assumption a page's record names as its year must exist
        named = source.meta.get("year_assumption")
        if named and named not in assumption_ids:
            raise DataError(
                file=source.meta_path,
                field="year_assumption",
                expected="the id of an assumption in assumptions.csv",
                found=named,
            )
    figures = {row["id"]: fact_figure(row) for row in fact_rows}
    figures.update({row["id"]: assumption_figure(row) for row in assumption_rows})
    for row in fact_rows:
        if row["assumption"] and row["assumption"] not in figures:
            raise DataError(
                file=data / "facts.csv",
                row=row["_row"],
                field="assumption",
                expected="the id of an assumption in assumptions.csv",
                found=row["assumption"],
            )
    derived_path = data / "derived.csv"
    derived_rows = load_derived_rows(derived_path, package) if derived_path.exists() else []
    derived = compute_derived(derived_rows, figures.__getitem__, derived_path)
    for row, figure in zip(derived_rows, derived, strict=True):
        if figure.id in figures:
            raise DataError(
                file=derived_path,
                row=row["_row"],
                field="id",
                expected="an id not used by a fact or assumption",
                found=figure.id,
            )
        row.update(value=figure.value, qualifier=figure.qualifier)
        figures[figure.id] = figure
    exclusion_path = data / "exclusions.csv"
    exclusion_rows = (
        load_exclusion_rows(exclusion_path, texts, package) if exclusion_path.exists() else []
    )
    return Dataset(
        facts=_frame(fact_rows, "id", "facts", package),
        derived=_frame(derived_rows) if derived_rows else _frame([], None),
        assumptions=_frame(assumption_rows, "id", "assumptions", package),
        exclusions=_frame(exclusion_rows, None, "exclusions", package),
        sources=sources,
        figures=figures,
    )
