"""The reader's apparatus on the fixture report (tests/fixtures/build/fixture_dataset.py):
each number's source in its tip, citations with ids and back-links from the appendix rows,
the link to the other edition, how to cite, and the downloads."""

import base64
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fixture_report import fixture
from reading_text import (
    SKIP_IN_EN,
    SKIP_IN_ZH,
    cjk_runs,
    english_runs,
    ids_in_text,
    internal_ids,
    not_from_the_page,
    page_texts,
    visible_text,
)

from policyreport import paths
from policyreport.build import apparatus
from policyreport.build.assemble import strings
from policyreport.build.spec import load_spec

FIXTURES = Path(__file__).parents[1] / "fixtures"


EDITIONS = {"zh": "fixture.zh.html", "en": "fixture.en.html"}


@pytest.fixture(scope="module")
def font_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("fonts")


def _assemble(lang, font_cache, **options):
    from policyreport.build.assemble import assemble_html, list_data_files

    return assemble_html(
        title=fixture.TITLES[lang],
        lang=lang,
        notebooks=fixture.executed_notebooks(lang),
        dataset=fixture.make_dataset(),
        data_files=list_data_files(options.get("data_dir", fixture.HERE)),
        data_dir=options.get("data_dir", fixture.HERE),
        parameters={"rate": 7.2},
        cache_dir=font_cache,
        version="test",
        editions=EDITIONS,
    )


@pytest.fixture(scope="module")
def en(font_cache):
    return BeautifulSoup(_assemble("en", font_cache), "html.parser")


@pytest.fixture(scope="module")
def zh(font_cache):
    return BeautifulSoup(_assemble("zh", font_cache), "html.parser")


def test_every_number_of_the_prose_carries_its_source(en, zh):
    # Fixture: F1 f_exports, quote 出口额92.1亿美元, period 2025, exact; D1 d_share, formula
    # "loan balance divided by exports", 2025, more than; A1 a_rate, basis "Not from the page."
    tips = {a["href"]: a["data-tip"] for a in en.select("main a.ref")}
    assert tips == {
        "#fact-f_exports": "F1: Exports\nQuote (verbatim): 「出口额92.1亿美元」\n"
        "Period: 2025 · Qualifier: exact",
        "#fact-f_loans": "F2: Loan balance\nQuote (verbatim): 「贷款余额1.2亿元」\n"
        "Period: 2026-04-30 · Qualifier: more than",
        "#derived-d_share": "D1: Loans per export dollar\n"
        "Formula: loan balance divided by exports\nPeriod: 2025 · Qualifier: more than",
        "#assumption-a_rate": "A1: Exchange rate\nBasis: Not from the page.",
    }
    zh_tips = {a["href"]: a["data-tip"] for a in zh.select("main a.ref")}
    assert (
        zh_tips["#fact-f_exports"]
        == "F1：出口额\n原文：「出口额92.1亿美元」\n时期：2025 · 限定：确数"
    )
    assert zh_tips["#assumption-a_rate"] == "A1：汇率\n依据：非页面数据。"


def test_every_citation_has_an_id_and_its_row_links_back(en):
    cited = [(a["id"], a["href"]) for a in en.select("main a.ref")]
    assert cited == [
        ("cite-fact-f_exports-1", "#fact-f_exports"),
        ("cite-derived-d_share-1", "#derived-d_share"),
        ("cite-assumption-a_rate-1", "#assumption-a_rate"),
        ("cite-fact-f_loans-1", "#fact-f_loans"),
    ]
    back = {
        a.find_parent("tr")["id"]: (a["href"], a.get_text(), a["title"])
        for a in en.select(".appendix a.back")
    }
    # chapter 1 "Alpha chapter" has no h3; chapter 2's first h3 is "A section": §2.1
    assert back == {
        "fact-f_exports": (
            "#cite-fact-f_exports-1",
            "↑\xa0§1",
            "Back to where it is cited: §1 Alpha chapter",
        ),
        "fact-f_loans": (
            "#cite-fact-f_loans-1",
            "↑\xa0§2.1",
            "Back to where it is cited: §2.1 A section",
        ),
        "derived-d_share": (
            "#cite-derived-d_share-1",
            "↑\xa0§1",
            "Back to where it is cited: §1 Alpha chapter",
        ),
        "assumption-a_rate": (
            "#cite-assumption-a_rate-1",
            "↑\xa0§1",
            "Back to where it is cited: §1 Alpha chapter",
        ),
    }
    ids = {tag["id"] for tag in en.find_all(id=True)}
    assert all(href[1:] in ids for href, _, _ in back.values())


def test_the_other_edition_is_linked_at_the_top(en, zh):
    links = [(a["href"], a["hreflang"], a.get_text()) for a in en.select("nav.editions a")]
    assert links == [("fixture.zh.html", "zh-Hans", "中文版")]
    links = [(a["href"], a["hreflang"], a.get_text()) for a in zh.select("nav.editions a")]
    assert links == [("fixture.en.html", "en", "English edition")]
    assert en.select_one("header nav.editions") is not None


def test_how_to_cite_names_title_source_version_date_and_checksum(en, zh):
    checksum = en.select_one("header code.checksum").get_text().removeprefix("sha256:")
    assert en.select_one(".how-to-cite h2").get_text() == "How to cite"
    assert en.select_one("p.cite").get_text() == (
        "Fixture report. Version test, data of 2026-06. Source: A fixture page "
        f"(Example Daily (示例日报), 2026-06). Data checksum sha256:{checksum}."
    )
    # the source's title and publisher in the edition's language
    assert zh.select_one(".how-to-cite h2").get_text() == "如何引用"
    assert zh.select_one("p.cite").get_text() == (
        f"示例报告，版本test，数据日期2026-06。来源：示例版面（示例日报，2026-06）。"
        f"数据校验和 sha256:{checksum}。"
    )


def test_a_source_without_a_title_is_named_by_publisher_and_date():
    meta = {
        "file": "p.txt",
        "publisher": {"en": "A Daily", "zh": "某日报"},
        "date_published": "2026",
    }
    words = {"zh": strings("zh"), "en": strings("en")}
    cited = {
        lang: apparatus.citation_text(
            title="T",
            metas=[meta],
            lang=lang,
            version="1",
            date="2026",
            checksum="c",
            t=words[lang],
        )
        for lang in words
    }
    assert "来源：某日报，2026。" in cited["zh"]
    assert "Source: A Daily, 2026." in cited["en"]


def test_the_notes_reasons_and_provenance_read_in_the_editions_language(en, zh):
    # appendix A's note, D's reason and E's fields from the fixture's _en/_zh columns and
    # {en, zh} fields; the note's id (a_rate) reads as its label
    assert zh.select_one("#fact-f_exports .note").get_text() == "关于出口额的说明（A1）。"
    assert en.select_one("#fact-f_exports .note").get_text() == "A note on exports (A1)."
    assert zh.select_one("table.exclusions tbody td:nth-of-type(3)").get_text() == (
        "届次，不是分析所用的数字。"
    )
    assert en.select_one("table.exclusions tbody td:nth-of-type(3)").get_text() == (
        "An edition number, not a figure of the analysis."
    )
    fields = {
        dt.get_text(): dt.find_next_sibling("dd").get_text()
        for dt in zh.select("dl.source-meta dt")
    }
    assert (fields["标题"], fields["出版方"], fields["出版方依据"]) == (
        "示例版面",
        "示例日报",
        "根据署名推断。",
    )
    assert (fields["日期依据"], fields["许可"]) == ("根据正文推断。", "保留所有权利")
    provenance = [dd.get_text().strip() for dd in zh.select("header dl.provenance dd")]
    assert provenance[:2] == ["示例版面", "示例日报（推定；原页面未载明，见附录E）"]


def test_each_chart_downloads_as_svg(en):
    downloads = {a["download"]: a for a in en.select("a[download]")}
    assert sorted(downloads) == ["fig-alpha-exports.svg", "fig-alpha-share.svg"]
    image = en.select_one("#fig-alpha-share img")["src"]
    assert downloads["fig-alpha-share.svg"]["href"] == image
    assert downloads["fig-alpha-share.svg"].get_text() == "Figure 2 (SVG)"


def test_a_figure_with_a_png_offers_it_and_keeps_it_once():
    figure = BeautifulSoup(
        '<figure data-report="figure" id="fig-x"><img src="data:image/svg+xml;base64,PHN2Zy8+" '
        'alt="x" data-png="data:image/png;base64,iVBORw0K"></figure>',
        "html.parser",
    ).figure
    shown = apparatus.chart_downloads([figure], {"fig-x": "Figure 3"}, strings("en"))
    assert [(d.name, d.what, d.size) for d in shown] == [
        ("fig-x.svg", "Figure 3 (SVG)", 6),  # "<svg/>"
        ("fig-x.png", "Figure 3 (PNG)", 6),  # the PNG signature's first six bytes
    ]
    assert not figure.img.has_attr("data-png")


def test_the_data_tables_download_as_csv(tmp_path, font_cache):
    (tmp_path / "facts.csv").write_text("id,value\nf_exports,9210000000\n", "utf-8")
    (tmp_path / "derived.csv").write_text("id\nd_share\n", "utf-8")
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "page.csv").write_text("not a table of the data\n", "utf-8")
    doc = BeautifulSoup(_assemble("zh", font_cache, data_dir=tmp_path), "html.parser")
    downloads = {a["download"]: a for a in doc.select("a[download]")}
    assert sorted(downloads) == [
        "derived.csv",
        "facts.csv",
        "fig-alpha-exports.svg",
        "fig-alpha-share.svg",
    ]
    facts = downloads["facts.csv"]
    assert facts.get_text() == "事实数据"
    prefix = "data:text/csv;charset=utf-8;base64,"
    assert facts["href"].startswith(prefix)
    assert base64.b64decode(facts["href"][len(prefix) :]) == b"id,value\nf_exports,9210000000\n"


# --- words instead of internal ids ------------------------------------------------------------


def test_appendix_links_read_as_labels(en):
    # the fact's assumption, the derived figure's inputs and its caveat link: labels, not ids
    assert [a.get_text() for a in en.select("#fact-f_exports a.ref")] == ["A1"]
    assert [a.get_text() for a in en.select("#derived-d_share a.ref")] == ["F2", "F1"]
    assert [a.get_text() for a in en.select("ul.caveats a.ref")] == ["D1"]
    # the id stays for analysts, as code in its own field
    assert en.select_one("#fact-f_exports .id code").get_text() == "f_exports"


def test_ids_in_the_data_prose_become_labels():
    labels = {"page_year": "A1", "wh_exec_2025": "F13", "wh_exec_2025_yoy": "F14"}
    assert apparatus.with_labels("inferred (page_year); see wh_exec_2025_yoy.", labels) == (
        "inferred (A1); see F14."
    )
    # only whole ids: a longer id or a word that contains one is left alone
    assert apparatus.with_labels("wh_exec_2025_cny and page_years", labels) == (
        "wh_exec_2025_cny and page_years"
    )


def test_articles_are_named_by_headline_or_kind(tmp_path):
    from types import SimpleNamespace

    page = tmp_path / "page.txt"
    (tmp_path / "page.layout.json").write_text(
        '{"articles": ['
        '{"id": "lead", "kind": "article", "headline": "头条", "headline_en": "Lead"},'
        '{"id": "lead-photo", "kind": "caption", "inserted_in": "lead"},'
        '{"id": "other-photo", "kind": "caption"},'
        '{"id": "odd", "kind": "unknown_kind"}]}',
        "utf-8",
    )
    names = apparatus.article_names([SimpleNamespace(path=page)], strings("en"), "en")
    # the English edition: the headline's translation, then the page's words marked Chinese
    assert names == {
        ("page.txt", "lead"): 'Lead (<span lang="zh-Hans">《头条》</span>)',
        ("page.txt", "lead-photo"): 'photo caption in Lead (<span lang="zh-Hans">《头条》</span>)',
        ("page.txt", "other-photo"): "photo caption",
    }
    zh = apparatus.article_names([SimpleNamespace(path=page)], strings("zh"), "zh")
    assert zh[("page.txt", "lead")] == "《头条》"
    assert zh[("page.txt", "lead-photo")] == "《头条》中的图片说明"


# --- the real report: what its readers see --------------------------------------------------

SPEC = load_spec(paths.REPORT / "report.toml")


@pytest.mark.slow
@pytest.mark.parametrize("lang", SPEC.languages)
def test_readers_meet_no_internal_id(built_report, lang):
    html = (built_report[0] / f"{SPEC.name}.{lang}.html").read_text("utf-8")
    doc = BeautifulSoup(html, "html.parser")
    ids = internal_ids()
    # the appendices and the title block: none (the analysts' id field is code)
    for part in doc.select("header, .appendices"):
        found = ids_in_text(visible_text(str(part), skip=("code",)), ids)
        assert found == [], found[:10]
    # nor the chapters' sentences (8 in each edition before issue 10: page_year, usd_cny)
    main = ids_in_text(visible_text(str(doc.select_one("main"))), ids)
    assert main == [], main


# --- the CSV files of a scoped report: only its rows, each as it is in the data --------------

SCOPED_CSV = (
    'id,subject_en,quote\nx1,"Exports, growth",一\ny2,"Two\nlines",二\nz3,Plain,"三,"\n'
).encode()


def test_a_scoped_csv_keeps_the_header_and_the_rows_in_scope_byte_for_byte():
    import pandas as pd

    frame = pd.DataFrame({"id": ["z3", "y2"]})  # the order of the data file is kept
    assert (
        apparatus.rows_in_scope(SCOPED_CSV, ["id"], frame)
        == ('id,subject_en,quote\ny2,"Two\nlines",二\nz3,Plain,"三,"\n').encode()
    )


def test_a_scoped_csv_matches_rows_by_a_key_of_several_columns():
    import pandas as pd

    data = b"source,mention,reason\na.txt,one,x\nb.txt,one,y\nb.txt,two,z\n"
    frame = pd.DataFrame({"source": ["b.txt"], "mention": ["one"]})
    assert apparatus.rows_in_scope(data, ["source", "mention"], frame) == (
        b"source,mention,reason\nb.txt,one,y\n"
    )


def test_a_scoped_csv_with_no_row_in_scope_is_its_header():
    import pandas as pd

    # an empty table is loaded as a frame without columns
    assert apparatus.rows_in_scope(SCOPED_CSV, ["id"], pd.DataFrame()) == (b"id,subject_en,quote\n")


# --- one language per edition (issue 10) ------------------------------------------------------


def test_english_runs_and_chinese_runs_are_counted_as_a_reader_sees_them():
    html = (
        '<html><body><p>这是 <q lang="zh-Hans">原文</q> 和 a run of four words、 two words'
        "<code>some code is not read here</code></p>"
        "<p>See 武汉服务 and 《“武汉服务”走上国际舞台》, 6月16日至18日, not 一则新闻.</p>"
        '<nav lang="zh-Hans">中文版</nav></body></html>'
    )
    assert english_runs(visible_text(html, skip=SKIP_IN_ZH)) == ["a run of four words"]
    # a run starts at an ideograph and takes the CJK punctuation and digits inside it; the
    # quote, the code and the element marked as Chinese are not read
    runs = cjk_runs(visible_text(html, skip=SKIP_IN_EN))
    assert runs == [
        "这是",
        "和",
        "武汉服务",
        "武汉服务”走上国际舞台》",
        "月16日至18日",
        "一则新闻.",
    ]
    page = ["“武汉服务”走上国际舞台。6月16日至18日，…近日一则来自广东的新闻"]
    # the page's words, in our brackets or not, are the page's; a paraphrase is not
    assert not_from_the_page(runs, page) == ["这是", "和", "一则新闻."]


@pytest.mark.slow
def test_the_chinese_edition_is_chinese(built_report):
    # outside verbatim quotes and code, runs of four or more English words: 183 before issue
    # 10 (the title block, the notes, the reasons, the provenance), none after
    html = (built_report[0] / f"{SPEC.name}.zh.html").read_text("utf-8")
    runs = english_runs(visible_text(html, skip=SKIP_IN_ZH))
    assert len(runs) <= 5, runs


@pytest.mark.slow
def test_the_english_edition_shows_only_the_pages_own_chinese(built_report):
    # Chinese in the English edition, outside quotes and code, is the page's own words (a
    # name, a term it prints) or a proper name: what remains that no page printed is the
    # publisher's name (经济日报, 经济日报社), 4 runs when measured (11 before issue 10)
    html = (built_report[0] / f"{SPEC.name}.en.html").read_text("utf-8")
    # marked or not (the link to the Chinese edition is named in Chinese on purpose)
    runs = cjk_runs(visible_text(html, skip=("q", "code", "nav.editions")))
    foreign = not_from_the_page(runs, page_texts())
    assert len(foreign) <= 5, foreign
    assert set(foreign) <= {"经济日报", "经济日报社"}, foreign
    # and every Chinese run is marked as Chinese (policyreport.build.langparts): outside
    # quotes, code and lang="zh-Hans" elements 295 runs before issue 10, none after
    unmarked = cjk_runs(visible_text(html, skip=SKIP_IN_EN))
    assert len(unmarked) <= 5, unmarked
