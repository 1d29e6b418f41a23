"""Kernels that say nothing on a successful run: encrypted sockets (no TCP warning), a
finished kernel stopped without an interrupt (no "KeyboardInterrupt caught in kernel"), and
the kernel config that keeps both lines off the papermill command line and JupyterLab."""

import asyncio
import json
import logging
import sys
from pathlib import Path

import pytest
from jupyter_client.manager import AsyncKernelManager

from policyreport.build.kernels import (
    CONFIG_NAME,
    NoiseFilter,
    QuietKernelManager,
    install_kernel_config,
)

# Run in the kernel: SIGINT, whenever it arrives, leaves a mark in a file. ipykernel
# restores its own handler after each cell from kernel.saved_sigint_handler, so set both.
MARK_SIGINT = """
import signal
def _mark(*_):
    open({path!r}, "w").write("SIGINT")
signal.signal(signal.SIGINT, _mark)
get_ipython().kernel.saved_sigint_handler = _mark
"""


async def run_and_stop(manager_class, mark: Path) -> dict:
    """Start a kernel, run one cell, stop it the way nbclient does; the connection info."""
    km = manager_class(kernel_name="python3")
    await km.start_kernel()
    client = km.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=60)
        reply = await client.execute_interactive(MARK_SIGINT.format(path=str(mark)), timeout=60)
        assert reply["content"]["status"] == "ok"
        info = json.loads(Path(km.connection_file).read_text())
    finally:
        client.stop_channels()
        await km.shutdown_kernel(now=False)  # what nbclient does after the last cell
    return info


@pytest.mark.slow
def test_a_finished_kernel_is_stopped_without_an_interrupt(tmp_path):
    quiet = tmp_path / "quiet"
    info = asyncio.run(run_and_stop(QuietKernelManager, quiet))
    assert not quiet.exists(), "the kernel received SIGINT while being shut down"
    assert info["curve_publickey"] and info["curve_secretkey"]  # encrypted: no TCP warning


@pytest.mark.slow
def test_jupyter_client_interrupts_before_shutdown(tmp_path):
    """The cause the quiet manager removes: the stock manager sends SIGINT first."""
    stock = tmp_path / "stock"
    asyncio.run(run_and_stop(AsyncKernelManager, stock))
    assert stock.read_text() == "SIGINT"


def record(message: str, level=logging.WARNING) -> logging.LogRecord:
    return logging.LogRecord("IPKernelApp", level, __file__, 1, message, None, None)


def test_noise_filter_drops_exactly_the_noise():
    keep = NoiseFilter().filter
    assert not keep(record("Kernel is running over TCP without encryption. All communication"))
    assert not keep(record("KeyboardInterrupt caught in kernel.", logging.ERROR))
    assert not keep(record("KeyboardInterrupt caught in kernel", logging.ERROR))
    assert keep(record("Exception in message handler:", logging.ERROR))
    assert keep(record("Unknown message type: 'x'"))


def test_kernel_config_is_installed_in_the_environment(tmp_path):
    written = install_kernel_config(tmp_path)
    assert written == tmp_path / "etc" / "ipython" / CONFIG_NAME
    source = written.read_text(encoding="utf-8")
    compile(source, str(written), "exec")
    assert "quiet_kernel_log()" in source
    # `make venv` installed it where the kernels of this environment read it
    installed = Path(sys.prefix) / "etc" / "ipython" / CONFIG_NAME
    assert installed.is_file(), "run `make venv` (it runs python -m policyreport.build.kernels)"
    assert installed.read_text(encoding="utf-8") == source


@pytest.mark.slow
def test_a_successful_run_prints_nothing(tmp_path, capfd):
    """A kernel writes its log to the stderr it inherited: the build's own (fd 2)."""
    from policyreport.build.cache import RunCache
    from policyreport.build.execute import Job, RunSettings, run_job

    notebooks = Path(__file__).parents[1] / "fixtures" / "notebooks"
    job = Job("10_alpha", "en", notebooks / "10_alpha.ipynb", {"lang": "en"})
    settings = RunSettings(
        root=tmp_path,
        staging=tmp_path / "staging",
        failed_dir=tmp_path / "failed",
        cache=RunCache(None),
        shared={},
        hashes={},
    )
    for _ in range(2):
        run_job(job, settings, kept_as="report/notebooks/10_alpha.en.ipynb")
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""
