"""Time words of Chinese news prose, read as facts.csv periods.

`time_cues(text, mentions, year)` finds every expression that dates a figure, with the period
it gives: a year (2025年 → 2025; 2025年底 → 2025-12-31; 2025年上半年 → 2025-01..2025-06;
2009年以来 → 2009..YEAR), a date (6月16日至18日, 今年4月, 截至7月31日, 4月末 → the last day),
a span from the start of a year (前4个月 → YEAR-01..YEAR-04), a quarter (第二季度 →
YEAR-04..YEAR-06), a five-year plan (十四五 → 2021-2025), and words relative to the page's
year (今年, 去年, 目前, 年初, 年底, 上半年; 全年 is marked doubtful). YEAR is the page's year
(`--year` or the assumption the page's record names); a period that needs it and has none is None.
A cue `rests_on_year` when the text leaves its year out (上半年, 第二季度, 今年4月, 去年) or
runs until it (2009年以来), not after a year written before it in its sentence (2026年第二季度;
进入2026年，……，前4个月). A quarter after 较/比 is a comparison's base, no cue.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from policyreport.data.scan import Mention

CLAUSE_END = "。！？!?\n，,；;：:"

# Time words without digits, and the period they give relative to the page's year.
_RELATIVE_YEARS = {"今年": 0, "本年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}
_PRESENT = ("目前", "当前", "现有", "如今", "眼下")
_HALVES = {"上半年": (1, 6), "下半年": (7, 12)}
_TIME_WORDS = re.compile(
    "|".join(
        sorted(
            [*_RELATIVE_YEARS, *_PRESENT, *_HALVES, "年初", "年底", "年末", "全年"],
            key=len,
            reverse=True,
        )
    )
)
_QUARTER = re.compile(r"(?:第)?([一二三四1-4])季度")
_COMPARED = ("较", "比")  # words before a period that is a comparison's base
_PLAN_FIRST_YEAR = 1981  # the 6th five-year plan, 1981-1985; each plan is five years after


@dataclass
class TimeCue:
    start: int
    end: int
    period: str | None  # None: a year the draft cannot know (no --year, no year assumption)
    rests_on_year: bool = False  # the period rests on the page's year
    doubtful: bool = False


def _ym(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _cue_from_mention(text: str, m: Mention, year: int | None, cues: list[TimeCue]) -> None:
    """A time cue from a scanner mention: a year, a date, 前N个月, 第N季度, 十四五."""
    before = text[max(0, m.start - 2) : m.start]
    as_of = before.endswith("截至") or before.endswith("截止")
    start = m.start - 2 if as_of else m.start
    if m.kind == "year":
        y = int(m.value)
        suffix = m.text[m.text.index("年") + 1 :] if "年" in m.text else ""
        since = suffix == "以来"  # 2009年以来: until the page's year, which it rests on
        if suffix in ("底", "末"):
            period = f"{y}-12-31"
        elif suffix in _HALVES:
            first, last = _HALVES[suffix]
            period = f"{_ym(y, first)}..{_ym(y, last)}"
        elif since:
            period = f"{y}..{year}" if year else None
        else:
            period = str(y)
        cues.append(TimeCue(start, m.end, period, rests_on_year=since and year is not None))
        return
    if m.kind == "date":
        packed = int(m.value)
        y, month, day = packed // 10000, packed // 100 % 100, packed % 100
        rests = False
        if not y:
            y, rests = _year_just_before(text, m.start, year)
        if not y:
            cues.append(TimeCue(start, m.end, None))
            return
        if m.value_high is not None:
            high = int(m.value_high)
            y2 = high // 10000 or y
            m2, d2 = high // 100 % 100, high % 100
            first = f"{_ym(y, month)}-{day:02d}" if day else _ym(y, month)
            last = f"{_ym(y2, m2)}-{d2:02d}" if d2 else _ym(y2, m2)
            period = f"{first}..{last}"
        elif _since(text, m.end):  # 自2025年3月上线以来: until the page's year
            period = f"{_ym(y, month)}..{year}" if year else None
            rests = year is not None
        elif day:
            period = f"{_ym(y, month)}-{day:02d}"
        elif m.text.endswith(("末", "底")) or as_of:
            period = f"{_ym(y, month)}-{_last_day(y, month):02d}"
        else:
            period = _ym(y, month)
        cues.append(TimeCue(start, m.end, period, rests_on_year=rests))
        return
    if m.unit == "五年规划" and m.value >= 6:
        first = _PLAN_FIRST_YEAR + 5 * (int(m.value) - 6)
        cues.append(TimeCue(m.start, m.end, f"{first}-{first + 4}"))
        return
    if first_months(text, m):
        start = m.start if m.text.startswith("前") else m.start - 1
        months = int(m.value) * (1 if m.unit == "个月" else 3)
        y, rests = _year_just_before(text, start, year)
        if y and 1 <= months <= 12:
            cues.append(TimeCue(start, m.end, f"{_ym(y, 1)}..{_ym(y, months)}", rests))
        return


def first_months(text: str, m: Mention) -> bool:
    """前4个月, 今年前7个月, 前三季度: a span from the start of a year (the scanner leaves 前
    out after 年, where 年前 can mean 'years ago')."""
    if m.unit not in ("个月", "个季度", "季度"):
        return False
    return m.text.startswith("前") or text[max(0, m.start - 1) : m.start] == "前"


def _since(text: str, end: int) -> bool:
    """以来 closes the phrase a date opens: 自2025年3月上线以来."""
    rest = text[end : end + 8]
    for stop in CLAUSE_END:
        rest = rest.split(stop)[0]
    return "以来" in rest


def _year_just_before(text: str, offset: int, year: int | None) -> tuple[int | None, bool]:
    """The year a month, a half, a quarter or 前N个月 belongs to, and whether it rests on the
    page's year: 2025年 right before it (it does not), 今年/去年 (it does: they count from
    it), else the page's year itself (it does)."""
    window = text[max(0, offset - 6) : offset]
    explicit = re.search(r"(\d{4})年(?:第)?$", window)
    if explicit:
        return int(explicit.group(1)), False
    for word, shift in _RELATIVE_YEARS.items():
        if window.endswith(word) and year:
            return year + shift, True
    # 进入2026年，……，前4个月: a year written earlier in the sentence
    sentence = text[:offset].rsplit("。", 1)[-1].rsplit("\n", 1)[-1]
    written = re.findall(r"(\d{4})年(?!以来|底|末)", sentence)
    if written:
        return int(written[-1]), False
    return year, year is not None


def time_cues(text: str, mentions: list[Mention], year: int | None) -> list[TimeCue]:
    """Every time expression of the text with the period it gives, by start."""
    cues: list[TimeCue] = []
    for m in mentions:
        _cue_from_mention(text, m, year, cues)
    taken = [(c.start, c.end) for c in cues]
    for match in _TIME_WORDS.finditer(text):
        start, end = match.span()
        if any(s <= start < e for s, e in taken):
            continue
        word = match.group()
        if word in _RELATIVE_YEARS:
            period = str(year + _RELATIVE_YEARS[word]) if year else None
            cues.append(TimeCue(start, end, period, rests_on_year=True))
        elif word in _PRESENT:
            cues.append(TimeCue(start, end, str(year) if year else None, rests_on_year=True))
        elif word in _HALVES:
            y, rests = _year_just_before(text, start, year)
            first, last = _HALVES[word]
            span = f"{_ym(y, first)}..{_ym(y, last)}" if y else None
            cues.append(TimeCue(start, end, span, rests_on_year=rests))
        elif word == "年初":
            y, rests = _year_just_before(text, start, year)
            cues.append(TimeCue(start, end, _ym(y, 1) if y else None, rests_on_year=rests))
        elif word in ("年底", "年末"):
            y, rests = _year_just_before(text, start, year)
            cues.append(TimeCue(start, end, f"{y}-12-31" if y else None, rests_on_year=rests))
        else:  # 全年: which year is for a person to say
            cues.append(TimeCue(start, end, str(year) if year else None, True, doubtful=True))
    for match in _QUARTER.finditer(text):
        if any(s <= match.start() < e for s, e in taken) and not match.group().startswith("第"):
            continue
        if text[max(0, match.start() - 1) : match.start()] in _COMPARED:
            continue  # 增速较第一季度加快: the quarter compared with, not the figure's period
        quarter = "一二三四".find(match.group(1)) + 1 or int(match.group(1))
        y, rests = _year_just_before(text, match.start(), year)
        if y:
            span = f"{_ym(y, 3 * quarter - 2)}..{_ym(y, 3 * quarter)}"
            cues.append(TimeCue(match.start(), match.end(), span, rests_on_year=rests))
    cues.sort(key=lambda c: c.start)
    for before, after in zip(cues, cues[1:], strict=False):
        if after.start == before.end:  # 今年上半年: one expression, its quote starts at 今年
            after.start = before.start
    return cues


# --- words around a number -----------------------------------------------------------------
