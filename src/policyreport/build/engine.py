"""A papermill engine that executes notebooks on warm kernels borrowed from a pool.

Starting a kernel and importing pandas, matplotlib and this package costs most of a short
notebook's run (~0.8 s against ~0.07 s on a reused kernel). `WarmKernelEngine` is registered
under papermill's `papermill.engine` entry point as ``policyreport``, so

    papermill.execute_notebook(nb, out, parameters=..., engine_name="policyreport")
    papermill --engine policyreport nb.ipynb out.ipynb -p lang en

keep papermill's semantics — the injected-parameters cell and its metadata, papermill's cell
metadata, outputs and PapermillExecutionError — and only change where the kernel comes from.

Pools are per process (`kernel_pool()`); a kernel is keyed by its name, working directory,
environment and a code version (the build passes the digest of this package's code): a
kernel whose key differs is never reused. Between runs a kernel is reset (`RESET_CODE`):
user namespace, open figures, matplotlib's rcParams, working directory, environment
variables, sys.path, warnings filters, modules the run imported, the execution counter.
A kernel that died, timed out, or whose reset fails is shut down and replaced.

The kernel's working directory is given to the kernel process when it starts: nothing here
ever changes the working directory of this process (papermill's cwd= does, papermill#473).
This module owns every kernel client it opens and stops its channels after each run
(`execute_notebook(km=...)` alone leaks one per run, nbclient#348).
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import cache

from policyreport.build.spec import DEFAULT_CELL_TIMEOUT

ENGINE_NAME = "policyreport"
START_TIMEOUT = 60
RESET_TIMEOUT = 30
# What a warm kernel imports once, before its first run: the modules every report notebook
# needs, so that no run pays for them.
DEFAULT_PRELOAD = ("policyreport.notebook", "matplotlib.pyplot", "IPython.display")
# ipykernel warns on stderr about its TCP transport: noise for a report build.
KERNEL_ARGUMENTS = ("--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False")

# Run once when a kernel starts: preload, then remember the state a reset returns to. The
# snapshot lives in a module of its own, out of reach of a namespace reset.
WARM_UP_CODE = """
def _policyreport_warm_up(preload):
    import copy, importlib, os, sys, types, warnings
    for name in preload:
        try:
            importlib.import_module(name)
        except Exception:
            pass
    state = types.ModuleType("_policyreport_kernel_state")
    state.cwd = os.getcwd()
    state.environ = dict(os.environ)
    state.path = list(sys.path)
    state.modules = set(sys.modules) | {state.__name__}
    state.warnings = list(warnings.filters)
    state.user_ns = dict(get_ipython().user_ns)
    state.rcparams = None
    if "matplotlib" in sys.modules:
        import matplotlib
        state.rcparams = copy.deepcopy(dict(matplotlib.rcParams))
    sys.modules[state.__name__] = state
_policyreport_warm_up(PRELOAD)
del _policyreport_warm_up
"""

# Run after every run: back to the state WARM_UP_CODE recorded.
RESET_CODE = """
def _policyreport_reset():
    import os, sys, warnings
    state = sys.modules["_policyreport_kernel_state"]
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    if state.rcparams is not None:
        import matplotlib
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            matplotlib.rcParams.update(state.rcparams)
    os.chdir(state.cwd)
    os.environ.clear()
    os.environ.update(state.environ)
    sys.path[:] = state.path
    warnings.filters[:] = state.warnings
    # Packages the run imported that the warm-up had not are forgotten; new submodules of
    # packages it had (pandas' lazily imported parts) stay, as their parents refer to them.
    for name in set(sys.modules) - state.modules:
        if name.partition(".")[0] not in state.modules:
            del sys.modules[name]
    notebook = sys.modules.get("policyreport.notebook")
    if notebook is not None and hasattr(notebook, "forget_reads"):
        notebook.forget_reads()
    # What IPython's reset() does, without its two full garbage collections (0.2 s a run):
    # names, the In/Out history and the execution counter.
    shell = get_ipython()
    for name in list(shell.user_ns):
        if name not in state.user_ns:
            del shell.user_ns[name]
    shell.user_ns.update(state.user_ns)
    shell.history_manager.output_hist.clear()
    del shell.history_manager.input_hist_parsed[1:]
    del shell.history_manager.input_hist_raw[1:]
    shell.user_ns.update({"_": "", "__": "", "___": "", "_i": "", "_ii": "", "_iii": ""})
    shell.execution_count = 1
_policyreport_reset()
"""


class KernelFailure(RuntimeError):
    """A kernel could not be started, warmed up or reset."""


@dataclass(frozen=True)
class KernelKey:
    """What makes two kernels interchangeable."""

    kernel_name: str = "python3"
    cwd: str | None = None
    env: tuple[tuple[str, str], ...] = ()
    code_version: str = ""
    preload: tuple[str, ...] = DEFAULT_PRELOAD


@dataclass
class WarmKernel:
    """A started kernel (jupyter_client KernelManager) and what it was started for."""

    key: KernelKey
    km: object
    runs: int = 0
    broken: bool = False  # set when a run timed out or the kernel died: never reuse

    def execute_quietly(self, code: str, timeout: float, expressions: dict | None = None) -> dict:
        """Run code silently on a client of our own (shell channel only: no output is
        wanted); the values of `expressions`; KernelFailure if it fails or is too slow."""
        import time
        from queue import Empty

        client = self.km.blocking_client()
        client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        try:
            msg_id = client.execute(
                code,
                silent=True,
                store_history=False,
                user_expressions=expressions or {},
                allow_stdin=False,
            )
            deadline = time.monotonic() + timeout
            while True:
                reply = client.get_shell_msg(timeout=max(deadline - time.monotonic(), 0.001))
                if reply.get("parent_header", {}).get("msg_id") == msg_id:
                    break
        except Empty:
            raise KernelFailure(f"kernel did not answer within {timeout:g} s") from None
        finally:
            client.stop_channels()
        content = reply.get("content", {})
        if content.get("status") != "ok":
            raise KernelFailure(f"{content.get('ename')}: {content.get('evalue')}")
        return content.get("user_expressions", {})

    def is_alive(self) -> bool:
        try:
            return bool(self.km.is_alive())
        except Exception:
            return False

    def shutdown(self) -> None:
        with suppress(Exception):  # already gone: nothing left to release
            self.km.shutdown_kernel(now=True)
        with suppress(Exception):
            self.km.cleanup_resources()


@dataclass
class KernelPool:
    """Started kernels of one process, lent to one run at a time."""

    max_idle: int = max(os.cpu_count() or 1, 1)
    _idle: list[WarmKernel] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _starting: list[threading.Thread] = field(default_factory=list)
    started: int = 0  # kernels this pool started, for tests and the bench

    def start(self, key: KernelKey) -> WarmKernel:
        from jupyter_client import KernelManager

        km = KernelManager(kernel_name=key.kernel_name)
        env = {**os.environ, **dict(key.env)}
        try:
            km.start_kernel(extra_arguments=list(KERNEL_ARGUMENTS), cwd=key.cwd, env=env)
        except Exception as error:
            raise KernelFailure(f"kernel {key.kernel_name!r} did not start: {error}") from None
        kernel = WarmKernel(key, km)
        try:
            kernel.execute_quietly(
                WARM_UP_CODE.replace("PRELOAD", repr(key.preload)), START_TIMEOUT
            )
        except KernelFailure:
            kernel.shutdown()
            raise
        with self._lock:
            self.started += 1
        return kernel

    def prewarm(self, key: KernelKey, count: int) -> None:
        """Start kernels in the background until `count` of this key are idle (the build
        does this while it checks the data)."""
        with self._lock:
            missing = count - sum(kernel.key == key for kernel in self._idle)

        def one() -> None:
            try:
                kernel = self.start(key)
            except KernelFailure:
                return  # the run that needs a kernel will start one and report the failure
            self._give_back(kernel)

        for _ in range(max(missing, 0)):
            thread = threading.Thread(target=one, daemon=True, name="kernel-prewarm")
            with self._lock:
                self._starting.append(thread)
            thread.start()

    def wait_for_prewarm(self) -> None:
        with self._lock:
            threads, self._starting = self._starting, []
        for thread in threads:
            thread.join(START_TIMEOUT)

    def _take(self, key: KernelKey) -> WarmKernel | None:
        with self._lock:
            for index, kernel in enumerate(self._idle):
                if kernel.key == key:
                    return self._idle.pop(index)
        return None

    def _give_back(self, kernel: WarmKernel) -> None:
        evicted = []
        with self._lock:
            self._idle.append(kernel)
            while len(self._idle) > self.max_idle:
                evicted.append(self._idle.pop(0))
        for old in evicted:
            old.shutdown()

    @contextmanager
    def borrow(self, key: KernelKey) -> Iterator[WarmKernel]:
        """A clean kernel for one run; reset and returned afterwards, or replaced."""
        kernel = self._take(key)
        while kernel is not None and not kernel.is_alive():
            kernel.shutdown()
            kernel = self._take(key)
        if kernel is None:
            kernel = self.start(key)
        try:
            yield kernel
        except BaseException:
            kernel.broken = kernel.broken or not kernel.is_alive()
            self.release(kernel)
            raise
        self.release(kernel)

    def release(self, kernel: WarmKernel) -> None:
        kernel.runs += 1
        if kernel.broken or not kernel.is_alive():
            kernel.shutdown()
            return
        try:
            kernel.execute_quietly(RESET_CODE, RESET_TIMEOUT)
        except KernelFailure:
            kernel.shutdown()
            return
        self._give_back(kernel)

    def idle(self) -> int:
        with self._lock:
            return len(self._idle)

    def shutdown(self) -> None:
        self.wait_for_prewarm()  # a kernel still starting would outlive us otherwise
        with self._lock:
            kernels, self._idle = self._idle, []
        for kernel in kernels:
            kernel.shutdown()


_POOL: KernelPool | None = None
_POOL_LOCK = threading.Lock()


def kernel_pool() -> KernelPool:
    """This process's pool (created on first use, its kernels shut down at exit)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = KernelPool()
            atexit.register(_POOL.shutdown)
        return _POOL


class CellTimeout(RuntimeError):
    """A cell ran longer than the per-cell timeout; the kernel running it is discarded."""

    def __init__(self, cell_index: int, timeout: float):
        super().__init__(f"cell {cell_index + 1} ran longer than {timeout:g} s")
        self.cell_index = cell_index
        self.timeout = timeout

    def __reduce__(self):  # raised on a Dask worker, re-raised here
        return (CellTimeout, (self.cell_index, self.timeout))


# Evaluated in the kernel after the last cell: the data rows the run read through its ctx
# (see policyreport.notebook), kept in the executed notebook's metadata for the cache.
READS_EXPRESSION = (
    "(lambda m: m.recorded_reads() if m is not None and hasattr(m, 'recorded_reads') "
    "else None)(__import__('sys').modules.get('policyreport.notebook'))"
)
READS_METADATA = "policyreport"


def _collect_reads(kernel: WarmKernel, nb) -> None:
    import ast
    import json

    try:
        values = kernel.execute_quietly("", RESET_TIMEOUT, {"reads": READS_EXPRESSION})
    except KernelFailure:
        return
    value = values.get("reads", {})
    if value.get("status") != "ok":
        return
    try:
        reads = ast.literal_eval(value.get("data", {}).get("text/plain", "None"))
    except (ValueError, SyntaxError):
        return
    if reads is not None:
        nb.metadata[READS_METADATA] = {"reads": json.loads(json.dumps(sorted(reads)))}


async def _subscribed(client, timeout: float) -> None:
    """Wait until the client's IOPub subscription is live (a status message of one of our
    kernel_info requests arrives), so that no output of the first cell is lost; unlike
    wait_for_ready, without a fixed 0.2 s flush."""
    import asyncio
    import time
    from queue import Empty

    sent = {client.kernel_info()}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = await client.iopub_channel.get_msg(timeout=0.05)
        except Empty:
            sent.add(client.kernel_info())
            continue
        if msg.get("parent_header", {}).get("msg_id") in sent:
            return
        await asyncio.sleep(0)
    raise KernelFailure(f"kernel did not answer within {timeout:g} s")


class WarmKernelEngine:
    """papermill's nbclient engine on a pooled kernel. Extra keyword arguments, all optional:
    kernel_cwd and kernel_env (dict) of the kernel process, run_env (dict: environment
    variables of this run only), code_version (a kernel started for another is not reused),
    preload (module names imported once per kernel), pool (default: this process's).

    papermill loads this class from its entry point while papermill itself is being
    imported, so the papermill subclass behind it is made on first use (`_implementation`),
    never at import time (which would be a circular import)."""

    @classmethod
    def execute_notebook(cls, nb, kernel_name, **kwargs):
        return _implementation().execute_notebook(nb, kernel_name, **kwargs)

    @classmethod
    def nb_kernel_name(cls, nb, name=None):
        return _implementation().nb_kernel_name(nb, name)

    @classmethod
    def nb_language(cls, nb, language=None):
        return _implementation().nb_language(nb, language)


@cache
def _implementation():
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    class WarmClient(PapermillNotebookClient):
        """papermill's client, which knows which cell timed out and whose kernel died."""

        def papermill_execute_cells(self):
            from nbclient.exceptions import CellTimeoutError, DeadKernelError

            for index, cell in enumerate(self.nb.cells):
                try:
                    self.nb_man.cell_start(cell, index)
                    self.execute_cell(cell, index)
                except CellTimeoutError:
                    self.nb_man.cell_exception(self.nb.cells[index], cell_index=index)
                    raise CellTimeout(index, self.timeout) from None
                except DeadKernelError:
                    self.nb_man.cell_exception(self.nb.cells[index], cell_index=index)
                    raise
                except Exception as error:
                    from nbclient.exceptions import CellExecutionError

                    if not isinstance(error, CellExecutionError):
                        raise
                    self.nb_man.cell_exception(
                        self.nb.cells[index], cell_index=index, exception=error
                    )
                    break
                finally:
                    self.nb_man.cell_complete(self.nb.cells[index], cell_index=index)

    class Engine(NBClientEngine):
        """See WarmKernelEngine."""

        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=START_TIMEOUT,
            execution_timeout=None,
            kernel_cwd=None,
            kernel_env=None,
            run_env=None,
            code_version="",
            preload=DEFAULT_PRELOAD,
            pool=None,
            **kwargs,
        ):
            from jupyter_core.utils import run_sync
            from nbclient.exceptions import DeadKernelError

            kwargs = remove_args(["input_path", "timeout", "startup_timeout", "km"], **kwargs)
            pool = pool or kernel_pool()
            key = KernelKey(
                kernel_name=kernel_name,
                cwd=str(kernel_cwd) if kernel_cwd is not None else os.getcwd(),
                env=tuple(sorted((kernel_env or {}).items())),
                code_version=code_version,
                preload=tuple(preload),
            )
            timeout = execution_timeout or DEFAULT_CELL_TIMEOUT
            with pool.borrow(key) as kernel:
                if run_env:  # this run's variables; the reset restores the kernel's own
                    kernel.execute_quietly(
                        f"__import__('os').environ.update({dict(run_env)!r})", RESET_TIMEOUT
                    )
                final_kwargs = merge_kwargs(
                    kwargs,
                    timeout=timeout,
                    startup_timeout=start_timeout,
                    kernel_name=kernel_name,
                    log=logger,
                    log_output=log_output,
                    stdout_file=stdout_file,
                    stderr_file=stderr_file,
                )
                client = WarmClient(nb_man, km=kernel.km, **final_kwargs)
                # Our client, stopped below: nbclient would leave the one it opens (nbclient#348).
                client.kc = _async_client_factory()(**_client_arguments(kernel.km))
                client.kc.start_channels()
                try:
                    run_sync(_subscribed)(client.kc, start_timeout)
                    client.execute()
                except (CellTimeout, DeadKernelError):
                    kernel.broken = True
                    raise
                finally:
                    client.kc.stop_channels()
                    client.kc = None
                _collect_reads(kernel, nb_man.nb)
            return nb_man.nb

    return Engine


def _client_arguments(km) -> dict:
    """What KernelManager.client() passes its client, for an asynchronous one (nbclient
    awaits its channels)."""
    return {
        **km.get_connection_info(session=True),
        "connection_file": km.connection_file,
        "parent": km,
    }


def _async_client_factory():
    from jupyter_client.asynchronous import AsyncKernelClient

    return AsyncKernelClient
