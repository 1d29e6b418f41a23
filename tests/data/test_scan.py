import csv
import io
from collections import Counter
from pathlib import Path

import pytest

from policyreport import paths
from policyreport.cli import main
from policyreport.data.scan import (
    KINDS,
    QUALIFIERS,
    UNITS,
    Mention,
    context,
    format_value,
    is_fraction,
    read_text,
    scan_file,
    scan_text,
)
from policyreport.errors import DataError

PAGE = paths.SOURCES / "000_eb52445a1c06fbcb.txt"


@pytest.fixture(scope="module")
def page_text() -> str:
    return read_text(PAGE)


@pytest.fixture(scope="module")
def page(page_text: str) -> list[Mention]:
    return scan_text(page_text)


def find(mentions: list[Mention], text: str, occurrence: int = 0) -> Mention:
    matches = [m for m in mentions if m.text == text]
    assert len(matches) > occurrence, f"no mention {text!r} (found {[m.text for m in mentions]})"
    return matches[occurrence]


def one(text: str) -> Mention:
    mentions = scan_text(text)
    assert len(mentions) == 1, mentions
    return mentions[0]


# --- The real page ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value", "value_high", "unit", "qualifier", "kind"),
    [
        ("92.1亿美元", 9_210_000_000, None, "美元", "exact", "number"),
        ("22.6%", 22.6, None, "%", "exact", "percent"),
        ("15.4%", 15.4, None, "%", "exact", "percent"),
        ("75.2%", 75.2, None, "%", "exact", "percent"),
        ("超18万人次", 180_000, None, "人次", "at_least", "number"),
        ("893亿元", 8.93e10, None, "元", "exact", "number"),
        ("突破1.5万亿元", 1.5e12, None, "元", "at_least", "number"),
        ("40万人", 400_000, None, "人", "exact", "number"),
        ("150万元", 1_500_000, None, "元", "exact", "number"),
        ("百万元", 1_000_000, None, "元", "exact", "number"),
        ("10余部", 10, None, "部", "more_than", "number"),
        ("20余部", 20, None, "部", "more_than", "number"),
        ("300多家", 300, None, "家", "more_than", "number"),
        ("20多个", 20, None, "个", "more_than", "number"),
        ("近70%", 70, None, "%", "approx", "percent"),
        ("1至3分钟", 1, 3, "分钟", "range", "number"),
        ("超300亿次", 3e10, None, "次", "at_least", "number"),
        ("超1300亿元", 1.3e11, None, "元", "at_least", "number"),
        ("第十五届", 15, None, "届", "exact", "ordinal"),
        ("第四次", 4, None, "次", "exact", "ordinal"),
        ("第一", 1, None, "", "exact", "ordinal"),
        ("首批", 1, None, "批", "exact", "ordinal"),
        ("首位", 1, None, "位", "exact", "ordinal"),
        ("首份", 1, None, "份", "exact", "ordinal"),
        ("唯一", 1, None, "", "exact", "ordinal"),
        ("十四五", 14, None, "五年规划", "exact", "ordinal"),
        ("三轮", 3, None, "轮", "exact", "number"),
        ("三项", 3, None, "项", "exact", "number"),
        ("两大", 2, None, "大", "exact", "number"),
        ("翻倍", 2, None, "倍", "exact", "multiple"),
        ("倍增", 2, None, "倍", "exact", "multiple"),
        ("6月16日至18日", 616, 618, "月日", "range", "date"),
        ("6月15日", 615, None, "月日", "exact", "date"),
        ("4月末", 400, None, "月", "exact", "date"),
        ("2025年3月", 20250300, None, "年月", "exact", "date"),
        ("2025年底", 2025, None, "年", "exact", "year"),
        ("2009年以来", 2009, None, "年", "exact", "year"),
        ("2005年", 2005, None, "年", "exact", "year"),
        ("2026年", 2026, None, "年", "exact", "year"),
        ("前4个月", 4, None, "个月", "exact", "number"),
        ("3年", 3, None, "年", "exact", "number"),
        ("近200种", 200, None, "种", "approx", "number"),
        ("50余家", 50, None, "家", "more_than", "number"),
        ("超2000家", 2000, None, "家", "at_least", "number"),
        ("突破7000万美元", 70_000_000, None, "美元", "at_least", "number"),
        ("超60%", 60, None, "%", "at_least", "percent"),
        ("超50%", 50, None, "%", "at_least", "percent"),
        ("超200万架次", 2_000_000, None, "架次", "at_least", "number"),
        ("超30万架次", 300_000, None, "架次", "at_least", "number"),
        ("超400条", 400, None, "条", "at_least", "number"),
        ("超300部", 300, None, "部", "at_least", "number"),
        ("4届", 4, None, "届", "exact", "number"),
        ("亿级", 1e8, None, "级", "approx", "vague"),
        ("几十年", 10, None, "年", "more_than", "vague"),
        ("一公里", 1, None, "公里", "exact", "number"),
        ("一场", 1, None, "场", "exact", "number"),
        ("一排", 1, None, "排", "exact", "number"),
        ("3人", 3, None, "人", "exact", "number"),
        ("一组", 1, None, "组", "exact", "number"),
    ],
)
def test_page_mentions(
    page: list[Mention],
    text: str,
    value: float,
    value_high: float | None,
    unit: str,
    qualifier: str,
    kind: str,
) -> None:
    mention = find(page, text)
    assert (mention.value, mention.value_high, mention.unit, mention.qualifier, mention.kind) == (
        value,
        value_high,
        unit,
        qualifier,
        kind,
    )


def test_page_repeated_mentions(page: list[Mention]) -> None:
    assert len([m for m in page if m.text == "首批"]) == 3
    assert len([m for m in page if m.text == "第十五届"]) == 2
    assert len([m for m in page if m.text == "十四五"]) == 2
    assert len([m for m in page if m.text == "2025年"]) == 6


def test_page_as_of_is_not_part_of_the_year(page: list[Mention], page_text: str) -> None:
    mention = find(page, "2025年底")
    assert page_text[mention.start - 2 : mention.start] == "截至"


def test_page_idioms_are_reported_as_vague(page: list[Mention], page_text: str) -> None:
    vague = {(m.text, page_text[m.start : m.start + 3]) for m in page if m.kind == "vague"}
    assert ("一", "一带一") in vague
    assert ("一", "一路”") in vague
    assert ("三", "三维建") in vague
    assert ("一", "一纸技") in vague
    assert ("一", "一技之") in vague
    assert ("两", "两业融") in vague


@pytest.mark.parametrize(
    "word",
    [
        "千与千寻",
        "灵境万维",
        "一般每部",
        "一样方便",
        "之一",
        "存算一体化",
        "队伍",
        "下一步",
        "《三体》",
    ],
)
def test_page_non_numeral_words_are_not_reported(
    page: list[Mention], page_text: str, word: str
) -> None:
    start = page_text.index(word)
    end = start + len(word)
    assert not [m for m in page if m.start < end and start < m.end], word


def test_page_offsets_round_trip(page: list[Mention], page_text: str) -> None:
    assert page
    for mention in page:
        assert page_text[mention.start : mention.end] == mention.text


def test_page_mentions_sorted_and_not_overlapping(page: list[Mention]) -> None:
    starts = [m.start for m in page]
    assert starts == sorted(starts)
    for before, after in zip(page, page[1:], strict=False):
        assert before.end <= after.start


def test_page_fields_are_from_the_vocabularies(page: list[Mention]) -> None:
    for mention in page:
        assert mention.kind in KINDS
        assert mention.qualifier in QUALIFIERS
        assert mention.qualifier != "range" or mention.value_high is not None
        assert mention.value_high is None or mention.value_high > mention.value


def test_page_totals(page: list[Mention]) -> None:
    # A regression guard: the check step's exclusions are written against these mentions.
    assert len(page) == 102
    assert Counter(m.kind for m in page) == {
        "number": 49,
        "percent": 13,
        "ordinal": 12,
        "vague": 11,
        "year": 10,
        "date": 5,
        "multiple": 2,
    }


def test_scan_is_deterministic(page_text: str) -> None:
    assert scan_text(page_text) == scan_text(page_text)


# --- Invented texts ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "mention", "value", "value_high", "unit", "qualifier", "kind"),
    [
        ("增长-3.2%", "-3.2%", -3.2, None, "%", "exact", "percent"),
        ("百分之二十", "百分之二十", 20, None, "%", "exact", "percent"),
        ("近百分之三点五", "近百分之三点五", 3.5, None, "%", "approx", "percent"),
        ("提高3个百分点", "3个百分点", 3, None, "个百分点", "exact", "percent"),
        ("七成以上", "七成以上", 7, None, "成", "at_least", "percent"),
        ("不足5%", "不足5%", 5, None, "%", "at_most", "percent"),
        ("10%以下", "10%以下", 10, None, "%", "at_most", "percent"),
        ("３０％", "３０％", 30, None, "%", "exact", "percent"),
        ("三分之一的企业", "三分之一", 0.3333333333, None, "", "exact", "number"),
        ("超过一半", "超过一半", 0.5, None, "", "at_least", "number"),
        ("2021-2025年", "2021-2025年", 2021, 2025, "年", "range", "year"),
        ("2021年至2025年", "2021年至2025年", 2021, 2025, "年", "range", "year"),
        ("10至20万元", "10至20万元", 100_000, 200_000, "元", "range", "number"),
        ("3到5年", "3到5年", 3, 5, "年", "range", "number"),
        ("三四个人", "三四个", 3, 4, "个", "range", "number"),
        ("七八十年代", "七八十年", 70, 80, "年", "range", "number"),
        ("十四五个", "十四五个", 14, 15, "个", "range", "number"),
        ("二〇二五年", "二〇二五年", 2025, None, "年", "exact", "year"),
        ("2025年度", "2025年度", 2025, None, "年", "exact", "year"),
        ("2025年初步完成", "2025年", 2025, None, "年", "exact", "year"),
        ("2025年中国", "2025年", 2025, None, "年", "exact", "year"),
        ("2025年6月16日", "2025年6月16日", 20250616, None, "年月日", "exact", "date"),
        ("2025.6.16", "2025.6.16", 20250616, None, "年月日", "exact", "date"),
        ("六月十六日", "六月十六日", 616, None, "月日", "exact", "date"),
        ("6月中旬", "6月中旬", 600, None, "月", "exact", "date"),
        ("3月份", "3月份", 300, None, "月", "exact", "date"),
        ("1-4月", "1-4月", 100, 400, "月", "range", "date"),
        (
            "2025年3月至2026年2月",
            "2025年3月至2026年2月",
            20250300,
            20260200,
            "年月",
            "range",
            "date",
        ),
        ("本月16日", "16日", 16, None, "日", "exact", "date"),
        ("5G基站", "5G", 5, None, "", "exact", "vague"),
        ("C919大飞机", "C919", 919, None, "", "exact", "vague"),
        ("GPT-4o模型", "GPT-4o", 4, None, "", "exact", "vague"),
        ("100MW光伏", "100MW", 100, None, "MW", "exact", "number"),
        ("1,234家", "1,234家", 1234, None, "家", "exact", "number"),
        ("40 万人", "40 万人", 400_000, None, "人", "exact", "number"),
        ("10万千瓦", "10万千瓦", 100_000, None, "千瓦", "exact", "number"),
        ("1.5亿人民币", "1.5亿人民币", 1.5e8, None, "人民币", "exact", "number"),
        ("人民币壹佰贰拾万元整", "壹佰贰拾万元", 1_200_000, None, "元", "exact", "number"),
        ("数十家", "数十家", 10, None, "家", "more_than", "vague"),
        ("上百万人", "上百万人", 1_000_000, None, "人", "at_least", "vague"),
        ("千万级", "千万级", 10_000_000, None, "级", "approx", "vague"),
        ("十几个", "十几个", 10, None, "个", "more_than", "number"),
        ("二十多年", "二十多年", 20, None, "年", "more_than", "number"),
        ("百余家", "百余家", 100, None, "家", "more_than", "number"),
        ("1万余人", "1万余人", 10_000, None, "人", "more_than", "number"),
        ("20多万人", "20多万人", 200_000, None, "人", "more_than", "number"),
        ("约100万元左右", "约100万元左右", 1_000_000, None, "元", "approx", "number"),
        ("3年以上", "3年以上", 3, None, "年", "at_least", "number"),
        ("逾千家", "逾千家", 1000, None, "家", "at_least", "number"),
        ("签约3个项目", "3个", 3, None, "个", "exact", "number"),
        ("最近3年", "3年", 3, None, "年", "exact", "number"),
        ("第1名", "第1名", 1, None, "名", "exact", "ordinal"),
        ("第一季度", "第一季度", 1, None, "季度", "exact", "ordinal"),
        ("第一时间", "第一", 1, None, "", "exact", "ordinal"),
        ("首次", "首次", 1, None, "次", "exact", "ordinal"),
        ("翻两番", "翻两番", 4, None, "倍", "exact", "multiple"),
        ("增长3倍", "3倍", 3, None, "倍", "exact", "multiple"),
        ("3倍增长", "3倍", 3, None, "倍", "exact", "multiple"),
        ("十五五规划", "十五五", 15, None, "五年规划", "exact", "ordinal"),
        ("三点五亿", "三点五亿", 3.5e8, None, "", "exact", "number"),
        ("十分钟后", "十分钟", 10, None, "分钟", "exact", "number"),
        ("五一假期", "五一", 51, None, "", "exact", "vague"),
        ("一五一十", "一五一十", 1, None, "", "exact", "vague"),
    ],
)
def test_invented(
    text: str,
    mention: str,
    value: float,
    value_high: float | None,
    unit: str,
    qualifier: str,
    kind: str,
) -> None:
    found = one(text)
    assert (found.text, found.value, found.value_high, found.unit, found.qualifier, found.kind) == (
        mention,
        value,
        value_high,
        unit,
        qualifier,
        kind,
    )


@pytest.mark.parametrize(
    "text",
    [
        "首都北京",
        "首席专家",
        "千与千寻",
        "万维网",
        "队伍陆续收拾",
        "零售",
        "一起努力",
        "一并推进",
        "一齐发力",
        "一如既往地支持",
        "统一部署",
        "进一步加强",
        "一般来说",
        "十分重要",
        "千千万万",
        "万一",
        "同比增长",
    ],
)
def test_not_numbers(text: str) -> None:
    assert scan_text(text) == []


# Titles in book-title marks name a work, plan or law: nothing in them is a figure.
# (start, end, value, value_high, unit, qualifier, kind), worked out by hand.
TITLES = [
    ("《三体》", []),
    ("《“十四五”规划》", []),
    ("“十四五”规划", [(1, 4, 14, None, "五年规划", "exact", "ordinal")]),
    ("〈一〉", []),
    ("《中国〈十四五〉》", []),
    ("《》三", [(2, 3, 3, None, "", "exact", "vague")]),
    # a number right before or right after a title is read
    ("阅读《三体》3部", [(6, 8, 3, None, "部", "exact", "number")]),
    ("3部《三体》", [(0, 2, 3, None, "部", "exact", "number")]),
    ("《一》二", [(3, 4, 2, None, "", "exact", "vague")]),
    # the second of two titles hides its own numeral only
    ("《一》和《二》三", [(7, 8, 3, None, "", "exact", "vague")]),
    ("《一》和《二》", []),
    # an unclosed mark, a mark closed on the next line or a lone closing mark is no title
    (
        "《三体，3部",
        [(1, 2, 3, None, "", "exact", "vague"), (4, 6, 3, None, "部", "exact", "number")],
    ),
    ("《三\n体》", [(1, 2, 3, None, "", "exact", "vague")]),
    ("《三\r体》", [(1, 2, 3, None, "", "exact", "vague")]),
    ("三》", [(0, 1, 3, None, "", "exact", "vague")]),
    # 〈 does not close 《, nor 》 〈
    ("《三〉", [(1, 2, 3, None, "", "exact", "vague")]),
    ("〈三》", [(1, 2, 3, None, "", "exact", "vague")]),
]


@pytest.mark.parametrize(("text", "expected"), TITLES)
def test_titles_are_names(text: str, expected: list) -> None:
    found = [
        (m.start, m.end, m.value, m.value_high, m.unit, m.qualifier, m.kind)
        for m in scan_text(text)
    ]
    assert found == expected


# Words with a numeral character. Grammatical words state no quantity and are not read;
# words that state one are figures the analyst traces: 两项 (two items, a count), 倍增
# (doubling, a multiple of 2) and 唯一 (the only one, a rank claim) stay mentions.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一些企业", []),
        ("一起推进", []),
        ("统一部署", []),
        ("两项试点", [(0, 2, 2, None, "项", "exact", "number")]),
        ("呈倍增态势", [(1, 3, 2, None, "倍", "exact", "multiple")]),
        ("全省唯一", [(2, 4, 1, None, "", "exact", "ordinal")]),
    ],
)
def test_words_with_numerals(text: str, expected: list) -> None:
    found = [
        (m.start, m.end, m.value, m.value_high, m.unit, m.qualifier, m.kind)
        for m in scan_text(text)
    ]
    assert found == expected


def test_stopword_does_not_hide_a_longer_unit() -> None:
    # 十分 is a stopword (very); 十分钟 is ten minutes.
    assert [m.text for m in scan_text("十分重要，十分钟")] == ["十分钟"]


def test_longest_match_wins() -> None:
    # the date range beats 6月, 16日 and 18日; the ordinal beats 十五届
    assert [m.text for m in scan_text("6月16日至18日，第十五届")] == ["6月16日至18日", "第十五届"]


def test_empty_text() -> None:
    assert scan_text("") == []


def test_mention_is_frozen() -> None:
    mention = one("40万人")
    with pytest.raises(AttributeError):
        mention.value = 1  # type: ignore[misc]


def test_units_are_data() -> None:
    assert isinstance(UNITS, tuple)
    for unit in ("美元", "元", "人", "人次", "家", "个", "部", "集", "分钟", "天", "年"):
        assert unit in UNITS
    assert len(UNITS) == len(set(UNITS))


# --- Formatting -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "text"),
    [
        (9.21e9, "9210000000"),
        (1.5e12, "1500000000000"),
        (22.6, "22.6"),
        (0.5, "0.5"),
        (1e-7, "0.0000001"),
        (-3.2, "-3.2"),
        (2025.0, "2025"),
        (0.0, "0"),
        (None, ""),
    ],
)
def test_format_value(value: float | None, text: str) -> None:
    assert format_value(value) == text


def test_context_shows_newlines() -> None:
    text = "上行\r\n增长22.6%\n下行"
    mention = one(text)
    assert context(text, mention, width=5) == "行⏎增长22.6%⏎下行"


# --- Files and the CLI ----------------------------------------------------------------------
def test_read_text_bom_and_crlf(tmp_path: Path, fixtures: Path) -> None:
    path = fixtures / "scan" / "bom_crlf.txt"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    text = read_text(path)
    assert text.startswith("截至") and "\r\n" in text
    mentions = scan_file(path)
    assert [m.text for m in mentions] == ["2025年底", "40万人", "超60%", "近200种"]
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text
    # offsets count the \r of CRLF and not the BOM
    assert mentions[2].start == text.index("超60%") == 26


def test_read_text_errors(tmp_path: Path, fixtures: Path) -> None:
    with pytest.raises(DataError) as missing:
        read_text(tmp_path / "nope.txt")
    assert missing.value.expected == "UTF-8 text"
    assert missing.value.found == "no such file"
    with pytest.raises(DataError) as latin:
        read_text(fixtures / "scan" / "latin1.txt")
    assert latin.value.found == "byte 0xe9 at offset 3, not UTF-8"
    with pytest.raises(DataError) as directory:
        read_text(tmp_path)
    assert directory.value.found == "a directory"


def test_cli_csv(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(PAGE), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == [
        "file",
        "start",
        "end",
        "text",
        "value",
        "value_high",
        "unit",
        "qualifier",
        "kind",
        "context",
    ]
    assert len(rows) == 1 + 102
    by_text = {row[3]: row for row in rows[1:]}
    row = by_text["92.1亿美元"]
    assert row[0] == str(PAGE)
    assert row[4:9] == ["9210000000", "", "美元", "exact", "number"]
    assert "92.1亿美元" in row[9]
    assert by_text["1至3分钟"][4:6] == ["1", "3"]
    assert "⏎" in by_text["6月16日至18日"][9]
    assert "\n" not in "".join(r[9] for r in rows[1:])


def test_cli_table_and_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = paths.ROOT / "tests" / "fixtures" / "scan" / "plain.txt"
    assert main(["scan", str(plain)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "file",
        "start",
        "end",
        "text",
        "value",
        "value_high",
        "unit",
        "qualifier",
        "kind",
        "context",
    ]
    assert "20多个" in lines[1] and "more_than" in lines[1]
    assert "1至3分钟" in lines[2] and "range" in lines[2]
    assert lines[-1] == "2 mention(s): number 2"
    target = tmp_path / "mentions.csv"
    assert main(["scan", str(plain), "--format", "csv", "--output", str(target)]) == 0
    assert capsys.readouterr().out == ""
    written = target.read_text(encoding="utf-8").splitlines()
    assert written[0].startswith("file,start,end,text")
    assert len(written) == 3


def test_cli_several_files(fixtures: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = fixtures / "scan" / "plain.txt"
    bom = fixtures / "scan" / "bom_crlf.txt"
    assert main(["scan", str(plain), str(bom), "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))[1:]
    assert [row[0] for row in rows] == [str(plain)] * 2 + [str(bom)] * 4
    # the BOM/CRLF file's offsets are those of the text as read
    assert [row[1] for row in rows if row[3] == "超60%"] == ["26"]


def test_cli_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.txt"
    assert main(["scan", str(missing)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("policyreport scan: error: ")
    assert str(missing) in captured.err and "no such file" in captured.err


def test_cli_latin1_file(fixtures: Path, capsys: pytest.CaptureFixture[str]) -> None:
    latin = fixtures / "scan" / "latin1.txt"
    assert main(["scan", str(latin), "--format", "csv"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"policyreport scan: error: {latin}: expected UTF-8 text; "
        "found 'byte 0xe9 at offset 3, not UTF-8'\n"
    )


def test_cli_unwritable_output(
    tmp_path: Path, fixtures: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing-dir" / "out.csv"
    assert main(["scan", str(fixtures / "scan" / "plain.txt"), "--output", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "expected a writable path" in err


# --- The CLI's output, written out in full --------------------------------------------------
def test_cli_table_in_full(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(paths.ROOT)
    assert main(["scan", "tests/fixtures/scan/plain.txt"]) == 0
    # columns aligned by display width (a CJK character is two columns), numbers to the right
    assert capsys.readouterr().out.split("\n") == [
        "file                           start  end  text      value  value_high  unit  "
        "qualifier  kind    context",
        "tests/fixtures/scan/plain.txt      6   10  20多个       20              个    "
        "more_than  number  本届展会汇聚20多个国家和地区，1至3分钟。⏎",
        "tests/fixtures/scan/plain.txt     16   21  1至3分钟      1           3  分钟  "
        "range      number  届展会汇聚20多个国家和地区，1至3分钟。⏎",
        "2 mention(s): number 2",
        "",
    ]


def test_cli_table_replaces_tabs_and_counts_each_kind(tmp_path: Path, capsys) -> None:
    source = tmp_path / "tab.txt"
    source.write_text("增长\t5%，第3名", encoding="utf-8")
    assert main(["scan", str(source)]) == 0
    lines = capsys.readouterr().out.split("\n")
    assert "\t" not in "".join(lines)
    assert lines[1].endswith("增长 5%，第3名")
    assert lines[-2] == "2 mention(s): percent 1, ordinal 1"


def test_cli_csv_in_full(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys) -> None:
    monkeypatch.chdir(paths.ROOT)
    target = tmp_path / "out.csv"
    argv = ["scan", "tests/fixtures/scan/bom_crlf.txt", "--format", "csv", "--output"]
    assert main([*argv, str(target)]) == 0
    assert target.read_bytes().decode("utf-8") == (
        "file,start,end,text,value,value_high,unit,qualifier,kind,context\n"
        "tests/fixtures/scan/bom_crlf.txt,2,8,2025年底,2025,,年,exact,year,"
        "截至2025年底，累计吸纳从业人员40万人。⏎\n"
        "tests/fixtures/scan/bom_crlf.txt,17,21,40万人,400000,,人,exact,number,"
        "2025年底，累计吸纳从业人员40万人。⏎占比超60%，近200种\n"
        "tests/fixtures/scan/bom_crlf.txt,26,30,超60%,60,,%,at_least,percent,"
        "吸纳从业人员40万人。⏎占比超60%，近200种算法。⏎\n"
        "tests/fixtures/scan/bom_crlf.txt,31,36,近200种,200,,种,approx,number,"
        "员40万人。⏎占比超60%，近200种算法。⏎\n"
    )


def test_cli_unwritable_output_in_full(tmp_path: Path, fixtures: Path, capsys) -> None:
    target = tmp_path / "missing-dir" / "out.csv"
    assert main(["scan", str(fixtures / "scan" / "plain.txt"), "--output", str(target)]) == 2
    assert capsys.readouterr().err == (
        f"policyreport scan: error: {target}: expected a writable path; "
        "found 'No such file or directory'\n"
    )


def test_read_text_errors_in_full(tmp_path: Path) -> None:
    cases = [
        (tmp_path / "nope.txt", "no such file"),
        (tmp_path, "a directory"),
        (tmp_path / ("x" * 300), "File name too long"),
    ]
    for path, found in cases:
        with pytest.raises(DataError) as caught:
            read_text(path)
        assert str(caught.value) == f"{path}: expected UTF-8 text; found {found!r}"


def test_read_text_drops_the_bom_only_at_the_start(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeff第3名\ufeff".encode())
    assert read_text(path) == "第3名\ufeff"


def test_context_default_width_and_start_of_text() -> None:
    text = "甲" * 20 + "增长5%" + "乙" * 20
    mention = one(text)
    assert context(text, mention) == "甲" * 13 + "增长5%" + "乙" * 15  # 15 either side of 5%
    start = "5%" + "乙" * 20
    assert context(start, one(start), width=3) == "5%乙乙乙"
    assert context("上\r下5%", one("上\r下5%"), width=2) == "⏎下5%"


# --- Boundaries: calendar limits, modifiers, consecutive digits, broken runs ----------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025年1月1日开幕", [("2025年1月1日", 20250101, None, "date", "exact")]),
        ("2025年12月31日", [("2025年12月31日", 20251231, None, "date", "exact")]),
        (
            "2025年13月",
            [("2025年", 2025, None, "year", "exact"), ("13月", 13, None, "number", "exact")],
        ),
        (
            "2025年0月",
            [("2025年", 2025, None, "year", "exact"), ("0月", 0, None, "number", "exact")],
        ),
        ("1月31日", [("1月31日", 131, None, "date", "exact")]),
        ("1月32日", [("1月", 100, None, "date", "exact"), ("32日", 32, None, "number", "exact")]),
        ("2月0日", [("2月", 200, None, "date", "exact"), ("0日", 0, None, "number", "exact")]),
        ("12月", [("12月", 1200, None, "date", "exact")]),
        ("十二月", [("十二月", 1200, None, "date", "exact")]),
        ("十三月", [("十三月", 13, None, "number", "exact")]),
        ("三月五日", [("三月五日", 305, None, "date", "exact")]),
        ("2025年3月至5月", [("2025年3月至5月", 20250300, 20250500, "date", "range")]),
        ("3月5日至4月2日", [("3月5日至4月2日", 305, 402, "date", "range")]),
        ("2025年3月底", [("2025年3月底", 20250300, None, "date", "exact")]),
        ("十万余人", [("十万余人", 100000, None, "number", "more_than")]),
        ("三十余人", [("三十余人", 30, None, "number", "more_than")]),
        ("五十几个", [("五十几个", 50, None, "number", "more_than")]),
        ("三万几", [("三万", 30000, None, "number", "exact")]),  # 几 only after 十/百/千
        ("一千多家", [("一千多家", 1000, None, "number", "more_than")]),
        ("九点五万", [("九点五万", 95000, None, "number", "exact")]),
        ("三四百万人", [("三四百万人", 3e6, 4e6, "number", "range")]),
        ("十七八岁", [("十七八岁", 17, 18, "number", "range")]),
        ("七八十个", [("七八十个", 70, 80, "number", "range")]),
        ("四五个", [("四五个", 4, 5, "number", "range")]),
        ("九十个", [("九十个", 90, None, "number", "exact")]),
        # a run that is no number is vague, read as its longest readable start
        ("共一亿二亿人", [("一亿二亿人", 1.2e8, None, "vague", "exact")]),
        ("三千五万人", [("三千五万人", 3500, None, "vague", "exact")]),
        ("五百三千元", [("五百三千元", 530, None, "vague", "exact")]),
        ("十四五五", [("十四五五", 14, None, "vague", "exact")]),
        ("一五一十地说", [("一五一十", 1, None, "vague", "exact")]),
        (
            "一二三四五六七八九十一二三四五个",
            [("一二三四五六七八九十一二三四五个", 1, None, "vague", "exact")],
        ),
        (
            "零一二三四五六七八九十百千万亿",
            [("零一二三四五六七八九十百千万亿", 0, None, "vague", "exact")],
        ),
        ("百十", []),
    ],
)
def test_boundaries(text: str, expected: list) -> None:
    found = [(m.text, m.value, m.value_high, m.kind, m.qualifier) for m in scan_text(text)]
    assert found == expected


def test_cli_help(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    with pytest.raises(SystemExit):
        main(["scan", "--help"])
    out = capsys.readouterr().out
    assert "FILE                  UTF-8 text file(s) to scan" in out
    assert (
        "--format {table,csv}  table (aligned, for reading; the default) or csv (for tools)" in out
    )
    assert "--output PATH         write to PATH instead of standard output" in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-5%", [(0, 3, -5, None, "percent", "exact")]),
        ("下降-5%", [(2, 5, -5, None, "percent", "exact")]),
        ("A-5型", [(0, 3, 5, None, "vague", "exact")]),  # a model name, not minus five
        ("AB-5型", [(0, 4, 5, None, "vague", "exact")]),
        ("前4个月", [(0, 4, 4, None, "number", "exact")]),
        ("目前4个月", [(2, 5, 4, None, "number", "exact")]),  # 目前 is not 前 + a period
        ("提前3个月", [(2, 5, 3, None, "number", "exact")]),
        ("数十人", [(0, 3, 10, None, "vague", "more_than")]),
        ("几百家", [(0, 3, 100, None, "vague", "more_than")]),
        ("3-5人", [(0, 4, 3, 5, "number", "range")]),
        ("12-15岁", [(0, 6, 12, 15, "number", "range")]),
        ("3万-5万元", [(0, 6, 30000, 50000, "number", "range")]),
        ("3至5万人", [(0, 5, 30000, 50000, "number", "range")]),
        ("3至五人", [(0, 4, 3, 5, "number", "range")]),
        # not ranges: a hyphen between Chinese numerals, a falling or equal pair, a bound
        ("三-五人", [(0, 1, 3, None, "vague", "exact"), (2, 4, 5, None, "number", "exact")]),
        ("5至3人", [(0, 1, 5, None, "number", "exact"), (2, 4, 3, None, "number", "exact")]),
        ("5至5人", [(0, 1, 5, None, "number", "exact"), (2, 4, 5, None, "number", "exact")]),
        (
            "100余至200人",
            [(0, 4, 100, None, "number", "more_than"), (5, 9, 200, None, "number", "exact")],
        ),
        ("B2-3层", [(0, 4, 2, None, "vague", "exact")]),
        # negative ranges: each end keeps its own sign, compared signed
        ("-3至-1%", [(0, 6, -3, -1, "percent", "range")]),
        ("增长-3至-1%", [(2, 8, -3, -1, "percent", "range")]),
        ("-3~-1%", [(0, 6, -3, -1, "percent", "range")]),
        ("-3--1%", [(0, 6, -3, -1, "percent", "range")]),
        ("-1至3%", [(0, 5, -1, 3, "percent", "range")]),
        ("-3至-1万元", [(0, 7, -30000, -10000, "number", "range")]),  # -3 takes 万 too
        ("3至-1%", [(0, 1, 3, None, "number", "exact"), (2, 5, -1, None, "percent", "exact")]),
        ("-1至-3%", [(0, 2, -1, None, "number", "exact"), (3, 6, -3, None, "percent", "exact")]),
        ("3至 -1%", [(0, 1, 3, None, "number", "exact"), (3, 6, -1, None, "percent", "exact")]),
    ],
)
def test_signs_ranges_and_identifiers(text: str, expected: list) -> None:
    found = [(m.start, m.end, m.value, m.value_high, m.kind, m.qualifier) for m in scan_text(text)]
    assert found == expected


# --- Telling inputs: each tells a right reading from a near miss (make mutate) -----------------
# Rows: (start, end, value, value_high, unit, qualifier, kind) of every mention, worked out by
# hand from the rules of the module docstring.
TELLING = [
    # dates: a range's second part, its bounds, its 份 and spaces, its suffix
    (
        "6月至6月",
        [(0, 2, 600, None, "月", "exact", "date"), (3, 5, 600, None, "月", "exact", "date")],
    ),
    (
        "6月至5月",
        [(0, 2, 600, None, "月", "exact", "date"), (3, 5, 500, None, "月", "exact", "date")],
    ),
    ("6月至8月底", [(0, 6, 600, 800, "月", "range", "date")]),
    ("6月份至8月份", [(0, 7, 600, 800, "月", "range", "date")]),
    ("6月1日至2日份", [(0, 7, 601, 602, "月日", "range", "date")]),  # 份 only after a month
    ("6月16日至18 日", [(0, 10, 616, 618, "月日", "range", "date")]),
    # the second part says no less than the first: 6月16日至7月 is two dates
    (
        "6月16日至7月",
        [(0, 5, 616, None, "月日", "exact", "date"), (6, 8, 700, None, "月", "exact", "date")],
    ),
    # day 32 is no day: 6月 is a date, 1日至32日 a plain range of days
    (
        "6月1日至32日",
        [(0, 2, 600, None, "月", "exact", "date"), (2, 8, 1, 32, "日", "range", "number")],
    ),
    ("6月至13月", [(0, 6, 6, 13, "月", "range", "number")]),  # month 13: no date range
    ("2024年12月至2025年1月", [(0, 16, 20241200, 20250100, "年月", "range", "date")]),
    ("2024年1月至12月", [(0, 11, 20240100, 20241200, "年月", "range", "date")]),
    ("5月31日至6月1日", [(0, 10, 531, 601, "月日", "range", "date")]),
    ("5月1日至31日", [(0, 8, 501, 531, "月日", "range", "date")]),
    ("6至12月", [(0, 5, 600, 1200, "月", "range", "date")]),  # 12 is a month
    ("1至31日", [(0, 5, 1, 31, "日", "range", "date")]),  # 31 is a day
    ("31日", [(0, 3, 31, None, "日", "exact", "date")]),
    ("十十月", []),  # 十十 is no number, so no month
    # 两两两两 is no year: no date 年月; the run is a vague 2 with its unit 年
    (
        "两两两两年5月",
        [(0, 5, 2, None, "年", "exact", "vague"), (5, 7, 500, None, "月", "exact", "date")],
    ),
    ("三点五日", [(0, 4, 3.5, None, "日", "exact", "number")]),  # 3.5 is no day of a month
    # Chinese runs: consecutive digits, decimals, broken runs and their longest prefix
    ("一二个", [(0, 3, 1, 2, "个", "range", "number")]),
    ("二三四", [(0, 3, 234, None, "", "exact", "vague")]),  # three digits: positional
    ("三点一二", [(0, 4, 3.12, None, "", "exact", "number")]),  # 一二 after 点: decimals
    # 12 characters: still tried as a consecutive pair (七八); 13 are not
    ("二百三十四万五千六百七八", [(0, 12, 2345670, 2345680, "", "range", "number")]),
    # 13: no pair; the longest prefix of at most 12 that is a number: 千二百三十四万五千六百七
    ("千二百三十四万五千六百七八", [(0, 13, 12345670, None, "", "exact", "vague")]),
    # 14: the 12-character prefix 一千二百三十四万五千六百 (the 13-character one is a number too)
    ("一千二百三十四万五千六百七一", [(0, 14, 12345600, None, "", "exact", "vague")]),
    ("十十一", [(0, 3, 10, None, "", "exact", "vague")]),  # only 十 of it is a number
    ("一十十人", [(0, 4, 10, None, "人", "exact", "vague")]),  # 一 is a digit: reported
    ("零十十人", []),  # only zeros and multipliers, no number: not reported
    ("三十X", [(0, 2, 30, None, "", "exact", "number")]),  # X is no 余/多/几
    # stopwords: one that ends where the numeral starts does not hide it
    ("一样三个", [(2, 4, 3, None, "个", "exact", "number")]),
    # fractions and halves take a qualifier on either side
    ("三分之一以上", [(0, 6, 0.3333333333, None, "", "at_least", "number")]),
    ("一半以上", [(0, 4, 0.5, None, "", "at_least", "number")]),
    ("约一半左右", [(0, 5, 0.5, None, "", "approx", "number")]),
    ("百分之二十以上", [(0, 7, 20, None, "%", "at_least", "percent")]),
    # units: a one-character unit blocked by the next character, Latin units after a space
    ("5国家和地区", [(0, 1, 5, None, "", "exact", "number")]),  # 国家 is a word
    ("5人X", [(0, 2, 5, None, "人", "exact", "number")]),  # 人 has no blockers
    ("5 mmH，", [(0, 1, 5, None, "", "exact", "number")]),  # mm glued to a letter: no unit
    ("三 人", [(0, 1, 3, None, "", "exact", "vague")]),  # a space only after Arabic digits
    ("5 人", [(0, 3, 5, None, "人", "exact", "number")]),
    ("长5 km", [(1, 5, 5, None, "km", "exact", "number")]),
    # Arabic numbers: 余/多 only after an integer or a multiplier; decimals are no month
    ("2.5多人", [(0, 3, 2.5, None, "", "exact", "number")]),
    (
        "10 X万人",
        [(0, 2, 10, None, "", "exact", "number"), (4, 6, 10000, None, "人", "exact", "number")],
    ),
    ("10万X", [(0, 3, 100000, None, "", "exact", "number")]),
    ("1.5月", [(0, 4, 1.5, None, "月", "exact", "number")]),
    ("5G", [(0, 2, 5, None, "", "exact", "vague")]),  # an identifier ending the text
    # qualifiers before: the blocker is the character before the word, none at the start
    ("约5人签", [(0, 3, 5, None, "人", "approx", "number")]),
    ("年逾60岁", [(1, 5, 60, None, "岁", "at_least", "number")]),  # 逾 has no blockers
    ("X逾60岁", [(1, 5, 60, None, "岁", "at_least", "number")]),
    ("超第3名", [(1, 4, 3, None, "名", "exact", "ordinal")]),  # an ordinal takes no qualifier
    # ranges: the first end takes the second's multiplier only when it has none of its own
    (
        "3万至5人",
        [(0, 2, 30000, None, "", "exact", "number"), (3, 5, 5, None, "人", "exact", "number")],
    ),
    ("三至5万人", [(0, 5, 3, 50000, "人", "range", "number")]),  # a Chinese first end keeps 3
    ("3千至5万人", [(0, 6, 3000, 50000, "人", "range", "number")]),
    (
        "3亿元至2亿元",  # falling: two amounts (亿 alone is no number of its own here)
        [
            (0, 3, 300000000, None, "元", "exact", "number"),
            (4, 7, 200000000, None, "元", "exact", "number"),
        ],
    ),
    ("9-3%", [(0, 1, 9, None, "", "exact", "number"), (2, 4, 3, None, "%", "exact", "percent")]),
    (
        "3至一十十人",  # a broken second end is no range end
        [(0, 1, 3, None, "", "exact", "number"), (2, 6, 10, None, "人", "exact", "vague")],
    ),
    (
        "3至四五人",  # nor is a second end that is a range itself
        [(0, 1, 3, None, "", "exact", "number"), (2, 5, 4, 5, "人", "range", "number")],
    ),
    (
        "3-五人",  # a hyphen joins Arabic ends only
        [(0, 1, 3, None, "", "exact", "number"), (2, 4, 5, None, "人", "exact", "number")],
    ),
    ("3至5G", [(0, 1, 3, None, "", "exact", "number"), (2, 4, 5, None, "", "exact", "vague")]),
    (
        "3人至5元",  # different units: two mentions, the first kept
        [(0, 2, 3, None, "人", "exact", "number"), (3, 5, 5, None, "元", "exact", "number")],
    ),
    ("10至13月", [(0, 6, 10, 13, "月", "range", "number")]),  # 13 is no month
    ("30至32日", [(0, 6, 30, 32, "日", "range", "number")]),  # 32 is no day
    # prefixes: 数/几/上 before a multiplier, 前 before a period
    ("X十人", [(1, 3, 10, None, "人", "exact", "number")]),
    ("上百人", [(0, 3, 100, None, "人", "at_least", "vague")]),  # 上 from 100 up
    ("截至目前4个月", [(4, 7, 4, None, "个月", "exact", "number")]),  # 目前, not 前
    ("X前4个月", [(1, 5, 4, None, "个月", "exact", "number")]),
    # years: four digits from 1000 to 2999
    ("一千五百年", [(0, 5, 1500, None, "年", "exact", "number")]),  # not four digit characters
    ("1000年", [(0, 5, 1000, None, "年", "exact", "year")]),
    ("2999年", [(0, 5, 2999, None, "年", "exact", "year")]),
    ("3000年", [(0, 5, 3000, None, "年", "exact", "number")]),
    # multipliers alone: 级 from 百 up, kept with a qualifier or 余
    ("百级", [(0, 2, 100, None, "级", "approx", "vague")]),
    ("超百", [(0, 2, 100, None, "", "at_least", "vague")]),
    ("百余", [(0, 2, 100, None, "", "more_than", "vague")]),
    # time words: glued to a year or a date (以来/至今 after a day), not to a range or a count
    ("5人以来", [(0, 2, 5, None, "人", "exact", "number")]),
    ("16日以来", [(0, 5, 16, None, "日", "exact", "date")]),
    ("16日至今", [(0, 5, 16, None, "日", "exact", "date")]),
    ("1至3日以来", [(0, 4, 1, 3, "日", "range", "date")]),
    ("6月度", [(0, 2, 600, None, "月", "exact", "date")]),  # 度 follows a year only
    (
        "一6月底",  # no date pattern after a numeral: the month is read from the number
        [(0, 1, 1, None, "", "exact", "vague"), (1, 4, 600, None, "月", "exact", "date")],
    ),
    # qualifiers after: not on ordinals, years or dates
    ("第3名以上", [(0, 3, 3, None, "名", "exact", "ordinal")]),
    ("2025年以上", [(0, 5, 2025, None, "年", "exact", "year")]),
    ("16日以下", [(0, 3, 16, None, "日", "exact", "date")]),
    # identifiers: a token loses trailing punctuation only
    ("A1X", [(0, 3, 1, None, "", "exact", "vague")]),
    ("A1.", [(0, 2, 1, None, "", "exact", "vague")]),
    ("X1", [(0, 2, 1, None, "", "exact", "vague")]),
    ("中-A1", [(2, 4, 1, None, "", "exact", "vague")]),  # and leading punctuation
    # lexical patterns: ISO dates and their bounds, separators the same twice
    ("2025-12-31", [(0, 10, 20251231, None, "年月日", "exact", "date")]),
    ("2025-1-1", [(0, 8, 20250101, None, "年月日", "exact", "date")]),
    ("2025/06/16", [(0, 10, 20250616, None, "年月日", "exact", "date")]),
    ("2025.6.16", [(0, 9, 20250616, None, "年月日", "exact", "date")]),
    (
        "2025-13-01",  # month 13: three numbers
        [
            (0, 4, 2025, None, "", "exact", "number"),
            (5, 7, 13, None, "", "exact", "number"),
            (8, 10, 1, None, "", "exact", "number"),
        ],
    ),
    (
        "2025-06-32",  # day 32: a year, then 6 to 32
        [(0, 4, 2025, None, "", "exact", "number"), (5, 10, 6, 32, "", "range", "number")],
    ),
    (
        "2025-06/16",  # two different separators
        [
            (0, 4, 2025, None, "", "exact", "number"),
            (5, 7, 6, None, "", "exact", "number"),
            (8, 10, 16, None, "", "exact", "number"),
        ],
    ),
    # plans, firsts, multiples, Chinese percents, fractions and halves
    ("十四五", [(0, 3, 14, None, "五年规划", "exact", "ordinal")]),
    ("十四五个", [(0, 4, 14, 15, "个", "range", "number")]),
    ("首批", [(0, 2, 1, None, "批", "exact", "ordinal")]),
    ("首位于", []),  # 位于 is a word
    ("唯一", [(0, 2, 1, None, "", "exact", "ordinal")]),
    ("翻番", [(0, 2, 2, None, "倍", "exact", "multiple")]),
    ("翻两番", [(0, 3, 4, None, "倍", "exact", "multiple")]),  # 2^2
    ("翻三番", [(0, 3, 8, None, "倍", "exact", "multiple")]),  # 2^3
    ("翻倍", [(0, 2, 2, None, "倍", "exact", "multiple")]),
    ("倍增", [(0, 2, 2, None, "倍", "exact", "multiple")]),
    ("千分之五", [(0, 4, 5, None, "‰", "exact", "percent")]),
    ("约百分之二十", [(0, 6, 20, None, "%", "approx", "percent")]),
    ("百分之二十左右", [(0, 7, 20, None, "%", "approx", "percent")]),
    ("三分之零", [(0, 4, 0, None, "", "exact", "number")]),
    ("零分之一", []),  # no whole: no fraction
    ("约三分之一", [(0, 5, 0.3333333333, None, "", "approx", "number")]),
    ("减半", [(0, 2, 0.5, None, "倍", "exact", "multiple")]),
    ("过半", [(0, 2, 0.5, None, "", "more_than", "number")]),
    ("半数", [(0, 2, 0.5, None, "", "exact", "number")]),
    ("约一半", [(0, 3, 0.5, None, "", "approx", "number")]),
    ("十四五km", [(0, 3, 14, None, "五年规划", "exact", "ordinal")]),  # km follows digits only
    # any four digits are a year in a date range's second part, even 0001
    ("6月至0001年7月", [(0, 10, 600, 10700, "月", "range", "date")]),
    # a tie in length: the lexical pattern (6月底) beats the number read (约6月), though later
    ("约6月底", [(1, 4, 600, None, "月", "exact", "date")]),
    # 首 + a measure word: blocked by the one character after it only, then the next 首
    ("首位于是", []),
    ("首批X", [(0, 2, 1, None, "批", "exact", "ordinal")]),
    ("首位于首批", [(3, 5, 1, None, "批", "exact", "ordinal")]),
    # 十N五: a unit right after it (not one elsewhere) makes it a range; the next is a plan
    ("个人十四五", [(2, 5, 14, None, "五年规划", "exact", "ordinal")]),
    (
        "十四五个和十三五",
        [(0, 4, 14, 15, "个", "range", "number"), (5, 8, 13, None, "五年规划", "exact", "ordinal")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), TELLING)
def test_telling_inputs(text: str, expected: list) -> None:
    found = [
        (m.start, m.end, m.value, m.value_high, m.unit, m.qualifier, m.kind)
        for m in scan_text(text)
    ]
    assert found == expected


@pytest.mark.parametrize(
    ("text", "fraction"),
    [
        ("三分之一", True),
        ("约五分之一", True),
        ("一半", True),
        ("过半", True),
        ("百分之二十", False),  # a percent, not a bare fraction
        ("减半", False),  # a multiple (0.5倍)
        ("3人", False),
    ],
)
def test_is_fraction(text: str, fraction: bool) -> None:
    assert is_fraction(one(text)) is fraction


def test_cli_table_without_mentions(tmp_path: Path, capsys) -> None:
    source = tmp_path / "words.txt"
    source.write_text("没有数字", encoding="utf-8")
    assert main(["scan", str(source)]) == 0
    assert capsys.readouterr().out.split("\n")[-2] == "0 mention(s)"


def test_minus_zero_reads_zero() -> None:
    # -0% is worth 0.0, not -0.0 (which would print as -0 in a CSV)
    assert repr(one("-0%").value) == "0.0"
