"""Read a written number, Arabic, Chinese or mixed, as a float.

`parse_number` accepts:

- Arabic numbers, ASCII or full-width, with a decimal point and thousands commas
  (``1,234.5``, ``２０``, ``１２．５``) and an optional leading sign (``-``, ``−``, ``负``);
- Chinese numerals with 零〇一二两三四五六七八九 and 十百千万亿, and the financial
  and traditional forms 壹贰叁肆伍陆柒捌玖拾佰仟萬億 (``二十`` → 20, ``一百零五`` → 105,
  ``一亿二千万`` → 120000000, ``百万`` → 1e6);
- Arabic numbers followed by multipliers (``92.1亿`` → 9.21e9, ``1.5万亿`` → 1.5e12,
  ``3千5百万`` also works: Arabic numbers stand wherever a Chinese digit may);
- a Chinese decimal point 点 (``三点五`` → 3.5, ``一点五亿`` → 1.5e8);
- strings of digit characters only, read digit by digit (``二〇二五`` → 2025);
- the colloquial shortening of a last digit after 百/千/万/亿 (``三千五`` → 3500,
  ``一万五`` → 15000); after 零 it is not shortened (``一百零五`` → 105).

Refused: repeated or misordered multipliers (``一亿二亿``, ``万万``, ``三千五万``, ``五百三千``,
``三点五亿万``), a digit after a multiplier that is then scaled by as much or more. Anything
else that is not a number raises ValueError too, naming the text and what was wrong with it. Arithmetic is
done in Decimal, so ``92.1亿`` is exactly 9210000000.0, not 9209999999.999998.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

__all__ = [
    "DIGITS",
    "DIGIT_CHARS",
    "MULTIPLIERS",
    "MULTIPLIER_CHARS",
    "parse_number",
]

# Chinese digit characters (with financial and traditional forms) and their values.
DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "壹": 1,
    "贰": 2,
    "貳": 2,
    "兩": 2,
    "叁": 3,
    "參": 3,
    "肆": 4,
    "伍": 5,
    "陆": 6,
    "陸": 6,
    "柒": 7,
    "捌": 8,
    "玖": 9,
}

# The multipliers a Chinese number is built with. 万亿 is listed because it is read as one
# unit (10^12); parse_number handles it as 万 followed by 亿.
MULTIPLIERS: dict[str, int] = {
    "十": 10,
    "百": 100,
    "千": 1_000,
    "万": 10_000,
    "亿": 100_000_000,
    "万亿": 1_000_000_000_000,
}

# One character each, including the financial and traditional forms.
_MULTIPLIER_CHAR_VALUES: dict[str, int] = {
    "十": 10,
    "拾": 10,
    "百": 100,
    "佰": 100,
    "千": 1_000,
    "仟": 1_000,
    "万": 10_000,
    "萬": 10_000,
    "亿": 100_000_000,
    "億": 100_000_000,
}

DIGIT_CHARS = "".join(DIGITS)
MULTIPLIER_CHARS = "".join(_MULTIPLIER_CHAR_VALUES)

_SMALL = {10, 100, 1_000}
_NAMES = {10: "十", 100: "百", 1_000: "千", 10_000: "万", 100_000_000: "亿"}
# The multipliers that may follow a decimal fraction, as letters: s(mall) w(an) y(i).
_SCALE_LETTER = {10: "s", 100: "s", 1_000: "s", 10_000: "w", 100_000_000: "y"}
_DECIMAL_SCALES = re.compile("s?w?y?")
_WAN = 10_000
_YI = 100_000_000

# Full-width digits, point, comma and signs → ASCII.
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－＋−", "0123456789.,-+-")
_ARABIC = re.compile(r"[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?")
_ARABIC_WHOLE = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")


def parse_number(text: str) -> float:
    """The value of a written number: ``parse_number("1.5万亿") == 1.5e12``.

    Raises ValueError with the offending text when it is not a number.
    """
    if not isinstance(text, str):
        raise ValueError(f"not a number: expected a string, got {type(text).__name__}")
    s = text.strip().translate(_FULLWIDTH)
    sign = Decimal(1)
    if s[:1] in ("-", "负"):
        sign, s = Decimal(-1), s[1:]
    elif s[:1] in ("+", "正"):
        s = s[1:]
    if not s:
        raise ValueError(f"not a number: {text!r} is empty")
    value = float(sign * _parse_unsigned(s, text))
    if not math.isfinite(value):
        raise ValueError(f"not a number: {text!r} is too large for a float")
    return value


def _parse_unsigned(s: str, original: str) -> Decimal:
    if _ARABIC_WHOLE.fullmatch(s):
        return Decimal(s.replace(",", ""))
    if s[0].isascii() and s[0].isdigit() and re.fullmatch(r"[0-9.,]+", s):
        raise ValueError(f"not a number: {original!r} has misplaced commas or points")
    if "点" in s:
        return _parse_chinese_decimal(s, original)
    return _evaluate(_tokenize(s, original), original)


def _parse_chinese_decimal(s: str, original: str) -> Decimal:
    left, _, right = s.partition("点")
    match = re.fullmatch(rf"([{DIGIT_CHARS}0-9]+)([{MULTIPLIER_CHARS}]*)", right)
    if not left or match is None:
        raise ValueError(f"not a number: {original!r} has a misplaced 点")
    fraction = "".join(str(DIGITS[c]) if c in DIGITS else c for c in match.group(1))
    value = _evaluate(_tokenize(left, original), original) + Decimal("0." + fraction)
    # After the fraction: at most one of 十/百/千, then 万, then 亿 (三点五千万, 一点五万亿),
    # each once and in that order; 一点五亿万 or 一点五万万 is not a number.
    scales = [_MULTIPLIER_CHAR_VALUES[char] for char in match.group(2)]
    if not _DECIMAL_SCALES.fullmatch("".join(_SCALE_LETTER[scale] for scale in scales)):
        raise ValueError(f"not a number: {original!r} has multipliers out of order after 点")
    for scale in scales:
        value *= scale
    return value


# A token is ("num", value, is_zero_char) or ("mult", value, None).
def _tokenize(s: str, original: str) -> list[tuple[str, Decimal, bool]]:
    tokens: list[tuple[str, Decimal, bool]] = []
    i = 0
    while i < len(s):
        char = s[i]
        match = _ARABIC.match(s, i)
        if match:
            if not _ARABIC_WHOLE.fullmatch(match.group()):
                raise ValueError(f"not a number: {original!r} has misplaced commas")
            tokens.append(("num", Decimal(match.group().replace(",", "")), False))
            i = match.end()
            continue
        if char in DIGITS:
            tokens.append(("num", Decimal(DIGITS[char]), DIGITS[char] == 0))
        elif char in _MULTIPLIER_CHAR_VALUES:
            tokens.append(("mult", Decimal(_MULTIPLIER_CHAR_VALUES[char]), False))
        else:
            raise ValueError(f"not a number: {original!r} (unexpected {char!r} at position {i})")
        i += 1
    return tokens


def _evaluate(tokens: list[tuple[str, Decimal, bool]], original: str) -> Decimal:
    def bad(reason: str) -> ValueError:
        return ValueError(f"not a number: {original!r} ({reason})")

    chars = original.strip()
    if all(kind == "num" for kind, _, _ in tokens):
        if len(tokens) == 1:
            return tokens[0][1]
        # Digit characters only, read positionally: 二〇二五 -> 2025. Arabic numbers and 两
        # do not take part (二0 and 两两 are not numbers).
        if any(c not in DIGITS or c in ("两", "兩") for c in chars):
            raise bad("digits in a row that are not a positional Chinese number")
        return Decimal("".join(str(DIGITS[c]) for c in chars))

    high = Decimal(0)  # everything scaled by 亿 so far
    low = Decimal(0)  # the 万 part of the current 亿 group
    section = Decimal(0)  # the part below 万
    pending: Decimal | None = None
    # The multiplier a pending digit follows directly (no 零 between): in 一万五千 the 五
    # follows 万 and is scaled by the smaller 千; 三千五万 or 一亿二亿 (a digit after 千 or 亿
    # scaled by as much or more) is not a number.
    pending_after: Decimal | None = None
    last_small: Decimal | None = None  # the last of 十/百/千 in this section, to check order
    wan_in_group = False
    previous: tuple[str, Decimal, bool] | None = None
    for index, token in enumerate(tokens):
        kind, value, is_zero = token
        if kind == "num":
            if previous is not None and previous[0] == "num" and not previous[2]:
                raise bad("two digits in a row")
            pending = None if is_zero else value
            after_multiplier = previous is not None and previous[0] == "mult"
            pending_after = previous[1] if after_multiplier else None
            previous = token
            continue
        if pending_after is not None and pending_after > 10 and value >= pending_after:
            raise bad(f"{_NAMES[value]} after a digit that follows {_NAMES[pending_after]}")
        pending_after = None
        if value in _SMALL:
            if pending is None:
                if index != 0:
                    raise bad(f"a multiplier {int(value)} without a digit before it")
                pending = Decimal(1)
            if last_small is not None and value >= last_small:
                raise bad("multipliers out of order")
            section += pending * value
            pending, last_small = None, value
        elif value == _WAN:
            part = section + (pending or 0)
            if part == 0:
                if index != 0:
                    raise bad("万 without a number before it")
                part = Decimal(1)
            if wan_in_group:
                raise bad("万 twice")
            low = part * _WAN  # 万 comes once per 亿 group, so nothing is lost
            section, pending, last_small, wan_in_group = Decimal(0), None, None, True
        else:  # 亿
            part = low + section + (pending or 0)
            if part == 0:
                if index != 0:
                    raise bad("亿 without a number before it")
                part = Decimal(1)
            if high:
                raise bad("亿 twice")
            high = part * _YI
            low, section, pending, last_small = Decimal(0), Decimal(0), None, None
            wan_in_group = False
        previous = token
    # Colloquial shortening: a last digit right after a multiplier counts one place below it:
    # 三千五 = 3500, 一万五 = 15000; 二十五 = 25 (one place below 十 is the units) and 一百零五 =
    # 105 (零 stands between). The tokens end in a digit after a multiplier, so there are two.
    last_kind, last_value, _ = tokens[-1]
    if (
        last_kind == "num"
        and pending is not None
        and tokens[-2][0] == "mult"
        and last_value == last_value.to_integral_value()
        and last_value < 10
    ):
        pending = pending * tokens[-2][1] / 10
    return high + low + section + (pending or 0)
