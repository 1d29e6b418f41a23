from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policyreport.data.numerals import MULTIPLIERS, parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Arabic, from the page and invented
        ("0.5", 0.5),
        ("22.6", 22.6),
        ("2025", 2025),
        ("1,234", 1234),
        ("1,234,567.5", 1234567.5),
        ("２０", 20),
        ("１２．５", 12.5),
        ("-3.2", -3.2),
        ("  40  ", 40),
        # Arabic with multipliers
        ("1.5万亿", 1.5e12),
        ("92.1亿", 9.21e9),
        ("893亿", 8.93e10),
        ("40万", 400_000),
        ("1.2万", 12_000),
        ("18万", 180_000),
        ("7000万", 70_000_000),
        ("300亿", 3e10),
        ("3千", 3000),
        ("3千5百万", 35_000_000),
        ("1,500万", 15_000_000),
        ("２００万", 2_000_000),
        # Chinese numerals
        ("零", 0),
        ("〇", 0),
        ("三", 3),
        ("两", 2),
        ("十", 10),
        ("十一", 11),
        ("十四", 14),
        ("十五", 15),
        ("一十一", 11),
        ("二十", 20),
        ("二十五", 25),
        ("一百零五", 105),
        ("一千零一", 1001),
        ("一万零五百", 10_500),
        ("二十万", 200_000),
        ("百万", 1_000_000),
        ("千万", 10_000_000),
        ("三千五百万", 35_000_000),
        ("一亿二千万", 120_000_000),
        ("两千", 2000),
        ("万", 10_000),
        ("亿", 1e8),
        ("万亿", 1e12),
        ("两万亿", 2e12),
        ("负三", -3),
        # financial and traditional forms
        ("壹佰贰拾", 120),
        ("叁仟", 3000),
        ("伍萬", 50_000),
        ("兩億", 2e8),
        # digit strings read positionally
        ("二〇二五", 2025),
        ("一九九八", 1998),
        # Chinese decimal point
        ("三点五", 3.5),
        ("一点五亿", 1.5e8),
        ("零点五", 0.5),
        # colloquial shortening of the last digit
        ("三千五", 3500),
        ("一万五", 15_000),
        ("一百五", 150),
        ("两万五", 25_000),
        ("一亿五", 1.5e8),
        ("1万5", 15_000),
    ],
)
def test_parse_number(text: str, expected: float) -> None:
    assert parse_number(text) == expected


def test_multiplied_values_are_exact() -> None:
    # Decimal arithmetic: no 9209999999.999998
    assert parse_number("92.1亿") == 9210000000.0
    assert parse_number("1.1万") == 11000.0
    assert repr(parse_number("0.7万")) == "7000.0"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "十四五",  # a plan name, not a number
        "一五一十",
        "三三两两",
        "两两",
        "兩兩",
        "十百",
        "一百一千",
        "万万",
        "万千",
        "二0",
        "1,23",
        "1.2.3",
        "12a",
        "点五",
        "三点",
        "%",
        "-",
        "亿级",
    ],
)
def test_parse_number_rejects_non_numbers(text: str) -> None:
    with pytest.raises(ValueError, match="not a number"):
        parse_number(text)


def test_error_names_the_text() -> None:
    with pytest.raises(ValueError) as error:
        parse_number("三体")
    assert "'三体'" in str(error.value)
    assert "体" in str(error.value)


def test_non_string_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="expected a string"):
        parse_number(12)  # type: ignore[arg-type]


def test_multipliers() -> None:
    assert MULTIPLIERS == {
        "十": 10,
        "百": 100,
        "千": 1000,
        "万": 10_000,
        "亿": 100_000_000,
        "万亿": 1_000_000_000_000,
    }
    for word, value in MULTIPLIERS.items():
        assert parse_number(word) == value


# --- boundaries and malformed numbers -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一万二千亿", 1.2e12),  # 12000 x 10^8
        ("一万五千亿", 1.5e12),
        ("3万5千亿", 3.5e12),
        ("三千一", 3100),  # colloquial: the last digit is one place below 千
        ("三千零一", 3001),
        ("三点一四", 3.14),
        ("三点一四亿", 314_000_000),
        ("三点五千万", 35_000_000),
        ("一点五万亿", 1.5e12),
        ("零点零五", 0.05),
        ("正五", 5),
        ("+5", 5),
        ("＋２.５", 2.5),
        ("正三点五", 3.5),
        ("−4", -4),  # the minus sign U+2212
        ("负一万", -10_000),
        ("1万", 10_000),  # the exact 万 boundary
        ("9999", 9999),
        ("一万", 10_000),
        ("九千九百九十九", 9999),
        ("10000", 10_000),
        ("1亿", 1e8),
        ("九千九百九十九万九千九百九十九", 99_999_999),
        ("一亿零五万", 100_050_000),
        ("三亿五万", 300_050_000),  # a digit after 亿 scaled by the smaller 万
        ("十万二千", 102_000),
        ("一万零五", 10_005),
        ("0", 0),
        ("零点零", 0),
        ("-0", 0),
    ],
)
def test_parse_number_boundaries(text: str, expected: float) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("一亿二亿", "亿 after a digit that follows 亿"),  # was read as 3e8
        ("1亿2亿", "亿"),
        ("一亿零二亿", "亿 twice"),
        ("三千五万", "万 after a digit that follows 千"),  # 五 after 千 cannot be scaled by 万
        ("一万五亿", "after a digit"),
        ("五万三亿", "after a digit"),
        ("一万二万", "万"),
        ("五百三千", "千 after a digit that follows 百"),
        ("三十五百", "out of order"),
        ("一亿万", "万 without"),
        ("十亿亿", "亿 without"),
        ("三点五亿万", "out of order after 点"),
        ("三点五万万", "out of order after 点"),
        ("三点五百千", "out of order after 点"),
        ("三点五亿亿", "out of order after 点"),
        ("三点一亿二亿", "点"),
        ("正", "empty"),
        ("+", "empty"),
        ("负负三", "unexpected"),
        ("--3", "unexpected"),
        ("1,2345", "commas"),
        ("1.5.", "misplaced"),
        ("三点点五", "点"),
        ("点", "点"),
    ],
)
def test_malformed_numbers_are_refused(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match="not a number") as caught:
        parse_number(text)
    assert reason in str(caught.value)
    assert repr(text) in str(caught.value)


def test_too_large_for_a_float_is_refused() -> None:
    with pytest.raises(ValueError, match="too large"):
        parse_number("1" + "0" * 400)


# --- property tests: the Chinese writer (a reference written here, standard forms only) and
# the formatter's 万/亿 scaling, both read back by parse_number ------------------------------

_CN_DIGITS = "零一二三四五六七八九"


def _below_10000(n: int, leading: bool) -> str:
    """1 <= n < 10000 in standard form; `leading`: the start of the whole number (十五, not
    一十五)."""
    text, zero = "", False
    for place, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // place % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        if not (digit == 1 and unit == "十" and not text and leading):
            text += _CN_DIGITS[digit]
        text += unit
    return text


def chinese(n: int, leading: bool = True) -> str:
    """A non-negative integer below 10^16 in standard Chinese: 120000000 -> 一亿二千万."""
    if n == 0:
        return "零"
    for size, word in ((10**8, "亿"), (10**4, "万")):
        if n >= size:
            head, rest = divmod(n, size)
            text = chinese(head, leading) + word
            if rest:
                text += ("零" if rest < size // 10 else "") + chinese(rest, leading=False)
            return text
    return _below_10000(n, leading)


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (15, "十五"),
        (110, "一百一十"),
        (10_005, "一万零五"),
        (102_000, "十万二千"),
        (120_000_000, "一亿二千万"),
        (1_200_000_000_000, "一万二千亿"),
        (100_050_000, "一亿零五万"),
    ],
)
def test_the_reference_writer_writes_standard_forms(n: int, text: str) -> None:
    assert chinese(n) == text


@given(st.integers(min_value=0, max_value=10**16 - 1))
def test_chinese_integers_round_trip(n: int) -> None:
    # above 2**53 a float holds the nearest value, which float(n) rounds to as well
    assert parse_number(chinese(n)) == float(n)
    assert parse_number("负" + chinese(n)) == -float(n)


@given(
    st.integers(min_value=0, max_value=10**8),
    st.text(alphabet="0123456789", min_size=1, max_size=6),
)
def test_chinese_decimals_round_trip(whole: int, fraction: str) -> None:
    text = chinese(whole) + "点" + "".join(_CN_DIGITS[int(d)] for d in fraction)
    assert parse_number(text) == float(Decimal(f"{whole}.{fraction}"))


@given(st.integers(min_value=0, max_value=10**15))
def test_arabic_integers_with_separators_round_trip(n: int) -> None:
    assert parse_number(f"{n:,}") == float(n)
    assert parse_number(str(n)) == float(n)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "not a number: '' is empty"),
        ("1.2.3", "not a number: '1.2.3' has misplaced commas or points"),
        ("1234,567万", "not a number: '1234,567万' has misplaced commas"),
        ("三点五点六", "not a number: '三点五点六' has a misplaced 点"),
        ("三点五亿万", "not a number: '三点五亿万' has multipliers out of order after 点"),
        ("三体", "not a number: '三体' (unexpected '体' at position 1)"),
        ("三体点五", "not a number: '三体点五' (unexpected '体' at position 1)"),
        ("两两", "not a number: '两两' (digits in a row that are not a positional Chinese number)"),
        ("二十三五", "not a number: '二十三五' (two digits in a row)"),
        ("一百十", "not a number: '一百十' (a multiplier 10 without a digit before it)"),
        ("一百零十", "not a number: '一百零十' (a multiplier 10 without a digit before it)"),
        ("三十五十", "not a number: '三十五十' (multipliers out of order)"),
        ("一亿万", "not a number: '一亿万' (万 without a number before it)"),
        ("一万零二万", "not a number: '一万零二万' (万 twice)"),
        ("十亿亿", "not a number: '十亿亿' (亿 without a number before it)"),
        ("一亿零二亿", "not a number: '一亿零二亿' (亿 twice)"),
        ("一亿二亿", "not a number: '一亿二亿' (亿 after a digit that follows 亿)"),
        ("五百三千", "not a number: '五百三千' (千 after a digit that follows 百)"),
    ],
)
def test_each_refusal_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_number(text)
    assert str(caught.value) == message


def test_a_non_string_is_named_by_its_type() -> None:
    with pytest.raises(ValueError) as caught:
        parse_number(12)  # type: ignore[arg-type]
    assert str(caught.value) == "not a number: expected a string, got int"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("三点14", 3.14),  # Arabic digits after a Chinese point
        ("万五", 15_000),  # colloquial, as in 月薪过万五
        ("1万10", 10_010),  # only a single last digit is shortened
        ("一百0", 100),
    ],
)
def test_mixed_forms(text: str, expected: float) -> None:
    assert parse_number(text) == expected
