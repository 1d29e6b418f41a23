"""`policyreport build` (what `make report` runs): validate, execute, assemble, render, publish.

1. check the data (policyreport.data.check), the spec's scope (policyreport.build.scope) and
   every notebook's parameters, before any kernel starts;
2. execute each notebook once per language (parallel, cached; progress on stderr);
3. assemble one self-contained HTML per language over the spec's scope, then its PDF;
4. write everything into a staging directory (report/.staging-<pid>/) and move it into place
   only when every step for every language succeeded. A failed or interrupted build leaves
   the previous report exactly as it was; a failing notebook is kept in report/NAME/failed/.

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
from policyreport.errors import BuildError, ParameterError

DEFAULT_JOBS = 2  # the machines this runs on have two cores; a kernel per core

EXAMPLES = """
policyreport build
    every language of report/report.toml, HTML and PDF, into report/ (what `make report` runs)
policyreport build --lang en --no-cache
    English only, every notebook executed afresh
policyreport build -p NAME=VALUE
    a parameter for every notebook that declares it, e.g. an assumption override (its
    name is in the `parameter` column of data/assumptions.csv)
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
        "--no-cache",
        action="store_true",
        help="execute every notebook even when a cached result exists",
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
        default=DEFAULT_JOBS,
        metavar="N",
        help=f"notebooks executed at once (default: {DEFAULT_JOBS})",
    )


@dataclass
class BuildOptions:
    spec: Path | None = None
    out: Path | None = None
    languages: list[str] | None = None
    parameters: dict = field(default_factory=dict)
    use_cache: bool = True
    jobs: int = DEFAULT_JOBS
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
        )


@dataclass
class BuildResult:
    files: list[Path]
    seconds: float
    timings: dict[str, float]
    executed: int
    cached: int


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


def plan_jobs(spec, assumption_parameters: set[str], figures_dir: str | None = None) -> list:
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
            jobs.append(Job(notebook.name, lang, notebook.path, parameters))
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
def _build_lock(cache_dir: Path):
    import fcntl

    cache_dir.mkdir(parents=True, exist_ok=True)
    with open(cache_dir / "build.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(
                step="build", reason=f"another build is running (lock {cache_dir / 'build.lock'})"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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


def build_report(options: BuildOptions) -> BuildResult:
    from policyreport import __version__
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

    # 1. data and parameters, before any kernel starts
    step = time.monotonic()
    checked = check_data(data_dir)
    assumption_parameters = _assumption_parameters(checked)
    overrides = {k: v for k, v in spec.build_parameters.items() if k in assumption_parameters}
    dataset = load_data(data_dir, overrides) if overrides else checked
    check_scope(spec, dataset, registered_topics(data_dir))
    figures_dir = _shown(published_dir(spec, out_dir) / "figures", root)
    jobs = plan_jobs(spec, assumption_parameters, figures_dir)
    timings["check"] = time.monotonic() - step
    _say(
        options,
        f"checked data and parameters of {len(jobs)} notebook runs ({timings['check']:.1f} s)",
    )

    with _build_lock(Path(options.cache_dir)):
        return _build_locked(
            spec, options, jobs, dataset, out_dir, root, data_dir, timings, started, __version__
        )


def _build_locked(spec, options, jobs, dataset, out_dir, root, data_dir, timings, started, version):
    from policyreport.build import pdf
    from policyreport.build.assemble import (
        ExecutedNotebook,
        assemble_html,
        document_date,
        list_data_files,
    )
    from policyreport.build.execute import environment_digest, execute_all
    from policyreport.build.scope import (
        check_citations,
        cited_assumptions,
        data_files_in_scope,
        scope_dataset,
    )

    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob(".staging-*"):  # left by a killed build (we hold the lock)
        shutil.rmtree(stale, ignore_errors=True)
    staging = out_dir / f".staging-{os.getpid()}"
    published = Path(spec.name)  # relative to out_dir and to staging
    failed_dir = out_dir / published / "failed"
    cache_dir = Path(options.cache_dir) / "executed" if options.use_cache else None
    data_files = list_data_files(data_dir)
    try:
        (staging / published / "notebooks").mkdir(parents=True)
        staged_figures = staging / published / "figures"
        jobs = [replace(job, figures=staged_figures) for job in jobs]

        # 2. execute
        step = time.monotonic()
        environment = environment_digest(data_files, data_dir)
        epoch = _epoch(document_date(scope_dataset(dataset, spec).sources))
        # the kernels work in the project root and find it there; said explicitly all the same
        kernel_env = {"PYTHONHASHSEED": "0", "POLICYREPORT_ROOT": str(root)}
        if epoch:
            kernel_env["SOURCE_DATE_EPOCH"] = epoch

        def progress(done: int, total: int, result) -> None:
            how = "from cache" if result.cached else f"{result.seconds:.1f} s"
            elapsed = time.monotonic() - started
            _say(
                options,
                f"[{done}/{total}] {result.job.name} ({result.job.lang}) {how}"
                f"  (elapsed {elapsed:.1f} s)",
            )

        executed = execute_all(
            jobs,
            root=root,
            staging=staging / published / "notebooks",
            failed_dir=failed_dir,
            cache_dir=cache_dir,
            environment=environment,
            kept_as=lambda job: _shown(out_dir / published / "notebooks" / job.output_name, root),
            max_workers=options.jobs,
            progress=progress,
            kernel_env=kernel_env,
        )
        timings["execute"] = time.monotonic() - step

        # 3. assemble each language's HTML, then render the PDFs (in parallel processes)
        import json

        produced = [published / "notebooks" / result.job.output_name for result in executed]
        produced += sorted(
            path.relative_to(staging)
            for path in staged_figures.rglob("*")
            if path.is_file() and not path.name.startswith(".")
        )
        loaded = {
            (result.job.name, result.job.lang): json.loads(result.path.read_text("utf-8"))
            for result in executed
        }
        # every number of every notebook from the data, before anything is published
        step = time.monotonic()
        _trace(executed, loaded, dataset, root, failed_dir)
        timings["trace"] = time.monotonic() - step
        scoped = scope_dataset(dataset, spec, cited_assumptions(list(loaded.values())))
        check_citations({f"{n} ({lang})": nb for (n, lang), nb in loaded.items()}, scoped, spec)
        scoped_files = data_files_in_scope(data_files, data_dir, scoped)
        pdf_pairs = []
        for lang in spec.languages:
            step = time.monotonic()
            notebooks = [
                ExecutedNotebook(result.job.name, loaded[(result.job.name, result.job.lang)])
                for result in executed
                if result.job.lang == lang
            ]
            html = assemble_html(
                title=spec.titles[lang],
                lang=lang,
                notebooks=notebooks,
                dataset=scoped,
                data_files=scoped_files,
                data_dir=data_dir,
                parameters=spec.build_parameters,
                lang_parameter=spec.lang_parameter,
                cache_dir=Path(options.cache_dir),
                version=version,
            )
            html_name = Path(f"{spec.name}.{lang}.html")
            pdf_name = Path(f"{spec.name}.{lang}.pdf")
            (staging / html_name).write_text(html, encoding="utf-8")
            timings[f"html {lang}"] = time.monotonic() - step
            _say(options, f"{lang}: HTML assembled ({timings[f'html {lang}']:.1f} s)")
            pdf_pairs.append((staging / html_name, staging / pdf_name))
            produced += [html_name, pdf_name]
        step = time.monotonic()
        pdf_cache = Path(options.cache_dir) / "pdf" if options.use_cache else None
        seconds = pdf.render_pdfs(pdf_pairs, max_workers=options.jobs, cache_dir=pdf_cache)
        timings["pdf"] = time.monotonic() - step
        for lang, taken in zip(spec.languages, seconds, strict=True):
            how = "from cache" if taken is None else f"rendered ({taken:.1f} s)"
            _say(options, f"{lang}: PDF {how}")

        # 4. publish: every step of every language succeeded
        with _no_interrupt():
            files = _publish(staging, out_dir, produced, spec.languages, published)
            for result in executed:
                (failed_dir / result.job.output_name).unlink(missing_ok=True)
            if failed_dir.is_dir() and not any(failed_dir.iterdir()):
                failed_dir.rmdir()
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    return BuildResult(
        files=files,
        seconds=time.monotonic() - started,
        timings=timings,
        executed=sum(not result.cached for result in executed),
        cached=sum(result.cached for result in executed),
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


def _publish(
    staging: Path, out_dir: Path, produced: list[Path], languages, published: Path
) -> list[Path]:
    """Move the staged outputs into out_dir (notebooks and charts first, then HTML, then
    PDF), and remove what this spec published before in these languages and no longer
    produces (a notebook dropped from the spec, a chart a notebook no longer draws)."""
    files = []
    for relative in produced:
        target = out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / relative, target)
        files.append(target)
    kept = {out_dir / relative for relative in produced}
    notebooks = out_dir / published / "notebooks"
    for lang in languages:
        stale = list(notebooks.glob(f"*.{lang}.ipynb"))
        figures = out_dir / published / "figures" / lang
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
    lines.append(f"built in {result.seconds:.1f} s ({runs}; {steps})")
    return "\n".join(lines)


def run(args) -> int:
    from policyreport.build.spec import parse_parameter

    parameters = dict(parse_parameter(text) for text in args.param)
    options = BuildOptions(
        spec=args.spec,
        out=args.out,
        languages=args.lang,
        parameters=parameters,
        use_cache=not args.no_cache,
        jobs=args.jobs,
        cache_dir=args.cache_dir,
    )
    result = build_report(options)
    print(summary(result, options.resolved().root))
    return 0
