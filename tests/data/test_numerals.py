import pytest

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
