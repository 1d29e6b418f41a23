"""List every numeric mention in a Chinese text, so that no figure on a page is left behind.

`scan_text(text)` returns `Mention`s sorted by start, never overlapping; where candidates
overlap, the longest wins (on a tie, the lexical patterns below beat a plain number, then
the earlier start). `text[m.start:m.end] == m.text` always holds.

What a mention is
-----------------
- An Arabic number (ASCII or full-width, decimals, thousands commas ``1,234``), with the
  multipliers that follow it (``92.1亿``, ``1.5万亿``), an optional 余/多 (``10余部``,
  ``20多万人``) and a unit word from `UNITS` (``亿美元`` is 亿 + 美元: the value is in base
  units, 9210000000, and the unit is 美元). One space may separate the number from what
  follows (``40 万人``). A leading ``-``/``−`` is a sign unless a digit or letter precedes it.
- A run of Chinese numeral characters (`policyreport.data.numerals`), with the same tail.
- Percentages (``22.6%``, ``百分之二十``, ``3个百分点``), multiples (``3倍``, ``翻倍``,
  ``倍增``, ``翻番``, ``翻两番``), fractions (``三分之一``, ``一半``, ``过半``).
- Calendar expressions: ``2025年`` (kind year, value 2025), ``6月16日``, ``4月末``,
  ``2025年3月`` (kind date), ``6月16日至18日`` (date range). A date's value packs its parts
  as YYYYMMDD with 0 for a part the text does not give (``6月16日`` → 616, ``4月末`` → 400,
  ``2025年3月`` → 20250300), and its unit names the parts given (``月日``, ``月``, ``年月``).
  A year needs four digits before 年; ``3年`` is a duration (kind number, unit 年). Time
  words glued to a year or month are part of the mention and do not change its value or
  qualifier: ``2025年底``, ``2009年以来``, ``4月末``, ``6月中旬``. 截至 ("as of") is not
  part of a mention: it dates a figure, it does not bound it.
- ``前4个月`` (and 前N季度) is reported as a duration, kind number, value 4, unit 个月,
  with 前 kept in the text: the phrase has no calendar anchor of its own (the year comes from
  the context), so the analyst's fact records the period; the mention only has to be found.
- Ordinals: 第 + number (``第十五届`` → 15, unit 届; ``第一`` → 1), 首 + a measure word from
  `FIRST_UNITS` (``首批``, ``首位``, ``首份`` → 1), 唯一 (→ 1), and five-year plans
  (``十四五`` → 14, unit 五年规划).
- Vague quantities (kind vague): orders of magnitude (``亿级`` → 1e8, approx), 数十/几百/
  上万 (→ 10, 100, 10000; more_than for 数/几, at_least for 上), digits glued to Latin letters
  (``5G``, ``C919``: the whole token is the mention, value its first number), and a Chinese
  numeral with no unit after it (see below).

Names in book-title marks: text inside 《…》 or 〈…〉 (the marks themselves included) is a
title, the name of a work, plan or law (《三体》, 《“十四五”规划》): it states no figure, so no
mention is read in it. A mark closes on the same line; an unclosed 《 is no title (a typo must
not hide the rest of the page). 〈…〉 nests inside 《…》 and is covered by it.

Qualifiers: exact; at_least (超, 超过, 超出, 突破, 逾, 高于, 多于 before; 以上 after);
more_than (余, 多, 几 inside the number: ``10余部``, ``300多家``, ``十几个``; 有余 after);
approx (近, 将近, 接近, 约, 大约 before; 左右 after); at_most (不足, 不到, 低于, 少于 before;
以下, 以内 after; not in the brief's list, added because reading 不足5% as exact would be
wrong); range (``1至3分钟`` → 1..3, ``10至20万元`` → 100000..200000: a bare first number takes
the second's multiplier and unit; connectors 至 到 - ~ ～ — –; either end may carry a minus
sign, and the ends are compared signed: ``-3至-1%`` → -3..-1, ``-1至3%`` → -1..3).

Chinese numerals: the rule
--------------------------
The scanner is deliberately greedy: the check step matches every mention against a fact or a
justified exclusion, so an idiom reported costs one exclusion line while a figure missed is
an error. The rule is generic, by character class, never a list of one page's words:

1. A run containing a digit character (一二三…九, 两) is always reported. With a unit after
   it, it is a quantity (``三轮``, ``一场``, ``两大``: kind number). Without one, a built
   number is still kind number (``二十``, ``三点五亿``), but a lone digit character is kind
   vague (``三维``, ``三体``, ``一纸``, ``一技之长``, each 一 of ``一带一路``): a numeral
   whose role, quantity, idiom or name, is for the analyst to judge. Financial forms
   (壹…玖, 拾佰仟) are also parts of ordinary words (队伍, 陆续, 收拾), so they count only
   in a run of two or more that has a multiplier (``壹佰贰拾万元``).
2. A run of multipliers only (十百千万亿, no digit) is reported only when something makes it a
   number: a unit after it (``百万元``, ``万人``), 第 before it, 数/几/上 before it, a qualifier
   before it or 余/多 after it, or 级 (``亿级``). So 万 in 万维 and 千 in 千与千寻 are not
   reported: a lone multiplier followed by an ordinary word is not a numeral use.
3. A run of 零/〇 alone is reported only with a unit (零售 is not a number).
4. `STOPWORDS` are grammatical words in which a numeral character has lost its numeric sense
   (一样, 一起, 一些, 一并, 一般, 之一, 统一, 进一步 …): adverbs, conjunctions and determiners
   of everyday Chinese, not idioms. Words that state a quantity stay mentions: 两项 (a count
   of 2), 倍增 (doubling, a multiple of 2) and 唯一 (the only one, a record claim the page's
   facts record as rank 1). A numeral inside one is not reported, unless its unit runs
   past the word (十分 is a stopword, ``十分钟`` is 10 分钟); where the stopword starts before
   the numeral (统一, 之一) the numeral is never reported. 唯一 is a stopword for the plain
   numeral and is reported as an ordinal by its own pattern.
5. Two consecutive digits are a range (``三四个`` → 3..4, ``十七八`` → 17..18, and so
   ``十四五个`` is 14..15 while a bare ``十四五`` is the plan); four digit characters before
   年 are a year (``二〇二五年``); other runs of digit characters are read positionally
   (``五一`` → 51, vague). A run that is no number at all (``一五一十``) is reported once, kind
   vague, valued by its longest prefix that is one (1).

Units are data (`UNITS`, `LATIN_UNITS`, grouped by kind); `UNIT_BLOCKERS` lists the few
characters after which a one-character unit is really the start of a word (成为, 国家, 城市).

Files and the CLI
-----------------
`policyreport scan FILE [FILE ...] [--format table|csv] [--output PATH]`. Files are read as
UTF-8 (a BOM is dropped) with ``newline=""``, so CRLF stays as two characters and offsets
count characters of the text exactly as read. A missing or non-UTF-8 file raises
`policyreport.errors.DataError`, which the CLI prints as one line (exit 2).
"""

from __future__ import annotations

import bisect
import csv
import io
import re
import sys
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from policyreport.data.numerals import DIGIT_CHARS, DIGITS, MULTIPLIER_CHARS, parse_number
from policyreport.errors import DataError

if TYPE_CHECKING:
    import argparse

__all__ = [
    "KINDS",
    "QUALIFIERS",
    "UNITS",
    "Mention",
    "add_arguments",
    "context",
    "format_value",
    "is_fraction",
    "read_text",
    "run",
    "scan_file",
    "scan_text",
]

KINDS = ("number", "percent", "ordinal", "date", "year", "multiple", "vague")
QUALIFIERS = ("exact", "at_least", "more_than", "approx", "at_most", "range")

# --- Units: data, grouped by what they make a mention ------------------------------------
CURRENCY_UNITS = (
    "人民币",
    "美元",
    "欧元",
    "日元",
    "英镑",
    "港元",
    "港币",
    "澳元",
    "韩元",
    "卢布",
    "元",
)
PERCENT_UNITS = ("%", "％", "‰", "个百分点", "百分点", "基点", "成")
_UNIT_SPELLING = {"％": "%"}  # the unit reported for a full-width spelling
MULTIPLE_UNITS = ("倍",)
TIME_UNITS = (
    "个工作日",
    "工作日",
    "个小时",
    "小时",
    "分钟",
    "秒钟",
    "秒",
    "天",
    "周年",
    "个星期",
    "星期",
    "个月",
    "个季度",
    "季度",
    "周",
    "年",
    "月",
    "日",
)
MEASURE_UNITS = (
    "平方公里",
    "平方千米",
    "平方米",
    "立方米",
    "公里",
    "千米",
    "厘米",
    "毫米",
    "米",
    "公顷",
    "亩",
    "吨",
    "千克",
    "公斤",
    "克",
    "斤",
    "毫升",
    "升",
    "千瓦时",
    "瓦时",
    "千瓦",
    "兆瓦",
    "吉瓦",
    "瓦",
    "摄氏度",
    "℃",
)
COUNT_UNITS = (
    "人次",
    "架次",
    "人",
    "名",
    "位",
    "户",
    "家",
    "个",
    "项",
    "条",
    "部",
    "集",
    "种",
    "类",
    "款",
    "批",
    "轮",
    "次",
    "届",
    "期",
    "场",
    "件",
    "台",
    "辆",
    "架",
    "艘",
    "座",
    "所",
    "栋",
    "套",
    "份",
    "篇",
    "本",
    "册",
    "张",
    "只",
    "头",
    "株",
    "棵",
    "片",
    "块",
    "根",
    "对",
    "双",
    "组",
    "支",
    "队",
    "层",
    "级",
    "处",
    "则",
    "封",
    "枚",
    "颗",
    "粒",
    "排",
    "单",
    "笔",
    "宗",
    "例",
    "起",
    "站",
    "门",
    "步",
    "代",
    "岁",
    "号",
    "国",
    "省",
    "城",
    "大",
)
UNITS: tuple[str, ...] = (
    CURRENCY_UNITS + PERCENT_UNITS + MULTIPLE_UNITS + TIME_UNITS + MEASURE_UNITS + COUNT_UNITS
)
# Units written in Latin letters, only after Arabic digits (100MW, 5 km).
LATIN_UNITS = (
    "kWh",
    "MWh",
    "GWh",
    "TWh",
    "kW",
    "MW",
    "GW",
    "km²",
    "km",
    "kg",
    "cm",
    "mm",
    "m²",
    "m³",
    "GB",
    "TB",
    "PB",
    "nm",
    "m",
    "t",
)
# A one-character unit followed by one of these characters starts a word instead.
UNIT_BLOCKERS: dict[str, str] = {
    "成": "为立长功",
    "国": "家际内",
    "城": "市镇乡",
    "省": "级市",
    "大": "学",
    "门": "户",
    "代": "表理",
    "号": "召",
    "步": "伐",
    "起": "来",
    "对": "于接比应",
    "单": "位元独",
    "期": "间待望货",
    "条": "件例",
    "集": "团中成聚群",
    "台": "湾",
    "位": "于置",
}
# 首 + one of these is an ordinal (首批, 首位, 首份); 首席, 首先, 首都 are not.
FIRST_UNITS = (
    "批",
    "位",
    "份",
    "个",
    "家",
    "次",
    "届",
    "款",
    "部",
    "条",
    "项",
    "轮",
    "台",
    "架",
    "座",
    "场",
    "期",
    "单",
    "笔",
    "张",
    "套",
    "只",
    "辆",
    "艘",
    "件",
    "篇",
    "本",
    "种",
    "例",
    "站",
    "代",
    "集",
    "年",
    "月",
    "日",
    "周",
    "季度",
)
PERIOD_UNITS = ("个月", "个季度", "季度")  # 前4个月: a period counted from the year's start
# Grammatical words in which a numeral character is not a number (rule 4 of the docstring).
STOPWORDS = (
    "一样",
    "一起",
    "一些",
    "一般",
    "一直",
    "一定",
    "一切",
    "一旦",
    "一致",
    "一同",
    "一向",
    "一再",
    "一贯",
    "一律",
    "一并",
    "一齐",
    "一如既往",
    "一味",
    "一边",
    "一面",
    "一方面",
    "一时",
    "一下",
    "一度",
    "一举",
    "一体",
    "一系列",
    "一揽子",
    "统一",
    "之一",
    "唯一",
    "万一",
    "同一",
    "单一",
    "逐一",
    "专一",
    "不一",
    "划一",
    "合一",
    "进一步",
    "下一步",
    "十分",
    "四处",
)
PREFIX_QUALIFIERS = (
    ("超过", "at_least"),
    ("超出", "at_least"),
    ("突破", "at_least"),
    ("高于", "at_least"),
    ("多于", "at_least"),
    ("逾", "at_least"),
    ("超", "at_least"),
    ("将近", "approx"),
    ("接近", "approx"),
    ("大约", "approx"),
    ("近", "approx"),
    ("约", "approx"),
    ("不足", "at_most"),
    ("不到", "at_most"),
    ("低于", "at_most"),
    ("少于", "at_most"),
)
# A one-character prefix is no qualifier after these (最近, 附近, 签约, 节约, 赶超).
PREFIX_BLOCKERS: dict[str, str] = {
    "近": "最附靠亲临邻就贴",
    "约": "签节制合预履违集特公条邀相契婚解践赴",
    "超": "赶高",
}
SUFFIX_QUALIFIERS = (
    ("以上", "at_least"),
    ("有余", "more_than"),
    ("左右", "approx"),
    ("以下", "at_most"),
    ("以内", "at_most"),
)
# Time words glued to a year or month; the lookahead keeps 初步, 底线, 末端 out.
_TIME_SUFFIX = r"(?:以来|至今|上半年|下半年|上旬|中旬|下旬|底(?![线层部蕴气])|初(?![步级期次中心衷])|末(?![端梢位]))"
_YEAR_SUFFIX = rf"(?:{_TIME_SUFFIX}|度)"
_TIME_SUFFIX_RE = re.compile(_TIME_SUFFIX)
_YEAR_SUFFIX_RE = re.compile(_YEAR_SUFFIX)
_RANGE_CONNECTORS = ("至", "到", "~", "～", "〜", "—", "–", "-", "－")

# --- Regular expressions ---------------------------------------------------------------
_D = "0-9０-９"
# Financial forms (壹贰…拾佰仟) are also parts of ordinary words (队伍, 陆续, 收拾), so in a
# text they count only in runs of two or more with a multiplier (壹佰贰拾, 伍万).
_FINANCIAL = "壹贰貳叁參肆伍陆陸柒捌玖拾佰仟"
_CN_DIGITS = "".join(c for c in DIGIT_CHARS if c not in _FINANCIAL)
_CN_MULTS = "".join(c for c in MULTIPLIER_CHARS if c not in _FINANCIAL)
_CN = _CN_DIGITS + _CN_MULTS
_SPACE = "[ \u00a0\u2009]"
_ARABIC = rf"[{_D}]+(?:,[{_D}]{{3}}(?![{_D}]))*(?:[.．][{_D}]+)?"
# A multiplier character, unless it starts a unit (千瓦, 千米, 百分点).
_UNIT_STARTING_WITH_MULTIPLIER = sorted(
    (u for u in UNITS if u[0] in MULTIPLIER_CHARS), key=len, reverse=True
)
_NOT_UNIT = "".join(f"(?!{re.escape(u)})" for u in _UNIT_STARTING_WITH_MULTIPLIER)
_MULT = rf"{_NOT_UNIT}[{_CN_MULTS}]"
_CN_CHAR = rf"{_NOT_UNIT}[{_CN}]"
_CN_RUN = (
    rf"(?:{_CN_CHAR})+(?:点[{_CN_DIGITS}]+(?:{_MULT})*)?"
    rf"|(?=[零万亿萬億]*[{_FINANCIAL}])[{_FINANCIAL}零万亿萬億]{{2,}}"
)
_CORE_RE = re.compile(rf"(?P<ar>{_ARABIC})|(?P<cn>{_CN_RUN})")
_MULT_RUN_RE = re.compile(rf"(?:{_MULT})+")
_NUM = rf"(?:{_ARABIC}|{_CN_RUN})"
_NO_NUM_BEFORE = rf"(?<![{_D}.．{_CN}])"
_MONTH = r"[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3}"
_DAY = r"[0-9０-９]{1,2}|[一二三四五六七八九十]{1,4}"
_DATE_RE = re.compile(
    rf"{_NO_NUM_BEFORE}(?:(?P<y>[{_D}]{{4}}|[{_CN_DIGITS}]{{4}}){_SPACE}?年{_SPACE}?)?"
    rf"(?P<m>{_MONTH}){_SPACE}?月份?(?:{_SPACE}?(?P<d>{_DAY}){_SPACE}?[日号])?"
    rf"(?P<suffix>{_TIME_SUFFIX})?"
    rf"(?:(?P<conn>至|到|[-~～〜—–－])"
    rf"(?:(?P<y2>[{_D}]{{4}}|[{_CN_DIGITS}]{{4}}){_SPACE}?年{_SPACE}?)?"
    rf"(?:(?P<m2>{_MONTH}){_SPACE}?月份?)?(?:{_SPACE}?(?P<d2>{_DAY}){_SPACE}?[日号])?"
    rf"(?P<suffix2>{_TIME_SUFFIX})?)?"
)
_ISO_DATE_RE = re.compile(
    r"(?<![0-9０-９.])([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})(?![0-9０-９])"
)
_PLAN_RE = re.compile(rf"(?<![{_CN}第])十([一二三四五六七八九])五(?![{_CN}])")
_FIRST_RE = re.compile(
    "首(?:" + "|".join(re.escape(u) for u in sorted(FIRST_UNITS, key=len, reverse=True)) + ")"
)
_ONLY_RE = re.compile("唯一")
_MULTIPLE_RE = re.compile(
    rf"翻倍|(?<![{_D}{_CN}余多])倍增|翻番|翻(?P<n>[一两二三四五六七八九1-9])番"
)
_PERCENT_CN_RE = re.compile(rf"(?P<base>百|千)分之(?P<n>{_NUM})")
_FRACTION_RE = re.compile(rf"{_NO_NUM_BEFORE}(?P<a>{_NUM})分之(?P<b>{_NUM})")
_HALF_RE = re.compile("一半|过半|半数|减半")
_LONGEST_STOPWORD = max(len(word) for word in STOPWORDS)
_STOPWORD_RE = re.compile("|".join(sorted(STOPWORDS, key=len, reverse=True)))
# A title: 《…》 (which may hold 〈…〉) or 〈…〉, closed on the same line.
_TITLE_RE = re.compile(r"《[^《》\r\n]*》|〈[^〈〉\r\n]*〉")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_TOKEN_RE = re.compile(r"[A-Za-z0-9０-９._+\-]+")

_UNITS_BY_LENGTH = sorted(UNITS, key=len, reverse=True)
_LATIN_BY_LENGTH = sorted(LATIN_UNITS, key=len, reverse=True)
_SMALL_MULTIPLIERS = "十拾百佰千仟"


@dataclass(frozen=True)
class Mention:
    """One numeric mention: ``source[start:end] == text``; value in base units (for a
    date, YYYYMMDD with 0 for missing parts); value_high only for a range."""

    start: int
    end: int
    text: str
    value: float
    value_high: float | None
    unit: str
    qualifier: str
    kind: str


@dataclass
class _Core:
    """A number found in the text before its unit and qualifiers are looked at."""

    start: int
    end: int  # after the multipliers and any 余/多/几
    script: str  # "ar" or "cn"
    number_text: str  # the number as written, without multipliers (Arabic) or whole (cn)
    mult_text: str  # multipliers after an Arabic number
    value: float
    value_high: float | None = None  # 三四 -> 3..4
    modifier: str = ""  # 余, 多 or 几
    multiplier_only: bool = False  # 十, 百万 …
    zero_only: bool = False
    digits: int = 0  # how many digit characters (for years)
    integer: bool = True  # written without a decimal point
    fallback: bool = False  # a run that is no number, valued by its longest prefix


# --- Public API ----------------------------------------------------------------------------
def scan_text(text: str) -> list[Mention]:
    """Every numeric mention in `text`, sorted by start, non-overlapping (longest wins)."""
    candidates: list[tuple[Mention, int]] = []
    candidates += [(m, 0) for m in _special_candidates(text)]
    stopwords = {m.start(): m.end() for m in _STOPWORD_RE.finditer(text)}
    cores = _find_cores(text)
    by_start = {core.start: core for core in cores}
    tokens = _identifier_tokens(text)
    for core in cores:
        mention = _mention_from_core(text, core, by_start, tokens)
        if mention is None:
            continue
        if (
            core.script == "cn"
            and mention.kind != "ordinal"
            and _blocked_by_stopword(core, mention, stopwords)
        ):
            continue
        candidates.append((mention, 1))
    titles = _title_spans(text)
    candidates = [c for c in candidates if not _in_title(c[0], titles)]
    # Longest first; keep a candidate if it overlaps none kept so far.
    chosen: list[Mention] = []
    starts: list[int] = []  # of the kept spans, sorted; they never overlap
    ends: list[int] = []
    for mention, _priority in sorted(
        candidates, key=lambda c: (-(c[0].end - c[0].start), c[1], c[0].start)
    ):
        index = bisect.bisect_right(starts, mention.start)
        if index > 0 and ends[index - 1] > mention.start:
            continue
        if index < len(starts) and starts[index] < mention.end:
            continue
        starts.insert(index, mention.start)
        ends.insert(index, mention.end)
        chosen.append(mention)
    return sorted(chosen, key=lambda m: m.start)


def _title_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every title in book-title marks, marks included, sorted by start."""
    return [match.span() for match in _TITLE_RE.finditer(text)]


def _in_title(mention: Mention, titles: list[tuple[int, int]]) -> bool:
    """Whether the mention overlaps a title: titles never overlap, so only the last one that
    starts before the mention's end can reach into it."""
    index = bisect.bisect_left(titles, (mention.end,)) - 1  # (end,) sorts before (end, x)
    return index >= 0 and titles[index][1] > mention.start


def read_text(path: str | Path) -> str:
    """A file's text as UTF-8 (BOM dropped, newlines kept as written), or a DataError."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataError(file=str(path), expected="UTF-8 text", found="no such file") from None
    except IsADirectoryError:
        raise DataError(file=str(path), expected="UTF-8 text", found="a directory") from None
    except OSError as error:
        raise DataError(
            file=str(path), expected="UTF-8 text", found=error.strerror or str(error)
        ) from None
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        byte = data[error.start]
        raise DataError(
            file=str(path),
            expected="UTF-8 text",
            found=f"byte 0x{byte:02x} at offset {error.start}, not UTF-8",
        ) from None
    # Decoding bytes keeps \r\n as two characters, as open(..., newline="") would.
    return decoded


def scan_file(path: str | Path) -> list[Mention]:
    return scan_text(read_text(path))


def format_value(value: float | None) -> str:
    """A value as plain decimal text: 9210000000, 22.6, 0.3333333333; '' for None."""
    if value is None:
        return ""
    if value == int(value):
        return str(int(value))
    return format(Decimal(repr(value)), "f")


def context(text: str, mention: Mention, width: int = 15) -> str:
    """The mention with `width` characters either side, newlines shown as ⏎."""
    snippet = text[max(0, mention.start - width) : mention.end + width]
    return snippet.replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎")


# --- CLI -----------------------------------------------------------------------------------
COLUMNS = (
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
)


EXAMPLES = """
policyreport scan data/sources/*.txt
    every numeric mention of the pages, aligned for reading (what `make scan` runs)
policyreport scan page.txt --format csv --output mentions.csv
    the same as CSV, e.g. to seed data/facts.csv for a new page
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="UTF-8 text file(s) to scan")
    parser.add_argument(
        "--format",
        choices=("table", "csv"),
        default="table",
        help="table (aligned, for reading; the default) or csv (for tools)",
    )
    parser.add_argument("--output", metavar="PATH", help="write to PATH instead of standard output")


def run(args: argparse.Namespace) -> int:
    rows: list[list[str]] = []
    for name in args.files:
        text = read_text(name)
        for mention in scan_text(text):
            rows.append(
                [
                    str(name),
                    str(mention.start),
                    str(mention.end),
                    mention.text,
                    format_value(mention.value),
                    format_value(mention.value_high),
                    mention.unit,
                    mention.qualifier,
                    mention.kind,
                    context(text, mention),
                ]
            )
    output = _render_csv(rows) if args.format == "csv" else _render_table(rows)
    if args.output:
        try:
            Path(args.output).write_text(output, encoding="utf-8")
        except OSError as error:
            raise DataError(
                file=args.output, expected="a writable path", found=error.strerror or str(error)
            ) from None
    else:
        sys.stdout.write(output)
    return 0


def _render_csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue()


def _display_width(value: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in value)


def _render_table(rows: list[list[str]]) -> str:
    table = [list(COLUMNS)] + [[cell.replace("\t", " ") for cell in row] for row in rows]
    widths = [max(_display_width(row[i]) for row in table) for i in range(len(COLUMNS))]
    numeric = {"start", "end", "value", "value_high"}
    lines = []
    for row in table:
        cells = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - _display_width(cell))
            cells.append(
                pad + cell if COLUMNS[i] in numeric and row is not table[0] else cell + pad
            )
        lines.append("  ".join(cells).rstrip())
    counts: dict[str, int] = {}
    for row in rows:
        counts[row[8]] = counts.get(row[8], 0) + 1
    breakdown = ", ".join(f"{kind} {counts[kind]}" for kind in KINDS if kind in counts)
    lines.append(f"{len(rows)} mention(s)" + (f": {breakdown}" if breakdown else ""))
    return "\n".join(lines) + "\n"


# --- Finding numbers -----------------------------------------------------------------------
def _find_cores(text: str) -> list[_Core]:
    cores: list[_Core] = []
    pos = 0
    while True:
        match = _CORE_RE.search(text, pos)
        if match is None:
            return cores
        core = _arabic_core(text, match) if match.group("ar") else _chinese_core(text, match)
        if core is not None:
            cores.append(core)
        pos = max(match.end(), core.end if core is not None else 0)


def _arabic_core(text: str, match: re.Match[str]) -> _Core | None:
    number = match.group("ar")
    i = match.end()
    integer = not re.search(r"[.．]", number)
    # [space] [余/多] multipliers [余/多]: 92.1亿, 10余万, 1万余, 40 万
    j = i + 1 if i < len(text) and re.match(_SPACE, text[i]) else i
    modifier = ""
    if integer and j < len(text) and text[j] in "余多" and _MULT_RUN_RE.match(text, j + 1):
        modifier, j = text[j], j + 1
    mult = _MULT_RUN_RE.match(text, j)
    mult_text = ""
    if mult is not None:
        mult_text, i = mult.group(), mult.end()
    elif modifier:
        modifier = ""
    if not modifier and i < len(text) and text[i] in "余多" and (integer or mult_text):
        modifier, i = text[i], i + 1
    try:
        value = parse_number(_ascii(number) + mult_text)
    except ValueError:  # too large for a float: no figure anyone writes
        return None
    digits = len(re.sub(r"[^0-9０-９]", "", number))
    return _Core(
        start=match.start(),
        end=i,
        script="ar",
        number_text=number,
        mult_text=mult_text,
        value=value,
        modifier=modifier,
        digits=digits,
        integer=integer,
    )


def _ascii(number: str) -> str:
    return number.translate(str.maketrans("０１２３４５６７８９．", "0123456789."))


def _chinese_core(text: str, match: re.Match[str]) -> _Core | None:
    run_text = match.group("cn")
    start, end = match.start(), match.end()
    if any(c in _FINANCIAL for c in run_text) and not any(c in MULTIPLIER_CHARS for c in run_text):
        return None  # 伍陆 in 队伍陆续: financial forms count only in a built amount (壹佰贰拾)
    has_digit = any(c in DIGITS and DIGITS[c] != 0 for c in run_text)
    zero_only = all(c in DIGITS and DIGITS[c] == 0 for c in run_text)
    multiplier_only = all(c in MULTIPLIER_CHARS for c in run_text)
    value_high = None
    fallback = False
    try:
        value = parse_number(run_text)
    except ValueError:
        value = None
    positional = len(run_text) > 1 and all(c in DIGITS for c in run_text)
    if value is None or positional:
        pair = _consecutive_pair(run_text)
        if pair is not None:
            value, value_high = pair
    if value is None:
        if multiplier_only or not has_digit:
            return None
        value, fallback = _longest_prefix_value(run_text), True
    modifier = ""
    if (
        end < len(text)
        and text[end] in "余多几"
        and run_text[-1] in MULTIPLIER_CHARS
        and (text[end] != "几" or run_text[-1] in _SMALL_MULTIPLIERS)
    ):
        modifier, end = text[end], end + 1
    return _Core(
        start=start,
        end=end,
        script="cn",
        number_text=run_text,
        mult_text="",
        value=value,
        value_high=value_high,
        modifier=modifier,
        multiplier_only=multiplier_only,
        zero_only=zero_only,
        digits=len(run_text) if all(c in DIGITS for c in run_text) else 0,
        integer=value == int(value),
        fallback=fallback,
    )


def _consecutive_pair(run_text: str) -> tuple[float, float] | None:
    """三四 -> (3, 4), 十七八 -> (17, 18), 七八十 -> (70, 80), 三四百万 -> (3e6, 4e6)."""
    if len(run_text) > 12:
        return None
    for k in range(len(run_text) - 1):
        a, b = run_text[k], run_text[k + 1]
        head, tail = run_text[:k], run_text[k + 2 :]
        if not (a in DIGITS and b in DIGITS and DIGITS[a] != 0 and DIGITS[b] == DIGITS[a] + 1):
            continue
        if (head and head[-1] in DIGITS) or any(c not in MULTIPLIER_CHARS for c in tail):
            continue
        low, high = _try_parse(head + a + tail), _try_parse(head + b + tail)
        if low is not None and high is not None:
            return low, high
    return None


def _longest_prefix_value(run_text: str) -> float:
    # No written number is longer than a dozen characters; the cap keeps this linear.
    for length in range(min(len(run_text) - 1, 12), 0, -1):
        prefix = run_text[:length]
        if length > 1 and all(c in DIGITS for c in prefix):
            continue  # no positional reading inside a broken run
        try:
            return parse_number(prefix)
        except ValueError:
            continue
    return float(DIGITS.get(run_text[0], 0))


# --- Building a mention around a number ----------------------------------------------------
def _match_unit(text: str, i: int, latin: bool = False) -> str:
    for unit in _UNITS_BY_LENGTH:
        if text.startswith(unit, i):
            after = text[i + len(unit) : i + len(unit) + 1]
            if len(unit) == 1 and after and after in UNIT_BLOCKERS.get(unit, ""):
                continue
            return unit
    if latin:
        for unit in _LATIN_BY_LENGTH:
            if text.startswith(unit, i):
                after = text[i + len(unit) : i + len(unit) + 1]
                if not (after and (after.isascii() and after.isalnum())):
                    return unit
    return ""


def _unit_after(text: str, core: _Core) -> tuple[str, int]:
    """The unit after a number and where it ends; ('', core.end) when there is none."""
    i = core.end
    unit = _match_unit(text, i, latin=core.script == "ar")
    if not unit and core.script == "ar" and i < len(text) and re.match(_SPACE, text[i]):
        unit = _match_unit(text, i + 1, latin=True)
        if unit:
            i += 1
    return unit, (i + len(unit) if unit else core.end)


def _identifier_tokens(text: str) -> list[tuple[int, int]]:
    """Spans of the Latin-letter tokens with digits in them (5G, C919, GPT-4o), sorted."""
    spans = []
    for match in _TOKEN_RE.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1] in "._+-":
            end -= 1
        while start < end and text[start] in "._+-":
            start += 1
        token = text[start:end]
        if _ASCII_LETTER.search(token) and re.search(r"[0-9０-９]", token):
            spans.append((start, end))
    return spans


def _is_identifier(text: str, core: _Core, tokens: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The span of the Latin-letter token the number is glued to, if any."""
    index = bisect.bisect_right(tokens, (core.start, len(text) + 1)) - 1
    if index < 0 or not tokens[index][0] <= core.start < tokens[index][1]:
        return None
    start, end = tokens[index]
    # A number followed by a Latin unit (100MW, 5km) is a quantity, not an identifier.
    if start == core.start and text[start + len(core.number_text) : end] in LATIN_UNITS:
        return None
    return start, end


def _qualifier_before(text: str, start: int) -> tuple[str, str]:
    for word, qualifier in PREFIX_QUALIFIERS:
        if start >= len(word) and text.startswith(word, start - len(word)):
            before = text[start - len(word) - 1] if start - len(word) >= 1 else ""
            if len(word) == 1 and before and before in PREFIX_BLOCKERS.get(word, ""):
                continue
            return word, qualifier
    return "", ""


def _qualifier_after(text: str, end: int) -> tuple[str, str]:
    for word, qualifier in SUFFIX_QUALIFIERS:
        if text.startswith(word, end):
            return word, qualifier
    return "", ""


def _mention_from_core(
    text: str, core: _Core, by_start: dict[int, _Core], tokens: list[tuple[int, int]]
) -> Mention | None:
    if core.script == "ar":
        span = _is_identifier(text, core, tokens)
        if span is not None:
            return Mention(
                span[0], span[1], text[span[0] : span[1]], _plain(core), None, "", "exact", "vague"
            )
    unit, end = _unit_after(text, core)
    value, value_high = core.value, core.value_high
    qualifier = "range" if value_high is not None else ""
    kind = ""
    start = core.start
    # Sign: -3.2% (not the dash of 2021-2025, not GPT-4). Read before a range, whose ends
    # are compared with their signs (-3至-1%, -1至3%).
    negative = _is_negative(text, core)
    if negative:
        start -= 1
        value = -value

    # A range: 1至3分钟, 10至20万元, 2021—2025年, 16日至18日, -3至-1%.
    for connector in _RANGE_CONNECTORS:
        if not text.startswith(connector, end) or value_high is not None:
            continue
        second = by_start.get(end + len(connector))
        signed = second is None  # a signed second end: -3至-1%
        if signed:
            second = by_start.get(end + len(connector) + 1)
            if second is None or not _is_negative(text, second):
                break
        if core.modifier or second.fallback or second.value_high is not None:
            break
        if connector in "-－" and (core.script != "ar" or second.script != "ar"):
            break
        if core.script == "ar" and _is_identifier(text, second, tokens) is not None:
            break
        unit2, end2 = _unit_after(text, second)
        if unit and unit != unit2:
            break
        low = value
        if not unit and not core.mult_text and second.mult_text and core.script == "ar":
            low = parse_number(_ascii(core.number_text) + second.mult_text)
            low = -low if negative else low
        high = -second.value if signed else second.value
        if high <= low:
            break
        value, value_high, unit, end = low, high, unit2, end2
        qualifier = "range"
        break

    ordinal = vague_prefix = period = False
    if start >= 1 and text[start - 1] == "第":
        start, ordinal = start - 1, True
    elif (
        core.script == "cn"
        and core.multiplier_only
        and start >= 1
        and (text[start - 1] in "数几" or (text[start - 1] == "上" and core.value >= 100))
    ):
        vague_prefix = True
        qualifier = qualifier or ("at_least" if text[start - 1] == "上" else "more_than")
        start -= 1
    elif (
        unit in PERIOD_UNITS
        and start >= 1
        and text[start - 1] == "前"
        and (start < 2 or text[start - 2] not in "目此提当以空眼面事之日年月跟从先")
    ):
        start, period = start - 1, True

    if core.modifier and not qualifier:
        qualifier = "more_than"
    word, prefix_qualifier = ("", "") if ordinal else _qualifier_before(text, start)
    if word:
        start -= len(word)
        qualifier = qualifier or prefix_qualifier

    # What the mention is.
    year_like = (
        core.integer
        and not core.mult_text
        and not core.modifier
        and core.digits == 4
        and 1000 <= core.value <= 2999
    )
    if ordinal:
        kind = "ordinal"
    elif unit in PERCENT_UNITS:
        kind = "percent"
    elif unit in MULTIPLE_UNITS:
        kind = "multiple"
    elif unit == "年" and year_like and not period:
        kind = "year"
    elif unit == "月" and _calendar(core, value_high, 12) and not word:
        kind, value = "date", value * 100
        value_high = value_high * 100 if value_high is not None else None
    elif unit == "日" and _calendar(core, value_high, 31) and not word:
        kind = "date"
    elif vague_prefix or core.fallback:
        kind = "vague"
    elif unit == "级" and core.script == "cn" and core.multiplier_only and core.value >= 100:
        kind, qualifier = "vague", qualifier or "approx"
    elif core.script == "cn" and not unit and (len(core.number_text) == 1 or core.digits > 1):
        kind = "vague"  # 三维, 一纸, 五一: a lone numeral character or a digit string
    else:
        kind = "number"

    # Chinese numerals that are no number here (rules 2 and 3 of the docstring).
    if core.script == "cn" and not unit and not ordinal and not vague_prefix:
        if core.multiplier_only and not (word or core.modifier):
            return None
        if core.zero_only:
            return None

    # Time words glued to a year or a month count as part of the mention.
    if kind in ("year", "date") and qualifier != "range":
        suffix = (_YEAR_SUFFIX_RE if kind == "year" else _TIME_SUFFIX_RE).match(text, end)
        if suffix and (kind == "year" or unit == "月" or suffix.group() in ("以来", "至今")):
            end = suffix.end()
    word_after, suffix_qualifier = _qualifier_after(text, end)
    if word_after and kind not in ("year", "date", "ordinal"):
        end += len(word_after)
        qualifier = qualifier or suffix_qualifier

    if kind == "year":
        unit = "年"
    unit = _UNIT_SPELLING.get(unit, unit)
    return Mention(
        start=start,
        end=end,
        text=text[start:end],
        value=_clean(value),
        value_high=_clean(value_high) if value_high is not None else None,
        unit=unit,
        qualifier=qualifier or "exact",
        kind=kind,
    )


def _calendar(core: _Core, value_high: float | None, highest: int) -> bool:
    """Whether a number before 月/日 reads as a month or a day (4月, 16日, 6至8月)."""
    return (
        core.integer
        and not core.mult_text
        and not core.modifier
        and not core.multiplier_only
        and 1 <= core.value <= highest
        and (value_high is None or value_high <= highest)
    )


def _is_negative(text: str, core: _Core) -> bool:
    """Whether a minus sign belongs to an Arabic number: -3.2%, 至-1%; not the dash of
    2021-2025 or of GPT-4 (a digit or letter before the dash)."""
    start = core.start
    return (
        core.script == "ar"
        and start >= 1
        and text[start - 1] in "-−－"
        and (start < 2 or not re.match(r"[A-Za-z0-9０-９]", text[start - 2]))
    )


def _plain(core: _Core) -> float:
    return parse_number(_ascii(core.number_text))


def _clean(value: float) -> float:
    return float(value) + 0.0  # no -0.0


def _blocked_by_stopword(core: _Core, mention: Mention, stopwords: dict[int, int]) -> bool:
    """Rule 4: the numeral lies in a stopword that starts before it or outlasts the mention."""
    numeral_end = core.start + len(core.number_text)
    for start in range(core.start - _LONGEST_STOPWORD + 1, numeral_end):
        end = stopwords.get(start)
        if end is not None and core.start < end and (start < core.start or mention.end <= end):
            return True
    return False


# --- Lexical patterns ----------------------------------------------------------------------
def _special_candidates(text: str) -> list[Mention]:
    found: list[Mention] = []

    def add(start: int, end: int, value: float, high: float | None, unit: str, q: str, kind: str):
        found.append(Mention(start, end, text[start:end], _clean(value), high, unit, q, kind))

    for match in _DATE_RE.finditer(text):
        mention = _date_mention(text, match)
        if mention is not None:
            found.append(mention)
    for match in _ISO_DATE_RE.finditer(text):
        year, month, day = int(match.group(1)), int(match.group(3)), int(match.group(4))
        if 1 <= month <= 12 and 1 <= day <= 31:
            add(
                match.start(),
                match.end(),
                year * 10000 + month * 100 + day,
                None,
                "年月日",
                "exact",
                "date",
            )
    for match in _PLAN_RE.finditer(text):
        if _match_unit(text, match.end()):
            continue  # 十四五个: fourteen or fifteen, not the plan
        add(
            match.start(),
            match.end(),
            10 + DIGITS[match.group(1)],
            None,
            "五年规划",
            "exact",
            "ordinal",
        )
    for match in _FIRST_RE.finditer(text):
        unit = match.group()[1:]
        after = text[match.end() : match.end() + 1]
        if len(unit) == 1 and after and after in UNIT_BLOCKERS.get(unit, ""):
            continue
        add(match.start(), match.end(), 1, None, unit, "exact", "ordinal")
    for match in _ONLY_RE.finditer(text):
        add(match.start(), match.end(), 1, None, "", "exact", "ordinal")
    for match in _MULTIPLE_RE.finditer(text):
        times = match.group("n")
        value = 2 ** int(parse_number(times)) if times else 2
        add(match.start(), match.end(), value, None, "倍", "exact", "multiple")
    for match in _PERCENT_CN_RE.finditer(text):
        value = _try_parse(match.group("n"))
        if value is not None:
            unit = "%" if match.group("base") == "百" else "‰"
            start, end, qualifier = _qualify(text, match.start(), match.end())
            add(start, end, value, None, unit, qualifier, "percent")
    for match in _FRACTION_RE.finditer(text):
        whole, part = _try_parse(match.group("a")), _try_parse(match.group("b"))
        if whole and part is not None and match.group("a") not in ("百", "千"):
            start, end, qualifier = _qualify(text, match.start(), match.end())
            add(start, end, round(part / whole, 10), None, "", qualifier, "number")
    for match in _HALF_RE.finditer(text):
        word = match.group()
        if word == "减半":
            add(match.start(), match.end(), 0.5, None, "倍", "exact", "multiple")
        elif word == "过半":
            add(match.start(), match.end(), 0.5, None, "", "more_than", "number")
        else:
            start, end, qualifier = _qualify(text, match.start(), match.end())
            add(start, end, 0.5, None, "", qualifier, "number")
    return found


def is_fraction(mention: Mention) -> bool:
    """Whether the mention is a bare fraction (三分之一, 约五分之一, 一半, 过半): a part of a
    whole, which a figure may state as a share in a unit with `per_whole` (percent)."""
    return (
        mention.kind == "number"
        and mention.unit == ""
        and bool(_FRACTION_RE.search(mention.text) or _HALF_RE.search(mention.text))
    )


def _try_parse(number: str) -> float | None:
    try:
        return parse_number(number)
    except ValueError:
        return None


def _qualify(text: str, start: int, end: int) -> tuple[int, int, str]:
    word, qualifier = _qualifier_before(text, start)
    if word:
        start -= len(word)
    word_after, qualifier_after = _qualifier_after(text, end)
    if word_after:
        end += len(word_after)
    return start, end, qualifier or qualifier_after or "exact"


def _date_part(value: str | None) -> int | None:
    if value is None:
        return None
    parsed = _try_parse(value)
    return int(parsed) if parsed is not None and parsed == int(parsed) else -1


def _date_mention(text: str, match: re.Match[str]) -> Mention | None:
    year, month, day = (_date_part(match.group(g)) for g in ("y", "m", "d"))
    if year == -1 or not (month is not None and 1 <= month <= 12):
        return None
    if day is not None and not 1 <= day <= 31:
        return None
    unit = ("年" if year else "") + "月" + ("日" if day else "")
    value = (year or 0) * 10000 + month * 100 + (day or 0)
    end = match.end("suffix") if match.group("suffix") else _end_of_first(match)
    value_high = None
    year2, month2, day2 = (_date_part(match.group(g)) for g in ("y2", "m2", "d2"))
    if match.group("conn") and (year2 or month2 or day2):
        valid = (
            year2 != -1
            and (month2 is None or 1 <= month2 <= 12)
            and (day2 is None or 1 <= day2 <= 31)
            # the second part says no less than the first: 6月16日至18日, not 6月至18日
            and (day2 is not None or day is None)
            and (month2 is not None or year2 is None)
        )
        if valid:
            high = (
                (year2 if year2 is not None else year or 0) * 10000
                + (month2 if month2 is not None else month) * 100
                + (day2 or 0)
            )
            if high > value:
                value_high = high
                end = match.end("suffix2") if match.group("suffix2") else _end_of_second(match)
    return Mention(
        start=match.start(),
        end=end,
        text=text[match.start() : end],
        value=float(value),
        value_high=float(value_high) if value_high is not None else None,
        unit=unit,
        qualifier="range" if value_high is not None else "exact",
        kind="date",
    )


def _end_of_first(match: re.Match[str]) -> int:
    # The end of the first date (before any suffix or connector).
    conn = match.start("conn") if match.group("conn") else match.end()
    return conn


def _end_of_second(match: re.Match[str]) -> int:
    for group in ("d2", "m2", "y2"):
        if match.group(group) is not None:
            # include the 日/号/月/年 character (and a 份 after 月) after the digits
            end = match.end(group)
            text = match.string
            while end < len(text) and text[end] in " \u00a0\u2009":
                end += 1
            end += 1
            if group == "m2" and text.startswith("份", end):
                end += 1
            return end
    return match.end()
