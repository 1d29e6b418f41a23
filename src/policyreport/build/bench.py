"""`make bench`: time `policyreport build` against what a user would otherwise do by hand.

By hand means, for every notebook of the spec and every language, one after the other:
`papermill NB OUT -p lang L` and then `jupyter nbconvert --to html --no-input OUT`. The build
is timed cold (empty cache) and warm (same cache, nothing changed). All three run as
subprocesses, in scratch directories, in one run of this script, so their ratios compare like
with like on the same machine; the report/ directory and the project's .cache/ are untouched.
Note the build does more than the manual route: one assembled report with appendices per
language, and its PDF.

    python -m policyreport.build.bench [--spec report/report.toml] [--jobs 2]

Timings are printed, never asserted (the tests do not time anything).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from policyreport import paths
from policyreport.errors import PolicyReportError


def _bin(name: str) -> str:
    """The venv's executable next to this interpreter (falls back to PATH)."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def _timed(command: list[str], cwd: Path) -> float:
    started = time.monotonic()
    completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if completed.returncode != 0:
        tail = (completed.stderr or completed.stdout).strip().splitlines()[-3:]
        raise SystemExit(f"bench: `{' '.join(command)}` failed:\n" + "\n".join(tail))
    return seconds


def by_hand(spec, scratch: Path, root: Path) -> float:
    """papermill then nbconvert --no-input, notebook by notebook, language by language."""
    total = 0.0
    for lang in spec.languages:
        for notebook in spec.notebooks:
            out = scratch / f"{notebook.name}.{lang}.ipynb"
            total += _timed(
                [
                    _bin("papermill"),
                    str(notebook.path),
                    str(out),
                    "-p",
                    spec.lang_parameter,
                    lang,
                    "--cwd",
                    str(root),
                    "--no-progress-bar",
                ],
                root,
            )
            total += _timed(
                [_bin("jupyter"), "nbconvert", "--to", "html", "--no-input", str(out)], root
            )
    return total


def build(spec_path: Path, out: Path, cache: Path, jobs: int, root: Path) -> float:
    command = [
        _bin("policyreport"),
        "build",
        "--spec",
        str(spec_path),
        "--out",
        str(out),
        "--cache-dir",
        str(cache),
        "--jobs",
        str(jobs),
    ]
    return _timed(command, root)


def main(argv: list[str] | None = None) -> int:
    from policyreport.build.spec import load_spec

    parser = argparse.ArgumentParser(prog="python -m policyreport.build.bench", description=__doc__)
    parser.add_argument("--spec", type=Path, default=paths.REPORT / "report.toml")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    try:
        spec = load_spec(args.spec)
    except PolicyReportError as error:
        print(f"bench: error: {error}", file=sys.stderr)
        return 2
    root = paths.ROOT
    runs = len(spec.notebooks) * len(spec.languages)
    print(
        f"bench: {len(spec.notebooks)} notebooks x {len(spec.languages)} languages "
        f"= {runs} runs; {os.cpu_count()} cores; --jobs {args.jobs}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="policyreport-bench-") as scratch:
        scratch = Path(scratch)
        cache = scratch / "cache"
        hand = scratch / "by-hand"
        hand.mkdir()
        print("bench: manual papermill + nbconvert …", flush=True)
        manual = by_hand(spec, hand, root)
        print("bench: policyreport build, cold cache …", flush=True)
        cold = build(args.spec, scratch / "cold", cache, args.jobs, root)
        print("bench: policyreport build, warm cache …", flush=True)
        warm = build(args.spec, scratch / "warm", cache, args.jobs, root)
        shutil.rmtree(cache, ignore_errors=True)

    rows = [
        ("by hand: papermill + nbconvert --no-input", manual),
        ("policyreport build (cold cache)", cold),
        ("policyreport build (warm cache)", warm),
    ]
    width = max(len(name) for name, _ in rows)
    print()
    for name, seconds in rows:
        print(f"  {name:<{width}}  {seconds:7.1f} s  {manual / seconds:5.1f}x")
    print(
        "\n  ratio = by-hand seconds / seconds; the build also writes one assembled HTML and "
        "one PDF per language, with appendices"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
