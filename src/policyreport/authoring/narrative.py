"""What a notebook says to the report: headings, paragraphs, notes, figures and tables as
`text/html` display outputs whose top element carries `data-report` (docs/architecture.md).

Every function returns its HTML (for tests and for composing) and, when running inside an
IPython kernel, also displays it. Output is deterministic: no random ids, no timestamps.

Numbers only ever enter prose through placeholders naming figures:

    paragraph("{exports:period}，全市出口额达{exports}，同比{yoy:growth}。", "zh",
              exports=ds.figure("city_exports_2025"), yoy=ds.figure("city_exports_2025_yoy"))

Each placeholder becomes `<a class="ref" href="#fact-ID" data-fact="ID">formatted</a>`
(data-derived / data-assumption for the other kinds); the rest of the template is escaped.
`numbers_outside_refs` finds any number that slipped in some other way.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import string
import sys
from collections.abc import Iterable, Sequence
from html.parser import HTMLParser

from policyreport.authoring.fmt import STYLES, check_lang, format_figure
from policyreport.data.records import REF_KINDS, Figure


class Html(str):
    """A string of trusted HTML: inserted as is where plain strings are escaped."""

    __slots__ = ()


class Emitted(Html):
    """HTML that `emit` has already displayed. As the last expression of a cell it shows
    nothing more: IPython would otherwise add its repr as a second, plain-text output."""

    __slots__ = ()

    def _ipython_display_(self) -> None:
        return None


def _text(value: str | Html) -> str:
    return str(value) if isinstance(value, Html) else html.escape(str(value), quote=False)


def _attr(value: str) -> str:
    return html.escape(str(value), quote=True)


# --- display -----------------------------------------------------------------------------


def emit(markup: str) -> Emitted:
    """Display `markup` as a text/html output when running in IPython; return it either way.

    IPython is only imported if it is already loaded, i.e. inside a kernel or shell, so
    plain Python (tests, the build) never pays for it."""
    markup = Emitted(markup)
    if "IPython" in sys.modules:
        from IPython import get_ipython

        if get_ipython() is not None:
            from IPython.display import HTML, display

            display(HTML(str(markup)))
    return markup


# --- references --------------------------------------------------------------------------


def ref(fig: Figure, text: str) -> Html:
    """`text` linked to the appendix row of `fig`."""
    if fig.ref not in REF_KINDS:
        raise ValueError(f"figure {fig.id!r} has ref {fig.ref!r}, not one of {REF_KINDS}")
    return Html(
        f'<a class="ref" href="#{_attr(fig.anchor)}" data-{fig.ref}="{_attr(fig.id)}">'
        f"{_text(text)}</a>"
    )


def _subject(fig: Figure, lang: str) -> str:
    return fig.subject_zh if lang == "zh" else fig.subject_en


def render(template: str, lang: str, *, link: bool = True, **values) -> Html:
    """Fill a str.format-style template: `{name}` or `{name:style}` where `name` is a keyword
    argument. A Figure is formatted (style plain, growth, count, period, or subject for its
    description) and linked; an Html value is inserted as is; a str is escaped. Numbers are
    refused: every number must come from a Figure. With link=False the result is plain text
    (for alt attributes)."""
    check_lang(lang)
    parts: list[str] = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        if literal:
            parts.append(_text(literal) if link else literal)
        if name is None:
            continue
        if not name or not name.isidentifier():
            raise ValueError(f"placeholder {{{name}}} in {template!r}: name a figure")
        if conversion:
            raise ValueError(f"placeholder {{{name}!{conversion}}}: conversions are not used")
        if name not in values:
            raise KeyError(f"template {template!r} uses {{{name}}}, which was not given")
        parts.append(_placeholder(name, values[name], spec or "plain", lang, link))
    return Html("".join(parts))


def _placeholder(name: str, value, spec: str, lang: str, link: bool) -> str:
    if isinstance(value, Figure):
        if spec == "subject":
            text = _subject(value, lang)
            return _text(text) if link else text
        if spec not in STYLES:
            raise ValueError(
                f"{{{name}:{spec}}}: style must be one of {', '.join(STYLES)} or subject"
            )
        text = format_figure(value, lang, style=spec)
        return ref(value, text) if link else text
    if spec not in ("", "plain"):
        raise ValueError(f"{{{name}:{spec}}}: a style applies to figures only")
    if isinstance(value, Html):
        return value if link else _visible_text(value)
    if isinstance(value, str):
        return _text(value) if link else value
    raise TypeError(
        f"{{{name}}} is {type(value).__name__} {value!r}: numbers in prose must be Figures "
        "(ds.figure(id)) so that they are formatted and linked"
    )


# --- report elements ---------------------------------------------------------------------

_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, prefix: str = "h") -> str:
    """A stable id from text: ASCII words if there are any, else a short hash."""
    words = _SLUG.sub("-", text.lower()).strip("-")
    if words:
        return words[:60].strip("-")
    return f"{prefix}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:10]}"


def heading(
    text: str | Html, level: int = 2, id: str | None = None, lang: str | None = None, **figures
) -> Html:
    """`<h2 data-report="heading" id=…>`: level 2 is the chapter title (one per notebook),
    3 a section. With figures (and lang), text is a template as in `paragraph`."""
    if level not in (2, 3):
        raise ValueError(f"heading level must be 2 (chapter) or 3 (section), not {level}")
    body = render(text, lang, **figures) if figures else Html(_text(text))
    ident = id or slug(_visible_text(body))
    return emit(f'<h{level} data-report="heading" id="{_attr(ident)}">{body}</h{level}>')


def paragraph(template: str, lang: str, **figures) -> Html:
    """`<p data-report="paragraph">` from a template whose placeholders name figures."""
    return emit(f'<p data-report="paragraph">{render(template, lang, **figures)}</p>')


def note(template: str, lang: str, **figures) -> Html:
    """A caveat: `<aside data-report="note" class="note">`."""
    return emit(
        f'<aside data-report="note" class="note">{render(template, lang, **figures)}</aside>'
    )


def _prefixed(ident: str, prefix: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", ident):
        raise ValueError(f"id {ident!r}: use letters, digits, - and _")
    return ident if ident.startswith(prefix) else prefix + ident


def figure_html(
    svg_bytes: bytes, id: str, caption: str | Html, alt: str, png_bytes: bytes | None = None
) -> Html:
    """`<figure data-report="figure" id="fig-…"><img src="data:image/svg+xml;base64,…"
    alt="…"><figcaption>…</figcaption></figure>`; alt text is required. `png_bytes`, when
    given, rides along as the image's `data-png` (a data: URI the report offers for download)."""
    if not alt or not str(alt).strip():
        raise ValueError(f"figure {id!r} needs alt text describing what the chart shows")
    if not caption or not str(caption).strip():
        raise ValueError(f"figure {id!r} needs a caption")
    data = base64.b64encode(svg_bytes).decode("ascii")
    png = (
        f' data-png="data:image/png;base64,{base64.b64encode(png_bytes).decode("ascii")}"'
        if png_bytes
        else ""
    )
    return emit(
        f'<figure data-report="figure" id="{_attr(_prefixed(id, "fig-"))}">'
        f'<img src="data:image/svg+xml;base64,{data}" alt="{_attr(alt)}"{png}>'
        f"<figcaption>{_text(caption)}</figcaption></figure>"
    )


def _cell(value, lang: str) -> str:
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], Figure):
        fig, style = value
        return _placeholder("cell", fig, style, lang, True)
    if value is None:
        return ""
    return _placeholder("cell", value, "plain", lang, True)


def table(
    rows: Iterable[Sequence],
    columns: Sequence[str | Html],
    id: str,
    caption: str | Html,
    lang: str,
) -> Html:
    """`<figure data-report="table" id="tab-…"><table>…</table><figcaption>…</figcaption>
    </figure>`. A cell is a Figure (formatted and linked), a (Figure, style) pair, a str
    (escaped), Html, or None (empty); a bare number is refused."""
    check_lang(lang)
    if not caption or not str(caption).strip():
        raise ValueError(f"table {id!r} needs a caption")
    head = "".join(f'<th scope="col">{_text(column)}</th>' for column in columns)
    body = []
    for number, row in enumerate(rows, start=1):
        cells = list(row)
        if len(cells) != len(columns):
            raise ValueError(
                f"table {id!r}, row {number}: {len(cells)} cells for {len(columns)} columns"
            )
        first, *rest = (_cell(cell, lang) for cell in cells)
        tds = "".join(f"<td>{cell}</td>" for cell in rest)
        body.append(f'<tr><th scope="row">{first}</th>{tds}</tr>')
    return emit(
        f'<figure data-report="table" id="{_attr(_prefixed(id, "tab-"))}">'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        f"<figcaption>{_text(caption)}</figcaption></figure>"
    )


# --- checking ----------------------------------------------------------------------------

_INVISIBLE = {"script", "style", "template", "head", "title"}
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class _TextSplitter(HTMLParser):
    """Visible text as chunks in document order, each marked inside or outside an a.ref.

    A chunk is the text between two tags, so text on either side of a reference (or of any
    other tag) is never glued into one number."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[tuple[str, bool]] = []  # (text, inside an a.ref)
        self._stack: list[tuple[str, bool]] = []
        self._refs = 0
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return  # no text, no end tag
        is_ref = tag == "a" and "ref" in (dict(attrs).get("class") or "").split()
        self._refs += is_ref
        self._hidden += tag in _INVISIBLE
        self._stack.append((tag, is_ref))

    def handle_startendtag(self, tag, attrs):
        return  # <br/>, <img/>: no text

    def handle_endtag(self, tag):
        if not any(open_tag == tag for open_tag, _ in self._stack):
            return  # a stray end tag closes nothing
        while self._stack:
            open_tag, is_ref = self._stack.pop()
            self._refs -= is_ref
            self._hidden -= open_tag in _INVISIBLE
            if open_tag == tag:
                break

    def handle_data(self, data):
        if data and not self._hidden:
            self.chunks.append((data, self._refs > 0))


def _chunks(markup: str) -> list[tuple[str, bool]]:
    parser = _TextSplitter()
    parser.feed(markup)
    parser.close()
    return parser.chunks


def _visible_text(markup: str) -> str:
    return "".join(text for text, _ in _chunks(markup))


def _mentions(text: str) -> list[str]:
    from policyreport.data.scan import scan_text  # the project's scanner: digits and 中文数字

    return [mention.text for mention in scan_text(text)]


def numbers_outside_refs(markup: str) -> list[str]:
    """Every numeric mention (policyreport.data.scan: Arabic digits and Chinese numerals) in the
    visible text of `markup` that is not inside an `a.ref` element. Attribute values such as
    alt text and image data are not visible text; each text run between two tags is scanned
    on its own, so text on either side of a reference is never read as one number."""
    found: list[str] = []
    for text, inside in _chunks(markup):
        if not inside:
            found.extend(_mentions(text))
    return found
