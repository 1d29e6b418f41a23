"""Keep environment.yml (conda users) pinned to exactly the versions of requirements.lock, and
the lock serving every supported Python.

`python -m policyreport.envfile` rewrites environment.yml from the lock; `make lock` runs it.
One lock serves 3.11, 3.12 and 3.13: its plain pins are resolved under the oldest, and a
dependency that only a newer Python pulls in (papermill needs aiohttp on 3.12 only) is pinned
after them with a marker naming those Pythons (`aiohttp==3.14.5 ; python_version == "3.12"`).
`python -m policyreport.envfile --add-python 3.12=FREEZE ...` writes those marked lines from
what `pip freeze` shows after installing the plain pins under each newer Python (`make lock`).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from policyreport import paths
from policyreport.errors import DataError, PolicyReportError

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

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)(?:\s*;\s*(.+))?$")
# The only marker the lock uses, joined by `or`: the Pythons that need a marked pin.
PYTHON_MARKER = re.compile(r'python_version == "(\d+\.\d+)"')
MARKED_HEADER = """\
# Only the Pythons in a line's marker need these (a dependency's own python_version marker):
# `make lock` installs the pins above under each newer supported Python and adds what it pulls in.
"""


def normalize(name: str) -> str:
    return name.lower().replace("_", "-")


def pins(text: str, python: str | None = None) -> dict[str, str]:
    """name -> version for every `name==version` line (comments and blanks skipped). A line
    with a marker counts only when `python` (e.g. "3.12") is one of the Pythons it names."""
    result = {}
    for line in text.splitlines():
        line = line.strip().lstrip("- ").strip()
        match = PIN.match(line)
        if not match:
            continue
        name, version, marker = match.groups()
        if marker is None or python in PYTHON_MARKER.findall(marker):
            result[normalize(name)] = version
    return result


def add_python_pins(lock_text: str, freezes: dict[str, str]) -> str:
    """The lock's plain pins followed by a marked pin for every distribution that installing
    them under another Python added: `freezes` maps that Python ("3.12") to its `pip freeze`.
    Marked lines already in the lock are replaced, so running it again changes nothing; a
    plain pin someone added by hand below them stays, moved up among the plain pins."""
    before, _, after = lock_text.partition(MARKED_HEADER)
    kept = [
        line.strip() + "\n"
        for line in after.splitlines()
        if (match := PIN.match(line.strip())) and match.group(3) is None
    ]
    plain = before + "".join(kept)
    locked = pins(plain)
    needed: dict[tuple[str, str], list[str]] = {}
    for python in sorted(freezes, key=lambda v: tuple(int(part) for part in v.split("."))):
        for line in freezes[python].splitlines():
            match = PIN.match(line.strip())
            if not match or normalize(match.group(1)) in ("pip", "wheel"):
                continue
            name, version, _ = match.groups()
            if normalize(name) not in locked:
                needed.setdefault((name, version), []).append(python)
            elif locked[normalize(name)] != version:
                raise DataError(
                    file=f"pip freeze of Python {python}",
                    expected=f"{name}=={locked[normalize(name)]} as requirements.lock pins it",
                    found=f"{name}=={version}",
                )
    if not needed:
        return plain
    lines = [
        f"{name}=={version} ; " + " or ".join(f'python_version == "{p}"' for p in pythons)
        for (name, version), pythons in sorted(needed.items(), key=lambda i: normalize(i[0][0]))
    ]
    return plain + MARKED_HEADER + "\n".join(lines) + "\n"


def render_environment(lock_text: str) -> str:
    lines = [line.strip() for line in lock_text.splitlines()]
    body = [f"      - {line}\n" for line in lines if PIN.match(line)]
    return HEADER + "".join(body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m policyreport.envfile",
        description="Render environment.yml from requirements.lock (after adding pins).",
    )
    parser.add_argument(
        "--add-python",
        action="append",
        default=[],
        metavar="X.Y=FREEZE",
        help="pin in the lock, marked for Python X.Y, what FREEZE (its pip freeze) adds",
    )
    args = parser.parse_args(argv)
    lock_path = paths.ROOT / "requirements.lock"
    lock = lock_path.read_text(encoding="utf-8")
    if args.add_python:
        freezes = {}
        for item in args.add_python:
            python, _, freeze = item.partition("=")
            freezes[python] = Path(freeze).read_text(encoding="utf-8")
        try:
            lock = add_python_pins(lock, freezes)
        except PolicyReportError as error:
            print(f"envfile: error: {error}", file=sys.stderr)
            return 2
        _write(lock_path, lock)
    _write(paths.ROOT / "environment.yml", render_environment(lock))
    return 0


def _write(path: Path, text: str) -> None:
    """Temp file + rename: an interrupted run never leaves half a lock."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


if __name__ == "__main__":
    sys.exit(main())
