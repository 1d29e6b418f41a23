"""Where things live, resolved from the project root so that a notebook, papermill run from any
directory and the build all read and write the same files."""

from __future__ import annotations

import os
from pathlib import Path


def _find_root() -> Path:
    # An explicit override lets tests point the package at a scratch copy of the project.
    override = os.environ.get("POLICYREPORT_ROOT")
    if override:
        return Path(override).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "data").is_dir():
            return parent
    raise RuntimeError(
        f"cannot find the policyreport project root above {here}; "
        "install the package in editable mode (make venv) or set POLICYREPORT_ROOT"
    )


ROOT = _find_root()
DATA = ROOT / "data"
SOURCES = DATA / "sources"
FACTS = DATA / "facts.csv"
DERIVED = DATA / "derived.csv"
ASSUMPTIONS = DATA / "assumptions.csv"
EXCLUSIONS = DATA / "exclusions.csv"
DATAPACKAGE = DATA / "datapackage.json"
NOTEBOOKS = ROOT / "notebooks"
FIGURES = ROOT / "figures"
REPORT = ROOT / "report"
CACHE = ROOT / ".cache"
