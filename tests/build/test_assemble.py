"""Assembling the report HTML from executed fixture notebooks: only data-report outputs,
numbered figures and tables, resolving links, appendices, a self-contained document with a
subset font, and the same bytes every time."""

import base64
import io
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fixture_report import fixture

from policyreport.errors import BuildError

FIXTURES = Path(__file__).parents[1] / "fixtures"


assemble = fixture.assemble
executed = fixture.executed_notebooks


@pytest.fixture(scope="module")
def font_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("fonts")


@pytest.fixture(scope="module")
def html_en(font_cache):
    return assemble("en", cache_dir=font_cache)


@pytest.fixture(scope="module")
def html_zh(font_cache):
    return assemble("zh", cache_dir=font_cache)


def soup(html):
    return BeautifulSoup(html, "html.parser")


def test_only_data_report_outputs(html_en):
    assert "stream output never reaches the report" not in html_en
    assert "an HTML output without data-report" not in html_en
    assert "display(HTML" not in html_en  # no code
    assert "A chapter with a heading" not in html_en  # no markdown cells
    doc = soup(html_en)
    chapters = doc.select("main section.chapter")
    assert [c["data-notebook"] for c in chapters] == ["10_alpha", "20_beta"]
    for chapter in chapters:
        assert all(child.has_attr("data-report") for child in chapter.find_all(recursive=False))


def test_self_contained(html_en, html_zh):
    for html in (html_en, html_zh):
        assert "<script" not in html.lower()
        doc = soup(html)
        for tag in doc.find_all(True):
            for attribute in ("src", "href", "srcset"):
                value = tag.get(attribute)
                if value is not None:
                    assert value.startswith(("#", "data:")), (tag.name, attribute, value[:60])
        assert not re.search(r"url\(\s*['\"]?\s*(https?:|//)", html)
        assert not doc.find("link")


def test_figures_and_tables_numbered(html_en, html_zh):
    doc = soup(html_en)
    captions = [c.get_text() for c in doc.select("main figcaption, main caption")]
    assert captions == [
        "Figure 1. Exports by year",
        "Figure 2. Share of exports",
        "Table 1. Loans by year",
    ]
    zh = [c.get_text() for c in soup(html_zh).select("main figcaption, main caption")]
    assert zh == ["图1　历年出口额", "图2　出口占比", "表1　历年贷款"]
    # an empty link to a figure gets the figure's label
    link = doc.select_one('a[href="#fig-alpha-share"]')
    assert link.get_text() == "Figure 2" and link["data-label"] == "Figure 2"


def test_every_link_resolves_and_refs_carry_labels(html_en):
    doc = soup(html_en)
    ids = {tag["id"] for tag in doc.find_all(id=True)}
    refs = doc.select("a.ref")
    assert len(refs) >= 6
    for link in doc.find_all("a", href=True):
        if link.has_attr("download"):  # a file to save, embedded (test_downloads)
            assert link["href"].startswith("data:"), link
            continue
        assert link["href"].startswith("#")
        assert link["href"][1:] in ids, link
    labels = {}
    for row in doc.select(".appendix tr[id]"):
        label = row.select_one("td.label")
        if label is not None:
            labels[row["id"]] = label.get_text()
    for link in refs:
        assert link["data-label"] == labels[link["href"][1:]]
    assert labels["fact-f_exports"] == "F1"
    assert labels["fact-f_loans"] == "F2"
    assert labels["derived-d_share"] == "D1"
    assert labels["assumption-a_rate"] == "A1"


def test_title_block_and_toc(html_en):
    doc = soup(html_en)
    header = doc.select_one("header.title-block")
    text = header.get_text(" ")
    assert "Fixture report" in text
    assert "A fixture page" in text and "示例日报" in text
    assert text.count("inferred") == 2  # publisher and date are inferences
    assert "2026-06" in text
    assert 'lang = "en"' in text and "rate = 7.2" in text
    assert re.search(r"sha256:[0-9a-f]{64}", text)
    assert doc.select_one('meta[name="dcterms.created"]')["content"] == "2026-06"
    toc = [a["href"] for a in doc.select("nav.toc a")]
    assert toc[:3] == ["#alpha", "#beta", "#beta-section"]
    assert toc[3:] == [f"#appendix-{letter}" for letter in "abcde"]


def test_appendices(html_en, html_zh):
    doc = soup(html_en)
    facts = doc.select("#appendix-a tbody tr")
    assert [row["id"] for row in facts] == ["fact-f_exports", "fact-f_loans"]
    assert "出口额92.1亿美元" in facts[0].get_text()  # verbatim quote
    assert "a-one" in facts[0].get_text()  # article
    derived = doc.select_one("#derived-d_share")
    assert "loan balance divided by exports" in derived.get_text()
    inputs = [a["href"] for a in derived.select("a.ref")]
    assert inputs == ["#fact-f_loans", "#fact-f_exports"]
    assert "A balance divided by a flow is no rate." in doc.select_one("#appendix-c").get_text()
    assumption = doc.select_one("#assumption-a_rate").get_text()
    assert "Not from the page." in assumption and "medium" in assumption
    assert "An edition number" in doc.select_one("#appendix-d").get_text()
    sources = doc.select_one("#appendix-e").get_text()
    assert "Inferred from a byline." in sources and "fixture_dataset.py" in sources
    zh = soup(html_zh)
    assert "出口额" in zh.select_one("#fact-f_exports").get_text()
    assert "存量除以流量不是比率。" in zh.select_one("#appendix-c").get_text()
    assert zh.select_one("#appendix-a h2").get_text() == "附录A　事实数据"


def test_font_is_an_embedded_subset(html_zh):
    from fontTools.ttLib import TTFont

    from policyreport.build.fontembed import cjk_font_path

    match = re.search(r"url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)", html_zh)
    assert match, "no embedded WOFF2 font"
    font = TTFont(io.BytesIO(base64.b64decode(match.group(1))))
    assert font.flavor == "woff2"
    cmap = font.getBestCmap()
    text = soup(html_zh).get_text()
    for char in "示例报告甲章出口额附录":
        assert ord(char) in cmap
    assert ord("龘") not in cmap  # not in the document, so not in the subset
    with TTFont(cjk_font_path(), lazy=True) as full:
        assert len(font.getGlyphOrder()) < len(full.getGlyphOrder()) / 20
    missing = {c for c in set(text) if c.isprintable() and not c.isspace() and ord(c) not in cmap}
    assert not missing


def test_deterministic(html_en, font_cache):
    assert assemble("en", cache_dir=font_cache) == html_en
    assert assemble("en") == html_en  # without the font cache too


def with_output(html: str, lang: str = "en") -> list:
    notebooks = executed(lang)
    cell = {
        "cell_type": "code",
        "id": "planted",
        "metadata": {},
        "source": "",
        "execution_count": 9,
        "outputs": [{"output_type": "display_data", "metadata": {}, "data": {"text/html": html}}],
    }
    notebooks[1].notebook["cells"].append(cell)
    return notebooks


@pytest.mark.parametrize(
    ("html", "match"),
    [
        ('<p data-report="paragraph">x<script>alert(1)</script></p>', "script"),
        (
            '<figure data-report="figure" id="fig-x"><img src="https://example.org/x.png"></figure>',
            "points outside",
        ),
        ('<p data-report="paragraph" onclick="x()">x</p>', "event handler"),
        (
            '<p data-report="paragraph"><a class="ref" href="#fact-nope" data-fact="nope">1</a></p>',
            "20_beta.*#fact-nope",
        ),
        ('<p data-report="chart">x</p>', "not one of"),
        ('<h2 data-report="heading" id="alpha">again</h2>', "duplicate element id"),
    ],
)
def test_broken_fragments_fail_the_build(html, match, font_cache):
    with pytest.raises(BuildError, match=match):
        assemble("en", notebooks=with_output(html), cache_dir=font_cache)


def test_missing_glyph_fails(font_cache):
    with pytest.raises(BuildError, match="no glyph"):
        assemble("en", notebooks=with_output('<p data-report="paragraph">🦜</p>'))


def test_other_html_outputs_are_ignored(font_cache):
    notebooks = with_output('<div class="dataframe"><table><tr><td>debug</td></tr></table></div>')
    html = assemble("en", notebooks=notebooks, cache_dir=font_cache)
    assert "debug" not in html


def test_links_are_titled_with_their_destination(html_en, html_zh):
    # The title names where a link leads: a tooltip on screen, the link's description in the
    # PDF (policyreport.build.pdftags). Fixture: F1 = f_exports "Exports" / "出口额",
    # A1 = a_rate "Exchange rate", Figure 2 = fig-alpha-share "Share of exports", and the
    # derived figure D1 has no subject, so its label alone.
    en = soup(html_en)
    assert {a["title"] for a in en.select('a[href="#fact-f_exports"]')} == {"F1: Exports"}
    assert {a["title"] for a in en.select('a[href="#assumption-a_rate"]')} == {"A1: Exchange rate"}
    assert {a["title"] for a in en.select('a[href="#derived-d_share"]')} == {"D1"}
    assert en.select_one('a[href="#fig-alpha-share"]')["title"] == "Figure 2. Share of exports"
    zh = soup(html_zh)
    assert {a["title"] for a in zh.select('a[href="#fact-f_exports"]')} == {"F1：出口额"}
    # a heading needs no title: its link's own words name it
    assert not en.select_one('nav.toc a[href="#alpha"]').has_attr("title")


def test_every_header_cell_declares_its_scope(font_cache):
    table = (
        '<table data-report="table" id="tab-planted"><thead><tr><th>Year</th><th>Value</th>'
        "</tr></thead><tbody><tr><th>2025</th><td>1</td></tr></tbody></table>"
    )
    doc = soup(assemble("en", notebooks=with_output(table), cache_dir=font_cache))
    planted = doc.select_one("#tab-planted")
    assert [th["scope"] for th in planted.select("th")] == ["col", "col", "row"]
    assert doc.select("th") and all(th.get("scope") in ("col", "row") for th in doc.select("th"))
