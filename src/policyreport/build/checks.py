"""`policyreport check`: the data checks (policyreport.data.check), then — when a build left
executed notebooks under report/<name>/notebooks/ — the number trace over them
(policyreport.build.trace), so that a number typed into a notebook, or a report left showing a
value the data no longer holds, is caught without running the test suite.

The trace reads each notebook against the data it ran with: its `data_dir` parameter (from the
project root; default data/) and its assumption overrides.
"""

from __future__ import annotations

import sys
from pathlib import Path

from policyreport import paths
from policyreport.errors import ProjectNotFoundError, TraceError

EXAMPLES = """
policyreport check
    validate data/ (schemas, quotes, checksums, layouts, derived figures, each fact's value
    against its quote), list any TODO left, prove the scanner's coverage, and trace every
    number of the notebooks a build left under report/<name>/notebooks/ (what `make check` runs)
policyreport check --data-dir path/to/data
    the same for another data directory
policyreport check --report-dir path/to/out
    trace the executed notebooks of reports built with --out path/to/out
"""


def add_arguments(parser) -> None:
    from policyreport.data.check import add_arguments as data_arguments

    data_arguments(parser)
    parser.add_argument(
        "--report-dir",
        type=Path,
        default=None,
        help="where built reports are, whose executed notebooks are traced (default: report/)",
    )


def _report_dir(given: Path | None) -> Path | None:
    if given is not None:
        return given
    try:
        return paths.REPORT
    except ProjectNotFoundError:  # --data-dir outside any project: nothing built to trace
        return None


def _root(report_dir: Path) -> Path:
    """Where a notebook's relative data_dir starts: the project root."""
    try:
        return paths.ROOT
    except ProjectNotFoundError:
        return report_dir.resolve().parent


def trace_reports(report_dir: Path | None) -> tuple[int, list]:
    """(notebooks traced, problems) for every executed notebook under report_dir."""
    from policyreport.build.trace import executed_notebooks, trace_executed

    notebooks = executed_notebooks(report_dir) if report_dir and report_dir.is_dir() else []
    if not notebooks:
        return 0, []
    import json

    root = _root(report_dir)
    by_data_dir: dict[Path, list[Path]] = {}
    for path in notebooks:
        parameters = (
            json.loads(path.read_text(encoding="utf-8"))
            .get("metadata", {})
            .get("papermill", {})
            .get("parameters", {})
        )
        data_dir = parameters.get("data_dir")
        data_dir = Path(data_dir) if isinstance(data_dir, str) and data_dir else Path("data")
        if not data_dir.is_absolute():
            data_dir = root / data_dir
        by_data_dir.setdefault(data_dir, []).append(path)
    problems = []
    for data_dir, group in sorted(by_data_dir.items()):
        problems += trace_executed(group, data_dir, root)
    return len(notebooks), problems


def run(args) -> int:
    from policyreport.data.check import check_and_report

    check_and_report(args.data_dir)
    report_dir = _report_dir(args.report_dir)
    count, problems = trace_reports(report_dir)
    if problems:
        raise TraceError(problems=[str(problem) for problem in problems])
    if count:
        print(f"executed notebooks: {count}, every number traced to the data", file=sys.stdout)
    print("check: ok", file=sys.stdout)
    return 0
