"""Every numbered notebook (notebooks/NN_*.ipynb, found when the tests are collected, so a
notebook added later is covered without touching this file), checked against the contracts
of docs/architecture.md.

Static checks (fast): committed without outputs, parameters cell first, no functions or
classes, `papermill --help-notebook` shows every parameter with its meaning, every invalid
parameter gives its one-line ParameterError, report/report.toml lists exactly the notebooks.

Executed checks (slow): each (notebook, language) runs once through papermill, from a
directory that is not the project root, with figures going to a scratch directory; the two
languages of a notebook run side by side in two kernels. Then: the chart files, missing
glyphs and stderr, every number traced to data/, the chapter structure, the two languages
saying the same thing, a wrong language failing in the setup cell, and an assumption
override reaching the text.

Workbench notebooks (numbered 90-99, e.g. 90_explore) get every check that is not about the
report: they run, write nothing stray, print nothing on stderr and show their DataFrames,
charts and the guide to ctx. Each chapter's opening cell names the DataFrames it cites.
"""

from __future__ import annotations

import ast
import base64
import concurrent.futures
import contextlib
import json
import os
import re
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from policyreport.authoring.fmt import LANGUAGES
from policyreport.build.trace import refs, trace_notebook
from policyreport.data.records import REF_KINDS
from policyreport.errors import ParameterError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob(NOTEBOOK_GLOB))
#: Notebooks numbered 90-99 are workbenches (90_explore): they run like the others, but are
#: no chapter of the report, so the report's checks (spec, numbers traced, structure) skip them.
WORKBENCH_GLOB = "9[0-9]_*.ipynb"
WORKBENCHES = sorted(NOTEBOOK_DIR.glob(WORKBENCH_GLOB))
CHAPTERS = [path for path in NOTEBOOKS if path not in WORKBENCHES]
SPEC = ROOT / "report" / "report.toml"
KERNEL = "python3"
#: The notebook that shows a CNY conversion; any notebook declaring usd_cny will do if absent.
OVERRIDE_NOTEBOOK = "01_wuhan_outsourcing"
OVERRIDE = {"usd_cny": 7.0}

REF_ATTRS = tuple(f"data-{kind}" for kind in REF_KINDS)

nb_params = pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
chapter_params = pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda path: path.stem)
workbench_params = pytest.mark.parametrize("notebook", WORKBENCHES, ids=lambda path: path.stem)
lang_params = pytest.mark.parametrize("lang", LANGUAGES)


# --- reading notebooks -------------------------------------------------------------------


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def joined(value) -> str:
    return "".join(value) if isinstance(value, list) else (value or "")


def code_cells(notebook: dict) -> list[tuple[int, dict]]:
    """(index among all cells, counted from 1 as JupyterLab shows them, cell)."""
    return [
        (number, cell)
        for number, cell in enumerate(notebook.get("cells", []), start=1)
        if cell.get("cell_type") == "code"
    ]


def top_element(markup: str):
    from bs4 import BeautifulSoup
    from bs4.element import Tag

    soup = BeautifulSoup(markup, "html.parser")
    return next((node for node in soup.contents if isinstance(node, Tag)), None)


def report_outputs(notebook: dict) -> list[tuple[int, str, object]]:
    """(cell number, html, top element) of every output that speaks to the report: a
    text/html output whose top element carries data-report."""
    found = []
    for number, cell in code_cells(notebook):
        for output in cell.get("outputs", []):
            markup = joined(output.get("data", {}).get("text/html"))
            if not markup:
                continue
            top = top_element(markup)
            if top is not None and top.has_attr("data-report"):
                found.append((number, markup, top))
    return found


def output_texts(notebook: dict) -> list[tuple[int, str, str]]:
    """(cell number, kind, text) of every textual output: streams, plain reprs, errors."""
    texts = []
    for number, cell in code_cells(notebook):
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "stream":
                texts.append((number, f"stream {output.get('name')}", joined(output.get("text"))))
            elif kind == "error":
                body = "\n".join([output.get("ename", ""), output.get("evalue", "")])
                texts.append(
                    (number, "error", body + "\n" + "\n".join(output.get("traceback", [])))
                )
            else:
                plain = joined(output.get("data", {}).get("text/plain"))
                if plain:
                    texts.append((number, f"{kind} text/plain", plain))
    return texts


# --- executing ---------------------------------------------------------------------------


@dataclass
class Run:
    """One papermill execution of a notebook."""

    notebook: Path
    lang: str
    parameters: dict
    output: Path
    figures_dir: Path
    executed: dict | None = None  # the executed notebook as written (also after a failure)
    error: BaseException | None = None
    seconds: float = 0.0

    @property
    def name(self) -> str:
        return f"{self.notebook.stem} ({self.lang})"

    def problem(self) -> str:
        from papermill.exceptions import PapermillExecutionError

        error = self.error
        if isinstance(error, PapermillExecutionError):
            return (
                f"{self.name} failed at In [{error.exec_count}] ({self.failed_cell_text()!r}): "
                f"{error.ename}: {error.evalue} (executed notebook: {self.output})"
            )
        first = (str(error).strip().splitlines() or [""])[0]
        return f"{self.name} did not run: {type(error).__name__}: {first}"

    def failed_cells(self) -> list[dict]:
        """The cells of the executed notebook with an error output (papermill also adds a
        markdown cell at the top of a failed notebook, so its cell_index is off by one)."""
        cells = (self.executed or {}).get("cells", [])
        return [
            c for c in cells if any(o.get("output_type") == "error" for o in c.get("outputs", []))
        ]

    def failed_cell_text(self) -> str:
        failed = self.failed_cells()
        return source(failed[0]).strip().splitlines()[0][:80] if failed else "?"

    def ok(self) -> dict:
        """The executed notebook; fails the test (with the cell's exception) if it did not run."""
        if self.error is not None:
            pytest.fail(self.problem(), pytrace=False)
        assert self.executed is not None
        return self.executed


def _execute(run: Run, cwd: Path) -> Run:
    import papermill

    from policyreport.build import kernels

    started = time.monotonic()
    try:
        papermill.execute_notebook(
            str(run.notebook),
            str(run.output),
            parameters=run.parameters,
            kernel_name=KERNEL,
            cwd=str(cwd),
            progress_bar=False,
            **kernels.papermill_options(),  # kernels start and stop quietly, as in the build
        )
    except Exception as error:  # a failing cell, a dead kernel …: reported by each test
        run.error = error
    run.seconds = time.monotonic() - started
    if run.output.is_file():
        run.executed = load(run.output)
    return run


def execute_together(runs: list[Run], cwd: Path) -> list[Run]:
    """Run up to two notebooks at a time, each in its own kernel.

    papermill changes the working directory of the whole process to `cwd` while it executes
    and back afterwards; threads doing so with different directories would race. So every
    run uses the same `cwd` and the process stays in it throughout: each chdir is a no-op."""
    with contextlib.chdir(cwd), concurrent.futures.ThreadPoolExecutor(2) as pool:
        return list(pool.map(lambda run: _execute(run, cwd), runs))


class Executions:
    """Executes each (notebook, language) with the default parameters once, both languages
    of a notebook together, and keeps the results for every test that asks."""

    def __init__(self, base: Path, cwd: Path) -> None:
        self.base = base
        self.cwd = cwd
        self.runs: dict[tuple[Path, str], Run] = {}

    def make(self, notebook: Path, lang, label: str, **extra) -> Run:
        figures_dir = self.base / f"{notebook.stem}.{label}" / "figures"
        figures_dir.mkdir(parents=True)
        return Run(
            notebook=notebook,
            lang=lang,
            parameters={"lang": lang, "figures_dir": str(figures_dir), **extra},
            output=self.base / f"{notebook.stem}.{label}.ipynb",
            figures_dir=figures_dir,
        )

    def default(self, notebook: Path, lang: str) -> Run:
        if (notebook, lang) not in self.runs:
            runs = [self.make(notebook, each, each) for each in LANGUAGES]
            for run in execute_together(runs, self.cwd):
                self.runs[(notebook, run.lang)] = run
        return self.runs[(notebook, lang)]


@pytest.fixture(scope="module")
def scratch_cwd(tmp_path_factory) -> Path:
    """The working directory of every kernel: anywhere but the project root, so that a path
    resolved from the CWD instead of the project root fails."""
    cwd = tmp_path_factory.mktemp("elsewhere").resolve()
    assert cwd != ROOT and ROOT not in cwd.parents
    return cwd


@pytest.fixture(scope="module")
def executions(tmp_path_factory, scratch_cwd):
    with pytest.MonkeyPatch.context() as patch:
        # As `make test` does: matplotlib keeps its font cache in the project, not in a home
        # directory where a first run would print "building the font cache" to stderr.
        if not os.environ.get("MPLCONFIGDIR"):
            patch.setenv("MPLCONFIGDIR", str(ROOT / ".cache" / "matplotlib"))
        # The kernels work outside the project, so they are told where it is (as a user
        # running papermill from elsewhere would be); inside it they find it themselves.
        patch.setenv("POLICYREPORT_ROOT", str(ROOT))
        yield Executions(tmp_path_factory.mktemp("executed"), scratch_cwd)


@pytest.fixture(scope="module")
def dataset():
    from policyreport.data.dataset import load_dataset

    return load_dataset()


# --- what the checks share ---------------------------------------------------------------


def ref_texts(notebook: dict) -> list[tuple[str, str]]:
    """(figure id, shown text) of every reference, in document order."""
    shown = []
    for _, _, top in report_outputs(notebook):
        for tag in refs(top):
            ident = next((tag[a] for a in REF_ATTRS if tag.has_attr(a)), None)
            shown.append((ident, tag.get_text()))
    return shown


def assumption_names() -> set[str]:
    from policyreport.data.assumptions import assumption_parameters

    return assumption_parameters()


# --- fast: the spec and the committed notebooks -----------------------------------------


def test_report_spec_lists_exactly_the_notebooks():
    spec = tomllib.loads(SPEC.read_text(encoding="utf-8"))
    notebook_dir = (SPEC.parent / spec["report"].get("notebook_dir", "../notebooks")).resolve()
    assert notebook_dir == NOTEBOOK_DIR.resolve()
    listed = [entry["name"] for entry in spec.get("notebook", [])]
    assert len(listed) == len(set(listed)), f"listed twice in {SPEC.name}: {listed}"
    missing = [name for name in listed if not (notebook_dir / f"{name}.ipynb").is_file()]
    assert not missing, f"report.toml lists notebooks that are not in notebooks/: {missing}"
    on_disk = [path.stem for path in CHAPTERS]
    unlisted = [name for name in on_disk if name not in listed]
    assert not unlisted, f"notebooks/ has notebooks report.toml does not list: {unlisted}"


@nb_params
def test_committed_without_outputs(notebook):
    dirty = [
        f"cell {number}: {len(cell.get('outputs', []))} output(s), "
        f"execution_count {cell.get('execution_count')!r}"
        for number, cell in code_cells(load(notebook))
        if cell.get("outputs") != [] or cell.get("execution_count") is not None
    ]
    assert not dirty, f"{notebook.name} is committed with outputs (run nbstripout): {dirty}"


@nb_params
def test_first_code_cell_is_the_parameters_cell(notebook):
    cells = code_cells(load(notebook))
    assert cells, f"{notebook.name} has no code cell"
    number, first = cells[0]
    tags = first.get("metadata", {}).get("tags", [])
    assert "parameters" in tags, f"{notebook.name}: code cell {number} is not tagged 'parameters'"


@nb_params
def test_no_functions_or_classes(notebook):
    """Reusable code belongs in src/policyreport, where it is tested; a notebook only calls it."""
    from IPython.core.inputtransformer2 import TransformerManager

    transform = TransformerManager().transform_cell  # %magics and !shell to plain Python
    found = []
    for number, cell in code_cells(load(notebook)):
        tree = ast.parse(transform(source(cell)), filename=f"{notebook.name}, cell {number}")
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                found.append(
                    f"cell {number}, line {node.lineno}: {type(node).__name__} {node.name}"
                )
            elif isinstance(node, ast.Lambda):
                found.append(f"cell {number}, line {node.lineno}: lambda")
    assert not found, f"{notebook.name} defines functions or classes: {found}"


@nb_params
def test_papermill_help_lists_every_parameter_with_its_meaning(notebook, capsys):
    import click
    from papermill.cli import papermill as papermill_cli
    from papermill.inspection import display_notebook_help, inspect_notebook

    from policyreport.authoring.params import read_parameters

    specs = read_parameters(notebook)
    assert specs, f"{notebook.name} declares no parameters"
    inferred = inspect_notebook(str(notebook))
    assert list(inferred) == list(specs), "papermill sees other parameters than the cell has"
    context = click.Context(papermill_cli, info_name="papermill")
    assert display_notebook_help(context, str(notebook), {}) == 0
    shown = capsys.readouterr().out
    for spec in specs.values():
        assert spec.help, f"{spec.name} has no help text"
        assert inferred[spec.name]["help"] == spec.help
        assert f"  {spec.name}: {spec.type} (default " in shown
        assert spec.help in shown
    assert "Unknown type" not in shown


# (id, parameter, value, what the error expects when the notebook declares the parameter)
INVALID = [
    ("lang-fr", "lang", "fr", 'a report language, one of "zh", "en"'),
    ("lang-int", "lang", 1, 'a report language, one of "zh", "en"'),
    ("usd_cny-negative", "usd_cny", -7.1, "a positive finite number"),
    ("usd_cny-str", "usd_cny", "seven", "a positive finite number"),
    ("unknown-name", "colour", "red", "a parameter of this notebook"),
]


@nb_params
@pytest.mark.parametrize(
    ("parameter", "value", "expected"),
    [case[1:] for case in INVALID],
    ids=[case[0] for case in INVALID],
)
def test_invalid_parameter_gives_its_one_line_error(notebook, parameter, value, expected):
    from policyreport.authoring.params import check_notebook_parameters, read_parameters

    if parameter not in read_parameters(notebook):
        expected = "a parameter of this notebook"  # e.g. usd_cny where it is not declared
    with pytest.raises(ParameterError) as caught:
        check_notebook_parameters(notebook, {parameter: value}, assumption_names())
    error = caught.value
    message = str(error)
    assert error.parameter == parameter
    assert error.notebook == notebook.stem
    assert message.startswith(f"{notebook.stem}: parameter '{parameter}': expected {expected}")
    assert message.endswith(f"found {value!r}")
    assert "\n" not in message


@nb_params
def test_defaults_and_both_languages_are_valid(notebook):
    from policyreport.authoring.params import check_notebook_parameters

    names = assumption_names()
    for lang in LANGUAGES:
        values = check_notebook_parameters(notebook, {"lang": lang}, names)
        assert values["lang"] == lang
    # every declared assumption override defaults to None: the value in assumptions.csv
    assert all(values[name] is None for name in names & set(values))


# --- slow: executed ----------------------------------------------------------------------


@pytest.mark.slow
@lang_params
@nb_params
def test_executes_from_elsewhere(notebook, lang, executions, scratch_cwd):
    run = executions.default(notebook, lang)
    executed = run.ok()
    assert Path.cwd() != scratch_cwd  # the test process is back where it was
    assert executed["metadata"]["papermill"]["parameters"]["lang"] == lang
    assert not [o for _, c in code_cells(executed) for o in c["outputs"] if "ename" in o]


@pytest.mark.slow
@lang_params
@nb_params
def test_every_figure_is_saved_as_svg_and_png(notebook, lang, executions):
    run = executions.default(notebook, lang)
    executed = run.ok()
    figures = [top for _, _, top in report_outputs(executed) if top["data-report"] == "figure"]
    expected, problems = set(), []
    for top in figures:
        ident = top.get("id", "")
        if not ident.startswith("fig-"):
            problems.append(f"figure id {ident!r} does not start with 'fig-'")
            continue
        name = ident.removeprefix("fig-")
        expected |= {f"{name}.svg", f"{name}.png"}
        svg = run.figures_dir / lang / f"{name}.svg"
        png = run.figures_dir / lang / f"{name}.png"
        if not (svg.is_file() and png.is_file()):
            continue  # reported by the set comparison below
        src = top.find("img")["src"] if top.find("img") else ""
        if base64.b64decode(src.partition("base64,")[2]) != svg.read_bytes():
            problems.append(f"{ident}: the SVG shown is not the SVG saved as {svg.name}")
        if not png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n"):
            problems.append(f"{png.name} is not a PNG")
    base = run.figures_dir / lang
    saved = {p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file()}
    assert saved == expected, (
        f"{run.name}: files under <figures_dir>/{lang}/ differ from the figures shown "
        f"(is figures_dir a parameter passed to setup()?): missing {sorted(expected - saved)}, "
        f"not shown {sorted(saved - expected)}"
    )
    others = [p.name for p in run.figures_dir.iterdir() if p.name != lang]
    assert not others, f"{run.name} wrote outside <figures_dir>/{lang}/: {others}"
    assert not problems, problems


@pytest.mark.slow
@lang_params
@nb_params
def test_no_missing_glyph_and_nothing_on_stderr(notebook, lang, executions):
    executed = executions.default(notebook, lang).ok()
    problems = []
    for number, kind, text in output_texts(executed):
        if "Glyph" in text and "missing" in text:
            problems.append(f"cell {number}, {kind}: {text.strip()[:300]}")
        elif kind == "stream stderr":
            problems.append(f"cell {number}, stderr: {text.strip()[:300]}")
    assert not problems, problems


@pytest.mark.slow
@lang_params
@chapter_params
def test_every_number_traces_to_the_data(notebook, lang, executions, dataset):
    """The check `policyreport check` and the build run (policyreport.build.trace)."""
    executed = executions.default(notebook, lang).ok()
    assert report_outputs(executed), "the notebook says nothing to the report"
    problems = trace_notebook(executed, f"{notebook.stem} ({lang})", dataset, lang)
    assert not problems, "\n".join(str(problem) for problem in problems)


@pytest.mark.slow
@lang_params
@chapter_params
def test_chapter_structure(notebook, lang, executions):
    executed = executions.default(notebook, lang).ok()
    tops = [top for _, _, top in report_outputs(executed)]
    problems = []
    chapters = [
        heading
        for top in tops
        for heading in ([top] if top.name == "h2" else []) + top.find_all("h2")
        if heading.get("data-report") == "heading"
    ]
    if len(chapters) != 1:
        titles = [h.get_text() for h in chapters]
        problems.append(f"{len(chapters)} level-2 headings, expected one: {titles}")
    if tops and tops[0].name != "h2":
        problems.append(f"the notebook starts with a <{tops[0].name}>, not its chapter title")
    ids = [top.get("id") for top in tops if top.get("id")]
    duplicates = sorted({ident for ident in ids if ids.count(ident) > 1})
    if duplicates:
        problems.append(f"duplicate ids: {duplicates}")
    for top in tops:
        kind, ident = top["data-report"], top.get("id", "")
        if kind in ("figure", "table"):
            caption = top.find("figcaption")
            if caption is None or not caption.get_text().strip():
                problems.append(f"{kind} {ident!r} has no caption")
            if not ident.startswith("fig-" if kind == "figure" else "tab-"):
                problems.append(f"{kind} id {ident!r} lacks its prefix")
        if kind == "figure":
            images = top.find_all("img")
            if not images:
                problems.append(f"figure {ident!r} has no image")
            for image in images:
                if not (image.get("alt") or "").strip():
                    problems.append(f"figure {ident!r} has an image without alt text")
    assert not problems, problems


#: The DataFrame of ctx.ds behind each kind of reference (its appendix).
FRAMES = {"fact": "ctx.ds.facts", "derived": "ctx.ds.derived", "assumption": "ctx.ds.assumptions"}


def opening_text(notebook: Path) -> str:
    first = load(notebook)["cells"][0]
    assert first["cell_type"] == "markdown", f"{notebook.name} does not open with a markdown cell"
    return source(first)


@nb_params
def test_opening_cell_names_only_dataframes_that_exist(notebook):
    from policyreport.data.dataset import Dataset

    named = set(re.findall(r"ctx\.ds\.(\w+)", opening_text(notebook)))
    assert named, f"{notebook.name}: the opening cell names no DataFrame (ctx.ds.facts …)"
    fields = set(Dataset.__dataclass_fields__)
    assert named <= fields, f"no such DataFrame: {sorted(named - fields)} (ctx.ds has {fields})"


@pytest.mark.slow
@chapter_params
def test_opening_cell_names_the_dataframes_it_uses(notebook, executions):
    cited = {
        kind
        for kind in REF_KINDS
        for _, markup, _ in report_outputs(executions.default(notebook, "en").ok())
        if f"data-{kind}=" in markup
    }
    text = opening_text(notebook)
    missing = [FRAMES[kind] for kind in sorted(cited) if FRAMES[kind] not in text]
    assert not missing, (
        f"{notebook.name} cites rows of {missing} but its opening cell does not name them"
    )


@pytest.mark.slow
@workbench_params
def test_workbench_shows_dataframes_charts_and_a_guide_to_ctx(notebook, executions):
    executed = executions.default(notebook, "zh").ok()
    outputs = [output for _, cell in code_cells(executed) for output in cell["outputs"]]
    tables = [
        o for o in outputs if 'class="dataframe' in joined(o.get("data", {}).get("text/html"))
    ]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(tables) >= 5, f"{len(tables)} DataFrames shown"
    assert len(images) >= 2, f"{len(images)} charts shown"
    guide = "\n".join(source(cell) for cell in executed["cells"] if cell["cell_type"] == "markdown")
    for call in ("fig", "figs", "say", "chart", "table", "note"):
        assert f"`ctx.{call}(" in guide, f"the guide to ctx does not show ctx.{call}"
    for name in ("facts", "derived", "assumptions"):
        assert f"`ctx.ds.{name}`" in guide
    assert "`mentions`" in guide


@pytest.mark.slow
@chapter_params
def test_both_languages_say_the_same_thing(notebook, executions):
    """Same elements with the same ids in the same order, and the same figures cited."""
    runs = {lang: executions.default(notebook, lang).ok() for lang in LANGUAGES}
    shape = {
        lang: [(top["data-report"], top.name, top.get("id")) for _, _, top in report_outputs(nb)]
        for lang, nb in runs.items()
    }
    cited = {lang: {ident for ident, _ in ref_texts(nb)} for lang, nb in runs.items()}
    first, *others = LANGUAGES
    for lang in others:
        assert shape[lang] == shape[first], f"{lang} and {first} have different elements"
        assert cited[lang] == cited[first], (
            f"only in {first}: {sorted(cited[first] - cited[lang])}; "
            f"only in {lang}: {sorted(cited[lang] - cited[first])}"
        )


@pytest.mark.slow
@lang_params
def test_element_ids_are_unique_across_notebooks(lang, executions):
    """The report joins the chapters into one page: an id used twice breaks the build."""
    owner: dict[str, str] = {}
    clashes = []
    for notebook in CHAPTERS:
        run = executions.default(notebook, lang)
        if run.error is not None:
            continue  # reported by test_executes_from_elsewhere
        for _, _, top in report_outputs(run.executed):
            for tag in [top, *top.find_all(id=True)]:
                ident = tag.get("id")
                if ident and owner.setdefault(ident, notebook.stem) != notebook.stem:
                    clashes.append(f"{ident!r} in {owner[ident]} and {notebook.stem}")
    assert not clashes, clashes


# --- slow: key sentences, written out by hand ---------------------------------------------
# The checks above compare each link with format_figure over load_dataset, so they agree with
# any error in the formulas or the words. These sentences were read off one executed report,
# checked against data/facts.csv and the page (92.1亿美元 x 7.18 = 661亿元; 893亿元 / 7.18 =
# 124亿美元; 893亿元 / 超18万人次 = 不超过49.6万元; 150万 / 49.6万 = 3.02; 超200万 / 超30万 =
# 约6.67天; 893 / 661 = 1.35; (1.226^5 / 1.154)^(1/4) = 1.245) and are written out in full.

KEY_SENTENCES = {
    ("00_summary", "en"): [
        "In 2025 Wuhan's service-outsourcing contract execution value reached US$9.21 billion "
        "(about CNY 66.1 billion at CNY 7.18 per US dollar), up 15.4% year on year.",
        "Growth was down 7.2 percentage points on the 2021–2025 average of 22.6% a year: a "
        "slowdown, not a fall in value.",
        "Taken together, the average and the latest rate imply that growth over 2021–2024 "
        "averaged about 24.5% a year, faster than the period as a whole.",
        "By 30 April 2026 loans outstanding to the fields of Guangdong's 3 skill programmes "
        "(Cantonese Chef, Guangdong Technician, South Guangdong Housekeeping) stood at CNY 89.3 "
        "billion (about US$12.4 billion at CNY 7.18 per US dollar), and cumulative support for "
        "skilled workers starting a business or finding a job had reached more than 180,000 "
        "person-times.",
        "Dividing the balance by the person-times gives at most CNY 496,000 per person-time.",
        "At that rate the platform's whole cumulative count would pass through the model in "
        "about 6.67 days, so the two count different things and cannot be added or converted.",
    ],
    ("00_summary", "zh"): [
        "2025年，武汉市服务外包合同执行额达92.1亿美元（按7.18元/美元折算约合661亿元），"
        "同比增长15.4%。",
        "该增速比2021—2025年的年均增速22.6%下降7.2个百分点：是增长放缓，而非规模下降。",
        "年均增速与最新增速合起来意味着，2021—2024年执行额年均增长约24.5%，"
        "快于整个时期的平均水平。",
        "截至2026年4月30日，投向“粤菜师傅”“广东技工”“南粤家政”3项工程领域的贷款余额达"
        "893亿元（按7.18元/美元折算约合124亿美元），累计支持超18万人次技能人才创业就业。",
        "用余额除以人次，得到不超过49.6万元/人次。",
        "按该日均量计，平台的全部累计监管架次约6.67天即可处理完，可见它们统计的不是同一对象，"
        "不能相加或换算。",
    ],
    ("01_wuhan_outsourcing", "en"): [
        "In 2025, Wuhan's service-outsourcing contract execution value reached US$9.21 billion "
        "(about CNY 66.1 billion at CNY 7.18 per US dollar), up 15.4% year on year, ranking "
        "1st in both scale and growth among the demonstration cities of central and western "
        "China.",
        "The page's own growth rates give its rough shape: going back one year from the 2025 "
        "level at its year-on-year growth gives about US$7.98 billion for 2024, and compounding "
        "the 2021–2025 average back gives about US$3.33 billion for 2020.",
        "By 31 December 2025 the city's service-outsourcing industry had taken on 400,000 "
        "people in total, 85.8% of them with a bachelor's degree or higher.",
        "Both monthly counts are lower bounds (“more than”), so the ratio of about 2× is only "
        "approximate, but it agrees with the company's claim that capacity doubled (about 2×).",
        # the fair, the exports (wh_expo_dates 2026-06-16..18, wh_expo_edition 15,
        # wh_expo_countries more than 20, wh_photo_expo_edition 15; wh_ezone_* 350 firms,
        # more than 130,000,000,000 yuan, more than 30,000,000,000 views; 15 firms, 4
        # projects, 3 cases)
        "The story is pegged to the fair: on 16–18 June 2026 Wuhan hosted the 15th China "
        "International Fair for Service Outsourcing, which gathered traders and industry "
        "figures from over 20 countries and regions; the page's photo caption names the hall "
        "of the same 15th fair.",
        "The zone has 350 cultural enterprises above designated size, with operating revenue "
        "of more than CNY 130 billion in 2025, and animation and game works such as Lingjing "
        "and Chuanyue Qingtongji have drawn more than 30 billion views across the internet.",
        "Across the city, 15 firms were rated national key cultural export enterprises in "
        "2025, 4 projects were selected as national key cultural export projects and 3 cases "
        "as national typical cases of technology-trade innovation.",
    ],
    ("01_wuhan_outsourcing", "zh"): [
        "2025年，武汉市服务外包合同执行额达92.1亿美元（按7.18元/美元折算约合661亿元），"
        "同比增长15.4%，规模和增速均位列中西部示范城市第1。",
        "用页面自身给出的增速，可以推算出它大致的形状：按2025年的同比增速回推，2024年约为"
        "79.8亿美元；按2021—2025年的年均增速复合回推，2020年约为33.3亿美元。",
        "截至2025年12月31日，全市服务外包行业累计吸纳从业人员40万人，其中本科及以上学历占比85.8%。",
        "这些月产量都是下限（原文为“余”），前后之比约2倍只是近似，"
        "但与企业所称的产能增长倍数（约2倍）一致。",
        "这篇报道的由头是服博会：2026年6月16—18日，第15届中国国际服务外包交易博览会在武汉举办，"
        "汇聚20余个国家和地区的客商与行业精英；版面配图的说明也注明是第15届服博会的展厅。",
        "全区现有规模以上文化企业350家，2025年实现营业收入超1300亿元；《灵境》《穿越青铜纪》"
        "等动漫、游戏作品全网累计播放量超300亿次。",
        "全市层面，2025年有15家企业获评国家文化出口重点企业，4个项目入选国家文化出口重点项目，"
        "3个案例入选全国技术贸易创新典型。",
    ],
    ("02_guangdong_skill_loans", "en"): [
        "By 30 April 2026 the balance of loans outstanding to the fields of these programmes "
        "stood at CNY 89.3 billion, and support for skilled workers starting businesses or "
        "finding jobs had reached more than 180,000 person-times in total.",
        "Dividing the balance by the person-times gives at most CNY 496,000 per person-time.",
        "Master Yan's CNY 1.5 million loan is more than 3.02× the loan balance per person-time.",
    ],
    ("02_guangdong_skill_loans", "zh"): [
        "截至2026年4月30日，投向这些工程领域的贷款余额达893亿元，"
        "累计支持超18万人次技能人才创业就业。",
        "用贷款余额除以累计支持人次，得到每人次对应的贷款余额：不超过49.6万元/人次。",
        "颜师傅的150万元贷款，是每人次贷款余额的超3.02倍。",
    ],
    ("03_low_altitude", "en"): [
        "According to statistics from “relevant parties” (the page names no source), "
        "Hangzhou's low-altitude management platform has so far gathered more than 400 routes "
        "and supervised more than 2 million flights, both cumulative.",
        "Computing Power Town is said to host more than 2,000 firms in integrated-circuit "
        "design and AI and over 50 firms in the low-altitude economy, which the report says "
        "work together along the supply chain and with universities and research institutes.",
        "A check shows why: if they measured the same thing, the model's daily average would "
        "reach the platform's whole cumulative count in about 6.67 days.",
    ],
    ("03_low_altitude", "zh"): [
        "据有关方面统计（页面未注明具体来源），杭州市低空管理平台目前累计汇聚超400条飞行航线，"
        "监管飞行架次超200万架次。",
        "据了解，算力小镇拥有集成电路设计和AI相关企业超2000家，集聚低空经济企业50余家，"
        "报道称这些领域正形成上下游联动、产学研协同的生态。",
        "做个检验即可看出：若它们口径相同，按模型的日均处理量，"
        "约6.67天就能达到平台的全部累计监管架次。",
    ],
    ("04_synthesis", "en"): [
        "At CNY 7.18 per US dollar, Wuhan's execution value in 2025 comes to about CNY 66.1 "
        "billion; Guangdong's loan balance at 30 April 2026 is CNY 89.3 billion, 1.35× the "
        "former.",
        "Wuhan's story is headlined “Wuhan services take the international stage”, yet in "
        "January–April 2026 offshore business was up 19.1%, down 4.5 percentage points on the "
        "total's growth: expansion leaned on the domestic market, not on exports.",
        "Guangdong's showcase chef obtained a CNY 1.5 million loan, more than 3.02× the "
        "balance per person-time, itself at most CNY 496,000 per person-time: the showcase is "
        "far larger than any average these figures allow and says nothing about what an "
        "ordinary skilled worker can borrow.",
        # the ranks (wh_exec_2025_rank_midwest 1 in 2025, wh_service_trade_rank_central_14fyp 1
        # over 2021-2025, wh_national_consumption_pilots 2, wh_only_hubei_city_two_pilots 1)
        "Wuhan ranked 1st among the demonstration cities of central and western China in both "
        "scale and growth of service outsourcing in 2025; over 2021–2025 its overall "
        "service-trade strength ranked 1st in central China; and it is the only city in Hubei "
        "holding both national consumption pilots (2: new consumption formats, models and "
        "scenarios, and an international consumption environment), which the data record as "
        "1st in Hubei.",
    ],
    ("04_synthesis", "zh"): [
        "按7.18元/美元折算，武汉2025年的服务外包执行额约为661亿元；广东截至2026年4月30日的"
        "贷款余额为893亿元，相当于前者的1.35倍。",
        "武汉的报道以“‘武汉服务’走上国际舞台”为题，但2026年1—4月离岸业务同比增长19.1%，"
        "增速较整体下降4.5个百分点：增长更多来自国内市场，而非海外。",
        "广东宣传的颜师傅获得150万元贷款，是每人次余额（不超过49.6万元/人次）的超3.02倍：示范"
        "案例远大于这些数据所允许的任何平均额度，不能代表一般技能人才能借到多少。",
        "武汉2025年服务外包规模和增速位列中西部示范城市第1；2021—2025年服务贸易综合实力位居中部"
        "第1；在湖北省，同时获得“消费新业态新模式新场景”与“国际化消费环境建设”2项国家级消费试点的"
        "城市只有武汉（位次记为第1）。",
    ],
}


@pytest.mark.slow
@lang_params
@chapter_params
def test_key_sentences_read_as_written_by_hand(notebook, lang, executions):
    expected = KEY_SENTENCES.get((notebook.stem, lang))
    assert expected, f"write a few key sentences of {notebook.stem} ({lang}) in KEY_SENTENCES"
    executed = executions.default(notebook, lang).ok()
    prose = "\n".join(
        top.get_text()
        for _, _, top in report_outputs(executed)
        if top["data-report"] in ("paragraph", "note")
    )
    missing = [sentence for sentence in expected if sentence not in prose]
    assert not missing, f"not in the chapter's prose: {missing}"


# --- slow: the whole page in the narrative ----------------------------------------------
#: The share of the page's facts that the chapters (not the appendices, which list them all)
#: cite in prose, tables or charts: issue 10 asks for 90% (51 of 71 before it, 71 after).
MIN_FACT_SHARE = 0.9


@pytest.mark.slow
@lang_params
def test_the_chapters_use_nearly_every_fact(lang, executions, dataset):
    """Counted from the executed chapters' links (data-fact), as the report shows them."""
    cited = {
        ident
        for notebook in CHAPTERS
        for ident, _ in ref_texts(executions.default(notebook, lang).ok())
    }
    facts = list(dataset.facts["id"])
    uncited = [ident for ident in facts if ident not in cited]
    share = (len(facts) - len(uncited)) / len(facts)
    assert share >= MIN_FACT_SHARE, (
        f"the chapters cite {len(facts) - len(uncited)} of {len(facts)} facts ({share:.0%}, "
        f"fewer than {MIN_FACT_SHARE:.0%}); not cited: {', '.join(uncited)}"
    )


# --- slow: parameters that change or stop a run ------------------------------------------


def override_notebook() -> Path | None:
    from policyreport.authoring.params import read_parameters

    def declares(path: Path) -> bool:
        try:
            return all(name in read_parameters(path) for name in OVERRIDE)
        except ParameterError:
            return False

    candidates = [path for path in CHAPTERS if declares(path)]
    preferred = [path for path in candidates if path.stem == OVERRIDE_NOTEBOOK]
    return (preferred or candidates or [None])[0]


@pytest.fixture(scope="module")
def variant_runs(executions):
    """In one batch: every notebook with lang="fr", and one with the usd_cny override."""
    runs = {}
    chosen = override_notebook()
    if chosen is not None:  # first: the one full run overlaps the short failing ones
        runs[("override", chosen)] = executions.make(chosen, "en", "override", **OVERRIDE)
    runs.update({("fr", nb): executions.make(nb, "fr", "fr") for nb in NOTEBOOKS})
    execute_together(list(runs.values()), executions.cwd)
    return runs


@pytest.mark.slow
@nb_params
def test_unknown_language_fails_in_the_setup_cell(notebook, variant_runs):
    from papermill.exceptions import PapermillExecutionError

    run = variant_runs[("fr", notebook)]
    assert isinstance(run.error, PapermillExecutionError), (
        f"lang='fr' should stop {notebook.stem} with a ParameterError; got "
        + ("no error" if run.error is None else run.problem())
    )
    error = run.error
    assert error.ename == "ParameterError", run.problem()
    assert error.evalue == (
        f"{notebook.stem}: parameter 'lang': expected a report language, one of "
        '"zh", "en"; found \'fr\''
    )
    failed = run.failed_cells()
    assert len(failed) == 1, f"{len(failed)} cells with an error output"
    failed = failed[0]
    assert failed["execution_count"] == error.exec_count
    assert "setup(" in source(failed), (
        f"failed in a cell that does not call setup(): {source(failed)[:200]}"
    )
    # the setup cell is the first code cell after the parameters (and injected parameters)
    setup_cell = next(
        cell
        for cell in run.executed["cells"]
        if cell["cell_type"] == "code"
        and not {"parameters", "injected-parameters"} & set(cell["metadata"].get("tags", []))
    )
    assert failed is setup_cell, (
        "ParameterError raised after the first cell that follows the parameters"
    )
    assert [o["ename"] for o in failed["outputs"] if o["output_type"] == "error"] == [
        "ParameterError"
    ]
    assert not (run.figures_dir / "fr").exists(), "setup() made a directory for a bad language"


#: What the override changes in OVERRIDE_NOTEBOOK's English text, worked out by hand (not
#: with format_figure, the code under test): wh_exec_2025_cny = wh_exec_2025 (facts.csv:
#: 92.1亿美元 = US$9.21 billion) x usd_cny, shown to three significant digits.
#:   default usd_cny 7.18 (assumptions.csv): 9.21 x 7.18 = 66.1278 -> CNY 66.1 billion
#:   OVERRIDE usd_cny 7.0:                   9.21 x 7.0  = 64.47   -> CNY 64.5 billion
#: Its period link reads 2025 either way.
OVERRIDE_SHOWN = {"wh_exec_2025_cny": ("CNY 66.1 billion", "CNY 64.5 billion", "2025")}


@pytest.mark.slow
def test_assumption_override_reaches_the_text(variant_runs, executions):
    chosen = override_notebook()
    assert chosen is not None and chosen.stem == OVERRIDE_NOTEBOOK, (
        f"{OVERRIDE_NOTEBOOK} no longer declares {', '.join(OVERRIDE)}: the override is untested"
    )
    default = ref_texts(executions.default(chosen, "en").ok())
    overridden = ref_texts(variant_runs[("override", chosen)].ok())
    for ident, (before, after, period) in OVERRIDE_SHOWN.items():
        shown_before = {text for each, text in default if each == ident}
        shown_after = {text for each, text in overridden if each == ident}
        assert before in shown_before and shown_before <= {before, period}, shown_before
        # every reference to the figure shows the overridden value, none the default one
        assert after in shown_after and shown_after <= {after, period}, shown_after
