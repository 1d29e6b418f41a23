"""data/assumptions.csv: values that are in no source, each with its basis and a quality
rating, and each overridable by the notebook parameter it names."""

from __future__ import annotations

import math
from pathlib import Path

from policyreport import paths
from policyreport.data.tables import read_table, resource_schema
from policyreport.errors import DataError, ParameterError


def load_assumption_rows(
    path: Path | None = None,
    overrides: dict[str, object] | None = None,
    datapackage: Path | None = None,
) -> list[dict]:
    """Validated assumption rows; `overrides` maps parameter names to replacement values
    (None keeps the recorded value). Each row gains `overridden` and `recorded_value`."""
    path = path or paths.ASSUMPTIONS
    rows = read_table(path, resource_schema("assumptions", datapackage))
    by_parameter = {row["parameter"]: row for row in rows if row["parameter"]}
    for row in rows:
        row["recorded_value"] = row["value"]
        row["overridden"] = False
    for name, value in (overrides or {}).items():
        if value is None:
            continue
        if name not in by_parameter:
            raise ParameterError(
                parameter=name,
                expected=f"one of the assumption parameters {', '.join(sorted(by_parameter))}",
                found=value,
            )
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParameterError(parameter=name, expected="a number", found=value)
        if not math.isfinite(value) or value <= 0:
            raise ParameterError(parameter=name, expected="a positive finite number", found=value)
        row = by_parameter[name]
        row["value"] = float(value)
        row["overridden"] = float(value) != row["recorded_value"]
    return rows


def assumption_parameters(path: Path | None = None) -> set[str]:
    """The notebook parameter names that override an assumption."""
    return {row["parameter"] for row in load_assumption_rows(path) if row["parameter"]}


def check_not_a_duplicate(rows: list[dict], path: Path, other_ids: set[str]) -> None:
    for row in rows:
        if row["id"] in other_ids:
            raise DataError(
                file=path,
                row=row["_row"],
                field="id",
                expected="an id not used by a fact or derived figure",
                found=row["id"],
            )
