"""Every number an executed notebook shows the report comes from data/: the trace.

In each output that speaks to the report (a `text/html` output whose top element carries
`data-report`, docs/architecture.md) — prose, headings, captions, tables, notes — every numeric
mention (Arabic digits and Chinese numerals, as the scanner reads them) must sit inside a
reference `<a class="ref" data-fact|data-derived|data-assumption="ID" href="#…-ID">`, and the
reference must name an id of the dataset, link to its appendix row and show exactly what
policyreport.authoring.fmt.format_figure writes for that figure in one of its styles. Alt
text, which cannot hold a link, may only show numbers that some figure's formatted value
contains.

`policyreport check` runs the trace over the executed notebooks under report/ (when a build
left some), and `policyreport build` over the notebooks it has just executed, before it
publishes anything. Each problem names the notebook, the cell (counted from 1 over all cells,
as JupyterLab shows them) and the loose number or wrong reference.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from policyreport.errors import TraceError

#: A digit or a Chinese numeral: what every formatted figure contains.
NUMERAL = re.compile(r"[0-9〇零一二三四五六七八九十百千万亿两]")


@dataclass(frozen=True)
class Problem:
    notebook: str  # e.g. "01_topic (en)"
    cell: int  # 1-based over all cells of the executed notebook
    where: str  # the element, e.g. "p[paragraph]" or "figure#fig-x[figure]"
    what: str

    def __str__(self) -> str:
        return f"{self.notebook}, cell {self.cell}, {self.where}: {self.what}"


# --- reading executed notebooks ----------------------------------------------------------------


def _joined(value) -> str:
    return "".join(value) if isinstance(value, list) else (value or "")


def _top_element(markup: str):
    from bs4 import BeautifulSoup
    from bs4.element import Tag

    soup = BeautifulSoup(markup, "html.parser")
    return next((node for node in soup.contents if isinstance(node, Tag)), None)


def report_outputs(notebook: dict) -> list[tuple[int, str, object]]:
    """(cell number, html, top element) of every output that speaks to the report."""
    found = []
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        for output in cell.get("outputs", []):
            markup = _joined(output.get("data", {}).get("text/html"))
            if not markup:
                continue
            top = _top_element(markup)
            if top is not None and top.has_attr("data-report"):
                found.append((number, markup, top))
    return found


# --- what a reference may show -----------------------------------------------------------------


def displayed_forms(figure, lang: str) -> set[str]:
    """Every way format_figure can show `figure` (one per style)."""
    from policyreport.authoring.fmt import STYLES, format_figure

    forms = set()
    for style in STYLES:
        with contextlib.suppress(ValueError):  # e.g. style "period" of an undated figure
            forms.add(str(format_figure(figure, lang, style=style)))
    return forms


def refs(element) -> list:
    """Every element that is, or claims to be, a reference to a figure."""
    from policyreport.data.records import REF_KINDS

    attributes = tuple(f"data-{kind}" for kind in REF_KINDS)
    candidates = [element, *element.find_all(True)]
    return [
        tag
        for tag in candidates
        if any(tag.has_attr(attribute) for attribute in attributes)
        or (tag.name == "a" and "ref" in (tag.get("class") or []))
    ]


def ref_problems(element, dataset, lang: str) -> list[str]:
    """What is wrong with the references of one report output, one line each."""
    from policyreport.data.records import REF_KINDS

    problems = []
    for tag in refs(element):
        text = tag.get_text()
        kinds = [kind for kind in REF_KINDS if tag.has_attr(f"data-{kind}")]
        if len(kinds) != 1:
            shown = ", ".join(f"data-{kind}" for kind in REF_KINDS)
            problems.append(f"{str(tag)[:120]}: needs exactly one of {shown}")
            continue
        kind = kinds[0]
        ident = tag[f"data-{kind}"]
        figure = dataset.figures.get(ident)
        if figure is None:
            problems.append(f'data-{kind}="{ident}" ({text!r}): no such id in the data')
            continue
        if figure.ref != kind:
            problems.append(f'data-{kind}="{ident}": {ident} is a {figure.ref}, not a {kind}')
        if tag.name != "a" or "ref" not in (tag.get("class") or []):
            problems.append(f'data-{kind}="{ident}" is on a <{tag.name}>, not an <a class="ref">')
        if tag.get("href") != f"#{figure.anchor}":
            problems.append(f"{ident}: href {tag.get('href')!r}, expected '#{figure.anchor}'")
        forms = displayed_forms(figure, lang)
        if text not in forms:
            problems.append(f"{ident}: the link shows {text!r}; the data gives {sorted(forms)}")
        if not NUMERAL.search(text):
            problems.append(f"{ident}: the link shows {text!r}, which has no number in it")
    return problems


def _in_context(text: str, mention: str, width: int = 15) -> str:
    at = text.find(mention)
    if at < 0:
        return repr(mention)
    return f"{mention!r} in …{text[max(0, at - width) : at + len(mention) + width]}…"


class _AllForms:
    """The formatted values of every figure of a dataset in one language, built on first use
    (alt text is checked against them)."""

    def __init__(self, dataset, lang: str) -> None:
        self.dataset, self.lang, self._text = dataset, lang, None

    def contains(self, mention: str) -> bool:
        # a qualifier the author wrote before a placeholder (约{cny}) is the author's word
        mention = mention[NUMERAL.search(mention).start() :] if NUMERAL.search(mention) else mention
        if self._text is None:
            forms = set()
            for figure in self.dataset.figures.values():
                forms |= displayed_forms(figure, self.lang)
            self._text = "\n".join(sorted(forms))
        return mention in self._text


def trace_notebook(
    notebook: dict, name: str, dataset, lang: str, shared: dict | None = None
) -> list[Problem]:
    """Every untraced number of one executed notebook (empty: all numbers come from data).
    `shared`: a dict kept across calls over the same dataset, so that the formatted values
    alt text is checked against are built once per language."""
    from policyreport.authoring.narrative import numbers_outside_refs
    from policyreport.data.scan import scan_text

    problems = []
    shared = {} if shared is None else shared
    all_forms = shared.setdefault(lang, _AllForms(dataset, lang))
    for cell, markup, top in report_outputs(notebook):
        ident = f"#{top['id']}" if top.get("id") else ""
        where = f"{top.name}{ident}[{top['data-report']}]"
        loose = numbers_outside_refs(markup)
        if loose:
            text = top.get_text()
            counts = {mention: loose.count(mention) for mention in loose}  # first-seen order
            shown = ", ".join(
                _in_context(text, mention) + (f" (×{count})" if count > 1 else "")
                for mention, count in counts.items()
            )
            problems.append(Problem(name, cell, where, f"number(s) not from data: {shown}"))
        for image in [top, *top.find_all(True)]:
            alt = image.get("alt") if image.name == "img" else None
            for mention in scan_text(alt or ""):
                if not all_forms.contains(mention.text):
                    problems.append(
                        Problem(
                            name,
                            cell,
                            where,
                            f"alt text number not from data: {_in_context(alt, mention.text)}",
                        )
                    )
        problems += [Problem(name, cell, where, what) for what in ref_problems(top, dataset, lang)]
    return problems


def notebook_language(notebook: dict, path: Path, lang_parameter: str = "lang") -> str | None:
    """The language an executed notebook ran in: its papermill parameter, else the file name
    (<name>.<lang>.ipynb)."""
    parameters = notebook.get("metadata", {}).get("papermill", {}).get("parameters", {})
    lang = parameters.get(lang_parameter)
    if isinstance(lang, str):
        return lang
    suffixes = Path(path).suffixes
    return suffixes[-2].lstrip(".") if len(suffixes) >= 2 else None


def raise_problems(problems: list[Problem]) -> None:
    if problems:
        raise TraceError(problems=[str(problem) for problem in problems])


# --- policyreport check: the executed notebooks a build left under report/ -----------------------


def executed_notebooks(report_dir: Path) -> list[Path]:
    """The executed notebooks of every spec built into report_dir (report/<name>/notebooks/)."""
    return sorted(Path(report_dir).glob("*/notebooks/*.ipynb"))


def trace_executed(paths_: list[Path], data_dir: Path | None, base: Path) -> list[Problem]:
    """Trace executed notebooks, each against the data as it ran: the assumption values its
    parameters set (e.g. -p usd_cny=7.0) apply."""
    from policyreport.data.assumptions import assumption_parameters
    from policyreport.data.dataset import load_dataset

    data_dir = Path(data_dir) if data_dir else None
    names = assumption_parameters(data_dir / "assumptions.csv" if data_dir else None)
    datasets: dict[str, object] = {}
    shared: dict[str, dict] = {}
    problems = []
    for path in paths_:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        parameters = notebook.get("metadata", {}).get("papermill", {}).get("parameters", {})
        overrides = {k: v for k, v in parameters.items() if k in names and v is not None}
        key = json.dumps(overrides, sort_keys=True)
        if key not in datasets:
            datasets[key] = load_dataset(data_dir, overrides=overrides or None)
        try:
            shown = path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            shown = str(path)
        lang = notebook_language(notebook, path) or "zh"
        problems += trace_notebook(notebook, shown, datasets[key], lang, shared.setdefault(key, {}))
    return problems
