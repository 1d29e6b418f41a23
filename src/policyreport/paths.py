"""Where things live, resolved from the project root so that a notebook, papermill run from any
directory and the build all read and write the same files.

The project root is found as git finds a repository: from the current directory upward, the
first folder holding the marker file `data/datapackage.json` (every project has one:
`policyreport init` writes it). POLICYREPORT_ROOT, when set, names the root instead. Nothing
depends on where the package is installed, so one installed policyreport serves any project
folder. A notebook kernel finds the root the same way (JupyterLab starts it in notebooks/,
the build in the root, and gives it POLICYREPORT_ROOT as well).

The names below (ROOT, DATA, FACTS …) are computed when read, from the current directory at
that moment; outside a project, reading one raises ProjectNotFoundError (one line).
"""

from __future__ import annotations

import os
from pathlib import Path

from policyreport.errors import ProjectNotFoundError

#: The file whose presence makes a folder a project root (relative to that folder).
MARKER = Path("data") / "datapackage.json"
ENVIRONMENT_VARIABLE = "POLICYREPORT_ROOT"

# name -> path relative to the project root
_RELATIVE = {
    "DATA": "data",
    "SOURCES": "data/sources",
    "FACTS": "data/facts.csv",
    "DERIVED": "data/derived.csv",
    "ASSUMPTIONS": "data/assumptions.csv",
    "EXCLUSIONS": "data/exclusions.csv",
    "DATAPACKAGE": "data/datapackage.json",
    "NOTEBOOKS": "notebooks",
    "FIGURES": "figures",
    "REPORT": "report",
    "CACHE": ".cache",
}


def find_root(start: Path | str | None = None) -> Path:
    """The project root: POLICYREPORT_ROOT, else the first folder from `start` (default: the
    current directory) upward that holds data/datapackage.json."""
    override = os.environ.get(ENVIRONMENT_VARIABLE)
    if override:
        return Path(override).resolve()
    here = Path(start if start is not None else os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MARKER).is_file():
            return folder
    raise ProjectNotFoundError(start=here, marker=MARKER.as_posix())


def __getattr__(name: str) -> Path:
    # PEP 562: ROOT, DATA … are looked up at each use, so a process that changes directory
    # (a test, a long-lived kernel) follows it; the lookup is a handful of stat calls.
    if name == "ROOT":
        return find_root()
    if name in _RELATIVE:
        return find_root() / _RELATIVE[name]
    raise AttributeError(f"module 'policyreport.paths' has no attribute {name!r}")
