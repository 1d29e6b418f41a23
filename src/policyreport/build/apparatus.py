"""The reader's apparatus around the assembled report: what a reader needs besides the prose.

- the source one glance away: every number link of the prose carries `data-tip`, its label,
  what it measures, its verbatim quote (or formula, or basis), period and qualifier, which the
  stylesheet shows on hover and on keyboard focus (no script);
- citations both ways: every number link of the prose gets an id (`cite-<anchor>-<n>`) and
  each appendix row lists where it is cited (↑ §2.1), linking back to that very link;
- a link to the other language's edition, a "how to cite" line and the data to download
  (the data's CSV files and each chart's SVG as `data:` URIs with a download name).

Everything is computed from the assembled elements and the Dataset: no clock, stable order.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

_REF_KINDS = ("fact", "derived", "assumption")


def _text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def _row(frame, ident: str) -> dict:
    if frame is None or ident not in getattr(frame, "index", ()):
        return {}
    row = frame.loc[ident]
    return {key: row[key] for key in row.index}


def _localised(row: dict, stem: str, lang: str) -> str:
    return _text(row.get(f"{stem}_{lang}")) or _text(row.get(f"{stem}_en"))


def source_tips(dataset, lang: str, labels: dict[str, str], t: dict) -> dict[str, str]:
    """anchor id -> what pointing at a link to it shows: label and subject, then the quote (a
    fact), the formula (a derived figure) or the basis (an assumption), then period and
    qualifier; one item a line, the labels in the edition's language."""

    def line(name: str, value: str) -> str:
        return t["link_title"].format(label=name, subject=value)

    qualifiers = t.get("qualifier_words", {})
    ids = id_labels(labels)
    tips = {}
    for anchor, label in labels.items():
        kind, ident = anchor.split("-", 1)
        figure = dataset.figure(ident)
        frame = {"fact": dataset.facts, "derived": dataset.derived}.get(kind, dataset.assumptions)
        row = _row(frame, ident)
        subject = _localised(row, "label" if kind == "assumption" else "subject", lang)
        subject = with_labels(subject, ids)
        lines = [line(label, subject) if subject else label]
        if kind == "fact" and _text(row.get("quote")):
            lines.append(line(t["quote"], f"「{_text(row['quote'])}」"))
        elif kind == "derived":
            formula = _localised(row, "formula", lang) or _text(row.get("formula"))
            if formula:
                lines.append(line(t["formula"], formula))
        elif kind == "assumption" and _localised(row, "basis", lang):
            lines.append(line(t["basis"], _localised(row, "basis", lang)))
        facets = []
        period = _text(getattr(figure, "period", "")) or _text(row.get("period"))
        if period:
            facets.append(line(t["period"], period))
        qualifier = _text(getattr(figure, "qualifier", ""))
        if qualifier and kind != "assumption":  # a value we chose has no qualifier of a source
            facets.append(line(t["qualifier"], qualifiers.get(qualifier, qualifier)))
        if facets:
            lines.append(t["tip_sep"].join(facets))
        tips[anchor] = "\n".join(lines)
    return tips


@dataclass
class Citation:
    id: str  # the id given to the citing link
    section: str  # "§2.1"
    heading: str  # the section's heading text


def _ref_anchor(link) -> str | None:
    href = link.get("href", "")
    if "ref" not in (link.get("class") or []) or not href.startswith("#"):
        return None
    target = href[1:]
    return target if target.split("-", 1)[0] in _REF_KINDS else None


def mark_citations(chapters, tips: dict[str, str]) -> dict[str, list[Citation]]:
    """Give every number link of the chapters an id and its tip; anchor -> its citations in
    document order. Sections are numbered as read: chapter n, its h3 sections n.1, n.2 …"""
    citations: dict[str, list[Citation]] = {}
    for number, chapter in enumerate(chapters, start=1):
        section, heading = f"§{number}", ""
        subsection = 0
        for element in chapter.elements:
            for tag in [element, *element.find_all(True)]:
                if tag.name == "h2":
                    section, heading = f"§{number}", tag.get_text(" ", strip=True)
                elif tag.name == "h3":
                    subsection += 1
                    section = f"§{number}.{subsection}"
                    heading = tag.get_text(" ", strip=True)
                elif tag.name == "a":
                    anchor = _ref_anchor(tag)
                    if anchor is None:
                        continue
                    cited = citations.setdefault(anchor, [])
                    cite_id = f"cite-{anchor}-{len(cited) + 1}"
                    tag["id"] = cite_id
                    if anchor in tips:
                        tag["data-tip"] = tips[anchor]
                    cited.append(Citation(cite_id, section, heading))
    return citations


# --- downloads, editions, citation ----------------------------------------------------------


@dataclass
class Download:
    name: str  # the file name the browser saves
    href: str  # a data: URI
    what: str  # the words of the link
    size: int


def _data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def data_downloads(data_files: list[Path], data_dir: Path, t: dict, dataset=None) -> list[Download]:
    """The data's own tables (the CSV files at the top of data/): facts, derived figures,
    assumptions, exclusions. With the report's `dataset` (a scoped one), each table holds only
    the rows the report covers, each row's text exactly as in the repository; a report over
    all the data offers the files as they are."""
    keys = _primary_keys(data_dir)
    shown = []
    for path in data_files:
        if path.suffix != ".csv" or path.parent != data_dir:
            continue
        data = path.read_bytes()
        frame = getattr(dataset, path.stem, None) if dataset is not None else None
        if frame is not None and keys.get(path.name):
            data = rows_in_scope(data, keys[path.name], frame)
        what = t.get("download_words", {}).get(path.stem, path.stem)
        shown.append(
            Download(path.name, _data_uri("text/csv;charset=utf-8", data), what, len(data))
        )
    return shown


def _primary_keys(data_dir: Path) -> dict[str, list[str]]:
    """CSV file name -> its Table Schema primary key (data/datapackage.json)."""
    import json

    descriptor = Path(data_dir) / "datapackage.json"
    if not descriptor.is_file():
        return {}
    resources = json.loads(descriptor.read_text("utf-8")).get("resources", [])
    keys = {}
    for resource in resources:
        key = resource.get("schema", {}).get("primaryKey")
        if resource.get("path") and key:
            keys[Path(resource["path"]).name] = [key] if isinstance(key, str) else list(key)
    return keys


def rows_in_scope(data: bytes, key: list[str], frame) -> bytes:
    """A CSV file's header and those of its records whose primary key is a row of `frame`,
    each record's bytes untouched (a quoted field may span lines: records, not lines)."""
    import csv

    if len(frame) == 0:  # no row in scope (an empty table's frame has no columns either)
        wanted = set()
    elif not set(key) <= set(frame.columns):
        return data
    else:
        wanted = {
            tuple(_text(value) for value in values)
            for values in zip(*(frame[column] for column in key), strict=True)
        }
    lines = data.decode("utf-8").splitlines(keepends=True)
    consumed: list[str] = []

    def feed():
        for line in lines:
            consumed.append(line)
            yield line

    reader = csv.reader(feed())
    header = next(reader, None)
    if header is None or not set(key) <= set(header):
        return data
    kept = ["".join(consumed)]
    consumed.clear()
    positions = [header.index(column) for column in key]
    for record in reader:  # the reader asks for no line past the record it returns
        raw = "".join(consumed)
        consumed.clear()
        if record and tuple(record[i].strip() for i in positions) in wanted:
            kept.append(raw)
    return "".join(kept).encode("utf-8")


_SVG_URI = re.compile(r"^data:image/svg\+xml;base64,")


def chart_downloads(elements: list, number_labels: dict[str, str], t: dict) -> list[Download]:
    """Each chart's SVG as it is embedded and its PNG when the image carries one as
    `data-png` (taken off the image: the page holds it once, in the download link), named
    after the figure's id."""
    shown = []
    for top in elements:
        if top.get("data-report") != "figure" or not top.get("id"):
            continue
        image = top.find("img")
        if image is None or not _SVG_URI.match(image.get("src", "")):
            continue
        label = number_labels.get(top["id"], top["id"])
        size = len(base64.b64decode(_SVG_URI.sub("", image["src"])))
        shown.append(Download(f"{top['id']}.svg", image["src"], f"{label} (SVG)", size))
        png = image.attrs.pop("data-png", "")
        if png.startswith("data:image/png;base64,"):
            size = len(base64.b64decode(png.split(",", 1)[1]))
            shown.append(Download(f"{top['id']}.png", png, f"{label} (PNG)", size))
    return shown


@dataclass
class Edition:
    lang: str  # the edition's language (its lang attribute)
    href: str  # relative: the sibling file
    words: str  # in the edition's own language


def editions(lang: str, names: dict[str, str], t_all: dict[str, dict]) -> list[Edition]:
    """Links to the other languages' editions: lang -> file name beside this one."""
    from policyreport.build.assemble import HTML_LANG

    return [
        Edition(HTML_LANG.get(other, other), href, t_all[other]["this_edition"])
        for other, href in names.items()
        if other != lang and other in t_all
    ]


def citation_text(
    *, title: str, metas: list[dict], lang: str, version: str, date: str, checksum: str, t: dict
) -> str:
    """How to cite the report: title, source, version, data checksum and the data's date (the
    latest publication date of its sources, never the clock). A source is named by its title
    and publisher in the edition's language (policyreport.data.sources.in_language), else by
    its publisher and date."""
    from policyreport.data.sources import in_language

    named = []
    for meta in metas:
        source_title = _text(in_language(meta.get("title"), lang))
        publisher = _text(in_language(meta.get("publisher"), lang))
        published = _text(meta.get("date_published"))
        about = t["about_sep"].join(part for part in (publisher, published) if part)
        if source_title and about:
            named.append(t["cite_source"].format(title=source_title, about=about))
        else:
            named.append(source_title or about or _text(meta.get("file")))
    return t["cite_format"].format(
        title=title,
        source=t["list_sep"].join(named),
        version=version,
        date=date or "—",
        checksum=checksum,
    )


# --- words instead of internal ids ------------------------------------------------------------


def article_names(sources, t: dict, lang: str = "zh") -> dict[tuple[str, str], str]:
    """(source file name, article id) -> how a reader knows the article: its headline in
    《》 (in the English edition its `headline_en` first, the page's words after it), else what
    kind of text it is (a photo caption), with its host article's headline when the layout
    inserted it in one. From each source's layout file; none, no names."""
    import json

    from policyreport.data.sources import layout_path

    kinds = t.get("article_kinds", {})
    names = {}
    for source in sources:
        path = layout_path(source.path)
        if not path.is_file():
            continue
        articles = json.loads(path.read_text("utf-8")).get("articles", [])
        page_lang = _text(getattr(source, "meta", {}).get("language")) or "zh-Hans"
        headlines = {a["id"]: _headline(a, lang, page_lang) for a in articles}
        for article in articles:
            headline = headlines[article["id"]]
            if headline:
                name = headline
            else:
                name = kinds.get(article.get("kind"), "")
                host = headlines.get(article.get("inserted_in") or article.get("relates_to"))
                if name and host:
                    name = Markup(t["article_in"]).format(kind=name, host=host)
            if name:
                names[(Path(source.path).name, article["id"])] = name
    return names


def _headline(article: dict, lang: str, page_lang: str):
    """An article's headline as the edition shows it: 《the page's words》, after its English
    translation in the English edition, where the page's words are marked as Chinese."""
    headline = _text(article.get("headline"))
    if not headline:
        return ""
    translated = _text(article.get(f"headline_{lang}")) if lang != "zh" else ""
    if not translated:
        return Markup("《{}》").format(headline)
    return Markup('{} (<span lang="{}">《{}》</span>)').format(translated, page_lang, headline)


def with_labels(text: str, labels: dict[str, str]) -> str:
    """Prose of the data (a note, a caveat, a basis) with each id of a fact, derived figure or
    assumption replaced by its label: "(year_2026)" reads "(A1)"."""
    if not text or not labels:
        return text
    pattern = _id_pattern(tuple(sorted(labels, key=len, reverse=True)))
    return pattern.sub(lambda match: labels[match.group(0)], text)


def _id_pattern(ids: tuple[str, ...]):
    alternatives = "|".join(re.escape(ident) for ident in ids)
    return re.compile(rf"(?<![A-Za-z0-9_-])(?:{alternatives})(?![A-Za-z0-9_-])")


def id_labels(labels: dict[str, str]) -> dict[str, str]:
    """id -> label (F13) from the assembler's anchor -> label map."""
    return {anchor.split("-", 1)[1]: label for anchor, label in labels.items()}
