"""Execute the report's notebooks with papermill: in parallel, cached, deterministic.

One job per (notebook, language). Each runs in its own kernel (threads here only wait on
kernels), writes into a staging directory, never into a final output path, and its executed
notebook is cleaned of everything that changes from run to run (papermill's timestamps and
durations, nbclient's execution timings, the random id of the injected parameters cell, the
absolute staging path), so that the same inputs give byte-identical notebooks.

The cache key of a job is the sha256 of the notebook file, its parameters, the data files, the
package's files and the Python version: any change to what a notebook can read re-runs it.
A hit copies the cleaned notebook from .cache/executed/ instead of starting a kernel.

A failing cell raises NotebookExecutionError naming the notebook, the cell (counted from 1
over all cells of the source notebook, as JupyterLab shows them top to bottom, and the
`In [n]` it shows there after Run All: papermill's own "In [n]" counts its injected cell),
the exception, and where the executed notebook was kept for debugging
(report/<spec>/failed/<name>.<lang>.ipynb). Kernels are started and stopped quietly (kernels.py).

A job with `figures` set collects its charts: see Job, and docs/architecture.md (Publishing).
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from policyreport.errors import BuildError, NotebookExecutionError

PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"
KERNEL = "python3"
# Per-cell and per-notebook metadata that only says when or how long something ran.
_TIMING_KEYS = ("start_time", "end_time", "duration")


#: The notebook parameter that says where charts go (policyreport.notebook.setup).
FIGURES_PARAMETER = "figures_dir"
# Stands for a run's scratch chart directory in cached notebooks (see run_job).
_FIGURES_TOKEN = "@policyreport-figures-dir@"


@dataclass(frozen=True)
class Job:
    """One notebook in one language with its complete parameters.

    `figures`: where this run's charts are collected (the build's staging). The run then
    writes them into a scratch directory of its own, and the executed notebook shows the
    `figures_dir` parameter as given (where the charts are published) instead."""

    name: str
    lang: str
    notebook: Path
    parameters: dict = field(default_factory=dict)
    figures: Path | None = None

    @property
    def collects_figures(self) -> bool:
        return self.figures is not None and FIGURES_PARAMETER in self.parameters

    @property
    def output_name(self) -> str:
        return f"{self.name}.{self.lang}.ipynb"


@dataclass
class Executed:
    job: Job
    path: Path  # the cleaned executed notebook
    seconds: float
    cached: bool


def _digest_files(digest, files: list[Path], base: Path) -> None:
    for path in files:
        try:
            shown = path.relative_to(base).as_posix()
        except ValueError:
            shown = path.as_posix()
        digest.update(shown.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())


def package_files() -> list[Path]:
    """The Python files of the installed policyreport package (what a notebook can import;
    the report templates are not), sorted."""
    package = Path(__file__).resolve().parents[1]  # the policyreport package, all layers
    return sorted(
        (
            path
            for path in package.rglob("*")
            if path.is_file() and path.suffix == ".py" and "__pycache__" not in path.parts
        ),
        key=lambda p: p.relative_to(package).as_posix(),
    )


def environment_digest(data_files: list[Path], data_dir: Path) -> str:
    """What every job shares: the data files, the package's files and the Python version."""
    digest = hashlib.sha256()
    digest.update(sys.version.encode("utf-8") + b"\0")
    _digest_files(digest, data_files, data_dir)
    package = Path(__file__).resolve().parents[1]  # the policyreport package, all layers
    _digest_files(digest, package_files(), package)
    return digest.hexdigest()


def cache_key(job: Job, environment: str) -> str:
    digest = hashlib.sha256()
    digest.update(environment.encode("ascii") + b"\0")
    digest.update(hashlib.sha256(job.notebook.read_bytes()).digest())
    parameters = dict(job.parameters)
    if job.collects_figures:  # where charts are published does not change what they show
        parameters.pop(FIGURES_PARAMETER)
    digest.update(json.dumps(parameters, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def _with_figures_dir(notebook: dict, old: str, new: str) -> dict:
    """The notebook with every mention of the chart directory `old` (the injected parameters
    cell, papermill's metadata) replaced by `new`."""
    old_json = json.dumps(old, ensure_ascii=False)[1:-1]
    new_json = json.dumps(new, ensure_ascii=False)[1:-1]
    return json.loads(json.dumps(notebook, ensure_ascii=False).replace(old_json, new_json))


def _copy_tree(source: Path, target: Path) -> None:
    """Copy the files under source into target (merging directories)."""
    shutil.copytree(source, target, dirs_exist_ok=True)


def _store_figures(scratch: Path, cached_figures: Path) -> None:
    """Keep a run's charts next to its cached notebook, atomically (temp dir + rename)."""
    tmp = cached_figures.with_name(f".{cached_figures.name}.{os.getpid()}.{threading.get_ident()}")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(scratch, tmp)
    shutil.rmtree(cached_figures, ignore_errors=True)
    os.replace(tmp, cached_figures)


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


def source_cell_number(source: dict, executed_index: int) -> int:
    """The 1-based position in the source notebook of the executed notebook's cell."""
    position = _injected_position(source)
    if position is not None and executed_index > position:
        executed_index -= 1
    return executed_index + 1


def run_all_count(source: dict, number: int) -> int:
    """The `In [n]` JupyterLab shows on the source notebook's cell `number` (1-based, all
    cells) after Run All in a fresh kernel: its position among the code cells."""
    cells = source.get("cells", [])[:number]
    return sum(cell.get("cell_type") == "code" for cell in cells)


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


def run_job(
    job: Job,
    *,
    root: Path,
    staging: Path,
    failed_dir: Path,
    cache_dir: Path | None,
    environment: str,
    kept_as: str,
) -> Executed:
    """Execute one job (or reuse its cached result); the cleaned notebook lands in staging."""
    started = time.monotonic()
    target = staging / job.output_name
    key = cache_key(job, environment)
    cached = cache_dir / f"{key}.ipynb" if cache_dir is not None else None
    cached_figures = cached.with_suffix(".figures") if cached is not None else None
    hit = cached is not None and cached.is_file()
    if hit and job.collects_figures:
        hit = cached_figures.is_dir()
    if hit:
        notebook = _read_json(cached)
        # what depends on where this build writes, not on what it computes
        notebook.get("metadata", {}).get("papermill", {})["output_path"] = kept_as
        if job.collects_figures:
            notebook = _with_figures_dir(
                notebook, _FIGURES_TOKEN, job.parameters[FIGURES_PARAMETER]
            )
            _copy_tree(cached_figures, job.figures)
        _write_json(notebook, target)
        return Executed(job, target, time.monotonic() - started, cached=True)

    import papermill
    from papermill.exceptions import PapermillExecutionError

    from policyreport.build import kernels

    running = staging / "running" / job.output_name
    running.parent.mkdir(parents=True, exist_ok=True)
    source = _read_json(job.notebook)
    shown = f"{_relative(job.notebook, root)} ({job.lang})"
    parameters = dict(job.parameters)
    scratch = staging / "running" / f"{job.name}.{job.lang}.figures"
    if job.collects_figures:
        shutil.rmtree(scratch, ignore_errors=True)
        parameters[FIGURES_PARAMETER] = str(scratch)
    try:
        papermill.execute_notebook(
            str(job.notebook),
            str(running),
            parameters=parameters,
            kernel_name=KERNEL,
            cwd=str(root),
            progress_bar=False,
            log_output=False,
            **kernels.papermill_options(),  # no TCP warning, no interrupt at shutdown
        )
    except PapermillExecutionError as error:
        kept = None
        if running.is_file():
            failed_dir.mkdir(parents=True, exist_ok=True)
            kept_path = failed_dir / job.output_name
            shutil.copyfile(running, kept_path)
            kept = _relative(kept_path, root)
        number = source_cell_number(source, error.cell_index)
        raise NotebookExecutionError(
            notebook=shown,
            cell=number,
            run_all_count=run_all_count(source, number),
            ename=error.ename,
            evalue=error.evalue,
            kept_at=kept,
        ) from None
    except Exception as error:  # kernel died, timed out, notebook unreadable …
        if isinstance(error, NotebookExecutionError | BuildError):
            raise
        first_line = (str(error).strip().splitlines() or [""])[0]
        raise BuildError(
            step="execute", reason=f"{shown}: {type(error).__name__}: {first_line}"
        ) from error

    executed = clean_notebook(
        _read_json(running),
        source,
        input_path=_relative(job.notebook, root),
        output_path=kept_as,
    )
    running.unlink()
    if job.collects_figures:
        scratch.mkdir(parents=True, exist_ok=True)  # a notebook that drew no chart
        executed = _with_figures_dir(executed, str(scratch), _FIGURES_TOKEN)
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            _store_figures(scratch, cached_figures)
    if cached is not None:
        _write_json(executed, cached)  # temp file + rename
    if job.collects_figures:
        executed = _with_figures_dir(executed, _FIGURES_TOKEN, job.parameters[FIGURES_PARAMETER])
        _copy_tree(scratch, job.figures)
        shutil.rmtree(scratch)
    _write_json(executed, target)
    return Executed(job, target, time.monotonic() - started, cached=False)


def execute_all(
    jobs: list[Job],
    *,
    root: Path,
    staging: Path,
    failed_dir: Path,
    cache_dir: Path | None,
    environment: str,
    kept_as: Callable[[Job], str],
    max_workers: int = 2,
    progress: Callable[[int, int, Executed], None] | None = None,
    kernel_env: dict[str, str] | None = None,
) -> list[Executed]:
    """Run every job, up to max_workers at a time; results in job order.

    On the first failure no further job starts; running ones finish, then the failure of the
    earliest job (in spec order) is raised, so the error does not depend on timing.
    """
    results: dict[int, Executed] = {}
    failures: dict[int, BaseException] = {}
    saved = {name: os.environ.get(name) for name in kernel_env or {}}
    os.environ.update(kernel_env or {})  # kernels inherit the build's environment
    stop = threading.Event()
    done_count = 0
    lock = threading.Lock()

    def one(index: int) -> None:
        nonlocal done_count
        if stop.is_set():
            return
        job = jobs[index]
        try:
            result = run_job(
                job,
                root=root,
                staging=staging,
                failed_dir=failed_dir,
                cache_dir=cache_dir,
                environment=environment,
                kept_as=kept_as(job),
            )
        except BaseException as error:
            stop.set()
            failures[index] = error
            return
        with lock:
            results[index] = result
            done_count += 1
            if progress is not None:
                progress(done_count, len(jobs), result)

    try:
        workers = max(1, min(max_workers, len(jobs)))
        with concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="notebook") as pool:
            futures = [pool.submit(one, index) for index in range(len(jobs))]
            try:
                for future in futures:
                    future.result()
            except BaseException:
                stop.set()
                for future in futures:
                    future.cancel()
                raise
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    if failures:
        raise failures[min(failures)]
    return [results[index] for index in range(len(jobs))]
