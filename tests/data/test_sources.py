"""policyreport.data.sources: provenance records, loading, quotes and segmentation into articles."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from policyreport import paths
from policyreport.data.sources import (
    LAYOUT_SCHEMA,
    META_SCHEMA,
    Source,
    article_at,
    ends_sentence,
    find_quote,
    list_sources,
    load_meta,
    load_source,
    segment,
    sha256_of,
    split_sentences,
    validate,
)
from policyreport.errors import ChecksumError, DataError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "sources"
PAGE = paths.SOURCES / "000_eb52445a1c06fbcb.txt"

# id -> (kind, headline, first sentence, last sentence) of the reading text, in page order.
EXPECTED = {
    "wuhan-outsourcing": (
        "article",
        "“武汉服务”走上国际舞台",
        "6月16日至18日，第十五届中国国际服务外包交易博览会在武汉举办。",
        "支持领军企业利用控包渠道、品牌标准等方面优势，带动中小企业参与国际竞争，"
        "帮助企业“走出去”拓展多元市场。",
    ),
    "wuhan-chart-title": ("chart_title", None, "武汉市服务外包执行额", "武汉市服务外包执行额"),
    "wuhan-expo-photo": (
        "caption",
        None,
        "图为第十五届中国国际服务外包交易博览会展厅。",
        "图为第十五届中国国际服务外包交易博览会展厅。",
    ),
    "guangdong-skill-loans": (
        "commentary",
        None,
        "一纸技能证书，竟换来百万元创业资金。",
        "只有把关注目标投向人才群体，才能让各类人才都能发光发热。",
    ),
    "xinjiang-helicopter-photo": (
        "caption",
        None,
        "6月15日，游客在新疆维吾尔自治区伊犁哈萨克自治州新源县那拉提景区乘坐直升机"
        "“冲上云端”游览，领略壮美的草原风光。",
        "近年来，新源县立足当地文旅资源优势，发展滑翔伞、直升机等低空旅游项目，"
        "推动旅游业向多元业态方向发展。",
    ),
    "hangzhou-ai-safety": (
        "article",
        "人工智能护航低空经济高飞",
        "走进位于杭州临平新城算力小镇的杰能科世智能安全科技(杭州)有限公司，大屏幕上的数据流"
        "快速跳跃，工作人员神情专注，一场关于低空飞行安全的模拟试验正在进行。",
        "临平新城算力小镇产业发展中心副主任林骞说，作为杭州市低空经济产业发展示范区，临平新城"
        "锚定算力小镇核心区域，将以党建为引领、创新为抓手，谋划“AI+低空安全”产业链党建项目，"
        "构建覆盖信息、技术、人才、资金、产品的要素共享生态，推动链上企业实现资源联享、产业联动、"
        "问题联解，护航低空经济蓄势高飞。",
    ),
    "ai-comic-photo": (
        "caption",
        None,
        "灵境万维公司员工正在制作AI漫剧。",
        "灵境万维公司员工正在制作AI漫剧。",
    ),
}

# Sentences the page breaks (across blank lines, or around an inserted chart title or caption)
# that the reading text must carry whole.
REPAIRED = {
    "wuhan-outsourcing": [
        "依托软件产业、光电子信息、生物医药等特色产业优势，武汉推动服务外包与实体经济深度融合，",
        "特色产业从“点上开花”走向“面上成林”。2025年，15家企业获评国家文化出口重点企业，",
        "“十四五”期间，武汉市服务贸易规模稳步攀升、结构持续优化，",
    ],
    "hangzhou-ai-safety": [
        "织密“技术+制度”双重防护网，筑牢低空经济安全屏障。",
        "通过视觉识别雷暴云团，AI瞬间决策绕行、悬停或迫降，",
    ],
}


@pytest.fixture(scope="module")
def page() -> Source:
    return load_source(PAGE)


@pytest.fixture(scope="module")
def articles(page: Source):
    return {article.id: article for article in segment(page)}


def copy_fixture(tmp_path: Path, name: str = "mini", *, layout: bool = True) -> Path:
    for suffix in (".txt", ".meta.json", *((".layout.json",) if layout else ())):
        shutil.copy(FIXTURES / f"{name}{suffix}", tmp_path / f"{name}{suffix}")
    return tmp_path / f"{name}.txt"


def edit_json(path: Path, change) -> None:
    record = json.loads(path.read_text(encoding="utf-8"))
    change(record)
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


def one_line(error: Exception) -> str:
    message = str(error)
    assert message and "\n" not in message
    return message


# --- the provenance record of the real page


def test_page_meta_passes_validation_and_matches_the_file():
    meta = load_meta(PAGE)
    validate(meta, META_SCHEMA, file=PAGE)
    assert meta["file"] == PAGE.name
    assert meta["sha256"] == sha256_of(PAGE) == hashlib.sha256(PAGE.read_bytes()).hexdigest()
    assert meta["language"] == "zh-Hans"
    assert meta["date_published"].startswith("2026")
    assert meta["date_inferred"] is True and meta["publisher_inferred"] is True
    date_basis, publisher_basis = meta["date_basis"], meta["publisher_basis"]
    assert "inferred" in date_basis["en"].lower() and "进入2026年" in date_basis["en"]
    assert "推断" in date_basis["zh"] and "进入2026年" in date_basis["zh"]
    assert "inferred" in publisher_basis["en"].lower() and "中经视觉" in publisher_basis["en"]
    assert "推断" in publisher_basis["zh"] and "中经视觉" in publisher_basis["zh"]


def test_schemas_are_json_schema_and_agree_on_the_real_records():
    jsonschema = pytest.importorskip("jsonschema")
    for schema, record in (
        (META_SCHEMA, json.loads(PAGE.with_name(PAGE.stem + ".meta.json").read_text("utf-8"))),
        (LAYOUT_SCHEMA, json.loads(PAGE.with_name(PAGE.stem + ".layout.json").read_text("utf-8"))),
    ):
        jsonschema.Draft202012Validator.check_schema(schema)
        jsonschema.validate(record, schema)


def test_list_sources_loads_every_page_sorted(tmp_path: Path):
    assert [s.name for s in list_sources()] == sorted(p.name for p in paths.SOURCES.glob("*.txt"))
    copy_fixture(tmp_path, "mini")
    copy_fixture(tmp_path, "bom")
    assert [s.name for s in list_sources(tmp_path)] == ["bom.txt", "mini.txt"]


def test_list_sources_of_a_missing_directory(tmp_path: Path):
    with pytest.raises(DataError) as caught:
        list_sources(tmp_path / "nowhere")
    assert "nowhere" in one_line(caught.value)


# --- segmentation of the real page


def test_articles_in_page_order_with_headlines_and_sentences(page: Source):
    found = segment(page)
    assert [a.id for a in found] == list(EXPECTED)
    assert [a.start for a in found] == sorted(a.start for a in found)
    for article in found:
        kind, headline, first, last = EXPECTED[article.id]
        assert article.kind == kind
        assert article.headline == headline
        assert article.sentences[0] == first
        assert article.sentences[-1] == last


def test_article_details(page: Source, articles):
    wuhan, hangzhou = articles["wuhan-outsourcing"], articles["hangzhou-ai-safety"]
    assert wuhan.sections == ("质效双向跃升", "数智转型提速", "融合激发动能")
    assert wuhan.byline is None
    assert page.text[wuhan.start : wuhan.end].startswith("# “武汉服务”走上国际舞台")
    assert [p.section for p in wuhan.paragraphs][:3] == [None, None, "质效双向跃升"]
    assert wuhan.paragraphs[-1].section == "融合激发动能"
    assert hangzhou.kicker == "杭州临平——"
    assert hangzhou.byline == "本报记者 柳文"
    assert page.text[hangzhou.start : hangzhou.end].startswith("## 杭州临平——")
    commentary = articles["guangdong-skill-loans"]
    assert commentary.byline == "郑杨" and commentary.headline is None and commentary.note
    assert articles["xinjiang-helicopter-photo"].credit == "张洪科摄(中经视觉)"
    assert articles["ai-comic-photo"].credit == "巫慧敏摄(中经视觉)"
    assert articles["ai-comic-photo"].relates_to == "wuhan-outsourcing"
    assert articles["wuhan-expo-photo"].credit == "（资料图片）"
    for article in articles.values():
        body = article.text
        for declared in (article.headline, article.kicker, article.byline, article.credit):
            assert declared is None or declared not in body


def test_inserts_are_lifted_out_of_their_host(page: Source, articles):
    wuhan = articles["wuhan-outsourcing"]
    for child_id in ("wuhan-chart-title", "wuhan-expo-photo"):
        child = articles[child_id]
        assert child.inserted_in == "wuhan-outsourcing"
        assert wuhan.start < child.start < child.end < wuhan.end
        spans = [span for paragraph in wuhan.paragraphs for span in paragraph.spans]
        assert not any(child.start < end and start < child.end for start, end in spans)
        assert article_at(page, child.start).id == child_id
        assert article_at(page, child.end - 1).id == child_id
        assert article_at(page, child.start - 1).id == "wuhan-outsourcing"
    assert articles["wuhan-chart-title"].note  # its chart data were lost
    assert article_at(page, 0) is None  # the leading blank lines belong to no article
    assert article_at(page, len(page.text)) is None


@pytest.mark.parametrize(
    ("article_id", "sentence"), [(k, s) for k, v in REPAIRED.items() for s in v]
)
def test_repaired_sentences_read_whole_but_are_not_verbatim(page, articles, article_id, sentence):
    assert sentence in articles[article_id].text
    assert sentence not in page.text
    assert sum(sentence in p.text for p in articles[article_id].paragraphs) == 1


def test_paragraph_spans_map_back_to_the_verbatim_text(page: Source, articles):
    for article in articles.values():
        children = [a for a in articles.values() if a.inserted_in == article.id]
        previous_end = article.start
        for paragraph in article.paragraphs:
            assert paragraph.text == "".join(page.text[s:e] for s, e in paragraph.spans)
            for start, end in paragraph.spans:
                assert previous_end <= start < end <= article.end
                assert not any(c.start < end and start < c.end for c in children)
                previous_end = end
            assert not re.search(r"[\u3000\u00a0\r\n#]", paragraph.text)
            assert paragraph.text == paragraph.text.strip()


def test_nothing_on_the_page_is_lost(page: Source, articles):
    covered = bytearray(len(page.text))
    for article in articles.values():
        for paragraph in article.paragraphs:
            for start, end in paragraph.spans:
                covered[start:end] = b"\1" * (end - start)
        declared = [article.headline, article.kicker, article.byline, article.credit]
        for value in [*declared, *article.sections]:
            if value:
                at = page.text.index(value, article.start, article.end)
                covered[at : at + len(value)] = b"\1" * len(value)
    left = "".join(ch for ch, seen in zip(page.text, covered, strict=True) if not seen)
    assert set(left) <= set(" \n#\u3000\u00a0")


# --- quotes


def test_find_quote(page: Source):
    start, end = find_quote(page, "92.1亿美元")
    assert page.text[start:end] == "92.1亿美元"
    assert article_at(page, start).id == "wuhan-outsourcing"


@pytest.mark.parametrize(
    ("quote", "found"),
    [
        ("一百亿美元", "0 occurrences"),
        ("中经视觉", "2 occurrences"),
        ("“十四五”期间，武汉市服务贸易", "0 occurrences"),  # repaired: not verbatim
        ("", "an empty quote"),
    ],
)
def test_find_quote_needs_exactly_one_occurrence(page: Source, quote: str, found: str):
    with pytest.raises(DataError) as caught:
        find_quote(page, quote)
    error = caught.value
    assert error.file == page.path
    assert error.expected == f"a quote that occurs exactly once in {PAGE.name}"
    assert error.found == found
    assert found in one_line(error)


# --- generic segmentation rules, on a small invented page


def test_fixture_page_repairs():
    source = load_source(FIXTURES / "mini.txt")
    found = {a.id: a for a in segment(source)}
    assert list(found) == [
        "city-article",
        "city-chart",
        "city-photo",
        "short-commentary",
        "worker-photo",
    ]
    city = found["city-article"]
    assert [p.text for p in city.paragraphs] == [
        "示例市前5个月进出口额增长12.5%。该市外贸企业达到300家，同比增加20家。",  # U+3000, NBSP
        "“十四五”期间，示例市服务贸易规模稳步攀升。",  # broken across blank lines
        "依托特色产业优势，示例市推动融合发展。",  # around a chart title
        "特色产业从“点上开花”走向“面上成林”。今年又有5家企业获评。",  # around a caption
    ]
    assert [p.section for p in city.paragraphs] == [None, "第一节", "第一节", "第二节"]
    assert found["city-chart"].inserted_in == "city-article"  # inferred from the spans
    assert found["city-photo"].text == "图为示例展会现场。"
    assert found["short-commentary"].headline is None
    assert found["worker-photo"].text == "示例员工正在工作。"
    assert found["worker-photo"].credit == "赵六摄(示例视觉)"


def test_bom_is_stripped_and_offsets_index_the_text():
    path = FIXTURES / "bom.txt"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    source = load_source(path)
    assert not source.text.startswith("\ufeff") and source.text.startswith("# 示例标题")
    (article,) = segment(source)
    assert [p.text for p in article.paragraphs] == ["第一段说明情况。", "第二段，接着说完。"]
    start, end = find_quote(source, "第一段")
    assert source.text[start:end] == "第一段"


def test_crlf_is_read_as_is():
    source = load_source(FIXTURES / "crlf.txt")
    assert "\r\n" in source.text
    (article,) = segment(source)
    assert [p.text for p in article.paragraphs] == ["第一段说明情况。", "第二段，接着说完。"]
    for paragraph in article.paragraphs:
        assert paragraph.text == "".join(source.text[s:e] for s, e in paragraph.spans)


def test_sentence_helpers():
    assert ends_sentence("说完了。") and ends_sentence("他说：“好。”") and ends_sentence("好！）")
    assert not ends_sentence("特色产业") and not ends_sentence("雷暴云团，")
    assert split_sentences("甲。“乙！”丙？\n丁") == ["甲。", "“乙！”", "丙？", "丁"]


def test_sources_module_imports_only_the_standard_library():
    code = (
        "import sys, policyreport.data.sources; "
        "print(sorted(m for m in ('pandas', 'numpy', 'matplotlib', 'frictionless', "
        "'jsonschema', 'nbformat', 'papermill') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# --- failure modes


def test_checksum_mismatch_names_the_file():
    path = FIXTURES / "tampered.txt"
    original = FIXTURES / "mini.txt"
    changed = [
        i
        for i, (a, b) in enumerate(zip(path.read_bytes(), original.read_bytes(), strict=True))
        if a != b
    ]
    assert len(changed) == 1
    with pytest.raises(ChecksumError) as caught:
        load_source(path)
    error = caught.value
    assert error.file == path
    assert error.expected == sha256_of(original) and error.found == sha256_of(path)
    assert "tampered.txt" in one_line(error)


@pytest.mark.parametrize("name", ["latin1", "gbk"])
def test_non_utf8_bytes(name: str):
    path = FIXTURES / f"{name}.txt"
    with pytest.raises(DataError) as caught:
        load_source(path)
    message = one_line(caught.value)
    assert caught.value.file == path
    assert "UTF-8" in message and f"{name}.txt" in message and "line" in message


def test_non_utf8_position_counts_the_bom(tmp_path: Path):
    path = tmp_path / "odd.txt"
    path.write_bytes(b"\xef\xbb\xbf# ab\n\xe9\n")
    shutil.copy(FIXTURES / "mini.meta.json", tmp_path / "odd.meta.json")
    edit_json(
        tmp_path / "odd.meta.json",
        lambda record: record.update(file="odd.txt", sha256=sha256_of(path)),
    )
    with pytest.raises(DataError) as caught:
        load_source(path)
    assert caught.value.found == "byte 0xe9 at byte 8 (line 2) is not UTF-8"


def test_missing_meta_file(tmp_path: Path):
    path = copy_fixture(tmp_path)
    (tmp_path / "mini.meta.json").unlink()
    with pytest.raises(DataError) as caught:
        load_source(path)
    assert caught.value.file == tmp_path / "mini.meta.json"
    assert "no such file" in one_line(caught.value)


def test_meta_that_is_not_json(tmp_path: Path):
    path = copy_fixture(tmp_path)
    (tmp_path / "mini.meta.json").write_text("{", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_source(path)
    assert "valid JSON" in one_line(caught.value)


@pytest.mark.parametrize("key", META_SCHEMA["required"])
def test_missing_meta_key(tmp_path: Path, key: str):
    path = copy_fixture(tmp_path)
    edit_json(tmp_path / "mini.meta.json", lambda record: record.pop(key))
    with pytest.raises(DataError) as caught:
        load_source(path)
    assert caught.value.field == key
    assert f"field '{key}'" in one_line(caught.value)


@pytest.mark.parametrize(
    ("key", "value", "field", "words"),
    [
        ("date_inferred", "yes", "date_inferred", "true or false"),
        ("title", 3, "title", "an object"),
        ("title", "One language", "title", "an object"),
        ("title", {"en": "A page"}, "title.zh", "this required key"),
        (
            "title",
            {"en": "A page", "zh": ""},
            "title.zh",
            "a non-empty string (the text in Chinese)",
        ),
        ("title", {"en": "", "zh": "版面"}, "title.en", "a non-empty string (the text in English)"),
        ("title", {"en": "A page", "zh": "版面", "fr": "Une page"}, "title.fr", "one of the keys"),
        ("publisher_basis", {"en": "Stated.", "zh": " "}, "publisher_basis.zh", "(the text"),
        ("sha256", "ABC123", "sha256", "64 lowercase hex digits"),
        ("date_published", "June 2026", "date_published", "YYYY"),
        ("licence", {"name": 1}, "licence.name", "a string or an object"),
        (
            "licence",
            {"name": "CC0-1.0", "note": {"en": "x", "zh": ""}},
            "licence.note.zh",
            "Chinese",
        ),
        ("license", {"name": "x"}, "license", "one of the keys"),
        ("file", "other.txt", "file", "mini.txt"),
    ],
)
def test_bad_meta_values(tmp_path: Path, key, value, field, words):
    path = copy_fixture(tmp_path)
    edit_json(tmp_path / "mini.meta.json", lambda record: record.__setitem__(key, value))
    with pytest.raises(DataError) as caught:
        load_source(path)
    assert caught.value.field == field
    assert words in one_line(caught.value)


def _layout_error(tmp_path: Path, change) -> DataError:
    path = copy_fixture(tmp_path)
    edit_json(tmp_path / "mini.layout.json", change)
    source = load_source(path)
    with pytest.raises(DataError) as caught:
        segment(source)
    one_line(caught.value)
    assert caught.value.file == tmp_path / "mini.layout.json"
    return caught.value


def test_layout_anchor_that_is_missing(tmp_path: Path):
    error = _layout_error(tmp_path, lambda r: r["articles"][0].__setitem__("start", "不存在"))
    assert (error.field, error.found) == ("articles[0].start", "0 occurrences")


def test_layout_anchor_that_is_ambiguous(tmp_path: Path):
    error = _layout_error(tmp_path, lambda r: r["articles"][3].__setitem__("end", "示例"))
    assert error.field == "articles[3].end" and error.found.endswith("occurrences")


def test_layout_that_leaves_text_outside_every_article(tmp_path: Path):
    error = _layout_error(tmp_path, lambda r: r["articles"][3].__setitem__("end", "评论到此结束。"))
    assert error.field == "articles" and "王五" in error.found


def test_layout_with_an_undeclared_heading(tmp_path: Path):
    error = _layout_error(tmp_path, lambda r: r["articles"][0].pop("sections"))
    assert error.field == "articles[0]" and "第一节" in error.found


def test_layout_with_a_wrong_host(tmp_path: Path):
    error = _layout_error(
        tmp_path, lambda r: r["articles"][2].__setitem__("inserted_in", "short-commentary")
    )
    assert error.field == "articles[2].inserted_in"


def test_layout_with_an_unknown_kind(tmp_path: Path):
    error = _layout_error(tmp_path, lambda r: r["articles"][1].__setitem__("kind", "photo"))
    assert error.field == "articles[1].kind" and "chart_title" in str(error)


def test_layout_headline_without_its_english(tmp_path: Path):
    # the English edition names the article by its headline's translation: required with it
    error = _layout_error(tmp_path, lambda r: r["articles"][0].pop("headline_en"))
    assert (error.field, error.found) == ("articles[0].headline_en", "no such key")
    assert "the headline in English" in str(error)
    error = _layout_error(tmp_path, lambda r: r["articles"][0].__setitem__("headline_en", None))
    assert (error.field, error.found) == ("articles[0].headline_en", "null")


def test_missing_layout_file(tmp_path: Path):
    source = load_source(copy_fixture(tmp_path, layout=False))
    with pytest.raises(DataError) as caught:
        segment(source)
    assert "mini.layout.json" in one_line(caught.value) and "no such file" in str(caught.value)
