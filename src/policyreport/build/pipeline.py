"""`policyreport build` (what `make report` runs): validate, execute, assemble, render, publish.

1. check the data (policyreport.data.check), the spec's scope (policyreport.build.scope) and
   every notebook's parameters, before any kernel starts;
2. execute each notebook once per language (parallel, cached; progress on stderr);
3. assemble one self-contained HTML per language over the spec's scope, then its PDF;
4. write everything into a staging directory (report/.staging-<pid>/) and move it into place
   only when every step for every language succeeded. A failed or interrupted build leaves
   the previous report exactly as it was; a failing notebook is kept in report/NAME/failed/.
A build whose inputs did not change answers from its manifest (policyreport.build.manifest);
runs execute on warm kernels (build/engine.py) or a Dask cluster (build/cluster.py), cached
by the data rows they read (build/cache.py); -m and [[variant]] render variants (build/batch.py).

A spec named NAME publishes report/NAME.<lang>.html and .pdf, its executed notebooks in
report/NAME/notebooks/ and the charts its notebooks drew in report/NAME/figures/<lang>/
(every notebook declaring `figures_dir` gets that folder), so two specs built into one
report/ folder never touch each other's files; figures/ at the top is for Lab and papermill.

The module imports nothing heavy at start-up: the CLI imports it for `--help`.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from policyreport import paths
from policyreport.build.spec import DEFAULT_CELL_TIMEOUT
from policyreport.errors import BuildError, ParameterError

SCHEDULER_VARIABLE = "POLICYREPORT_SCHEDULER"
KERNEL_MEMORY = 400 * 1024 * 1024  # what one report kernel holds at most, roughly


def default_jobs() -> int:
    """One kernel per core, as many as the available memory holds."""
    cores = os.cpu_count() or 1
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            info = dict(line.split(":", 1) for line in handle if ":" in line)
        available = int(info["MemAvailable"].split()[0]) * 1024
    except (OSError, KeyError, ValueError):
        return cores
    return max(1, min(cores, available // KERNEL_MEMORY))


EXAMPLES = """
policyreport build
    every language of report/report.toml, HTML and PDF, into report/ (what `make report` runs)
policyreport build --lang en --no-cache
    English only, every notebook executed afresh
policyreport build -p NAME=VALUE
    a parameter for every notebook that declares it, e.g. an assumption override (its
    name is in the `parameter` column of data/assumptions.csv)
policyreport build -m NAME=V1,V2,V3
    one variant of the report per value, in report/NAME/variants/ with an index page
policyreport build --scheduler tcp://HOST:8786
    the notebook runs on a Dask cluster (docs/cluster.md)
"""


def add_arguments(parser) -> None:
    parser.add_argument(
        "--spec",
        type=Path,
        default=None,
        help="report spec (default: report/report.toml)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output directory (default: the spec's directory, report/)",
    )
    parser.add_argument(
        "--lang",
        action="append",
        choices=("zh", "en"),
        default=None,
        help="build only this language (repeatable; default: every language of the spec)",
    )
    parser.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set a parameter for every notebook that declares it; VALUE is read as JSON "
        'when it parses (7.2, true, null, "x"), else as a string',
    )
    parser.add_argument(
        "--force",
        "--no-cache",
        dest="force",
        action="store_true",
        help="execute every notebook and render every PDF even when cached results exist",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="stop a cell that runs longer (default: the spec's [report] timeout, else "
        f"{DEFAULT_CELL_TIMEOUT} s)",
    )
    parser.add_argument(
        "-m",
        "--matrix",
        action="append",
        default=[],
        metavar="NAME=V1,V2,…",
        help="render one variant of the report per value (several -m: every combination), "
        "each under <out>/<name>/variants/<variant>/; the main report is left as it is",
    )
    parser.add_argument(
        "--variants",
        action="store_true",
        help="render the spec's [[variant]] entries (as -m does) instead of the main report",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="tcp://HOST:PORT",
        help=f"run the notebooks on this Dask cluster (default: ${SCHEDULER_VARIABLE}, else on "
        "this machine)",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="where executed notebooks and font subsets are cached (default: .cache/)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="notebooks executed at once (default: the number of cores, fewer when memory is "
        "short)",
    )


@dataclass
class BuildOptions:
    spec: Path | None = None
    out: Path | None = None
    languages: list[str] | None = None
    parameters: dict = field(default_factory=dict)
    use_cache: bool = True
    jobs: int | None = None  # None: default_jobs()
    timeout: float | None = None  # per cell; None: the spec's, else DEFAULT_CELL_TIMEOUT
    matrix: list[str] = field(default_factory=list)  # -m name=v1,v2: one variant per value
    variants: bool = False  # --variants: build the spec's [[variant]] entries
    scheduler: str | None = None  # a Dask scheduler address; None: local kernels
    # None: the project's (read from policyreport.paths when the build starts)
    root: Path | None = None
    data_dir: Path | None = None
    cache_dir: Path | None = None
    quiet: bool = False

    def resolved(self) -> BuildOptions:
        return replace(
            self,
            root=Path(self.root or paths.ROOT),
            data_dir=Path(self.data_dir or paths.DATA),
            cache_dir=Path(self.cache_dir or paths.CACHE),
            jobs=self.jobs if self.jobs is not None else default_jobs(),
        )


@dataclass
class BuildResult:
    files: list[Path]
    seconds: float
    timings: dict[str, float]
    executed: int
    cached: int
    up_to_date: bool = False  # answered from the manifest: nothing was run or rendered
    notes: list[str] = field(default_factory=list)


# --- the hooks tests replace: data checks and the dataset ------------------------------------


def check_data(data_dir: Path):
    """Validate the data (the lead's `policyreport check`), returning its dataset."""
    from policyreport.data.check import run_checks

    dataset, _coverage = run_checks(data_dir)
    return dataset


def load_data(data_dir: Path, overrides: dict):
    from policyreport.data.dataset import load_dataset

    return load_dataset(data_dir, overrides=overrides or None)


# --- helpers ---------------------------------------------------------------------------------


def _say(options: BuildOptions, message: str) -> None:
    if not options.quiet:
        print(message, file=sys.stderr, flush=True)


def _assumption_parameters(dataset) -> set[str]:
    frame = dataset.assumptions
    if frame is None or "parameter" not in getattr(frame, "columns", ()):
        return set()
    return {str(name) for name in frame["parameter"] if isinstance(name, str) and name}


def registered_topics(data_dir: Path) -> set[str]:
    """The topics of the data's vocabulary (none when it has no vocabulary file)."""
    from policyreport.data.vocabulary import load_vocabulary, vocabulary_path

    if not vocabulary_path(data_dir).is_file():
        return set()
    return set(load_vocabulary(data_dir).topics)


def published_dir(spec, out_dir: Path) -> Path:
    """Where a spec's executed notebooks, charts and failed runs go: <out>/<name>/."""
    return out_dir / spec.name


def plan_jobs(
    spec, assumption_parameters: set[str], figures_dir: str | None = None, group: str = ""
) -> list:
    """Every (notebook, language) job with its checked parameters; raises ParameterError
    before any kernel starts. `figures_dir`: the value given to every notebook that declares
    that parameter (where the build publishes its charts)."""
    from policyreport.authoring.params import check_notebook_parameters, read_parameters
    from policyreport.build.execute import FIGURES_PARAMETER, Job

    declared = {notebook.name: read_parameters(notebook.path) for notebook in spec.notebooks}
    for name, value in spec.build_parameters.items():
        if not any(name in names for names in declared.values()):
            raise ParameterError(
                parameter=name,
                expected="a parameter of at least one notebook of the report",
                found=value,
            )
    for notebook in spec.notebooks:
        for name, value in notebook.parameters.items():
            if name in assumption_parameters:
                raise ParameterError(
                    parameter=name,
                    expected="an assumption set for the whole report ([parameters] or -p), "
                    "so that every chapter and the appendix use one value",
                    found=value,
                    notebook=notebook.name,
                )
    jobs = []
    for lang in spec.languages:
        for notebook in spec.notebooks:
            names = declared[notebook.name]
            given = {k: v for k, v in spec.parameters.items() if k in names}
            given.update(notebook.parameters)
            given.update({k: v for k, v in spec.overrides.items() if k in names})
            given[spec.lang_parameter] = lang
            if figures_dir is not None and FIGURES_PARAMETER in names:
                given[FIGURES_PARAMETER] = figures_dir
            checked = check_notebook_parameters(notebook.path, given, assumption_parameters)
            parameters = {name: checked[name] for name in given}
            jobs.append(Job(notebook.name, lang, notebook.path, parameters, group=group))
    return jobs


def _epoch(date: str) -> str | None:
    """SOURCE_DATE_EPOCH for a W3C date (YYYY[-MM[-DD]]): tools that stamp dates use it."""
    import calendar

    parts = [int(part) for part in date.split("-")[:3] if part.isdigit()]
    if not parts:
        return None
    year, month, day = (parts + [1, 1])[:3]
    return str(calendar.timegm((year, month, day, 0, 0, 0)))


@contextmanager
def _no_interrupt():
    """Defer Ctrl-C while the outputs are moved into place (a handful of renames), so an
    interrupt cannot leave half an old and half a new report."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []
    previous = signal.signal(signal.SIGINT, lambda *_: received.append(True))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


@contextmanager
def _build_lock(out_dir: Path):
    """One build at a time per output directory (a lock on the directory itself, so no
    file is left there); builds into different ones run at once: each stages in its own
    folder, and the cache they share is written by rename."""
    import fcntl

    handle = os.open(out_dir, os.O_RDONLY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(
                step="build", reason=f"another build is writing into {out_dir}"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


def _size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n} B"


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


# --- the build -------------------------------------------------------------------------------


@dataclass
class Target:
    """One report a build renders: the main one, or a variant of it (its own parameters,
    published under <name>/variants/<variant>/ with the same inner layout)."""

    spec: object  # ReportSpec with this target's overrides
    html_prefix: Path  # where its HTML and PDF go, relative to the output directory
    folder: Path  # where its notebooks/ and figures/ go, relative to the output directory
    variant: object | None = None  # batch.Variant; None: the main report
    jobs: list = field(default_factory=list)
    dataset: object = None

    @property
    def label(self) -> str:
        return self.variant.name if self.variant is not None else "main"

    @property
    def group(self) -> str:
        return self.variant.name if self.variant is not None else ""


def _targets(spec, variants) -> list[Target]:
    from policyreport.build.spec import with_overrides

    if not variants:
        return [Target(spec=spec, html_prefix=Path("."), folder=Path(spec.name))]
    targets = []
    for variant in variants:
        folder = Path(spec.name) / "variants" / variant.name
        targets.append(
            Target(
                spec=with_overrides(spec, None, variant.parameters),
                html_prefix=folder,
                folder=folder,
                variant=variant,
            )
        )
    return targets


def _choices(options: BuildOptions, spec, out_dir: Path, variants) -> dict:
    """What decides a build's outputs besides files (for the manifest)."""
    return {
        "spec": str(spec.path),
        "out": str(out_dir.resolve()),
        "languages": list(spec.languages),
        "parameters": spec.build_parameters,
        "variants": [[v.name, v.parameters] for v in variants],
        "root": str(Path(options.root).resolve()),
        "data_dir": str(Path(options.data_dir).resolve()),
        "use_cache": options.use_cache,
    }


def _inputs(spec, data_dir: Path, root: Path) -> list[Path]:
    notebook_dirs = {notebook.path.parent for notebook in spec.notebooks}
    return [spec.path, data_dir, root / "requirements.lock", *notebook_dirs]


def build_report(options: BuildOptions) -> BuildResult:
    from policyreport import __version__
    from policyreport.build import manifest
    from policyreport.build.batch import resolve_variants
    from policyreport.build.scope import check_scope
    from policyreport.build.spec import load_spec, with_overrides

    started = time.monotonic()
    options = options.resolved()
    timings: dict[str, float] = {}
    spec_path = Path(options.spec) if options.spec else paths.REPORT / "report.toml"
    spec = with_overrides(load_spec(spec_path), options.languages, options.parameters)
    out_dir = Path(options.out) if options.out else spec.output_dir
    root = Path(options.root)
    data_dir = Path(options.data_dir)
    if isinstance(spec.build_parameters.get("data_dir"), str):
        # the notebooks read this data directory; the checks and appendices must too
        data_dir = root / spec.build_parameters["data_dir"]
    if options.jobs < 1:
        raise ParameterError(parameter="--jobs", expected="a positive number", found=options.jobs)
    if options.timeout is not None and not options.timeout > 0:
        raise ParameterError(
            parameter="--timeout", expected="a positive number of seconds", found=options.timeout
        )
    variants = resolve_variants(spec, options.matrix, options.variants)

    # 0. nothing changed since the last build into out_dir: answer from its manifest
    manifest_file = manifest.manifest_path(Path(options.cache_dir), out_dir)
    digest = manifest.build_digest(
        _choices(options, spec, out_dir, variants), _inputs(spec, data_dir, root)
    )
    if options.use_cache:
        files = manifest.up_to_date(manifest_file, digest)
        if files is not None:
            _say(options, "up to date: no input changed since the last build")
            return BuildResult(
                files=files,
                seconds=time.monotonic() - started,
                timings={},
                executed=0,
                cached=0,
                up_to_date=True,
            )

    # 1. data and parameters, before any kernel starts (kernels warm up meanwhile)
    step = time.monotonic()
    _prewarm(options, spec, variants, root, data_dir)
    checked = check_data(data_dir)
    assumption_parameters = _assumption_parameters(checked)
    targets = _targets(spec, variants)
    for target in targets:
        overrides = {
            k: v for k, v in target.spec.build_parameters.items() if k in assumption_parameters
        }
        target.dataset = load_data(data_dir, overrides) if overrides else checked
        check_scope(target.spec, target.dataset, registered_topics(data_dir))
        figures_dir = _shown(out_dir / target.folder / "figures", root)
        target.jobs = plan_jobs(target.spec, assumption_parameters, figures_dir, target.group)
    runs = sum(len(target.jobs) for target in targets)
    timings["check"] = time.monotonic() - step
    _say(options, f"checked data and parameters of {runs} notebook runs ({timings['check']:.1f} s)")

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ParameterError(  # bad input (exit 2), one line
            parameter="--out",
            expected="an output folder that can be created",
            found=str(out_dir),
            hint=error.strerror,
        ) from None
    with _build_lock(out_dir):
        result = _build_locked(
            spec, options, targets, out_dir, root, data_dir, timings, started, __version__
        )
    if options.use_cache:
        manifest.record(manifest_file, digest, result.files)
    return result


def _prewarm(options: BuildOptions, spec, variants, root: Path, data_dir: Path) -> None:
    """Start, while the data is checked, the kernels that the runs the cache cannot answer
    will borrow (a guess: the runs are planned for real after the check)."""
    from policyreport.build import backends
    from policyreport.build.cache import RunCache, row_hashes, shared_inputs
    from policyreport.build.execute import run_inputs_of
    from policyreport.errors import PolicyReportError

    if options.scheduler:
        return
    try:
        jobs = {
            job.same_run(): job
            for target in _targets(spec, variants)
            for job in plan_jobs(target.spec, set(), "figures")
        }
        cache = RunCache(Path(options.cache_dir) / "executed" if options.use_cache else None)
        shared, hashes = shared_inputs(root, data_dir), row_hashes(data_dir)
        misses = sum(
            cache.lookup(run_inputs_of(job, shared), hashes).entry is None for job in jobs.values()
        )
    except (PolicyReportError, OSError, ValueError):
        return  # the real planning, after the check, reports the problem: no kernel for it
    backends.prewarm(root=root, kernel_env=_kernel_env_base(root), count=min(options.jobs, misses))


def _kernel_env_base(root: Path) -> dict[str, str]:
    """The environment kernels start with (a run's own variables are set per run)."""
    # the kernels work in the project root and find it there; said explicitly all the same
    return {"PYTHONHASHSEED": "0", "POLICYREPORT_ROOT": str(root)}


def _build_locked(spec, options, targets, out_dir, root, data_dir, timings, started, version):
    from policyreport.build import pdf
    from policyreport.build.assemble import document_date, list_data_files
    from policyreport.build.cache import RunCache, row_hashes, shared_inputs
    from policyreport.build.execute import RunSettings
    from policyreport.build.scope import scope_dataset

    for stale in out_dir.glob(".staging-*"):  # left by a killed build (we hold the lock)
        shutil.rmtree(stale, ignore_errors=True)
    staging = out_dir / f".staging-{os.getpid()}"
    failed_dir = out_dir / spec.name / "failed"
    cache = RunCache(Path(options.cache_dir) / "executed" if options.use_cache else None)
    notes = []
    if options.use_cache and not cache.enabled:
        notes.append(f"cache off: {cache.off_reason}")
        _say(options, f"note: the cache is off ({cache.off_reason}); the build goes on without it")
    # --jobs bounds the notebook runs and the PDF renderings together (one pool of slots)
    slots = threading.BoundedSemaphore(options.jobs)
    pdf_cache = Path(options.cache_dir) / "pdf" if cache.enabled else None
    renderers = pdf.Renderers(options.jobs, pdf_cache, slots)
    execution = None
    try:
        staging.mkdir(parents=True)
        for target in targets:
            staged_figures = staging / target.folder / "figures"
            target.jobs = [replace(job, figures=staged_figures) for job in target.jobs]

        # 2. execute every run of every target, in a thread of its own
        first = targets[0]
        epoch = _epoch(document_date(scope_dataset(first.dataset, first.spec).sources))
        settings = RunSettings(
            root=root,
            staging=staging / "runs",
            failed_dir=failed_dir,
            cache=cache,
            shared=shared_inputs(root, data_dir),
            hashes=row_hashes(data_dir),
            kernel_env=_kernel_env_base(root),
            run_env={"SOURCE_DATE_EPOCH": epoch} if epoch else {},
            timeout=options.timeout or spec.timeout,
        )

        def say_done(done: int, total: int, result) -> None:
            how = "from cache" if result.cached else f"{result.seconds:.1f} s"
            elapsed = time.monotonic() - started
            _say(
                options,
                f"[{done}/{total}] {result.job.name} ({result.job.lang}) {how}"
                f"  (elapsed {elapsed:.1f} s)",
            )

        folders = {target.group: target.folder for target in targets}
        jobs = [job for target in targets for job in target.jobs]

        def kept_as(job) -> str:
            return _shown(out_dir / folders[job.group] / "notebooks" / job.output_name, root)

        execution = _Execution(jobs, say_done, [target.group for target in targets])
        execution.start(
            lambda progress, cancel: _execute(
                jobs, settings, kept_as, options, progress, slots, cancel
            )
        )
        # the renderer processes import WeasyPrint while the first runs execute
        renderers.start(sum(len(target.spec.languages) for target in targets))

        # 3. each target as soon as its runs are done: notebooks and charts into its folder,
        # the trace, its HTML, its PDFs started (while other targets' runs go on)
        produced: list[Path] = []
        executed = []
        rendering = []
        timings["execute"] = 0.0  # listed first; set when the runs are done
        pdf_started = 0.0
        data_files = list_data_files(data_dir)
        font_cache = Path(options.cache_dir) if cache.enabled else None
        for target in targets:
            mine = execution.wait_for(target)
            executed += mine
            staged, pairs = _assemble_target(
                target, mine, spec, staging, root, data_dir, data_files, failed_dir,
                font_cache, version, timings, options,
            )  # fmt: skip
            produced += staged
            for html, pdf_file in pairs:
                if not rendering:
                    pdf_started = time.monotonic()
                rendering.append(renderers.submit(html, pdf_file))
        timings["execute"] = execution.seconds
        seconds = [future.result() for future in rendering]
        # from the first PDF started to the last done (alongside runs and assembly)
        timings["pdf"] = time.monotonic() - pdf_started if rendering else 0.0
        rendered = sum(taken is not None for taken in seconds)
        _say(options, f"PDF: {rendered} rendered, {len(seconds) - rendered} from cache")
        if targets[0].variant is not None:
            from policyreport.build.batch import write_index

            produced += write_index(staging, out_dir, spec, [t.variant for t in targets])

        # 4. publish: every step of every target succeeded
        with _no_interrupt():
            files = _publish(staging, out_dir, produced, targets)
            for result in executed:
                (failed_dir / result.job.output_name).unlink(missing_ok=True)
            if failed_dir.is_dir() and not any(failed_dir.iterdir()):
                failed_dir.rmdir()
    finally:
        renderers.close()
        if execution is not None:
            execution.stop()
        shutil.rmtree(staging, ignore_errors=True)

    return BuildResult(
        files=files,
        seconds=time.monotonic() - started,
        timings=timings,
        executed=sum(not result.cached for result in executed),
        cached=sum(result.cached for result in executed),
        notes=notes,
    )


class _Execution:
    """The notebook runs of a build in a thread of their own, so that the build can assemble
    each target (and start its PDFs) as soon as that target's own runs are done."""

    def __init__(self, jobs: list, progress, groups: list[str]) -> None:
        self.progress = progress
        # every target's group, also one without runs (a new project has no notebooks yet)
        self.remaining: dict[str, int] = dict.fromkeys(groups, 0)
        for job in jobs:
            self.remaining[job.group] = self.remaining.get(job.group, 0) + 1
        self.results: dict[str, dict] = {group: {} for group in self.remaining}
        self.condition = threading.Condition()
        self.cancel = threading.Event()
        self.finished = False
        self.error: BaseException | None = None
        self.seconds = 0.0
        self.thread: threading.Thread | None = None

    def start(self, execute) -> None:
        started = time.monotonic()

        def progress(done: int, total: int, result) -> None:
            self.progress(done, total, result)
            with self.condition:
                group = result.job.group
                self.results[group][(result.job.name, result.job.lang)] = result
                self.remaining[group] -= 1
                self.condition.notify_all()

        def run() -> None:
            try:
                execute(progress, self.cancel)
            except BaseException as error:  # raised in the build's thread by wait_for
                self.error = error
            with self.condition:
                self.finished = True
                self.seconds = time.monotonic() - started
                self.condition.notify_all()

        self.thread = threading.Thread(target=run, name="runs")
        self.thread.start()

    def wait_for(self, target) -> list:
        """The target's executed runs, in its jobs' order, once all are done; the runs'
        failure (the earliest in spec order) when there is one."""
        group = target.group
        with self.condition:
            self.condition.wait_for(
                lambda: self.finished or (self.remaining[group] == 0 and self.error is None)
            )
            if self.error is not None:
                raise self.error
            if self.remaining[group] != 0:
                raise BuildError(step="execute", reason=f"runs of {target.label} did not finish")
            return [self.results[group][(job.name, job.lang)] for job in target.jobs]

    def stop(self) -> None:
        """No further run starts; wait for those running (a build that failed elsewhere)."""
        self.cancel.set()
        if self.thread is not None:
            self.thread.join()


def _assemble_target(
    target, mine, spec, staging, root, data_dir, data_files, failed_dir, font_cache, version,
    timings, options,
) -> tuple[list[Path], list[tuple[Path, Path]]]:  # fmt: skip
    """One target's notebooks and charts moved into its staged folder, traced, and its HTML
    written in each language: (the staged files, relative; the (html, pdf) pairs to render)."""
    import json

    from policyreport.build.assemble import ExecutedNotebook, assemble_html
    from policyreport.build.scope import (
        check_citations,
        cited_assumptions,
        data_files_in_scope,
        scope_dataset,
    )

    produced: list[Path] = []
    for result in mine:
        relative = target.folder / "notebooks" / result.job.output_name
        (staging / relative).parent.mkdir(parents=True, exist_ok=True)
        os.replace(result.path, staging / relative)
        result.path = staging / relative
        produced.append(relative)
    staged_figures = staging / target.folder / "figures"
    produced += sorted(
        path.relative_to(staging)
        for path in staged_figures.rglob("*")
        if path.is_file() and not path.name.startswith(".")
    )
    loaded = {
        (result.job.name, result.job.lang): json.loads(result.path.read_text("utf-8"))
        for result in mine
    }
    # every number of every notebook from the data, before anything is published
    step = time.monotonic()
    _trace(mine, loaded, target.dataset, root, failed_dir)
    timings["trace" if target.variant is None else f"trace {target.label}"] = (
        time.monotonic() - step
    )
    scoped = scope_dataset(target.dataset, target.spec, cited_assumptions(list(loaded.values())))
    check_citations({f"{n} ({lang})": nb for (n, lang), nb in loaded.items()}, scoped, target.spec)
    scoped_files = data_files_in_scope(data_files, data_dir, scoped)
    pairs = []
    for lang in target.spec.languages:
        step = time.monotonic()
        notebooks = [
            ExecutedNotebook(result.job.name, loaded[(result.job.name, result.job.lang)])
            for result in mine
            if result.job.lang == lang
        ]
        html = assemble_html(
            title=target.spec.titles[lang],
            lang=lang,
            notebooks=notebooks,
            dataset=scoped,
            data_files=scoped_files,
            data_dir=data_dir,
            parameters=target.spec.build_parameters,
            lang_parameter=target.spec.lang_parameter,
            cache_dir=font_cache,
            version=version,
            # each edition beside this one (also those a --lang build leaves alone)
            editions={other: f"{spec.name}.{other}.html" for other in target.spec.titles},
        )
        html_name = target.html_prefix / f"{spec.name}.{lang}.html"
        pdf_name = target.html_prefix / f"{spec.name}.{lang}.pdf"
        (staging / html_name).parent.mkdir(parents=True, exist_ok=True)
        (staging / html_name).write_text(html, encoding="utf-8")
        label = lang if target.variant is None else f"{target.label} {lang}"
        timings[f"html {label}"] = time.monotonic() - step
        _say(options, f"{label}: HTML assembled ({timings[f'html {label}']:.1f} s)")
        pairs.append((staging / html_name, staging / pdf_name))
        produced += [html_name, pdf_name]
    return produced, pairs


def _execute(jobs, settings, kept_as, options, progress, slots=None, cancel=None):
    """Every run, on the local kernel pool or the Dask cluster of --scheduler."""
    if options.scheduler:
        from policyreport.build.backends import execute_on_cluster

        return execute_on_cluster(
            jobs,
            settings,
            scheduler=options.scheduler,
            kept_as=kept_as,
            progress=progress,
            say=lambda message: _say(options, message),
            cancel=cancel,
        )
    from policyreport.build.execute import execute_all

    return execute_all(
        jobs,
        settings,
        kept_as=kept_as,
        max_workers=options.jobs,
        progress=progress,
        slots=slots,
        cancel=cancel,
    )


def _trace(executed, loaded: dict, dataset, root: Path, failed_dir: Path) -> None:
    """TraceError naming notebook, cell and number when a notebook shows a number that is
    not from the data; the offending executed notebooks are kept in failed_dir."""
    import json

    from policyreport.build.execute import source_cell_number
    from policyreport.build.trace import raise_problems, trace_notebook

    problems = []
    shared: dict = {}
    for result in executed:
        job = result.job
        name = f"{_shown(job.notebook, root)} ({job.lang})"
        found = trace_notebook(loaded[(job.name, job.lang)], name, dataset, job.lang, shared)
        if found:
            # cells as JupyterLab shows the source notebook (without the injected parameters)
            source = json.loads(job.notebook.read_text(encoding="utf-8"))
            found = [replace(p, cell=source_cell_number(source, p.cell - 1)) for p in found]
            failed_dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(result.path, failed_dir / job.output_name)
        problems += found
    raise_problems(problems)


def _publish(staging: Path, out_dir: Path, produced: list[Path], targets) -> list[Path]:
    """Move the staged outputs into out_dir (notebooks and charts first, then HTML, then
    PDF), and remove what each target published before in these languages and no longer
    produces (a notebook dropped from the spec, a chart a notebook no longer draws)."""
    files = []
    for relative in produced:
        target = out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / relative, target)
        files.append(target)
    kept = {out_dir / relative for relative in produced}
    for each in targets:
        notebooks = out_dir / each.folder / "notebooks"
        for lang in each.spec.languages:
            stale = list(notebooks.glob(f"*.{lang}.ipynb"))
            figures = out_dir / each.folder / "figures" / lang
            stale += [path for path in figures.rglob("*") if path.is_file()]
            for path in stale:
                if path not in kept:
                    path.unlink()
    return files


def summary(result: BuildResult, root: Path) -> str:
    lines = []
    reports = [f for f in result.files if f.suffix in (".html", ".pdf")]
    notebooks = [f for f in result.files if f.suffix == ".ipynb"]
    charts = [f for f in result.files if f.parent.parent.name == "figures"]
    width = max((len(_shown(f, root)) for f in reports), default=0)
    for file in reports:
        lines.append(f"  {_shown(file, root):<{width}}  {_size(file.stat().st_size):>9}")
    for group, what in ((notebooks, "notebooks"), (charts, "chart files")):
        if group:
            total = sum(f.stat().st_size for f in group)
            where = _shown(group[0].parent if what == "notebooks" else group[0].parents[1], root)
            lines.append(f"  {where + '/':<{width}}  {_size(total):>9}  ({len(group)} {what})")
    steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result.timings.items())
    runs = f"{result.executed} executed, {result.cached} from cache"
    if result.up_to_date:
        lines.append(f"up to date in {result.seconds:.2f} s (no input changed)")
    else:
        lines.append(f"built in {result.seconds:.1f} s ({runs}; {steps})")
    lines += [f"note: {note}" for note in result.notes]
    return "\n".join(lines)


def options_from_args(args) -> BuildOptions:
    from policyreport.build.spec import parse_parameter

    parameters = dict(parse_parameter(text) for text in args.param)
    return BuildOptions(
        spec=args.spec,
        out=args.out,
        languages=args.lang,
        parameters=parameters,
        use_cache=not args.force,
        jobs=args.jobs,
        cache_dir=args.cache_dir,
        timeout=args.timeout,
        matrix=args.matrix,
        variants=args.variants,
        scheduler=args.scheduler or os.environ.get(SCHEDULER_VARIABLE) or None,
    )


def run(args) -> int:
    options = options_from_args(args)
    result = build_report(options)
    print(summary(result, options.resolved().root))
    return 0
