"""policyreport.notebook in a real kernel: setup() stops a run that was given a parameter the
notebook does not declare, however it was run (here: the papermill command line, which on
its own only warns and goes on with the default)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from policyreport import paths
from policyreport.authoring.params import read_parameters

BIN = Path(sys.executable).parent
NOTEBOOK = paths.NOTEBOOKS / "01_wuhan_outsourcing.ipynb"


def papermill(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(BIN / "papermill"),
            str(NOTEBOOK.relative_to(paths.ROOT)),
            str(tmp_path / "out.ipynb"),
            "-p",
            "figures_dir",
            str(tmp_path / "figures"),
            *arguments,
            "--no-progress-bar",
        ],
        cwd=paths.ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_mistyped_parameter_stops_the_papermill_command_line(tmp_path):
    assert "usd_cny" in read_parameters(NOTEBOOK)  # the name the typo is close to
    result = papermill(tmp_path, "-p", "usd_cnY", "7.0", "-p", "lang", "en")
    assert result.returncode != 0
    expected = (
        "ParameterError: 01_wuhan_outsourcing: parameter 'usd_cnY': expected a parameter of "
        "this notebook (one of: lang, data_dir, figures_dir, usd_cny); found 7.0; "
        "did you mean usd_cny?"
    )
    assert expected in result.stderr
    # the run stopped in the setup cell: nothing was charted with the default rate
    assert not (tmp_path / "figures" / "en").exists()
    executed = json.loads((tmp_path / "out.ipynb").read_text(encoding="utf-8"))
    errors = [
        output
        for cell in executed["cells"]
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    # in the notebook: the line of the cell, then the error; no traceback into src/
    setup_cell = next(cell for cell in executed["cells"] if cell.get("id") == "setup")
    assert "".join(setup_cell["source"]).splitlines()[2] == "ctx = setup("  # its line 3
    assert [(error["ename"], error["traceback"]) for error in errors] == [
        ("ParameterError", ["cell line 3: ctx = setup(", expected])
    ]


@pytest.mark.slow
def test_every_undeclared_name_is_named(tmp_path):
    result = papermill(tmp_path, "-p", "Lang", "en", "-p", "colour", "red")
    assert result.returncode != 0
    assert (
        "parameter 'Lang': expected a parameter of this notebook (one of: lang, data_dir, "
        "figures_dir, usd_cny); found 'en'; did you mean lang?; also not declared: 'colour'"
    ) in result.stderr


# --- the reference page ----------------------------------------------------------------------


def test_api_reference_is_up_to_date():
    from policyreport.notebook import API_DOC, api_reference

    committed = (paths.ROOT / API_DOC).read_text(encoding="utf-8")
    assert committed == api_reference(), (
        f"{API_DOC} is out of date: run .venv/bin/python -m policyreport.notebook"
    )


def test_api_reference_covers_every_method_and_style():
    from policyreport.authoring.fmt import STYLES
    from policyreport.notebook import Context, api_reference

    page = api_reference()
    methods = [name for name in vars(Context) if not name.startswith("_")]
    assert {"fig", "figs", "say", "chart", "table", "note"} <= set(methods)
    for name in methods:
        assert f"### `ctx.{name}(" in page
    assert "(no docstring)" not in page
    for style in STYLES:
        assert f"| `{{x:{style}}}` |" in page
    # worked out by hand from the examples: 15.4 percent as growth, 5+ firms as a count
    assert "| `{x:growth}` | 增长15.4% | up 15.4% |" in page
    assert "| `{x:count}` | 5余家 | over 5 |" in page
