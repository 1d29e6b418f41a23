"""Numbers, units, qualifiers and periods in words, in Chinese and in English.

Everything a reader sees of a figure goes through `format_figure`, so the two languages say
the same thing: the same value, the same qualifier (超 / more than …), the same period.

Precision: a reported figure (fact or assumption) is shown with exactly the digits it has,
never rounded (15.4 stays 15.4, 92.1亿 stays 92.1亿). A derived figure is the result of
arithmetic and is shown to `DERIVED_SIGNIFICANT` significant digits in both languages
(79.8亿美元 / US$7.98 billion; 34.3万人 / 343,000 people). Asking for fewer digits than a reported figure has
raises ValueError instead of rounding silently.

The words of units and qualifiers are data: they come from the project's vocabulary
(data/vocabulary.toml, read by `policyreport.data.vocabulary`), so a new unit or qualifier is
one entry there and no change here.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from babel.numbers import format_decimal

from policyreport.data.records import Figure
from policyreport.data.vocabulary import Qualifier, Unit, load_vocabulary

#: Report languages; the parameter `lang` takes one of these.
LANGUAGES = ("zh", "en")
LOCALES = {"zh": "zh_Hans_CN", "en": "en"}

#: Significant digits of a derived (computed) figure.
DERIVED_SIGNIFICANT = 3

STYLES = ("plain", "growth", "count", "period")


#: Words of the growth style, by sign.
GROWTH_WORDS = {
    "zh": {"up": "增长", "down": "下降", "flat": "持平"},
    "en": {"up": "up", "down": "down", "flat": "unchanged"},
}
#: Words of the growth style for a unit that is a difference of another (`difference_of`:
#: percentage points rise by 提高, not 增长).
GROWTH_WORDS_PP = {"zh": {"up": "提高", "down": "下降", "flat": "持平"}}

_ZH_SCALES = ((Decimal(10) ** 12, "万亿"), (Decimal(10) ** 8, "亿"), (Decimal(10) ** 4, "万"))
_EN_SCALES = (
    (Decimal(10) ** 12, "trillion"),
    (Decimal(10) ** 9, "billion"),
    (Decimal(10) ** 6, "million"),
)


def check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r} is not one of {', '.join(LANGUAGES)}")
    return lang


def unit_words(unit: str) -> Unit:
    """The words of `unit` from the project's vocabulary; ValueError for an unknown unit."""
    return load_vocabulary().unit(unit)


def qualifier_words(qualifier: str) -> Qualifier:
    """The words of `qualifier` from the project's vocabulary; ValueError for an unknown one."""
    return load_vocabulary().qualifier(qualifier)


# --- numbers -----------------------------------------------------------------------------


def to_decimal(value: float | int | Decimal) -> Decimal:
    """The decimal a number was written as: 92.1 -> Decimal('92.1'), not 92.09999…"""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError(f"expected a number, found {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"cannot format the non-finite number {value!r}")
    return Decimal(repr(number))


def _plain(number: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation."""
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def round_significant(number: Decimal, significant: int) -> Decimal:
    """Round to `significant` digits: 663.12 -> 663, 343200 -> 343000 (for 3)."""
    if number == 0:
        return number
    exponent = number.adjusted() - significant + 1
    return number.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_EVEN)


def _digits(number: Decimal, lang: str, group: bool = True) -> str:
    return format_decimal(
        _plain(number),
        locale=LOCALES[lang],
        decimal_quantization=False,
        group_separator=group and lang == "en",
    )


def format_number(
    value: float | int | Decimal, lang: str, *, group: bool = True, max_decimals: int = 3
) -> str:
    """A bare number for axis ticks and the like (not a figure): rounded to max_decimals."""
    number = to_decimal(value).quantize(Decimal(1).scaleb(-max_decimals))
    return _digits(number, check_lang(lang), group)


def _scale(magnitude: Decimal, lang: str, words: Unit) -> tuple[Decimal, str]:
    if words.scale:
        for factor, name in _ZH_SCALES if lang == "zh" else _EN_SCALES:
            if magnitude >= factor:
                return factor, name
    return Decimal(1), ""


def _mantissa(value: Decimal, factor: Decimal, significant: int | None, exact: bool) -> Decimal:
    mantissa = value / factor
    if significant is None:
        return mantissa
    rounded = round_significant(mantissa, significant)
    if exact and rounded != mantissa:
        raise ValueError(
            f"formatting {value} to {significant} significant digits would drop digits of a "
            "reported figure; reported figures are shown as reported"
        )
    return rounded


def _ordinal_en(number: Decimal) -> str:
    n = int(number)
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _en_suffix(noun: str) -> str:
    if not noun:
        return ""
    return " " + noun if noun[0].isalpha() else noun


def format_value(
    value: float | int | Decimal,
    unit: str,
    lang: str,
    *,
    qualifier: str = "exact",
    value_high: float | int | Decimal | None = None,
    style: str = "plain",
    significant: int | None = None,
    reported: bool = True,
) -> str:
    """Format one quantity; see `format_figure`, which is what notebooks call.

    reported=True forbids rounding (ValueError if `significant` would drop digits)."""
    check_lang(lang)
    if style not in ("plain", "growth", "count"):
        raise ValueError(f"style {style!r} is not one of plain, growth, count (or period)")
    qual = qualifier_words(qualifier)
    words = unit_words(unit)
    low = to_decimal(value)
    high = None
    if qualifier == "range":
        if value_high is None:
            raise ValueError("a range needs value_high")
        high = to_decimal(value_high)

    if unit == "date":
        return _qualified(_format_date_value(low, high, lang), qualifier, lang)

    sign = ""
    if style == "growth":
        table = GROWTH_WORDS_PP.get(lang, {}) if words.difference_of else {}
        table = table or GROWTH_WORDS[lang]
        top = high if high is not None else low
        if low == 0 and (high is None or high == 0):
            return table["flat"]
        if top <= 0:  # all of it a fall (-3至-1, -2至0)
            sign = table["down"]
            low, high = -low, (-high if high is not None else None)
            if high is not None:
                low, high = high, low
        elif low >= 0:
            sign = table["up"]
        # else a range from a fall to a rise: no direction word, the signs speak (-1%至2%)

    magnitude = max(abs(low), abs(high) if high is not None else Decimal(0))
    factor, scale_name = _scale(magnitude, lang, words)
    m_low = _mantissa(low, factor, significant, reported)
    m_high = _mantissa(high, factor, significant, reported) if high is not None else None

    if lang == "zh":
        text = _zh(words, m_low, m_high, scale_name, qual, style)
        return sign + text
    text = _en(words, m_low, m_high, scale_name, qual, style, low)
    return f"{sign} {text}" if sign else text


def _zh(words, m_low, m_high, scale_name, qual, style) -> str:
    noun = "" if style == "count" else words.zh_noun
    if words.zh_prefix:  # ranks: 第15, 第1至3, 约第20
        text = words.zh_prefix + _digits(m_low, "zh")
        if m_high is not None:
            text += "至" + _digits(m_high, "zh")
        return qual.zh + text
    attached = words.zh in ("%", "倍") or not words.zh
    if m_high is not None:
        if attached and words.zh:
            body = f"{_digits(m_low, 'zh')}{words.zh}至{_digits(m_high, 'zh')}{words.zh}"
        else:
            body = f"{_digits(m_low, 'zh')}至{_digits(m_high, 'zh')}{scale_name}{words.zh}"
        return body + noun
    if qual.zh_infix and not attached:
        return f"{_digits(m_low, 'zh')}{qual.zh_infix}{scale_name}{words.zh}{noun}"
    return f"{qual.zh}{_digits(m_low, 'zh')}{scale_name}{words.zh}{noun}"


def _en(words, m_low, m_high, scale_name, qual, style, low) -> str:
    group = words.group
    if words.ordinal:  # 15th, 1st–3rd, about 20th
        text = _ordinal_en(m_low)
        if m_high is not None:
            text += "–" + _ordinal_en(m_high)
        return f"{qual.en} {text}" if qual.en else text
    if m_high is not None:
        plural = True
        number = f"{_digits(m_low, 'en', group)}–{_digits(m_high, 'en', group)}"
    else:
        plural = low != 1  # 1 person, about 1 person, more than 1 person
        number = _digits(m_low, "en", group)
    noun = "" if style == "count" else words.en_noun(plural)
    scale = f" {scale_name}" if scale_name else ""
    text = f"{words.en_prefix}{number}{scale}{_en_suffix(noun)}"
    return f"{qual.en} {text}" if qual.en else text


def _date_point(value: Decimal) -> str:
    digits = str(int(value))
    if not re.fullmatch(r"\d{8}", digits):
        raise ValueError(f"a value in unit 'date' is written YYYYMMDD; found {value}")
    return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"


def _format_date_value(value: Decimal, high: Decimal | None, lang: str) -> str:
    if high is None:
        return format_period(_date_point(value), lang)
    return format_period(f"{_date_point(value)}..{_date_point(high)}", lang)


def _qualified(text: str, qualifier: str, lang: str) -> str:
    """A date or period with its qualifier's words before it: 约2026年1月 / about January 2026."""
    words = getattr(qualifier_words(qualifier), lang)
    if not words:
        return text
    return f"{words}{text}" if lang == "zh" else f"{words} {text}"


def format_figure(
    fig: Figure, lang: str, style: str = "plain", significant: int | None = None
) -> str:
    """A figure in words: value, unit and qualifier (or its period, for style "period").

    style: "plain" (92.1亿美元 / US$9.21 billion), "growth" (增长15.4% / up 15.4%),
    "count" (number and measure word only: 5个 / 5), "period" (2025年 / 2025).
    A figure of kind "date" reads as its period in the plain style ("2026年4月").
    significant: digits to show; default all for reported figures, DERIVED_SIGNIFICANT for
    derived ones.
    """
    check_lang(lang)
    if style == "period":
        return format_period(fig.period, lang)
    if fig.kind == "date" and fig.unit != "date" and fig.period and style == "plain":
        return _qualified(format_period(fig.period, lang), fig.qualifier, lang)
    reported = fig.ref != "derived"
    if significant is None and not reported:
        significant = DERIVED_SIGNIFICANT
    return format_value(
        fig.value,
        fig.unit,
        lang,
        qualifier=fig.qualifier,
        value_high=fig.value_high,
        style=style,
        significant=significant,
        reported=reported,
    )


# --- axes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AxisUnit:
    """Divide values by `divisor` to plot them on an axis labelled `label`."""

    divisor: float
    label: str


def axis_unit(values: list[float], unit: str, lang: str) -> AxisUnit:
    """The scale and unit label of an axis showing `values` (万/亿, million/billion)."""
    check_lang(lang)
    words = unit_words(unit)
    magnitude = max((abs(to_decimal(v)) for v in values), default=Decimal(0))
    factor, scale_name = _scale(magnitude, lang, words)
    if lang == "zh":
        label = f"单位：{scale_name}{words.zh}{words.zh_noun}"
    elif words.en_prefix:
        label = f"{words.en_prefix.strip()} {scale_name}".strip()
        if words.en_one and not words.en_one[0].isalpha():
            label += words.en_one
        elif words.en_one:
            label += " " + words.en_one
    else:
        label = f"{scale_name} {words.en_noun(True)}".strip()
    return AxisUnit(divisor=float(factor), label=label)


# --- periods -----------------------------------------------------------------------------

_POINT = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_YEARS = re.compile(r"^(\d{4})-(\d{4})$")


def _point(text: str, period: str) -> tuple[int, int | None, int | None]:
    match = _POINT.match(text)
    if not match:
        raise ValueError(
            f"period {period!r}: expected YYYY, YYYY-MM, YYYY-MM-DD, YYYY-YYYY or A..B"
        )
    year, month, day = (int(part) if part else None for part in match.groups())
    if month is not None:
        _dt.date(year, month, day or 1)  # raises ValueError on 2025-13 or 2025-02-30
    return year, month, day


def _month_en(month: int) -> str:
    from babel.dates import get_month_names

    return get_month_names("wide", locale=LOCALES["en"])[month]


def _zh_point(point, omit_year: bool = False, omit_month: bool = False) -> str:
    year, month, day = point
    text = "" if omit_year else f"{year}年"
    if month is not None and not omit_month:
        text += f"{month}月"
    if day is not None:
        text += f"{day}日"
    return text


def _en_point(point, omit_year: bool = False, omit_month: bool = False) -> str:
    year, month, day = point
    parts = []
    if day is not None:
        parts.append(str(day))
    if month is not None and not omit_month:
        parts.append(_month_en(month))
    if not omit_year:
        parts.append(str(year))
    return " ".join(parts)


def format_period(period: str, lang: str) -> str:
    """'2025' -> 2025年 / 2025; '2021-2025' -> 2021—2025年 / 2021–2025;
    '2026-01..2026-04' -> 2026年1—4月 / January–April 2026; '2026-04-30' -> 2026年4月30日 /
    30 April 2026; open ends: '2025-03..' -> 2025年3月以来 / since March 2025,
    '..2026-04-30' -> 截至2026年4月30日 / up to 30 April 2026."""
    check_lang(lang)
    period = period.strip()
    if not period:
        raise ValueError("empty period")
    years = _YEARS.match(period)
    if years:
        first, last = years.groups()
        return f"{first}—{last}年" if lang == "zh" else f"{first}–{last}"
    if ".." not in period:
        point = _point(period, period)
        return _zh_point(point) if lang == "zh" else _en_point(point)
    start_text, _, end_text = period.partition("..")
    if not start_text and not end_text:
        raise ValueError(f"period {period!r} has neither start nor end")
    if not start_text:
        end = _point(end_text, period)
        return f"截至{_zh_point(end)}" if lang == "zh" else f"up to {_en_point(end)}"
    start = _point(start_text, period)
    if not end_text:
        return f"{_zh_point(start)}以来" if lang == "zh" else f"since {_en_point(start)}"
    end = _point(end_text, period)
    return _range_zh(start, end) if lang == "zh" else _range_en(start, end)


def _same_shape(start, end) -> bool:
    return (start[1] is None) == (end[1] is None) and (start[2] is None) == (end[2] is None)


def _range_zh(start, end) -> str:
    if _same_shape(start, end) and start[0] == end[0] and start[1] is not None:
        if start[2] is None:  # 2026年1—4月
            return f"{start[0]}年{start[1]}—{end[1]}月"
        if start[1] == end[1]:  # 2026年6月16—18日
            return f"{start[0]}年{start[1]}月{start[2]}—{end[2]}日"
        return f"{_zh_point(start)}—{_zh_point(end, omit_year=True)}"
    return f"{_zh_point(start)}—{_zh_point(end)}"


def _range_en(start, end) -> str:
    if _same_shape(start, end) and start[0] == end[0] and start[1] is not None:
        if start[2] is None:  # January–April 2026
            return f"{_month_en(start[1])}–{_month_en(end[1])} {end[0]}"
        if start[1] == end[1]:  # 16–18 June 2026
            return f"{start[2]}–{end[2]} {_month_en(end[1])} {end[0]}"
        return f"{_en_point(start, omit_year=True)}–{_en_point(end)}"
    return f"{_en_point(start)}–{_en_point(end)}"
