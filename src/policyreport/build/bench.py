"""`make bench`: time `policyreport build` in the situations the build is made for, against
what a user would otherwise do by hand and against a floor.

Every timing is the median of --repeat runs (3), each a subprocess, in a scratch copy of the
spec's notebooks and data, so report/, figures/, data/ and the project's .cache/ are
untouched:
- cold: empty cache, new output folder;
- no-op: the same build again (answered from the manifest);
- one fact changed: a fact the chapters cite corrected (its qualifier), then the build;
- one notebook changed: the prose of one notebook edited, then the build;
- 8 variants (-m with 8 exchange rates), empty cache, with --jobs 1 and with the default;
- by hand: for every notebook and language, `papermill` then `jupyter nbconvert --to html
  --no-input`, one after the other;
- floor: every notebook's code cells in one Python process with imports paid once (no
  kernel, no papermill), plus rendering the PDFs of the cold build.
It prints the goals of issue 9 as ratios, says of each whether it is met or by how much it
misses, shows where each timed build spent its time (the build's own step timings), and writes
every number to a JSON file.

    python -m policyreport.build.bench [--spec report/report.toml] [--repeat 3] [--json PATH]

Timings are printed, never asserted (the tests do not time anything). The machine may be
shared: say so when quoting them.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from policyreport import paths
from policyreport.errors import PolicyReportError

VARIANTS = 8
# Issue 9's goals: (ratio printed below, comparison, target). The bench says of each whether it
# is met, and if not by how much; the step breakdown of the timed builds says where time went.
GOALS = {
    "cold / floor (goal <= 1.5)": ("<=", 1.5),
    "by hand / cold (goal >= 5)": (">=", 5.0),
    "no-op seconds (goal < 0.5)": ("<", 0.5),
    "one fact changed / cold (goal < 0.33)": ("<", 0.33),
    "8 variants default / cold (goal < 3)": ("<", 3.0),
}
# "built in 12.2 s (10 executed, 0 from cache; check 1.1 s, execute 11.0 s, pdf 5.0 s)"
_SUMMARY = re.compile(r"^built in [0-9.]+ s \([^;]*; (?P<steps>.*)\)$", re.MULTILINE)
_STEP = re.compile(r"(?P<name>[^,]+?) (?P<seconds>[0-9.]+) s(?:, |$)")
# The fact edit of "one fact changed": a qualifier corrected (see Scratch.edit_fact).
NEARLY = "nearly"
TOGGLED = {"approx": NEARLY, NEARLY: "approx"}

# One process, imports paid once: each notebook's code cells exec'd in a fresh namespace.
FLOOR_SCRIPT = r"""
import json, sys, time
from pathlib import Path
started = time.monotonic()
import policyreport.notebook, matplotlib.pyplot as plt, IPython.display
from policyreport.build.pdf import render_pdf
plan = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
for run in plan["runs"]:
    namespace = {"__name__": "__main__"}
    for source in run["cells"]:
        exec(compile(source, run["notebook"], "exec"), namespace)
        if namespace.get("injected") is None:
            namespace.update(run["parameters"])
            namespace["injected"] = True
    plt.close("all")
for html, pdf in plan["pdfs"]:
    render_pdf(Path(html).read_text(encoding="utf-8"), Path(pdf))
print(time.monotonic() - started)
"""


def build_steps(output: str) -> dict[str, float]:
    """The step timings of a build's closing summary line ({} when it was up to date). A
    variant's steps ("html usd_cny=7.2 zh") are added up under the step's own name ("html zh"),
    so a batch of variants reads as one line."""
    found = _SUMMARY.search(output)
    if found is None:
        return {}
    steps: dict[str, float] = {}
    for match in _STEP.finditer(found["steps"]):
        name = " ".join(word for word in match["name"].split() if "=" not in word)
        steps[name] = round(steps.get(name, 0.0) + float(match["seconds"]), 1)
    return steps


def verdict(value: float, goal: tuple[str, float]) -> str:
    """'met', or how far the value is from its goal: 'missed: 0.58 vs < 0.33 (1.8x the goal)'."""
    op, target = goal
    met = {"<": value < target, "<=": value <= target, ">=": value >= target}[op]
    if met:
        return "met"
    factor = value / target if op != ">=" else target / value
    return f"missed: {value:.2f} vs {op} {target:g} ({factor:.1f}x the goal)"


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


class Scratch:
    """A copy of the spec's notebooks and data; builds of it into scratch folders."""

    def __init__(self, spec, base: Path, root: Path):
        self.base, self.root = base, root
        self.data = base / "data"
        self.notebooks = base / "notebooks"
        data_dir = spec.build_parameters.get("data_dir")
        shutil.copytree(root / data_dir if isinstance(data_dir, str) else paths.DATA, self.data)
        self.notebooks.mkdir()
        for notebook in spec.notebooks:
            shutil.copy(notebook.path, self.notebooks / notebook.path.name)
        text = spec.path.read_text(encoding="utf-8")
        lines = [
            f'notebook_dir = "{self.notebooks.as_posix()}"'
            if line.strip().startswith("notebook_dir")
            else line
            for line in text.splitlines()
        ]
        self.spec_path = base / "report.toml"
        self.spec_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.spec = spec
        self.output = ""

    def build(self, out: str, cache: str, *extra: str) -> float:
        command = [
            _bin("policyreport"),
            "build",
            "--spec",
            str(self.spec_path),
            "--out",
            str(self.base / out),
            "--cache-dir",
            str(self.base / cache),
            "-p",
            f"data_dir={self.data}",
            *extra,
        ]
        started = time.monotonic()
        completed = subprocess.run(command, cwd=self.root, capture_output=True, text=True)
        seconds = time.monotonic() - started
        if completed.returncode != 0:
            tail = (completed.stderr or completed.stdout).strip().splitlines()[-3:]
            raise SystemExit(f"bench: `{' '.join(command)}` failed:\n" + "\n".join(tail))
        self.output = completed.stdout
        return seconds

    def copy_build(self, source: tuple[str, str], target: tuple[str, str]) -> None:
        """Copy a build's output and cache folders (both named relative to the scratch)."""
        for name, copy in zip(source, target, strict=True):
            shutil.copytree(self.base / name, self.base / copy, symlinks=True)

    def executed(self) -> str:
        """How many runs the last build executed, as its summary says."""
        found = re.search(r"\((\d+) executed, (\d+) from cache", self.output)
        if found is None:
            return " (up to date)" if "up to date" in self.output else ""
        return f" ({found[1]} runs executed, {found[2]} from cache)"

    def edit_fact(self) -> str:
        """Correct the qualifier of a fact, the way an analyst fixes one: the first fact whose
        quote holds a word of the vocabulary's `nearly` (近) but is recorded as `approx` gets
        `nearly` (and back at the next call). The chapters that read the fact print it
        (约/about becomes 近/nearly), so the runs that read it execute again: row-level
        invalidation. Returns the fact's id."""
        from policyreport.data.vocabulary import load_vocabulary

        words = load_vocabulary(self.data).qualifiers[NEARLY].text
        path = self.data / "facts.csv"
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        header = rows[0]
        qualifier, quote = header.index("qualifier"), header.index("quote")
        for row in rows[1:]:
            if row[qualifier] in TOGGLED and any(word in row[quote] for word in words):
                row[qualifier] = TOGGLED[row[qualifier]]
                break
        else:
            raise SystemExit(f"bench: no fact whose quote says {NEARLY} to edit")
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
        return row[header.index("id")]

    def edit_notebook(self, number: int) -> None:
        """Add an invisible comment to the first markdown cell of the last notebook."""
        path = self.notebooks / self.spec.notebooks[-1].path.name
        notebook = json.loads(path.read_text(encoding="utf-8"))
        cell = next(c for c in notebook["cells"] if c["cell_type"] == "markdown")
        source = "".join(cell["source"])
        cell["source"] = source + f"\n<!-- bench edit {number} -->"
        path.write_text(json.dumps(notebook, ensure_ascii=False, indent=1), encoding="utf-8")


def variant_matrix(spec, data_dir: Path) -> str:
    """-m for VARIANTS variants: the assumption parameter most notebooks declare, from its
    recorded value up in steps of 0.5 % (what an analyst's sensitivity sweep looks like)."""
    from policyreport.authoring.params import read_parameters
    from policyreport.data.assumptions import load_assumption_rows

    declared = [set(read_parameters(notebook.path)) for notebook in spec.notebooks]
    candidates = [
        row
        for row in load_assumption_rows(data_dir / "assumptions.csv")
        if row["parameter"] and isinstance(row["value"], int | float)
    ]
    if not candidates:
        raise SystemExit("bench: no assumption parameter to make variants of")
    row = max(candidates, key=lambda r: sum(r["parameter"] in names for names in declared))
    values = [f"{row['value'] * (1 + 0.005 * k):.4g}" for k in range(VARIANTS)]
    return f"{row['parameter']}={','.join(values)}"


def by_hand(scratch: Scratch, out: Path) -> float:
    """papermill then nbconvert --no-input, notebook by notebook, language by language."""
    spec = scratch.spec
    out.mkdir(parents=True, exist_ok=True)
    total = 0.0
    for lang in spec.languages:
        for notebook in spec.notebooks:
            executed = out / f"{notebook.name}.{lang}.ipynb"
            total += _timed(
                [
                    _bin("papermill"),
                    str(scratch.notebooks / notebook.path.name),
                    str(executed),
                    "-p",
                    spec.lang_parameter,
                    lang,
                    "-p",
                    "data_dir",
                    str(scratch.data),
                    "-p",
                    "figures_dir",
                    str(out / "figures"),
                    "--no-progress-bar",
                ],
                scratch.root,
            )
            total += _timed(
                [_bin("jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                scratch.root,
            )
    return total


def floor(scratch: Scratch, cold_out: Path, out: Path) -> float:
    from policyreport.authoring.params import read_parameters

    spec = scratch.spec
    out.mkdir(parents=True, exist_ok=True)
    runs = []
    for lang in spec.languages:
        for notebook in spec.notebooks:
            source = json.loads(notebook.path.read_text(encoding="utf-8"))
            cells = ["".join(c["source"]) for c in source["cells"] if c["cell_type"] == "code"]
            declared = read_parameters(notebook.path)
            parameters = {spec.lang_parameter: lang}
            if "data_dir" in declared:
                parameters["data_dir"] = str(scratch.data)
            if "figures_dir" in declared:
                parameters["figures_dir"] = str(out / "figures")
            runs.append({"notebook": notebook.name, "cells": cells, "parameters": parameters})
    pdfs = [
        [str(cold_out / f"{spec.name}.{lang}.html"), str(out / f"{spec.name}.{lang}.pdf")]
        for lang in spec.languages
    ]
    plan = out / "plan.json"
    plan.write_text(json.dumps({"runs": runs, "pdfs": pdfs}), encoding="utf-8")
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-c", FLOOR_SCRIPT, str(plan)],
        cwd=scratch.root,
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        tail = completed.stderr.strip().splitlines()[-3:]
        raise SystemExit("bench: the floor script failed:\n" + "\n".join(tail))
    return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    from policyreport.build.pipeline import default_jobs
    from policyreport.build.spec import load_spec

    parser = argparse.ArgumentParser(prog="python -m policyreport.build.bench", description=__doc__)
    parser.add_argument("--spec", type=Path, default=paths.REPORT / "report.toml")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, default=paths.CACHE / "bench.json")
    args = parser.parse_args(argv)
    try:
        spec = load_spec(args.spec)
    except PolicyReportError as error:
        print(f"bench: error: {error}", file=sys.stderr)
        return 2
    root = paths.ROOT
    runs = len(spec.notebooks) * len(spec.languages)
    jobs = default_jobs()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"bench: {len(spec.notebooks)} notebooks x {len(spec.languages)} languages = {runs} "
        f"runs; {os.cpu_count()} cores, default --jobs {jobs}; load {load:.1f}; "
        f"medians of {args.repeat}",
        flush=True,
    )
    times: dict[str, list[float]] = {}
    steps: dict[str, list[dict[str, float]]] = {}

    def note(name: str, seconds: float, build: bool = True) -> None:
        times.setdefault(name, []).append(seconds)
        if build:
            steps.setdefault(name, []).append(build_steps(scratch.output))
        runs = scratch.executed() if build else ""
        print(f"  {name}: {seconds:.2f} s{runs}", flush=True)

    with tempfile.TemporaryDirectory(prefix="policyreport-bench-") as base:
        scratch = Scratch(spec, Path(base), root)
        for n in range(args.repeat):
            note("cold", scratch.build(f"cold{n}", f"cache{n}"))
            note("no-op", scratch.build(f"cold{n}", f"cache{n}"))
        facts = scratch.data / "facts.csv"
        original = facts.read_bytes()
        for n in range(args.repeat):
            # Every repeat starts from a copy of the first cold build (its report and cache)
            # and makes the same edit: editing back and forth would find the second state's
            # HTML and PDFs already cached by an earlier repeat, and flatter the median.
            scratch.copy_build(("cold0", "cache0"), (f"fact{n}", f"factcache{n}"))
            edited = scratch.edit_fact()
            note("one fact changed", scratch.build(f"fact{n}", f"factcache{n}"))
            facts.write_bytes(original)  # the data as it was, for the next repeat
        print(f"    (the qualifier of {edited}, approx -> {NEARLY})", flush=True)
        for n in range(args.repeat):
            scratch.edit_notebook(n)
            note("one notebook changed", scratch.build("cold0", "cache0"))
        matrix = ["-m", variant_matrix(spec, scratch.data)]
        print(f"  variants: {matrix[1]}", flush=True)
        for n in range(args.repeat):
            note(
                f"{VARIANTS} variants, --jobs 1",
                scratch.build(f"v1-{n}", f"vc1-{n}", *matrix, "--jobs", "1"),
            )
            note(
                f"{VARIANTS} variants, default jobs", scratch.build(f"vd-{n}", f"vcd-{n}", *matrix)
            )
        for n in range(args.repeat):
            note("by hand", by_hand(scratch, Path(base) / f"hand{n}"), build=False)
        for n in range(args.repeat):
            note(
                "floor", floor(scratch, Path(base) / "cold0", Path(base) / f"floor{n}"), build=False
            )

    median = {name: statistics.median(values) for name, values in times.items()}
    cold = median["cold"]
    ratios = {
        "cold / floor (goal <= 1.5)": cold / median["floor"],
        "by hand / cold (goal >= 5)": median["by hand"] / cold,
        "no-op seconds (goal < 0.5)": median["no-op"],
        "one fact changed / cold (goal < 0.33)": median["one fact changed"] / cold,
        "one notebook changed / cold": median["one notebook changed"] / cold,
        "8 variants default / cold (goal < 3)": median[f"{VARIANTS} variants, default jobs"] / cold,
        "8 variants --jobs 1 / default": median[f"{VARIANTS} variants, --jobs 1"]
        / median[f"{VARIANTS} variants, default jobs"],
    }
    # Where each timed build spent its time: the median of each step over the repeats (steps
    # overlap: PDFs render while runs execute, so they need not add up to the total).
    breakdown = {
        name: {
            step: statistics.median(found[step] for found in found_all if step in found)
            for step in dict.fromkeys(step for found in found_all for step in found)
        }
        for name, found_all in steps.items()
    }
    verdicts = {name: verdict(ratios[name], goal) for name, goal in GOALS.items()}
    width = max(len(name) for name in [*median, *ratios])
    print("\nmedians (and the build's own steps)")
    for name, seconds in median.items():
        parts = ", ".join(f"{step} {sec:.1f}" for step, sec in breakdown.get(name, {}).items())
        print(f"  {name:<{width}}  {seconds:8.2f} s" + (f"   [{parts}]" if parts else ""))
    print("ratios")
    for name, value in ratios.items():
        print(
            f"  {name:<{width}}  {value:8.2f}"
            + (f"   {verdicts[name]}" if name in verdicts else "")
        )
    record = {
        "runs": runs,
        "cores": os.cpu_count(),
        "default_jobs": jobs,
        "load_average_at_start": load,
        "repeat": args.repeat,
        "seconds": times,
        "medians": median,
        "ratios": ratios,
        "goals": verdicts,
        "steps": breakdown,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"\nwritten to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
