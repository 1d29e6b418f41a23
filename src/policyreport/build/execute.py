"""Execute the report's notebooks with papermill: in parallel, cached, deterministic.

One job per (notebook, language, variant). Each runs on a warm kernel borrowed from this
process's pool (policyreport.build.engine; threads here only wait on kernels), writes into a
staging directory, never into a final output path, and its executed notebook is cleaned of
everything that changes from run to run (papermill's timestamps and durations, nbclient's
execution timings, the random id of the injected parameters cell, the absolute staging
path), so that the same inputs give byte-identical notebooks.

The cache (policyreport.build.cache) keys a run by its notebook's cells, its parameters, the
package's code, the locked environment and the data files that are not row tables, and
checks the hashes of the data rows the run read; a hit copies the cleaned notebook (and the
charts the run drew) instead of running it. Runs that several variants share execute once.

A failing cell raises NotebookExecutionError naming the notebook, the cell (counted from 1
over all cells of the source notebook, as JupyterLab shows them top to bottom, and the
`In [n]` it shows there after Run All: papermill's own "In [n]" counts its injected cell),
the exception, and where the executed notebook was kept for debugging
(report/<spec>/failed/<name>.<lang>.ipynb); so does a cell that runs past the timeout. A
kernel that dies is replaced and the run tried once more; so is a run whose Dask worker died.

A job with `figures` set collects its charts: see Job, and docs/architecture.md (Publishing).
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from policyreport.build.cache import RunCache, run_inputs
from policyreport.build.engine import ENGINE_NAME, READS_METADATA, CellTimeout
from policyreport.build.spec import DEFAULT_CELL_TIMEOUT
from policyreport.errors import BuildError, NotebookExecutionError

PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"
KERNEL = "python3"
#: The notebook parameter that says where charts go (policyreport.notebook.setup).
FIGURES_PARAMETER = "figures_dir"
# Stands for a run's scratch chart directory in cached notebooks (see run_job).
FIGURES_PLACEHOLDER = "@policyreport-figures-dir@"
# Per-cell and per-notebook metadata that only says when or how long something ran.
_TIMING_KEYS = ("start_time", "end_time", "duration")


class RunLost(Exception):
    """The process running a run elsewhere died with it (a Dask worker): the run is tried
    once more, then the build stops naming the notebook."""


@dataclass(frozen=True)
class Job:
    """One notebook in one language with its complete parameters.

    `figures`: where this run's charts are collected (the build's staging). The run then
    writes them into a scratch directory of its own, and the executed notebook shows the
    `figures_dir` parameter as given (where the charts are published) instead.
    `group`: the variant the run belongs to (keeps same-named runs apart in staging)."""

    name: str
    lang: str
    notebook: Path
    parameters: dict = field(default_factory=dict)
    figures: Path | None = None
    group: str = ""

    @property
    def collects_figures(self) -> bool:
        return self.figures is not None and FIGURES_PARAMETER in self.parameters

    def key_parameters(self) -> dict:
        """The parameters that decide what the run computes: where its charts are published
        does not."""
        return {k: v for k, v in self.parameters.items() if k != FIGURES_PARAMETER}

    @property
    def output_name(self) -> str:
        return f"{self.name}.{self.lang}.ipynb"

    @property
    def staged_name(self) -> str:
        return f"{self.group}/{self.output_name}" if self.group else self.output_name

    def same_run(self) -> tuple:
        """Runs equal by this compute the same notebook (whatever variant they belong to)."""
        parameters = json.dumps(self.key_parameters(), sort_keys=True)
        return (self.name, self.lang, str(self.notebook), parameters)


def run_inputs_of(job: Job, shared: dict):
    """The run cache's inputs of a job (policyreport.build.cache.run_inputs)."""
    return run_inputs(job.name, job.lang, job.notebook, job.key_parameters(), shared)


@dataclass
class Executed:
    job: Job
    path: Path  # the cleaned executed notebook
    seconds: float
    cached: bool
    why: str = ""  # why it was executed rather than taken from the cache


def _injected_position(source: dict) -> int | None:
    """Index at which papermill inserts the parameters cell (None: it replaces one)."""
    cells = source.get("cells", [])
    for cell in cells:
        if INJECTED_TAG in cell.get("metadata", {}).get("tags", []):
            return None
    for index, cell in enumerate(cells):
        if PARAMETERS_TAG in cell.get("metadata", {}).get("tags", []):
            return index + 1
    return 0


def run_all_count(source: dict, number: int) -> int:
    """The `In [n]` JupyterLab shows on the source notebook's cell `number` (1-based, all
    cells) after Run All in a fresh kernel: its position among the code cells."""
    cells = source.get("cells", [])[:number]
    return sum(cell.get("cell_type") == "code" for cell in cells)


def source_cell_number(source: dict, executed_index: int) -> int:
    """The 1-based position in the source notebook of the executed notebook's cell."""
    position = _injected_position(source)
    if position is not None and executed_index > position:
        executed_index -= 1
    return executed_index + 1


def _relative(path: Path, root: Path) -> str:
    """The path as a user at the project root would type it."""
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).resolve().as_posix()


def clean_notebook(executed: dict, source: dict, input_path: str, output_path: str) -> dict:
    """Remove from an executed notebook everything that differs between identical runs."""
    papermill = executed.get("metadata", {}).get("papermill")
    if isinstance(papermill, dict):
        for key in _TIMING_KEYS:
            papermill.pop(key, None)
        papermill["input_path"] = input_path
        papermill["output_path"] = output_path
    source_cells = source.get("cells", [])
    position = _injected_position(source)
    for index, cell in enumerate(executed.get("cells", [])):
        metadata = cell.get("metadata", {})
        metadata.pop("execution", None)
        timing = metadata.get("papermill")
        if isinstance(timing, dict):
            for key in _TIMING_KEYS:
                timing.pop(key, None)
        if INJECTED_TAG in metadata.get("tags", []):
            cell["id"] = INJECTED_TAG
            continue
        source_index = index - 1 if position is not None and index > position else index
        if source_index < len(source_cells) and source_cells[source_index].get("id"):
            cell["id"] = source_cells[source_index]["id"]
        else:
            cell["id"] = f"cell-{source_index + 1}"
    return executed


def _write_json(notebook: dict, path: Path) -> None:
    import nbformat

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    nbformat.write(nbformat.from_dict(notebook), str(tmp))
    os.replace(tmp, path)


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _rewrite_path(notebook: dict, staged: str, published: str) -> dict:
    """The notebook with every mention of a staging path replaced by the published one
    (the injected figures_dir parameter, in the cell and in papermill's metadata)."""
    old = json.dumps(staged, ensure_ascii=False)[1:-1]
    new = json.dumps(published, ensure_ascii=False)[1:-1]
    text = json.dumps(notebook, ensure_ascii=False)
    return json.loads(text.replace(old, new)) if old in text else notebook


def _files_under(directory: Path) -> dict[str, bytes]:
    if not directory.is_dir():
        return {}
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


@dataclass(frozen=True)
class RunSettings:
    """What every run of one build shares."""

    root: Path
    staging: Path  # executed notebooks land here, as <name>.<lang>.ipynb
    failed_dir: Path
    cache: RunCache
    shared: dict  # digests every run depends on (cache.shared_inputs)
    hashes: dict  # row hashes of the data (cache.row_hashes)
    kernel_env: dict = field(default_factory=dict)  # of the kernel processes
    run_env: dict = field(default_factory=dict)  # set in the kernel for each run
    timeout: float = DEFAULT_CELL_TIMEOUT
    # Executes one run elsewhere (a Dask cluster): (job, parameters, running notebook path,
    # figures dir or None) -> None, with papermill's exceptions; None: this process's kernels.
    runner: Callable | None = None


def run_job(job: Job, settings: RunSettings, *, kept_as: str) -> Executed:
    """Execute one job (or reuse its cached result); the cleaned notebook lands in staging,
    its charts (for a job that collects them) in job.figures."""
    started = time.monotonic()
    target = settings.staging / job.staged_name
    root = settings.root
    inputs = run_inputs_of(job, settings.shared)
    published = job.parameters.get(FIGURES_PARAMETER) if job.collects_figures else None

    found = settings.cache.lookup(inputs, settings.hashes)
    if found.entry is not None:
        notebook = found.entry.notebook
        # what depends on where this build writes, not on what it computes
        notebook.get("metadata", {}).get("papermill", {})["output_path"] = kept_as
        if published is not None:
            notebook = _rewrite_path(notebook, FIGURES_PLACEHOLDER, published)
            _write_files(found.entry.artifacts, job.figures)
        _write_json(notebook, target)
        return Executed(job, target, time.monotonic() - started, cached=True, why=found.reason)

    parameters = dict(job.parameters)
    scratch = settings.staging / "running" / f"{job.staged_name}.figures"
    if published is not None:
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        parameters[FIGURES_PARAMETER] = str(scratch)
    running = settings.staging / "running" / job.staged_name
    running.parent.mkdir(parents=True, exist_ok=True)
    source = _read_json(job.notebook)
    shown = f"{_relative(job.notebook, root)} ({job.lang})"
    _execute(job, parameters, running, source, shown, settings)

    executed = clean_notebook(
        _read_json(running),
        source,
        input_path=_relative(job.notebook, root),
        output_path=kept_as,
    )
    reads = executed.get("metadata", {}).get(READS_METADATA, {}).get("reads")
    artifacts = _files_under(scratch) if published is not None else {}
    if published is not None:
        # the cached copy names no scratch directory; each build fills in where it publishes
        cached = _rewrite_path(executed, str(scratch), FIGURES_PLACEHOLDER)
        executed = _rewrite_path(cached, FIGURES_PLACEHOLDER, published)
        _write_files(artifacts, job.figures)
        shutil.rmtree(scratch, ignore_errors=True)
    else:
        cached = executed
    settings.cache.store(inputs, cached, reads, settings.hashes, artifacts)
    _write_json(executed, target)
    running.unlink()
    return Executed(job, target, time.monotonic() - started, cached=False, why=found.reason)


def _write_files(files: dict[str, bytes], directory: Path) -> None:
    for name, data in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _execute(job: Job, parameters: dict, running: Path, source: dict, shown: str, settings):
    """papermill on a warm kernel; a dead kernel gets one more try on a fresh one, a run lost
    with its Dask worker one more try on the cluster."""
    import papermill
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    for attempt in (1, 2):
        try:
            if settings.runner is not None:
                figures = parameters.get(FIGURES_PARAMETER) if job.collects_figures else None
                settings.runner(job, parameters, running, figures, attempt)
                return
            papermill.execute_notebook(
                str(job.notebook),
                str(running),
                parameters=parameters,
                kernel_name=KERNEL,
                engine_name=ENGINE_NAME,
                progress_bar=False,
                log_output=False,
                execution_timeout=settings.timeout,
                kernel_cwd=str(settings.root),  # the kernel's, never this process's (papermill#473)
                kernel_env=settings.kernel_env,
                run_env=settings.run_env,
                code_version=settings.shared.get("package code", ""),
            )
            return
        except PapermillExecutionError as error:
            number = source_cell_number(source, error.cell_index)
            raise NotebookExecutionError(
                notebook=shown,
                cell=number,
                run_all_count=run_all_count(source, number),
                ename=error.ename,
                evalue=error.evalue,
                kept_at=_keep_failed(job, running, settings),
            ) from None
        except CellTimeout as error:
            number = source_cell_number(source, error.cell_index)
            raise NotebookExecutionError(
                notebook=shown,
                cell=number,
                run_all_count=run_all_count(source, number),
                ename="Timeout",
                evalue=f"the cell ran longer than {error.timeout:g} s (--timeout, or "
                "timeout in the spec's [report])",
                kept_at=_keep_failed(job, running, settings),
            ) from None
        except (DeadKernelError, RunLost) as error:
            if attempt == 2:
                what = "the kernel" if isinstance(error, DeadKernelError) else str(error)
                raise BuildError(
                    step="execute", reason=f"{shown}: {what} died twice while running it"
                ) from None
        except Exception as error:  # kernel did not start, notebook unreadable …
            if isinstance(error, NotebookExecutionError | BuildError):
                raise
            first_line = (str(error).strip().splitlines() or [""])[0]
            raise BuildError(
                step="execute", reason=f"{shown}: {type(error).__name__}: {first_line}"
            ) from error


def _keep_failed(job: Job, running: Path, settings: RunSettings) -> str | None:
    if not running.is_file():
        return None
    settings.failed_dir.mkdir(parents=True, exist_ok=True)
    kept_path = settings.failed_dir / job.output_name
    shutil.copyfile(running, kept_path)
    return _relative(kept_path, settings.root)


def execute_all(
    jobs: list[Job],
    settings: RunSettings,
    *,
    kept_as: Callable[[Job], str],
    max_workers: int = 2,
    progress: Callable[[int, int, Executed], None] | None = None,
    slots: threading.Semaphore | None = None,
    cancel: threading.Event | None = None,
) -> list[Executed]:
    """Run every job, up to max_workers at a time, in the order given; results in job order.

    A run that several variants share executes once, and its repeats follow from the cache
    right after it (so each variant is complete as early as its own runs are). `slots`: one
    is held while a run executes (the build shares them with its PDF renderings); `cancel`:
    set by the caller, no further job starts. On the first failure no further job starts;
    running ones finish, then the failure of the earliest job (in spec order) is raised, so
    the error does not depend on timing.
    """
    results: dict[int, Executed] = {}
    failures: dict[int, BaseException] = {}
    stop = cancel if cancel is not None else threading.Event()
    done_count = 0
    lock = threading.Lock()

    first: dict[tuple, int] = {}
    repeats: dict[int, list[int]] = {}
    for index, job in enumerate(jobs):
        if job.same_run() in first:
            repeats[first[job.same_run()]].append(index)
        else:
            first[job.same_run()] = index
            repeats[index] = []

    def run(index: int) -> bool:
        nonlocal done_count
        if stop.is_set():
            return False
        job = jobs[index]
        try:
            if slots is not None:
                with slots:
                    result = run_job(job, settings, kept_as=kept_as(job))
            else:
                result = run_job(job, settings, kept_as=kept_as(job))
        except BaseException as error:
            stop.set()
            failures[index] = error
            return False
        with lock:
            results[index] = result
            done_count += 1
            if progress is not None:
                progress(done_count, len(jobs), result)
        return True

    def one(index: int) -> None:
        if run(index):
            for repeat in repeats[index]:
                if not run(repeat):
                    return

    workers = max(1, min(max_workers, len(first)))
    with concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="notebook") as pool:
        futures = [pool.submit(one, index) for index in first.values()]
        try:
            for future in futures:
                future.result()
        except BaseException:
            stop.set()
            for future in futures:
                future.cancel()
            raise
    if failures:
        raise failures[min(failures)]
    if stop.is_set():
        raise BuildError(step="execute", reason="stopped")
    return [results[index] for index in range(len(jobs))]
