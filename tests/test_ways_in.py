"""The three ways analysts reach the notebooks: JupyterLab's Run All, the papermill command
line from the repository root, and the report build (tests/test_build_e2e.py)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from policyreport import paths

BIN = Path(sys.executable).parent
NOTEBOOK = paths.NOTEBOOKS / "03_low_altitude.ipynb"


def report_outputs(notebook: dict) -> list[str]:
    return [
        "".join(output["data"]["text/html"])
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
        if "text/html" in output.get("data", {})
        and "data-report" in "".join(output["data"]["text/html"])
    ]


@pytest.mark.slow
def test_run_all_as_jupyterlab_does(tmp_path):
    """JupyterLab starts the kernel in the notebook's folder and injects no parameters."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        notebook, kernel_name="python3", resources={"metadata": {"path": str(paths.NOTEBOOKS)}}
    ).execute()
    outputs = report_outputs(json.loads(nbformat.writes(notebook)))
    assert outputs and outputs[0].startswith("<h2")
    assert 'lang="zh"' in outputs[0] or any("\u4e00" <= ch <= "\u9fff" for ch in outputs[0])


@pytest.mark.slow
def test_papermill_command_line_from_the_repository_root(tmp_path):
    out = tmp_path / "out.ipynb"
    result = subprocess.run(
        [
            str(BIN / "papermill"),
            str(NOTEBOOK.relative_to(paths.ROOT)),
            str(out),
            "-p",
            "lang",
            "en",
            "-p",
            "figures_dir",
            str(tmp_path / "figures"),
            "--no-progress-bar",
        ],
        cwd=paths.ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    # papermill's own lines only: nothing from the kernel (TCP warning, KeyboardInterrupt)
    assert "[IPKernelApp]" not in result.stderr, result.stderr
    outputs = report_outputs(json.loads(out.read_text(encoding="utf-8")))
    assert any("Hangzhou" in html for html in outputs)
    assert list((tmp_path / "figures" / "en").glob("*.svg"))


def test_make_lab_starts_jupyterlab_on_the_project():
    dry_run = subprocess.run(
        ["make", "-n", "lab"], cwd=paths.ROOT, capture_output=True, text=True, check=True
    )
    assert "jupyter lab" in dry_run.stdout
    version = subprocess.run(
        [str(BIN / "jupyter"), "lab", "--version"], capture_output=True, text=True, check=True
    )
    assert version.stdout.strip().startswith("4.")
