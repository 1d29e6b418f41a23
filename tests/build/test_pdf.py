"""The PDF: every font embedded, Chinese text extractable, several pages, fixed metadata, the
same bytes for the same HTML, no WeasyPrint warning; and PDF/UA-1 on the real report (conftest's
`built_report`): pdfua finds nothing, one Figure with its alt text per chart, one Table per
table, headings without gaps that the bookmarks follow, links that name their destination."""

import io
import re
import tomllib
from pathlib import Path

import pikepdf
import pytest
from bs4 import BeautifulSoup
from fixture_report import fixture
from pdf_structure import structure
from pdfua import validate
from pypdf import PdfReader

from policyreport import paths
from policyreport.build.pdf import Renderers, render_pdf
from policyreport.build.spec import load_spec
from policyreport.errors import BuildError

ACCEPTED = tomllib.loads(
    (Path(__file__).parents[1] / "fixtures" / "build" / "pdfua_accepted.toml").read_text("utf-8")
)


pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def html_zh(tmp_path_factory):
    return fixture.assemble("zh", cache_dir=tmp_path_factory.mktemp("fonts"))


@pytest.fixture(scope="module")
def pdf_zh(html_zh):
    return render_pdf(html_zh)


def fonts(reader: PdfReader) -> dict[str, object]:
    found = {}
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            found[str(font["/BaseFont"])] = font
    return found


def descriptor(font):
    if "/DescendantFonts" in font:
        font = font["/DescendantFonts"][0].get_object()
    return font["/FontDescriptor"].get_object()


def test_every_font_embedded(pdf_zh):
    found = fonts(PdfReader(io.BytesIO(pdf_zh)))
    assert found
    for name, font in found.items():
        files = {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor(font))
        assert files, f"{name} is not embedded"
    # one family only: the embedded subset of the CJK font
    assert all(name.endswith("+Report-Sans") for name in found), sorted(found)


def test_chinese_text_extractable_and_pages(pdf_zh):
    reader = PdfReader(io.BytesIO(pdf_zh))
    assert len(reader.pages) > 1
    text = "".join(page.extract_text() for page in reader.pages)
    for phrase in ("示例报告", "历年出口额", "出口额92.1亿美元", "附录A"):
        assert phrase in text
    assert "1 / " in text  # page footer "n / N"


def test_metadata_from_the_source_not_the_clock(pdf_zh):
    info = PdfReader(io.BytesIO(pdf_zh)).metadata
    assert info["/Title"] == "示例报告"
    assert info["/CreationDate"].startswith("D:202606")
    assert info["/ModDate"] == info["/CreationDate"]


def test_toc_has_page_numbers_and_refs_print_labels(pdf_zh):
    reader = PdfReader(io.BytesIO(pdf_zh))
    toc_page = reader.pages[0].extract_text()
    assert "甲章" in toc_page and "附录E" in toc_page
    chapter = reader.pages[1].extract_text()
    assert "F1" in chapter and "D1" in chapter and "A1" in chapter


def test_byte_identical(html_zh, pdf_zh):
    assert render_pdf(html_zh) == pdf_zh


def test_nothing_is_fetched():
    html = '<html><body><img src="https://example.org/x.png"><p>x</p></body></html>'
    with pytest.raises(BuildError, match="may load nothing"):
        render_pdf(html)


def test_a_warning_fails_the_render():
    # WeasyPrint reads media types only: a media feature is a parse error it would skip
    html = (
        '<html lang="en"><head><title>x</title><style>@media screen and (max-width: 1px) '
        "{ p { color: red } }</style></head><body><p>x</p></body></html>"
    )
    with pytest.raises(BuildError, match="WeasyPrint: Expected a media type"):
        render_pdf(html)


def test_a_renderer_process_gives_the_same_bytes_one_report_after_another(
    html_zh, pdf_zh, tmp_path
):
    # one long-lived renderer: a small English page first, then the Chinese report; each PDF
    # as a renderer of its own (a fresh process) would make it
    english = (
        "<html lang='en'><head><title>first</title></head><body><h1>First</h1>"
        "<p>Another document, rendered first.</p></body></html>"
    )
    (tmp_path / "en.html").write_text(english, encoding="utf-8")
    (tmp_path / "zh.html").write_text(html_zh, encoding="utf-8")
    with Renderers(1) as renderers:
        first = renderers.submit(tmp_path / "en.html", tmp_path / "en.pdf")
        second = renderers.submit(tmp_path / "zh.html", tmp_path / "zh.pdf")
        assert first.result() > 0 and second.result() > 0
        assert len(renderers._processes) == 1
    assert (tmp_path / "zh.pdf").read_bytes() == pdf_zh
    assert (tmp_path / "en.pdf").read_bytes() == render_pdf(english)


def test_a_failed_rendering_names_its_file_and_the_renderer_goes_on(tmp_path):
    (tmp_path / "fetches.html").write_text(
        '<html><body><img src="https://example.org/x.png"><p>x</p></body></html>'
    )
    good = "<html lang='en'><head><title>x</title></head><body><p>x</p></body></html>"
    (tmp_path / "good.html").write_text(good)
    with Renderers(1) as renderers:
        failed = renderers.submit(tmp_path / "fetches.html", tmp_path / "fetches.pdf")
        with pytest.raises(BuildError, match=r"^pdf: fetches\.html: the report may load nothing"):
            failed.result()
        assert renderers.submit(tmp_path / "good.html", tmp_path / "good.pdf").result() > 0
    assert (tmp_path / "good.pdf").read_bytes() == render_pdf(good)
    assert not (tmp_path / "fetches.pdf").exists()


def test_a_cached_pdf_is_copied_not_rendered(tmp_path):
    good = "<html lang='en'><head><title>x</title></head><body><p>x</p></body></html>"
    (tmp_path / "good.html").write_text(good)
    cache = tmp_path / "cache"
    with Renderers(1, cache) as renderers:
        assert renderers.submit(tmp_path / "good.html", tmp_path / "a.pdf").result() > 0
        assert renderers.submit(tmp_path / "good.html", tmp_path / "b.pdf").result() is None
        assert len(list(cache.glob("*.pdf"))) == 1
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_pdf_ua_identification(pdf_zh):
    pdf = pikepdf.open(io.BytesIO(pdf_zh))
    assert pdf.pdf_version == "1.7"
    assert pdf.Root.MarkInfo.Marked is True
    assert str(pdf.Root.Lang) == "zh-Hans"
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    assert str(pdf.docinfo.Title) == "示例报告"
    with pdf.open_metadata() as xmp:
        assert xmp["pdfuaid:part"] == "1"
        assert xmp["dc:title"] == "示例报告"


# --- the real report ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def report(built_report):
    out, _, _ = built_report
    name = load_spec(paths.REPORT / "report.toml").name
    return lambda lang, ext: out / f"{name}.{lang}.{ext}"


def html_of(report, lang: str) -> BeautifulSoup:
    return BeautifulSoup(report(lang, "html").read_text("utf-8"), "html.parser")


def marks_content(element) -> bool:
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, int) or (isinstance(kid, pikepdf.Dictionary) and marks_content(kid)):
            return True
    return False


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_pdfua_finds_nothing(report, lang):
    result = validate(str(report(lang, "pdf")))
    accepted = {entry["rule"] for entry in ACCEPTED.get("finding", [])}
    assert [f"{f.rule_id}: {f.message}" for f in result.findings if f.rule_id not in accepted] == []
    skipped = {entry["rule"] for entry in ACCEPTED.get("skipped", [])}
    assert {outcome.rule_id for outcome in result.outcomes if outcome.skipped_reason} <= skipped


@pytest.mark.parametrize(("lang", "html_lang"), [("zh", "zh-Hans"), ("en", "en")])
def test_report_is_tagged_with_language_and_title(report, lang, html_lang):
    pdf = pikepdf.open(report(lang, "pdf"))
    assert pdf.Root.MarkInfo.Marked is True
    assert str(pdf.Root.Lang) == html_lang
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    assert str(pdf.docinfo.Title) == html_of(report, lang).title.get_text()
    with pdf.open_metadata() as xmp:
        assert xmp["pdfuaid:part"] == "1"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_one_figure_with_its_alt_text_per_chart(report, lang):
    charts = [img["alt"] for img in html_of(report, lang).select("img")]
    pdf = pikepdf.open(report(lang, "pdf"))  # kept open: the elements live in it
    figures = [e for e in structure(pdf) if e.S == "/Figure"]
    assert len(charts) >= 5 and all(alt.strip() for alt in charts)
    assert [str(figure.Alt) for figure in figures] == charts


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_one_table_per_table_with_scoped_headers(report, lang):
    tables = html_of(report, lang).select("table")
    pdf = pikepdf.open(report(lang, "pdf"))  # kept open: the elements live in it
    tree = structure(pdf)
    assert len(tables) >= 5
    assert len([e for e in tree if e.S == "/Table"]) == len(tables)
    assert len([e for e in tree if e.S == "/THead"]) == len(tables)
    headers = [e for e in tree if e.S == "/TH"]
    assert len(headers) == sum(len(table.select("th")) for table in tables)
    assert {str(th.A.Scope) for th in headers} <= {"/Column", "/Row"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_headings_nest_without_gaps_and_bookmarks_follow_them(report, lang):
    html = html_of(report, lang)
    pdf = pikepdf.open(report(lang, "pdf"))
    expected = [
        (int(h.name[1]), words(h.get_text())) for h in html.find_all(re.compile(r"^h[1-6]$"))
    ]
    headings = [e for e in structure(pdf) if re.fullmatch(r"/H[1-6]", str(e.S))]
    assert [int(str(h.S)[2]) for h in headings] == [level for level, _ in expected]
    assert all(marks_content(h) for h in headings)  # what pdfua's UA-14-001 would check
    levels = [level for level, _ in expected]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))

    def outline(items, level=1):
        for item in items:
            yield level, words(item.title)
            yield from outline(item.children, level + 1)

    with pdf.open_outline() as bookmarks:
        assert list(outline(bookmarks.root)) == expected


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_link_names_its_destination(report, lang):
    titles = {
        a["href"][1:]: a["title"] for a in html_of(report, lang).select('a.ref[href^="#"][title]')
    }
    pdf = pikepdf.open(report(lang, "pdf"))
    annotations = [a for page in pdf.pages for a in page.get("/Annots", [])]
    assert len(annotations) > 300
    links = [e for e in structure(pdf) if e.S == "/Link"]
    assert links
    for annotation in annotations:
        target, described = str(annotation.Dest), str(annotation.get("/Contents", ""))
        assert described and described != target
        if target in titles:  # a number: its label and what it measures, "F13: …"
            assert described == titles[target]
            assert re.match(r"[FDA]\d+(: |：)\S", described), described


def _flat(text: str) -> str:
    """Text without whitespace or the printed reference marks (F13, D2, A1), for finding the
    HTML's words in what pypdf extracts of a page."""
    return "".join(re.sub(r"[FDA]\d+", "", text).split())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_note_is_kept_with_what_it_comments(report, lang):
    # A note's first words are on the page where the element before it ends, so that no page
    # opens with a note cut off from its paragraph.
    pages = [_flat(page.extract_text()) for page in PdfReader(report(lang, "pdf")).pages]
    notes = html_of(report, lang).select('main [data-report="note"]')
    assert len(notes) >= 5
    apart = []
    for note in notes:
        before = note.find_previous_sibling()
        if before is None:
            continue
        # a table ends with its last row (its caption prints above it)
        last = before.select("tr")[-1] if before.select("tr") else before
        head, tail = _flat(note.get_text())[:24], _flat(last.get_text())[-24:]
        on = [n for n, text in enumerate(pages) if head in text]
        assert on, f"note not found in the PDF: {note.get_text()[:40]!r}"
        if not any(tail in pages[n] for n in on):
            apart.append(f"page {on[0] + 1}: {note.get_text()[:30]!r}")
    assert apart == []
