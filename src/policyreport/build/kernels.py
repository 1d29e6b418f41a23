"""Kernels that say nothing on a successful run: every kernel setting about noise is here.

Two lines reached users on every papermill run and now and then on a successful build:

- "[IPKernelApp] WARNING | Kernel is running over TCP without encryption …": ipykernel warns
  when its sockets carry no CurveZMQ keys. The cause is that nobody provisions them, so the
  build's kernel manager does (`transport_encryption="auto"`: the python3 kernelspec declares
  curve support); only where pyzmq lacks curve is the kernel's log level raised instead.
- "[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel.": jupyter_client's
  shutdown_kernel() first *interrupts* the kernel (SIGINT) and only then asks it to shut
  down; if the signal lands while the kernel is still handling a message, the kernel logs
  that line although nothing went wrong. A notebook that finished is idle, so the build's
  manager stops it with the shutdown request alone (jupyter_client still sends SIGTERM and
  then SIGKILL to a kernel that does not stop in time).

Kernels the build does not start (the papermill command line, JupyterLab) cannot be given a
manager; for them `python -m policyreport.build.kernels` (run by `make venv`) installs an
IPython kernel config into the environment, `<prefix>/etc/ipython/ipython_kernel_config.py`,
which every kernel of that environment reads, and which drops exactly these two messages.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import zmq
from jupyter_client.manager import AsyncKernelManager
from traitlets import default

#: Kernel log messages that carry no information for someone running a notebook (see above).
NOISE = (
    "Kernel is running over TCP without encryption",
    "KeyboardInterrupt caught in kernel",
)
KERNEL_LOGGER = "IPKernelApp"  # ipykernel's application logger: "[IPKernelApp] WARNING | …"
CONFIG_NAME = "ipython_kernel_config.py"


class QuietKernelManager(AsyncKernelManager):
    """A kernel manager that gives its kernels CurveZMQ keys and stops a finished kernel
    without interrupting it first."""

    @default("transport_encryption")
    def _encrypt_when_possible(self) -> str:
        return "auto" if zmq.has("curve") else "disabled"

    async def _async_interrupt_kernel(self) -> None:
        if self.shutting_down:  # shutdown_kernel() interrupts first: not a finished kernel
            return
        await super()._async_interrupt_kernel()


def papermill_options() -> dict:
    """Keyword arguments for papermill.execute_notebook (they reach nbclient)."""
    options: dict = {"kernel_manager_class": QuietKernelManager}
    if not zmq.has("curve"):  # no keys to provision: keep the TCP warning off the terminal
        options["extra_arguments"] = ["--IPKernelApp.log_level=ERROR"]
    return options


class NoiseFilter(logging.Filter):
    """Drops the kernel's log records listed in NOISE; every other record passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(message.startswith(noise) for noise in NOISE)


def quiet_kernel_log() -> None:
    """Called by the installed kernel config, inside each kernel, before it logs anything."""
    logger = logging.getLogger(KERNEL_LOGGER)
    if not any(isinstance(each, NoiseFilter) for each in logger.filters):
        logger.addFilter(NoiseFilter())


KERNEL_CONFIG = """\
# Written by `python -m policyreport.build.kernels` (run by `make venv`); every IPython kernel
# of this environment reads it. It keeps two log lines that carry no information off the
# terminal of papermill and JupyterLab; see policyreport/build/kernels.py.
try:
    from policyreport.build.kernels import quiet_kernel_log
except ImportError:  # policyreport uninstalled: nothing to do
    pass
else:
    quiet_kernel_log()
"""


def install_kernel_config(prefix: str | Path = sys.prefix) -> Path:
    """Write the kernel config into the environment at `prefix`; returns its path."""
    target = Path(prefix) / "etc" / "ipython" / CONFIG_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{CONFIG_NAME}.tmp")
    tmp.write_text(KERNEL_CONFIG, encoding="utf-8")
    tmp.replace(target)
    return target


if __name__ == "__main__":
    print(f"kernel log filter installed: {install_kernel_config()}")
