"""Notebook runs on a Dask cluster (`policyreport build --scheduler tcp://HOST:PORT`).

Imported (and with it distributed) only when a scheduler is named: a local build never
imports distributed. The
build connects (one line and a non-zero exit when the scheduler cannot be reached within
CONNECT_TIMEOUT), prints the scheduler and its workers, and registers `KernelPoolPlugin`:
each worker process keeps a pool of warm kernels (policyreport.build.engine), started when
the worker joins. The runs the cache cannot answer are submitted as tasks keyed by their
cache key, so duplicate runs merge on the scheduler; everything else — the cache, cleaning
the executed notebooks, assembling the HTML and rendering the PDF — stays on this machine.

A task runs papermill with the warm-kernel engine in a scratch folder of the worker and
returns the executed notebook and the charts it wrote; the worker needs the project at the
same path (a shared file system or the same checkout) and the same locked environment.
A run whose worker dies mid-run is submitted once more (a new task), then the build stops
naming the notebook. Dask's scheduler retries a task by itself first, when a worker dies while
running it, `distributed.scheduler.allowed-failures` times (default 3) before it gives up
(KilledWorker): a scheduler started with 0 makes the build's one retry the only one.
"""

from __future__ import annotations

import json
from pathlib import Path

from distributed import WorkerPlugin

from policyreport.errors import ParameterError

CONNECT_TIMEOUT = 10  # seconds to reach the scheduler
PLUGIN_NAME = "policyreport-kernels"


class KernelPoolPlugin(WorkerPlugin):
    """A Dask worker plugin: warm kernels in each worker process, shut down with it."""

    name = PLUGIN_NAME
    idempotent = True  # a later build registering it again keeps the warm kernels

    def __init__(self, root: str, kernel_env: dict):
        self.root = root
        self.kernel_env = dict(kernel_env)

    def setup(self, worker):
        from policyreport.build.backends import prewarm

        prewarm(root=Path(self.root), kernel_env=self.kernel_env, count=worker.state.nthreads)

    def teardown(self, worker):
        from policyreport.build.engine import kernel_pool

        kernel_pool().shutdown()


def run_on_worker(
    notebook: str,
    parameters: dict,
    figures_param: str | None,
    figures_as: str | None,
    root: str,
    kernel_env: dict,
    run_env: dict,
    timeout: float,
) -> tuple[str, dict[str, bytes]]:
    """One papermill run on this worker's warm kernels: (executed notebook as text, with the
    figures directory named as the client gave it; {chart path: bytes})."""
    import tempfile

    import papermill

    from policyreport.build.cache import package_digest
    from policyreport.build.engine import ENGINE_NAME
    from policyreport.build.execute import KERNEL, _files_under

    with tempfile.TemporaryDirectory(prefix="policyreport-run-") as scratch:
        scratch = Path(scratch)
        figures = scratch / "figures"
        parameters = dict(parameters)
        if figures_param:
            figures.mkdir()
            parameters[figures_param] = str(figures)
        out = scratch / "run.ipynb"
        try:
            papermill.execute_notebook(
                notebook,
                str(out),
                parameters=parameters,
                kernel_name=KERNEL,
                engine_name=ENGINE_NAME,
                progress_bar=False,
                log_output=False,
                execution_timeout=timeout,
                kernel_cwd=root,
                kernel_env=kernel_env,
                run_env=run_env,
                code_version=package_digest(),
            )
        except Exception as error:
            # the executed notebook so far, for report/failed/ on the client
            error.policyreport_partial = out.read_text(encoding="utf-8") if out.is_file() else None
            raise
        text = out.read_text(encoding="utf-8")
        if figures_param and figures_as:
            old = json.dumps(str(figures))[1:-1]
            text = text.replace(old, json.dumps(figures_as)[1:-1])
        return text, _files_under(figures)


class ClusterRunner:
    """RunSettings.runner for a connected Client."""

    def __init__(self, client, settings):
        self.client = client
        self.settings = settings

    def __call__(self, job, parameters, running: Path, figures, attempt: int) -> None:
        from distributed import KilledWorker

        from policyreport.build.execute import FIGURES_PARAMETER, RunLost, run_inputs_of

        key = run_inputs_of(job, self.settings.shared).key
        future = self.client.submit(
            run_on_worker,
            str(job.notebook),
            parameters,
            FIGURES_PARAMETER if figures else None,
            figures,
            str(self.settings.root),
            self.settings.kernel_env,
            self.settings.run_env,
            self.settings.timeout,
            key=f"policyreport-run-{key}-{attempt}",  # the same run, once on the cluster
            pure=False,
        )
        try:
            text, artifacts = future.result()
        except KilledWorker:
            # execute._execute submits it once more (a new key), then names the notebook
            raise RunLost("the Dask worker") from None
        except Exception as error:
            partial = getattr(error, "policyreport_partial", None)
            if partial is not None:
                running.parent.mkdir(parents=True, exist_ok=True)
                running.write_text(partial, encoding="utf-8")
            raise
        running.parent.mkdir(parents=True, exist_ok=True)
        running.write_text(text, encoding="utf-8")
        if figures:
            for name, data in artifacts.items():
                path = Path(figures) / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)


def connect(scheduler: str):
    """A Client of the scheduler, or one BuildError line within CONNECT_TIMEOUT."""
    from distributed import Client

    try:
        return Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ParameterError(  # bad input (exit 2), one line
            parameter="--scheduler",
            expected=f"a Dask scheduler that answers within {CONNECT_TIMEOUT} s",
            found=scheduler,
            hint=reason,
        ) from None


def execute_on_cluster(jobs, settings, *, scheduler, kept_as, progress, say, cancel=None):
    from dataclasses import replace

    from policyreport.build.execute import execute_all

    client = connect(scheduler)
    try:
        workers = client.scheduler_info(n_workers=-1).get("workers", {})
        threads = sum(info.get("nthreads", 1) for info in workers.values())
        say(f"scheduler: {scheduler} ({len(workers)} workers, {threads} threads)")
        client.register_plugin(
            KernelPoolPlugin(str(settings.root), settings.kernel_env), name=PLUGIN_NAME
        )
        remote = replace(settings, runner=ClusterRunner(client, settings))
        return execute_all(
            jobs,
            remote,
            kept_as=kept_as,
            max_workers=max(threads, 1),
            progress=progress,
            cancel=cancel,
        )
    finally:
        client.close()
