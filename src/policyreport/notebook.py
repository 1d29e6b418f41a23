"""The one call a notebook makes after its parameters cell:

    from policyreport.notebook import setup
    ctx = setup(notebook="01_topic", lang=lang, data_dir=data_dir, figures_dir=figures_dir,
                usd_cny=usd_cny)

It checks the parameters (the same rules as the build's check before any kernel starts),
loads the dataset with the assumption overrides, applies the chart style and makes
figures/<lang>/. The returned `Context` speaks the report protocol in the notebook's
language: every text is given in both languages side by side and `lang` picks one, so both
reports come from the same analysis.

    ctx.heading(zh="城市出口", en="The city's exports")
    ctx.say(zh="{exports:period}，出口额达{exports}，同比{yoy:growth}。",
            en="In {exports:period} exports reached {exports}, {yoy:growth} year on year.",
            exports="city_exports_2025", yoy="city_exports_2025_yoy")

Placeholder values are figure ids (str) or Figures; see policyreport.authoring.narrative.

Over a whole topic, whatever its facts (what `policyreport new-topic`'s template does):

    facts = ctx.topic_facts("city_trade")           # the topic's facts, in facts.csv order
    ctx.facts_chart(ctx.comparable(facts), name="city_trade", title_zh=…, title_en=…,
                    caption_zh=…, caption_en=…)      # bars of the largest comparable group
    ctx.facts_table(facts, id="city-trade-facts", caption_zh=…, caption_en=…)

The ctx records every fact, derived figure and assumption a run reads (`recorded_reads()`),
so that the build's cache re-executes a notebook only when a row it read changed. Reading
the dataset's tables directly (`ctx.ds.facts` …) counts as reading every row.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from policyreport import paths
from policyreport.authoring import charts, narrative
from policyreport.authoring.fmt import check_lang, unit_words
from policyreport.authoring.narrative import Html
from policyreport.authoring.params import (
    check_declared,
    injected_parameters,
    parameters_cell,
    read_parameters,
    validate,
)
from policyreport.data.records import Figure
from policyreport.errors import DataError

DEFAULT_DATA_DIR = "data"
DEFAULT_FIGURES_DIR = "figures"
#: Kinds (and units) a bar chart does not compare: a date or a rank is not an amount.
UNCHARTED_KINDS = ("date", "rank")
ALL_ROWS = "*"  # recorded when a run reads the dataset as a whole

# The ids read since setup() in this kernel; None before setup() (nothing known).
_READS: set[str] | None = None


def recorded_reads() -> list[str] | None:
    """The ids of the facts, derived figures and assumptions read since setup(), sorted;
    None when setup() was not called (the run may have read anything)."""
    return None if _READS is None else sorted(_READS)


def forget_reads() -> None:
    """Start a new record (a warm kernel's reset calls this between runs)."""
    global _READS
    _READS = None


def _record(ident: str) -> None:
    if _READS is not None:
        _READS.add(ident)


class _Recorded:
    """The dataset as a run sees it: figure(id) records the id; anything else read from it
    (its tables, all its figures) counts as reading every row."""

    def __init__(self, dataset):
        self._dataset = dataset

    def figure(self, ident: str):
        _record(ident)
        return self._dataset.figure(ident)

    def label(self, ident: str) -> str:
        _record(ident)
        return self._dataset.label(ident)

    def __getattr__(self, name: str):
        _record(ALL_ROWS)
        return getattr(self._dataset, name)


def resolve(path: str | Path) -> Path:
    """A parameter path: absolute as given, relative from the project root (never the CWD)."""
    path = Path(path)
    return path if path.is_absolute() else paths.ROOT / path


def notebook_path(notebook: str | Path) -> Path:
    """'01_topic' -> <root>/notebooks/01_topic.ipynb; a path with a suffix is taken as is
    (relative to the project root)."""
    path = Path(notebook)
    if path.suffix != ".ipynb":
        return paths.NOTEBOOKS / f"{path.name}.ipynb"
    return resolve(path)


@dataclass
class Context:
    """What a notebook needs after setup; see the module docstring."""

    notebook: str
    lang: str
    params: dict
    ds: object  # policyreport.dataset.Dataset (setup() gives one that records reads)
    figures_dir: Path  # charts go to figures_dir/<lang>/
    source_names: dict[str, str] = field(
        default_factory=lambda: {"zh": "原文版面", "en": "the source page"}
    )

    # -- figures and words --

    def fig(self, ident: str | Figure) -> Figure:
        """The Figure of a fact, derived figure or assumption id."""
        return ident if isinstance(ident, Figure) else self.ds.figure(ident)

    def figs(self, *idents: str | Figure) -> list[Figure]:
        """The Figures of several ids, in order: ctx.figs("a", "b") is [ctx.fig("a"), ...]."""
        return [self.fig(ident) for ident in idents]

    def t(self, zh: str, en: str) -> str:
        """The text in the notebook's language."""
        return zh if self.lang == "zh" else en

    def cite(self, zh: str, en: str) -> None:
        """Name the source in chart source lines, e.g. cite(zh="某报版面", en="a newspaper page")."""
        self.source_names = {"zh": zh, "en": en}

    def _values(self, placeholders: dict) -> dict:
        values = {}
        for name, value in placeholders.items():
            if isinstance(value, str) and not isinstance(value, Html):
                value = self.fig(value)
            values[name] = value
        return values

    def text(self, zh: str, en: str, **placeholders) -> str:
        """A template filled as plain text (no links), e.g. for chart titles and alt text."""
        return narrative.render(self.t(zh, en), self.lang, link=False, **self._values(placeholders))

    # -- a topic's facts (what a notebook made by `policyreport new-topic` starts from) --

    def topic_facts(self, topic: str) -> list[Figure]:
        """The facts of `topic`, in data/facts.csv order; a DataError when it has none, so
        that a chapter never runs on nothing."""
        found = [f for f in self.ds.figures.values() if f.ref == "fact" and f.topic == topic]
        if not found:
            raise DataError(
                file="facts.csv",
                field="topic",
                expected=f"at least one fact of topic '{topic}' (add its rows first)",
                found="none",
            )
        return found

    def comparable(self, figures: Sequence[str | Figure], limit: int = 12) -> list[Figure]:
        """The largest group of `figures` one bar chart can compare: the same kind and the
        same axis unit, dates and ranks left out; ties go to the group that comes first.
        At most `limit`, in the given order; empty when nothing is comparable."""
        groups: dict[tuple[str, str], list[Figure]] = {}
        for fig in self.figs(*figures):
            if fig.kind in UNCHARTED_KINDS or fig.unit in UNCHARTED_KINDS:
                continue
            key = (fig.kind, unit_words(fig.unit).axis or fig.unit)
            groups.setdefault(key, []).append(fig)
        best = max(groups.values(), key=len, default=[])  # max keeps the first of equals
        return best[:limit]

    def facts_chart(
        self,
        figures: Sequence[str | Figure],
        name: str,
        title_zh: str,
        title_en: str,
        caption_zh: str,
        caption_en: str,
    ) -> Html | None:
        """A horizontal bar chart of `figures` (one unit), each bar labelled with its
        subject and period, its alt text listing every subject and value; nothing when `figures` is
        empty. Titles and captions are templates (without placeholders of their own)."""
        figs = self.figs(*figures)
        if not figs:
            return None
        values = {f"f{number}": fig for number, fig in enumerate(figs)}
        dated = {key: fig.period for key, fig in values.items()}
        labels_zh = [
            f"{{{k}:subject}}（{{{k}:period}}）" if dated[k] else f"{{{k}:subject}}" for k in values
        ]
        labels_en = [
            f"{{{k}:subject}} ({{{k}:period}})" if dated[k] else f"{{{k}:subject}}" for k in values
        ]
        chart = self.hbar(figs, labels_zh, labels_en, title_zh, title_en, **values)
        listed = {
            lang: sep.join(f"{{{key}:subject}}{colon}{{{key}}}" for key in values)
            for lang, sep, colon in (("zh", "；", "："), ("en", "; ", ": "))
        }
        return self.chart(
            chart,
            name,
            caption_zh,
            caption_en,
            alt_zh="横向条形图：" + listed["zh"] + "。",
            alt_en="Horizontal bar chart: " + listed["en"] + ".",
            **values,
        )

    def facts_table(
        self,
        figures: Sequence[str | Figure],
        id: str,
        caption_zh: str,
        caption_en: str,
    ) -> Html:
        """A table of `figures`: what each measures (its subject), its value and its period."""
        rows = [
            [(fig.subject_zh, fig.subject_en), fig, (fig, "period") if fig.period else None]
            for fig in self.figs(*figures)
        ]
        return self.table(
            rows,
            columns_zh=["指标", "数值", "时期"],
            columns_en=["Measure", "Value", "Period"],
            id=id,
            caption_zh=caption_zh,
            caption_en=caption_en,
        )

    # -- report elements --

    def heading(
        self, zh: str, en: str, level: int = 2, id: str | None = None, **placeholders
    ) -> Html:
        """Chapter (level 2, one per notebook) or section (3) heading. The id defaults to
        a slug of the English text, so both reports share anchors."""
        values = self._values(placeholders)
        ident = id or narrative.slug(narrative.render(en, "en", link=False, **values))
        if values:
            return narrative.heading(self.t(zh, en), level, ident, self.lang, **values)
        return narrative.heading(self.t(zh, en), level, ident)

    def say(self, zh: str, en: str, **placeholders) -> Html:
        """A paragraph; placeholders name figures (ids or Figures)."""
        return narrative.paragraph(self.t(zh, en), self.lang, **self._values(placeholders))

    def note(self, zh: str, en: str, **placeholders) -> Html:
        """A caveat."""
        return narrative.note(self.t(zh, en), self.lang, **self._values(placeholders))

    def table(
        self,
        rows: Iterable[Sequence],
        columns_zh: Sequence[str],
        columns_en: Sequence[str],
        id: str,
        caption_zh: str,
        caption_en: str,
        **placeholders,
    ) -> Html:
        """A table. Cells: a Figure or figure id given as ctx.fig(id), a (Figure, style) pair,
        a (zh, en) pair of strings, a str, or None."""
        values = self._values(placeholders)
        caption = narrative.render(self.t(caption_zh, caption_en), self.lang, **values)
        resolved = [[self._cell(cell) for cell in row] for row in rows]
        return narrative.table(resolved, self.t(columns_zh, columns_en), id, caption, self.lang)

    def _cell(self, cell):
        if isinstance(cell, tuple) and len(cell) == 2 and all(isinstance(c, str) for c in cell):
            return self.t(*cell)
        return cell

    # -- charts --

    def source(self, figures: Sequence[Figure]) -> str:
        """The source line of a chart of `figures`, in the notebook's language; it cites
        their labels (F13, D2), numbered over the whole dataset as the appendices number them."""
        labels = {fig.id: self.ds.label(fig.id) for fig in figures}
        return charts.source_line(self.source_names[self.lang], figures, self.lang, labels)

    def hbar(
        self,
        figures: Sequence[str | Figure],
        labels_zh: Sequence[str],
        labels_en: Sequence[str],
        title_zh: str,
        title_en: str,
        **placeholders,
    ):
        """A horizontal bar chart: one bar per figure, top to bottom, each labelled with its
        value; bounds and approximations hatched, derived figures hollow (charts.hbar).
        Returns the matplotlib figure, for ctx.chart. Titles and labels are templates that
        may use placeholders (e.g. a label "整体，{total:period}")."""
        figs = self.figs(*figures)
        if len(labels_zh) != len(labels_en):
            raise ValueError(f"{len(labels_zh)} Chinese labels but {len(labels_en)} English ones")
        return charts.hbar(
            figs,
            [
                self.text(zh, en, **placeholders)
                for zh, en in zip(labels_zh, labels_en, strict=True)
            ],
            self.text(title_zh, title_en, **placeholders),
            self.lang,
            self.source(figs),
        )

    def series(
        self,
        points: Sequence[str | Figure],
        title_zh: str,
        title_en: str,
        kind: str = "column",
        labels_zh: Sequence[str] | None = None,
        labels_en: Sequence[str] | None = None,
        **placeholders,
    ):
        """A level over time: one column (kind="column") or point (kind="line") per figure,
        in order; implied (derived) points hollow and dashed (charts.series). Returns the
        matplotlib figure, for ctx.chart. x labels default to the figures' periods."""
        figs = self.figs(*points)
        labels = None
        if labels_zh and labels_en:
            labels = [
                self.text(zh, en, **placeholders)
                for zh, en in zip(labels_zh, labels_en, strict=True)
            ]
        return charts.series(
            figs,
            self.text(title_zh, title_en, **placeholders),
            self.lang,
            self.source(figs),
            labels=labels,
            kind=kind,
        )

    def chart(
        self,
        fig,
        name: str,
        caption_zh: str,
        caption_en: str,
        alt_zh: str,
        alt_en: str,
        **placeholders,
    ) -> Html:
        """Save a matplotlib figure to figures/<lang>/<name>.svg|png and show it in the
        report as <figure id="fig-<name>">; caption and alt text are templates."""
        svg = charts.save(fig, name, self.lang, self.figures_dir)
        values = self._values(placeholders)
        caption = narrative.render(self.t(caption_zh, caption_en), self.lang, **values)
        alt = narrative.render(self.t(alt_zh, alt_en), self.lang, link=False, **values)
        png = charts.saved_png(name, self.lang, self.figures_dir)
        return narrative.figure_html(svg, f"fig-{name}", caption, str(alt), png_bytes=png)


def injected_by_papermill(path: Path) -> dict:
    """The parameters papermill injected into the running kernel ({} outside a kernel, or
    when none were): read from the kernel's input history, where the injected cell is the
    one headed "# Parameters" after the notebook's own parameters cell."""
    ipython = sys.modules.get("IPython")  # a kernel has imported it; a plain script has not
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return {}
    return injected_parameters(shell.history_manager.input_hist_raw, parameters_cell(path))


def setup(notebook: str, **params) -> Context:
    """Validate the parameters, load the dataset with the assumption overrides, apply the
    chart style, make figures/<lang>/ and return the notebook's Context.

    Pass every parameter of the notebook's parameters cell. Paths resolve from the project
    root (policyreport.paths.ROOT), never from the working directory."""
    from policyreport.data.assumptions import assumption_parameters
    from policyreport.data.dataset import load_dataset

    path = notebook_path(notebook)
    name = path.stem
    specs = read_parameters(path) if path.is_file() else None
    if specs is not None:
        # papermill only warns about a name the notebook does not declare, and the run
        # would go on with the default: stop it here, however the notebook was run.
        check_declared(injected_by_papermill(path), specs, name)
    default_data = specs["data_dir"].default if specs and "data_dir" in specs else None
    data_dir = params.get("data_dir", default_data or DEFAULT_DATA_DIR)
    # A data_dir that is not a string fails validation below, before anything is loaded.
    names = (
        assumption_parameters(resolve(data_dir) / "assumptions.csv")
        if isinstance(data_dir, str)
        else set()
    )
    values = validate(params, specs, notebook=name, assumption_parameters=names)
    lang = check_lang(values.get("lang", "zh"))
    overrides = {key: values[key] for key in names if values.get(key) is not None}
    ds = load_dataset(data_dir=resolve(data_dir), overrides=overrides)
    charts.apply_style()
    figures_dir = resolve(values.get("figures_dir") or DEFAULT_FIGURES_DIR)
    (figures_dir / lang).mkdir(parents=True, exist_ok=True)
    global _READS
    if _READS is None:
        _READS = set()
    return Context(
        notebook=name, lang=lang, params=values, ds=_Recorded(ds), figures_dir=figures_dir
    )


# --- the reference page: docs/notebook-api.md --------------------------------------------

API_DOC = "docs/notebook-api.md"

#: One example figure per placeholder style, shown in the reference in both languages.
_STYLE_EXAMPLES = {
    "plain": Figure("exports", "fact", 9210000000, "USD", period="2025"),
    "growth": Figure("exports_yoy", "fact", 15.4, "percent", kind="growth_yoy", period="2025"),
    "count": Figure("firms", "fact", 5, "firms", qualifier="more_than", kind="count"),
    "period": Figure("avg", "fact", 22.6, "percent", kind="avg_annual_growth", period="2021-2025"),
    "subject": Figure("exports", "fact", 1, "USD", subject_zh="出口额", subject_en="Exports"),
}


def _signature(function) -> str:
    """`(zh: str, en: str, level: int = 2, **placeholders) -> Html` as written in the source
    (annotations are strings here: `from __future__ import annotations`)."""
    import inspect

    signature = inspect.signature(function)
    shown = []
    for name, parameter in signature.parameters.items():
        if name == "self":
            continue
        text = {parameter.VAR_POSITIONAL: "*", parameter.VAR_KEYWORD: "**"}.get(
            parameter.kind, ""
        ) + name
        if parameter.annotation is not parameter.empty and parameter.kind not in (
            parameter.VAR_KEYWORD,
        ):
            text += f": {parameter.annotation}"
        if parameter.default is not parameter.empty:
            text += f" = {parameter.default!r}"
        shown.append(text)
    returns = signature.return_annotation
    arrow = f" -> {returns}" if returns is not signature.empty else ""
    return f"({', '.join(shown)}){arrow}"


def _doc(obj) -> str:
    import inspect

    return inspect.getdoc(obj) or ""


def api_reference() -> str:
    """docs/notebook-api.md, generated from the docstrings of this module (setup, Context)
    and of policyreport.authoring (placeholders, styles): `python -m policyreport.notebook`
    rewrites it, and tests/test_notebook.py fails when the committed page differs."""
    from policyreport.authoring.fmt import STYLES, format_figure

    lines = [
        "# The notebook API: `setup()` and `ctx`",
        "",
        f"<!-- Generated from the docstrings by `python -m policyreport.notebook`; do not edit"
        f" (tests/test_notebook.py fails when {API_DOC} is out of date). -->",
        "",
        "Every notebook makes one call after its parameters cell and then speaks to the report",
        "only through `ctx`. The data behind it are pandas DataFrames: `ctx.ds.facts`,",
        "`ctx.ds.derived`, `ctx.ds.assumptions`, `ctx.ds.exclusions` (indexed by id);",
        "`notebooks/90_explore.ipynb` shows them.",
        "",
        "```python",
        textwrap.dedent(_doc(sys.modules[__name__]).split("\n\n")[1]).strip("\n"),
        "```",
        "",
        f"## `setup{_signature(setup)}`",
        "",
        _doc(setup),
        "",
        "## Placeholders",
        "",
        "Numbers enter text only through placeholders: `{name}` or `{name:style}` in a",
        "template, where `name` is a keyword argument naming a figure id (or a `Figure`). Each",
        "becomes a link to the figure's row in the report's appendix.",
        "",
        "| placeholder | zh | en |",
        "|---|---|---|",
    ]
    for style in (*STYLES, "subject"):
        example = _STYLE_EXAMPLES[style]
        if style == "subject":
            shown = [example.subject_zh, example.subject_en]
        else:
            shown = [format_figure(example, lang, style=style) for lang in ("zh", "en")]
        lines.append(f"| `{{x:{style}}}` | {shown[0]} | {shown[1]} |")
    lines += [
        "",
        "`{x}` is `{x:plain}`. A placeholder's value is a figure id (a str), a `Figure`",
        "(`ctx.fig(id)`), or `Html` inserted as is; a number is refused: every number comes",
        "from a figure. Templates are `str.format` templates, so a literal brace is `{{`.",
        "",
        "Style by style (`policyreport.authoring.fmt.format_figure`):",
        "",
        _doc(format_figure),
        "",
        "## `ctx` methods",
        "",
    ]
    for name, member in vars(Context).items():
        if name.startswith("_") or not callable(member):
            continue
        lines += [f"### `ctx.{name}{_signature(member)}`", "", _doc(member) or "(no docstring)", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


if __name__ == "__main__":
    target = paths.ROOT / API_DOC
    target.write_text(api_reference(), encoding="utf-8")
    print(f"wrote {target}")
