"""Keep environment.yml (conda users) pinned to exactly the versions of requirements.lock.

`python -m policyreport.envfile` rewrites environment.yml from the lock; `make lock` runs it.
"""

from __future__ import annotations

import re
import sys

from policyreport import paths

HEADER = """\
# Conda environment for policyreport: the same pinned versions as requirements.lock.
# conda provides Python (the newest of 3.11-3.13 it has; write e.g. python=3.12 to pick one)
# and pip; pip installs exactly the lock's versions, so a conda user and `make` build the same
# environment. tests/test_environment.py fails if they drift.
# Use: conda env create -f environment.yml && conda activate policyreport && pip install --no-deps -e .
name: policyreport
channels:
  - conda-forge
dependencies:
  - python>=3.11,<3.14
  - pip
  - pip:
"""

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)$")


def pins(text: str) -> dict[str, str]:
    """name -> version for every `name==version` line (comments and blanks skipped)."""
    result = {}
    for line in text.splitlines():
        line = line.strip().lstrip("- ").strip()
        match = PIN.match(line)
        if match:
            result[match.group(1).lower().replace("_", "-")] = match.group(2)
    return result


def render_environment(lock_text: str) -> str:
    lines = [line.strip() for line in lock_text.splitlines()]
    body = [f"      - {line}\n" for line in lines if PIN.match(line)]
    return HEADER + "".join(body)


def main() -> int:
    lock = (paths.ROOT / "requirements.lock").read_text(encoding="utf-8")
    (paths.ROOT / "environment.yml").write_text(render_environment(lock), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
