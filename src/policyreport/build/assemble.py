"""Assemble one self-contained HTML report per language from executed notebooks.

Only what a notebook addresses to the report reaches it: `text/html` display outputs whose top
element carries `data-report` (docs/architecture.md). Code, streams, reprs and every other
output stay in the notebook. The assembler then

- numbers figures and tables in document order and prefixes their captions;
- collects h2/h3 headings into a linked table of contents;
- appends the appendices generated from the Dataset (facts, derived figures, assumptions and
  caveats, scanner exclusions, sources), whose rows carry the anchors `fact-ID`, `derived-ID`,
  `assumption-ID` that the prose links to, and a short label (F1, D1, A1 …) that it copies to
  each link as `data-label` so the printed report can cite it;
- gives every link to a figure of the data, a chart or a table a `title` naming its
  destination ("F13: what is measured", "Figure 2. caption"): a tooltip on screen, and the
  description of the PDF's link annotation (policyreport.build.pdftags);
- gives every header cell of a notebook's table a `scope` (col in the head, row in the body),
  and every chart and table figure `tabindex="0"`: on a phone it scrolls sideways, and a box
  that scrolls must be reachable by keyboard (axe-core: scrollable-region-focusable);
- fails (BuildError) on a link that resolves to nothing, a duplicate id, a script, or a
  resource loaded from anywhere but the document itself;
- inlines the CSS and a subset of the CJK font holding exactly the characters used;
- marks each run of Chinese in a non-Chinese edition with its language (langparts).

The output depends only on its inputs: no clock, no random ids, stable order.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import tomllib
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from policyreport.errors import BuildError

REPORT_KINDS = ("heading", "paragraph", "figure", "table", "note")
HTML_LANG = {"zh": "zh-Hans", "en": "en"}
APPENDIX_LETTERS = {
    "facts": "A",
    "derived": "B",
    "assumptions": "C",
    "exclusions": "D",
    "sources": "E",
}
# Attributes that make a browser (or WeasyPrint) load something.
_LOADING_ATTRIBUTES = ("src", "srcset", "href", "poster", "data", "background", "xlink:href")
_CSS_URL = re.compile(r"url\(\s*['\"]?\s*(?!data:|#)([^'\")\s]+)", re.IGNORECASE)
_EVENT_ATTRIBUTE = re.compile(r"^on[a-z]+$")
_FORBIDDEN_TAGS = ("script", "iframe", "object", "embed", "link", "base", "meta", "form")
# Source metadata shown first in appendix E, in this order; other keys follow sorted.
_META_ORDER = (
    "title",
    "description",
    "producer",
    "publisher",
    "publisher_basis",
    "citation",
    "url",
    "language",
    "date_published",
    "date_earliest",
    "date_basis",
    "date_accessed",
    "licence",
    "extraction",
    "sha256",
)
# year_assumption is for draft (an assumption id): date_basis tells readers the same in words
_META_HIDDEN = {"file", "publisher_inferred", "date_inferred", "year_assumption"}


def strings(lang: str) -> dict:
    """The template's own words in `lang` (templates/strings.toml)."""
    table = tomllib.loads(_template_text("strings.toml"))
    if lang not in table:
        raise BuildError(step="assemble", reason=f"the report template has no language {lang!r}")
    return table[lang]


def _template_text(name: str) -> str:
    return (files("policyreport.build") / "templates" / name).read_text(encoding="utf-8")


# --- values ---------------------------------------------------------------------------------


def _blank(value) -> bool:
    return (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or (isinstance(value, str) and not value.strip())
    )


def _text(value) -> str:
    return "" if _blank(value) else str(value)


def format_value(figure, lang: str) -> str:
    """The value as the report's prose writes it (policyreport.authoring.fmt)."""
    from policyreport.authoring.fmt import format_figure

    return str(format_figure(figure, lang))


# --- fragments from notebooks ---------------------------------------------------------------


@dataclass
class Chapter:
    name: str
    html: str = ""
    elements: list = field(default_factory=list)  # bs4 Tags, top elements in order


def _soup(html: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


def _output_html(output) -> str | None:
    if output.get("output_type") not in ("display_data", "execute_result"):
        return None
    html = output.get("data", {}).get("text/html")
    if html is None:
        return None
    return "".join(html) if isinstance(html, list) else str(html)


def report_elements(notebook, name: str) -> list:
    """The top elements of a notebook's `data-report` outputs, in cell and output order."""
    from bs4 import Tag

    elements = []
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        for output in cell.get("outputs", []):
            html = _output_html(output)
            if html is None:
                continue
            tops = [node for node in _soup(html).contents if isinstance(node, Tag)]
            if not tops or not tops[0].has_attr("data-report"):
                continue
            for top in tops:
                if not top.has_attr("data-report"):
                    continue
                kind = top["data-report"]
                if kind not in REPORT_KINDS:
                    raise BuildError(
                        step="assemble",
                        reason=f"{name}: data-report={kind!r} is not one of {', '.join(REPORT_KINDS)}",
                    )
                elements.append(top.extract())
    return elements


def _check_self_contained(tag, name: str) -> None:
    for node in [tag, *tag.find_all(True)]:
        if node.name in _FORBIDDEN_TAGS:
            raise BuildError(
                step="assemble",
                reason=f"{name}: a <{node.name}> element in a data-report output (the report "
                "holds no scripts and loads nothing)",
            )
        for attribute, value in list(node.attrs.items()):
            if _EVENT_ATTRIBUTE.match(attribute):
                raise BuildError(
                    step="assemble",
                    reason=f"{name}: event handler {attribute}= on <{node.name}> (no scripts)",
                )
            if attribute in _LOADING_ATTRIBUTES:
                target = " ".join(value) if isinstance(value, list) else str(value)
                target = target.strip()
                if attribute == "href" and target.startswith("#"):
                    continue
                if target.startswith("data:"):
                    continue
                raise BuildError(
                    step="assemble",
                    reason=f"{name}: <{node.name} {attribute}={target[:60]!r}> points outside "
                    "the document; embed it as a data: URI or link to an anchor (#…)",
                )
            if attribute == "style" and _CSS_URL.search(str(value)):
                raise BuildError(
                    step="assemble",
                    reason=f"{name}: a style attribute on <{node.name}> loads a url()",
                )


# --- numbering, labels and links ------------------------------------------------------------


def _caption_of(tag):
    """The caption element of a figure or table fragment (created when missing)."""
    if tag.name == "table":
        caption = tag.find("caption")
        if caption is None:
            caption = _soup("<caption></caption>").caption
            tag.insert(0, caption)
        return caption
    caption = tag.find("figcaption")
    if caption is None:
        caption = _soup("<figcaption></figcaption>").figcaption
        tag.append(caption)
    return caption


def _number(elements: list, t: dict) -> dict[str, str]:
    """Number figures and tables in document order; returns id -> label ("Figure 2")."""
    labels = {}
    counts = {"figure": 0, "table": 0}
    for top in elements:
        kind = top.get("data-report")
        if kind not in counts:
            continue
        counts[kind] += 1
        label = t[kind].format(n=counts[kind])
        caption = _caption_of(top)
        has_text = bool(caption.get_text(strip=True))
        span = _soup('<span class="number-label"></span>').span
        span.string = label + (t["caption_sep"] if has_text else "")
        caption.insert(0, span)
        if top.get("id"):
            labels[top["id"]] = label
    return labels


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


@dataclass
class TocEntry:
    id: str
    text: str
    children: list = field(default_factory=list)


def _headings(chapters: list[Chapter]) -> list[TocEntry]:
    toc: list[TocEntry] = []
    for chapter in chapters:
        count = 0
        for top in chapter.elements:
            for heading in [top] if top.name in ("h2", "h3") else top.find_all(["h2", "h3"]):
                count += 1
                if not heading.get("id"):
                    heading["id"] = f"{_slug(chapter.name)}-{count}"
                entry = TocEntry(id=heading["id"], text=heading.get_text(" ", strip=True))
                if heading.name == "h3" and toc:
                    toc[-1].children.append(entry)
                else:
                    toc.append(entry)
    return toc


# --- appendices from the Dataset ------------------------------------------------------------


def _rows(frame) -> list[dict]:
    if frame is None or len(frame) == 0:
        return []
    return [
        dict(zip(frame.columns, values, strict=True)) for values in frame.itertuples(index=False)
    ]


def _subject(row: dict, lang: str) -> str:
    return _text(row.get(f"subject_{lang}")) or _text(row.get("subject_en"))


def _localised(row: dict, stem: str, lang: str) -> str:
    return _text(row.get(f"{stem}_{lang}")) or _text(row.get(f"{stem}_en"))


def _source_lang(sources, name: str) -> str:
    for source in sources:
        if Path(source.path).name == name:
            return _text(source.meta.get("language")) or "zh-Hans"
    return "zh-Hans"


def _meta_value(value, lang: str) -> str:
    """A provenance field as a reader of the `lang` edition sees it: a translated text in that
    language, the parts of a record (a licence's name and note) in order."""
    from policyreport.data.sources import TRANSLATED_LANGUAGES, in_language

    if isinstance(value, dict) and value and set(value) <= set(TRANSLATED_LANGUAGES):
        return in_language(value, lang)
    if isinstance(value, dict):
        return " — ".join(_meta_value(v, lang) for v in value.values() if not _blank(v))
    if isinstance(value, list):
        return ", ".join(_meta_value(v, lang) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return _text(value)


def _date_of(meta: dict) -> str:
    """A source's publication date (the start of an interval), W3C form: YYYY[-MM[-DD]]."""
    return _text(meta.get("date_published")).split("/")[0]


def document_date(sources) -> str:
    """The report's date: the latest publication date of its sources (never the clock)."""
    dates = sorted(_date_of(source.meta) for source in sources if _date_of(source.meta))
    return dates[-1] if dates else ""


@dataclass
class DataFile:
    path: str
    size: int
    sha256: str


def data_file_records(files_: list[Path], base: Path) -> list[DataFile]:
    records = []
    for path in files_:
        data = path.read_bytes()
        try:
            shown = path.relative_to(base).as_posix()
        except ValueError:
            shown = path.name
        records.append(DataFile(shown, len(data), hashlib.sha256(data).hexdigest()))
    return records


def _label_map(dataset) -> dict[str, str]:
    """anchor id -> label of every row the report shows: F1… for facts, D1… for derived
    figures, A1… for assumptions, numbered over the whole dataset (Dataset.labels), so a
    scoped report's rows keep the labels they have everywhere else (gaps allowed)."""
    labels = {}
    for kind, frame in (
        ("fact", dataset.facts),
        ("derived", dataset.derived),
        ("assumption", dataset.assumptions),
    ):
        for row in _rows(frame):
            labels[f"{kind}-{row['id']}"] = dataset.label(row["id"])
    return labels


def link_titles(dataset, lang: str, labels: dict[str, str], t: dict) -> dict[str, str]:
    """anchor id -> the title of a link to it: the figure's label and what it measures."""
    titles = {}
    for anchor, label in labels.items():
        figure = dataset.figure(anchor.split("-", 1)[1])
        subject = getattr(figure, f"subject_{lang}", "") or figure.subject_en
        titles[anchor] = t["link_title"].format(label=label, subject=subject) if subject else label
    return titles


def _caption_titles(elements: list) -> dict[str, str]:
    """figure or table id -> its numbered caption ("Figure 2. …"), the title of a link to it."""
    return {
        top["id"]: " ".join(_caption_of(top).get_text(" ").split())
        for top in elements
        if top.get("data-report") in ("figure", "table") and top.get("id")
    }


def _scope_header_cells(element) -> None:
    """A <th> without scope heads its column in <thead>, its row elsewhere."""
    for cell in element.find_all("th"):
        if not cell.get("scope"):
            cell["scope"] = "col" if cell.find_parent("thead") else "row"


def _focusable_scroll_box(element) -> None:
    """A chart or table figure may scroll sideways (report.css: tables on screen, charts on a
    phone): in the tab order, so a keyboard can scroll it too."""
    if element.name == "figure" and element.get("data-report") in ("figure", "table"):
        element["tabindex"] = "0"


def _ref_link(ident: str, dataset, labels: dict[str, str], titles: dict[str, str] | None = None):
    from markupsafe import Markup, escape

    kind = dataset.figure(ident).ref
    anchor = f"{kind}-{ident}"
    title = (titles or {}).get(anchor)
    title_attribute = f' title="{escape(title)}"' if title else ""
    return Markup(
        f'<a class="ref" href="#{escape(anchor)}" data-{kind}="{escape(ident)}" '
        f'data-label="{escape(labels.get(anchor, ""))}"{title_attribute}>'
        f"{escape(labels.get(anchor, ident))}</a>"
    )


def appendix_context(dataset, lang: str, labels: dict[str, str], t: dict) -> dict:
    from policyreport.build import apparatus

    sources = list(dataset.sources)
    titles = link_titles(dataset, lang, labels, t)
    qualifiers = t.get("qualifier_words", {})
    quality = t.get("quality_words", {})
    # readers see labels and words, not ids (policyreport.build.apparatus)
    articles = apparatus.article_names(sources, t, lang)
    ids = apparatus.id_labels(labels)

    facts = []
    for row in _rows(dataset.facts):
        anchor = f"fact-{row['id']}"
        facts.append(
            {
                "anchor": anchor,
                "label": labels[anchor],
                "id": row["id"],
                "subject": _subject(row, lang),
                "value": format_value(dataset.figure(row["id"]), lang),
                "qualifier": qualifiers.get(row["qualifier"], _text(row["qualifier"])),
                "period": _text(row.get("period")),
                "quote": _text(row.get("quote")),
                "quote_lang": _source_lang(sources, _text(row.get("source"))),
                "article": articles.get(
                    (_text(row.get("source")), _text(row.get("article"))),
                    _text(row.get("article")),
                ),
                "source": _text(row.get("source")),
                "source_anchor": source_anchor(_text(row.get("source"))),
                "assumption": (
                    _ref_link(row["assumption"], dataset, labels, titles)
                    if not _blank(row.get("assumption"))
                    else ""
                ),
                "note": apparatus.with_labels(_localised(row, "note", lang), ids),
            }
        )

    derived = []
    caveats = []
    for row in _rows(dataset.derived):
        anchor = f"derived-{row['id']}"
        figure = dataset.figure(row["id"])
        inputs = [
            _ref_link(ident, dataset, labels, titles) for ident in _text(row["inputs"]).split()
        ]
        caveat = apparatus.with_labels(_localised(row, "caveat", lang), ids)
        derived.append(
            {
                "anchor": anchor,
                "label": labels[anchor],
                "id": row["id"],
                "subject": _subject(row, lang),
                "formula": _localised(row, "formula", lang) or _text(row.get("formula")),
                "inputs": inputs,
                "value": format_value(figure, lang),
                "qualifier": qualifiers.get(figure.qualifier, figure.qualifier),
                "period": _text(row.get("period")),
                "caveat": caveat,
            }
        )
        if caveat:
            caveats.append(
                {
                    "link": _ref_link(row["id"], dataset, labels, titles),
                    "subject": _subject(row, lang),
                    "caveat": caveat,
                }
            )

    assumptions = []
    for row in _rows(dataset.assumptions):
        anchor = f"assumption-{row['id']}"
        overridden = ""
        if not _blank(row.get("overridden")) and bool(row.get("overridden")):
            recorded = dict(row, value=row.get("recorded_value"))
            from policyreport.data.dataset import assumption_figure

            overridden = t["overridden"].format(
                value=format_value(assumption_figure(recorded), lang)
            )
        assumptions.append(
            {
                "anchor": anchor,
                "label": labels[anchor],
                "id": row["id"],
                "subject": apparatus.with_labels(_localised(row, "label", lang), ids),
                "parameter": _text(row.get("parameter")),
                "value": format_value(dataset.figure(row["id"]), lang),
                "overridden": overridden,
                "basis": apparatus.with_labels(_localised(row, "basis", lang), ids),
                "quality": quality.get(_text(row.get("quality")), _text(row.get("quality"))),
            }
        )

    exclusions = []
    for number, row in enumerate(_rows(dataset.exclusions), start=1):
        exclusions.append(
            {
                "anchor": f"exclusion-{number}",
                "mention": _text(row.get("mention")),
                "context": _text(row.get("context")),
                "reason": apparatus.with_labels(_localised(row, "reason", lang), ids),
                "source": _text(row.get("source")),
                "quote_lang": _source_lang(sources, _text(row.get("source"))),
            }
        )
    return {
        "facts": facts,
        "derived": derived,
        "caveats": caveats,
        "assumptions": assumptions,
        "exclusions": exclusions,
    }


def source_anchor(name: str) -> str:
    """The id of a source's entry in appendix E."""
    return f"source-{_slug(Path(name).stem)}"


def _source_context(sources, t: dict, lang: str) -> list[dict]:
    from policyreport.data.sources import in_language

    names = t.get("meta_words", {})
    shown = []
    for source in sources:
        meta = dict(source.meta)
        keys = [k for k in _META_ORDER if k in meta]
        keys += sorted(k for k in meta if k not in _META_ORDER and k not in _META_HIDDEN)
        fields = [
            (names.get(key, key), _meta_value(meta[key], lang))
            for key in keys
            if not _blank(meta[key])
        ]
        name = Path(source.path).name
        shown.append(
            {
                "name": name,
                "anchor": source_anchor(name),
                "title": _text(in_language(meta.get("title"), lang)) or name,
                "publisher": _text(in_language(meta.get("publisher"), lang)) or "—",
                "publisher_inferred": bool(meta.get("publisher_inferred")),
                "date": _text(meta.get("date_published")) or "—",
                "date_inferred": bool(meta.get("date_inferred")),
                "fields": fields,
            }
        )
    return shown


# --- the document ---------------------------------------------------------------------------


@dataclass
class ExecutedNotebook:
    """What the assembler needs of one executed notebook: its name and its JSON."""

    name: str
    notebook: dict


def _check_links(
    body, ids: set[str], labels: dict[str, str], origin: dict, titles: dict[str, str]
) -> None:
    for link in body.find_all("a", href=True):
        href = link["href"]
        if not href.startswith("#"):
            continue
        target = href[1:]
        if target not in ids:
            where = origin.get(id(link), "report")
            what = "ref " if "ref" in (link.get("class") or []) else ""
            raise BuildError(
                step="assemble",
                reason=f"{where}: {what}link to #{target} resolves to nothing in the report "
                "(no such fact, derived figure, assumption, figure, table or heading)",
            )
        if target in labels:
            link["data-label"] = labels[target]
            if not link.get_text(strip=True) and "ref" not in (link.get("class") or []):
                link.string = labels[target]
        if target in titles and not link.get("title"):
            link["title"] = titles[target]


def _parameters_shown(spec_parameters: dict, lang_parameter: str, lang: str) -> list:
    shown = [(lang_parameter, json.dumps(lang, ensure_ascii=False))]
    for name in sorted(spec_parameters):
        shown.append((name, json.dumps(spec_parameters[name], ensure_ascii=False)))
    return shown


def used_characters(html: str, soup=None) -> str:
    """Every character the document can render: its text, rendered attributes, CSS strings,
    the digits of generated page numbers and list markers. `soup`: the document already
    parsed (parsing a report of a few MB takes a while)."""
    soup = soup if soup is not None else _soup(html)
    chars = set(soup.get_text())
    for tag in soup.find_all(True):
        for attribute in ("alt", "title", "data-label", "data-tip", "placeholder"):
            if tag.has_attr(attribute):
                chars.update(str(tag[attribute]))
    for style in soup.find_all("style"):
        chars.update(style.get_text())
    # Generated by CSS, not in the text: page numbers, list markers.
    chars.update("0123456789 ./•◦▪")
    return "".join(sorted(chars))


def assemble_html(
    *,
    title: str,
    lang: str,
    notebooks: list[ExecutedNotebook],
    dataset,
    data_files: list[Path],
    data_dir: Path,
    parameters: dict,
    lang_parameter: str = "lang",
    font_path: Path | None = None,
    cache_dir: Path | None = None,
    version: str = "",
    editions: dict[str, str] | None = None,
) -> str:
    """The complete report in one language, as an HTML string. `editions`: language -> file
    name of each edition beside this one (a link to the others heads the report)."""
    from jinja2 import Environment, StrictUndefined
    from markupsafe import Markup

    from policyreport.build import apparatus, fontembed, langparts

    t = strings(lang)
    chapters = []
    origin = {}
    for executed in notebooks:
        chapter = Chapter(name=executed.name)
        chapter.elements = report_elements(executed.notebook, f"{executed.name} ({lang})")
        for element in chapter.elements:
            _check_self_contained(element, f"{executed.name} ({lang})")
            _scope_header_cells(element)
            _focusable_scroll_box(element)
            for link in element.find_all("a", href=True):
                origin[id(link)] = f"{executed.name} ({lang})"
        chapters.append(chapter)

    all_elements = [element for chapter in chapters for element in chapter.elements]
    number_labels = _number(all_elements, t)
    toc = _headings(chapters)
    ref_labels = _label_map(dataset)

    appendix = {}
    for key, letter in APPENDIX_LETTERS.items():
        appendix[key] = {
            "id": f"appendix-{letter.lower()}",
            "title": t["appendix"].format(letter=letter, title=t[key]),
        }
        toc.append(TocEntry(id=appendix[key]["id"], text=appendix[key]["title"]))

    context = appendix_context(dataset, lang, ref_labels, t)
    sources = _source_context(dataset.sources, t, lang)

    # Links in the prose: every internal link must land; ref links get their label.
    ids = set(ref_labels) | {entry["anchor"] for entry in context["exclusions"]}
    for chapter in chapters:
        for element in chapter.elements:
            ids.update(tag["id"] for tag in [element, *element.find_all(True)] if tag.get("id"))
    ids.update(entry.id for entry in toc)
    ids.update(child.id for entry in toc for child in entry.children)
    ids.update(source["anchor"] for source in sources)
    ids.update({"top", "contents", f"{appendix['assumptions']['id']}-caveats"})
    ids.add(f"{appendix['sources']['id']}-files")
    titles = {**link_titles(dataset, lang, ref_labels, t), **_caption_titles(all_elements)}
    for chapter in chapters:
        for element in chapter.elements:
            _check_links(element, ids, {**ref_labels, **number_labels}, origin, titles)
    readers = _readers_apparatus(
        chapters, all_elements, number_labels, dataset, lang, ref_labels, t, data_files, data_dir
    )
    for chapter in chapters:
        chapter.html = "\n".join(str(element) for element in chapter.elements)

    environment = Environment(
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
    )
    template = environment.from_string(_template_text("report.html"))
    css = _template_text("report.css")
    render_context = dict(
        html_lang=HTML_LANG.get(lang, lang),
        title=title,
        version=version,
        date=document_date(dataset.sources),
        css=Markup(css),
        t=t,
        sources=sources,
        parameters=_parameters_shown(parameters, lang_parameter, lang),
        checksum=data_checksum(data_files, data_dir),
        toc=toc,
        chapters=[{"name": c.name, "html": Markup(c.html)} for c in chapters],
        appendix=appendix,
        # a report over several sources says which one each fact comes from
        name_sources=len(sources) > 1,
        data_files=data_file_records(data_files, data_dir.parent),
        editions=apparatus.editions(lang, editions or {}, _all_strings()),
        **readers,
        **context,
    )
    render_context["cite"] = apparatus.citation_text(
        title=title,
        metas=[dict(source.meta) for source in dataset.sources],
        lang=lang,
        version=version,
        date=render_context["date"],
        checksum=render_context["checksum"],
        t=t,
    )
    draft = template.render(font_face="", **render_context)
    parsed = _soup(draft)  # once, for both
    _check_unique_ids(parsed)
    font = fontembed.subset_woff2(
        font_path or fontembed.cjk_font_path(), used_characters(draft, parsed), cache_dir
    )
    html = template.render(font_face=Markup(fontembed.font_face_css(font)), **render_context)
    return langparts.mark_chinese_runs(html, render_context["html_lang"])


def _all_strings() -> dict[str, dict]:
    return tomllib.loads(_template_text("strings.toml"))


def _readers_apparatus(
    chapters, elements, number_labels, dataset, lang, ref_labels, t, data_files, data_dir
) -> dict:
    """Tips and citation ids on the prose's number links (policyreport.build.apparatus), and
    what the template shows of them: back-links per appendix row, the downloads."""
    from policyreport.build import apparatus

    tips = apparatus.source_tips(dataset, lang, ref_labels, t)
    return {
        "citations": apparatus.mark_citations(chapters, tips),
        "downloads": apparatus.data_downloads(data_files, Path(data_dir), t, dataset)
        + apparatus.chart_downloads(elements, number_labels, t),
    }


def _check_unique_ids(soup) -> None:
    seen = set()
    duplicates = []
    for tag in soup.find_all(id=True):
        if tag["id"] in seen:
            duplicates.append(tag["id"])
        seen.add(tag["id"])
    if duplicates:
        raise BuildError(
            step="assemble",
            reason=f"duplicate element id(s) in the report: {', '.join(sorted(set(duplicates)))}",
        )


def data_checksum(data_files: list[Path], data_dir: Path) -> str:
    """sha256 over the data files: each file's path relative to data_dir and its bytes."""
    digest = hashlib.sha256()
    for path in sorted(data_files, key=lambda p: p.relative_to(data_dir).as_posix()):
        digest.update(path.relative_to(data_dir).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def list_data_files(data_dir: Path) -> list[Path]:
    """Every file under data_dir, sorted by relative path (hidden files skipped)."""
    data_dir = Path(data_dir)
    return sorted(
        (
            path
            for path in data_dir.rglob("*")
            if path.is_file()
            and not any(part.startswith(".") for part in path.relative_to(data_dir).parts)
        ),
        key=lambda p: p.relative_to(data_dir).as_posix(),
    )
