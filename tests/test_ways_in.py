"""The three ways analysts reach the notebooks: JupyterLab's Run All, the papermill command
line from the repository root, and the report build (tests/test_build_e2e.py)."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def has_cjk_font() -> bool:
    fonts = subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False
    )
    return bool(fonts.stdout.strip())


@pytest.mark.slow
def test_make_lab_answers_on_its_port_and_stops(tmp_path):
    """`make lab` as whoever runs the tests (root in containers: Jupyter refuses root unless
    --allow-root, which tools/lab adds only then), on a free 127.0.0.1 port."""
    port, token = free_port(), "policyreport-test"
    log = (tmp_path / "lab.log").open("w+")
    lab = subprocess.Popen(
        [
            "make",
            "--no-print-directory",
            "lab",
            f"LAB_ARGS=--no-browser --ip=127.0.0.1 --port={port} "
            f"--IdentityProvider.token={token} --ServerApp.port_retries=0",
        ],
        cwd=paths.ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: make, the script and Jupyter
        env={**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")},
    )
    status = None
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and lab.poll() is None:
            try:
                url = f"http://127.0.0.1:{port}/api/status?token={token}"
                with urllib.request.urlopen(url, timeout=5) as response:
                    status = response.status
                    break
            except OSError:
                time.sleep(1)
    finally:
        if lab.poll() is None:
            os.killpg(lab.pid, signal.SIGTERM)
            try:
                lab.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(lab.pid, signal.SIGKILL)
                lab.wait()
        log.seek(0)
        output = log.read()
    assert status == 200, f"JupyterLab did not answer on port {port}:\n{output[-3000:]}"
    assert "Running as root is not recommended" not in output
    font_hint = "sudo apt-get install fonts-noto-cjk"
    assert (font_hint in output) == (not has_cjk_font()), output[-3000:]
