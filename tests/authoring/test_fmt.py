import json

import pytest

from policyreport import paths
from policyreport.authoring.fmt import (
    axis_unit,
    format_figure,
    format_number,
    format_period,
    format_value,
)
from policyreport.data.records import Figure
from policyreport.data.vocabulary import load_vocabulary


def fig(value, unit, qualifier="exact", kind="level", ref="fact", **extra) -> Figure:
    return Figure(id="x", ref=ref, value=value, unit=unit, qualifier=qualifier, kind=kind, **extra)


@pytest.mark.parametrize(
    ("value", "unit", "zh", "en"),
    [
        (9210000000, "USD", "92.1亿美元", "US$9.21 billion"),
        (89300000000, "CNY", "893亿元", "CNY 89.3 billion"),
        (400000, "persons", "40万人", "400,000 people"),
        (1500000000000, "CNY", "1.5万亿元", "CNY 1.5 trillion"),
        (22.6, "percent", "22.6%", "22.6%"),
        (70000000, "USD", "7000万美元", "US$70 million"),
        (1500000, "CNY", "150万元", "CNY 1.5 million"),
        (2000, "firms", "2000家", "2,000 firms"),
        (5, "bases", "5个基地", "5 bases"),
        (1, "works", "1部", "1 work"),
        (2005, "year", "2005年", "2005"),
        (15, "rank", "第15", "15th"),
        (7.18, "CNY_per_USD", "7.18元/美元", "CNY 7.18 per US dollar"),
        (1.2, "percentage_points", "1.2个百分点", "1.2 percentage points"),
    ],
)
def test_levels_in_both_languages(value, unit, zh, en):
    assert format_figure(fig(value, unit), "zh") == zh
    assert format_figure(fig(value, unit), "en") == en


@pytest.mark.parametrize(
    ("figure", "zh", "en"),
    [
        (fig(180000, "person_times", "at_least"), "超18万人次", "more than 180,000 person-times"),
        (fig(10, "works", "more_than"), "10余部", "over 10 works"),
        (fig(100000, "persons", "more_than"), "10余万人", "over 100,000 people"),
        (fig(70, "percent", "approx", "share"), "约70%", "about 70%"),
        (fig(1, "minutes", "range", value_high=3), "1至3分钟", "1–3 minutes"),
        (fig(1, "percent", "range", value_high=3), "1%至3%", "1–3%"),
        (fig(130000000000, "CNY", "at_least"), "超1300亿元", "more than CNY 130 billion"),
        (
            fig(496000, "CNY_per_person_time", "at_most", ref="derived"),
            "不超过49.6万元/人次",
            "at most CNY 496,000 per person-time",
        ),
    ],
)
def test_qualifiers_are_visible_in_words(figure, zh, en):
    assert format_figure(figure, "zh") == zh
    assert format_figure(figure, "en") == en


def test_growth_style():
    yoy = fig(15.4, "percent", kind="growth_yoy")
    assert format_figure(yoy, "zh", style="growth") == "增长15.4%"
    assert format_figure(yoy, "en", style="growth") == "up 15.4%"
    fall = fig(-3.2, "percent", kind="growth_yoy")
    assert format_figure(fall, "zh", style="growth") == "下降3.2%"
    assert format_figure(fall, "en", style="growth") == "down 3.2%"
    bound = fig(50, "percent", "at_least", kind="growth_yoy")
    assert format_figure(bound, "zh", style="growth") == "增长超50%"
    assert format_figure(bound, "en", style="growth") == "up more than 50%"
    points = fig(1.5, "percentage_points")
    assert format_figure(points, "zh", style="growth") == "提高1.5个百分点"


def test_count_style_drops_the_noun():
    bases = fig(5, "bases")
    assert format_figure(bases, "zh", style="count") == "5个"
    assert format_figure(bases, "en", style="count") == "5"


def test_reported_precision_is_never_lost():
    assert format_figure(fig(15.4, "percent"), "zh") == "15.4%"
    assert format_figure(fig(85.8, "percent"), "en") == "85.8%"
    assert format_figure(fig(12345, "persons"), "zh") == "1.2345万人"
    assert format_figure(fig(0.1 + 0.2, "percent", ref="derived"), "en") == "0.3%"
    with pytest.raises(ValueError, match="reported"):
        format_figure(fig(15.4, "percent"), "zh", significant=2)


def test_derived_figures_are_shown_to_three_significant_digits():
    implied = fig(9210000000 / 1.154, "USD", ref="derived")
    assert format_figure(implied, "zh") == "79.8亿美元"
    assert format_figure(implied, "en") == "US$7.98 billion"
    assert format_figure(fig(66312000000, "CNY", ref="derived"), "zh") == "663亿元"
    # the same precision in both languages, whatever the scale
    assert format_figure(fig(343200, "persons", ref="derived"), "zh") == "34.3万人"
    assert format_figure(fig(343200, "persons", ref="derived"), "en") == "343,000 people"
    assert format_figure(fig(-7.200000000000001, "percentage_points", ref="derived"), "en") == (
        "-7.2 percentage points"
    )
    assert format_figure(implied, "en", significant=4) == "US$7.981 billion"


def test_dates():
    launch = fig(2025, "year", kind="date", period="2025-03")
    assert format_figure(launch, "zh") == "2025年3月"
    assert format_figure(launch, "en") == "March 2025"
    early = fig(2026, "year", "approx", kind="date", period="2026-01")
    assert format_figure(early, "zh") == "约2026年1月"
    assert format_figure(fig(20260430, "date", kind="other"), "en") == "30 April 2026"


@pytest.mark.parametrize(
    ("period", "zh", "en"),
    [
        ("2025", "2025年", "2025"),
        ("2021-2025", "2021—2025年", "2021–2025"),
        ("2026-01..2026-04", "2026年1—4月", "January–April 2026"),
        ("2026-04-30", "2026年4月30日", "30 April 2026"),
        ("2026-04", "2026年4月", "April 2026"),
        ("2025-11..2026-02", "2025年11月—2026年2月", "November 2025–February 2026"),
        ("2026-06-16..2026-06-18", "2026年6月16—18日", "16–18 June 2026"),
        ("2026-06-30..2026-07-02", "2026年6月30日—7月2日", "30 June–2 July 2026"),
        ("2025-03..2026", "2025年3月—2026年", "March 2025–2026"),
        ("2025-03..", "2025年3月以来", "since March 2025"),
        ("..2026-04-30", "截至2026年4月30日", "up to 30 April 2026"),
    ],
)
def test_periods(period, zh, en):
    assert format_period(period, "zh") == zh
    assert format_period(period, "en") == en
    assert format_figure(fig(1, "persons", period=period), "en", style="period") == en


@pytest.mark.parametrize("period", ["", "2025-13", "25", "2025/04", "2026-02-30", ".."])
def test_bad_periods_raise(period):
    with pytest.raises(ValueError):
        format_period(period, "zh")


def test_unknown_language_unit_and_style_raise():
    with pytest.raises(ValueError, match="language"):
        format_figure(fig(1, "persons"), "fr")
    with pytest.raises(ValueError, match="not in the vocabulary"):
        format_value(1, "furlongs", "en")
    with pytest.raises(ValueError, match="style"):
        format_value(1, "persons", "en", style="fancy")
    with pytest.raises(ValueError, match="value_high"):
        format_value(1, "minutes", "en", qualifier="range")


def _schema_enum(field: str) -> set[str]:
    package = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    values = set()
    for resource in package["resources"]:
        for spec in resource["schema"]["fields"]:
            if spec["name"] == field:
                values |= set(spec.get("constraints", {}).get("enum", []))
    return values


def test_every_unit_and_qualifier_of_the_data_package_has_words():
    vocabulary = load_vocabulary()
    assert _schema_enum("unit") - set(vocabulary.units) == set()
    assert _schema_enum("qualifier") - set(vocabulary.qualifiers) == set()
    for unit in vocabulary.units:
        for lang in ("zh", "en"):
            value = 20260430 if unit == "date" else 3
            assert format_value(value, unit, lang)


def test_axis_units():
    assert axis_unit([9210000000, 70000000], "USD", "zh").label == "单位：亿美元"
    assert axis_unit([9210000000, 70000000], "USD", "en").label == "US$ billion"
    assert axis_unit([9210000000], "USD", "en").divisor == 1e9
    assert axis_unit([300, 2000], "firms", "en").label == "firms"
    assert axis_unit([22.6], "percent", "zh").label == "单位：%"


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "zh", "en"),
    [
        (70, "percent", "nearly", "近70%", "nearly 70%"),
        (70, "percent", "approx", "约70%", "about 70%"),
        (2, "quarters", "exact", "2个季度", "2 quarters"),
        (1200, "stocks", "exact", "1200只", "1,200 stocks"),
        (5, "items", "exact", "5个", "5 items"),
    ],
)
def test_words_of_news_units_and_nearly_come_from_the_vocabulary(value, unit, qualifier, zh, en):
    assert format_value(value, unit, "zh", qualifier=qualifier) == zh
    assert format_value(value, unit, "en", qualifier=qualifier) == en


# --- every word pinned --------------------------------------------------------------------
# tests/fixtures/fmt/words.csv: the expected words of every unit x qualifier the vocabulary
# (data/vocabulary.toml) declares, in both languages, a small and a scaled value each.
# Generated once, then read and corrected by hand; a change to any word must change this
# file too.

WORDS = paths.ROOT / "tests" / "fixtures" / "fmt" / "words.csv"


def _word_rows() -> list[dict]:
    import csv

    with WORDS.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _number(text: str) -> int | None:
    return int(text) if text else None


def test_the_word_table_covers_every_unit_and_qualifier():
    covered = {(row["unit"], row["qualifier"]) for row in _word_rows()}
    vocabulary = load_vocabulary()
    assert covered == {(u, q) for u in vocabulary.units for q in vocabulary.qualifiers}


@pytest.mark.parametrize(
    "row", _word_rows(), ids=lambda r: f"{r['unit']}-{r['qualifier']}-{r['value']}"
)
def test_every_word(row):
    figure = fig(
        _number(row["value"]),
        row["unit"],
        row["qualifier"],
        value_high=_number(row["value_high"]),
    )
    assert (format_figure(figure, "zh"), format_figure(figure, "en")) == (row["zh"], row["en"])


@pytest.mark.parametrize(
    ("value", "persons_zh", "persons_en", "usd_zh", "usd_en"),
    [
        (0, "0人", "0 people", "0美元", "US$0"),
        (9999, "9999人", "9,999 people", "9999美元", "US$9,999"),
        (10_000, "1万人", "10,000 people", "1万美元", "US$10,000"),
        (999_999, "99.9999万人", "999,999 people", "99.9999万美元", "US$999,999"),
        (1_000_000, "100万人", "1 million people", "100万美元", "US$1 million"),
        (
            99_999_999,
            "9999.9999万人",
            "99.999999 million people",
            "9999.9999万美元",
            "US$99.999999 million",
        ),
        (100_000_000, "1亿人", "100 million people", "1亿美元", "US$100 million"),
        (
            999_999_999,
            "9.99999999亿人",
            "999.999999 million people",
            "9.99999999亿美元",
            "US$999.999999 million",
        ),
        (10**9, "10亿人", "1 billion people", "10亿美元", "US$1 billion"),
        (10**12, "1万亿人", "1 trillion people", "1万亿美元", "US$1 trillion"),
        (-150_000_000, "-1.5亿人", "-150 million people", "-1.5亿美元", "US$-150 million"),
    ],
)
def test_scale_boundaries(value, persons_zh, persons_en, usd_zh, usd_en):
    assert format_figure(fig(value, "persons"), "zh") == persons_zh
    assert format_figure(fig(value, "persons"), "en") == persons_en
    assert format_figure(fig(value, "USD"), "zh") == usd_zh
    assert format_figure(fig(value, "USD"), "en") == usd_en


@pytest.mark.parametrize(
    ("figure", "zh", "en"),
    [
        (fig(0, "percent", kind="growth_yoy"), "持平", "unchanged"),
        (fig(0.0, "percentage_points"), "持平", "unchanged"),
        (fig(0, "percent", "range", value_high=0), "持平", "unchanged"),
        (fig(-3, "percent", "range", value_high=-1), "下降1%至3%", "down 1–3%"),
        (fig(-3, "persons", "range", value_high=-1), "下降1至3人", "down 1–3 people"),
        (fig(1, "percent", "range", value_high=3), "增长1%至3%", "up 1–3%"),
        (fig(-0.5, "percentage_points"), "下降0.5个百分点", "down 0.5 percentage points"),
        (fig(2, "percentage_points", "approx"), "提高约2个百分点", "up about 2 percentage points"),
        (fig(20, "persons", "more_than"), "增长20余人", "up over 20 people"),
    ],
)
def test_growth_words(figure, zh, en):
    assert format_figure(figure, "zh", style="growth") == zh
    assert format_figure(figure, "en", style="growth") == en


@pytest.mark.parametrize(
    ("value", "en"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (10, "10th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (15, "15th"),
        (20, "20th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (100, "100th"),
        (101, "101st"),
        (111, "111th"),
        (112, "112th"),
        (1002, "1002nd"),
    ],
)
def test_ordinals(value, en):
    assert format_figure(fig(value, "rank"), "en") == en
    assert format_figure(fig(value, "rank"), "zh") == f"第{value}"


@pytest.mark.parametrize(
    ("low", "high", "zh", "en"),
    [
        (-2, 0, "下降0%至2%", "down 0–2%"),  # a fall down to no change is still a fall
        (0, 2, "增长0%至2%", "up 0–2%"),
        (-1, 2, "-1%至2%", "-1–2%"),  # from a fall to a rise: no direction word
    ],
)
def test_growth_ranges_touching_zero(low, high, zh, en):
    figure = fig(low, "percent", "range", value_high=high)
    assert format_figure(figure, "zh", style="growth") == zh
    assert format_figure(figure, "en", style="growth") == en


def test_small_growth_is_growth():
    assert format_figure(fig(0.5, "percent"), "zh", style="growth") == "增长0.5%"
    assert format_figure(fig(0.5, "percent"), "en", style="growth") == "up 0.5%"


@pytest.mark.parametrize(("value", "en"), [(211, "211th"), (1021, "1021st"), (1013, "1013th")])
def test_ordinals_read_the_last_two_digits(value, en):
    assert format_figure(fig(value, "rank"), "en") == en


def test_a_range_is_scaled_by_its_larger_end():
    figure = fig(9000, "persons", "range", value_high=12000)
    assert format_figure(figure, "zh") == "0.9至1.2万人"
    assert format_figure(figure, "en") == "9,000–12,000 people"


def test_both_ends_of_a_range_are_rounded_alike():
    words = format_value(
        1234, "persons", "en", qualifier="range", value_high=5678, significant=2, reported=False
    )
    assert words == "1,200–5,700 people"
    with pytest.raises(ValueError, match="reported figure"):
        format_value(1000, "persons", "en", qualifier="range", value_high=1234, significant=2)


def test_a_date_figure_in_unit_date_reads_its_value():
    figure = fig(20260430, "date", kind="date", period="2026")
    assert format_figure(figure, "zh") == "2026年4月30日"


def test_period_shapes_that_differ():
    assert format_period("2026-03..2026", "zh") == "2026年3月—2026年"
    assert format_period("2026-03..2026", "en") == "March 2026–2026"


def test_format_number_for_axis_ticks():
    assert format_number(12345.678, "en") == "12,345.678"
    assert format_number(1.23456, "en") == "1.235"
    assert format_number(12345.678, "zh") == "12345.678"
    assert format_number(12345.678, "en", group=False) == "12345.678"


def test_axis_unit_edges():
    empty = axis_unit([], "USD", "en")
    assert (empty.divisor, empty.label) == (1.0, "US$")
    per = axis_unit([496000], "CNY_per_person_time", "en")
    assert (per.divisor, per.label) == (1.0, "CNY per person-time")
    assert axis_unit([496000], "CNY_per_person_time", "zh").label == "单位：万元/人次"
    assert axis_unit([2.0], "ratio", "en").label == "×"


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: format_value(1, "persons", "fr"),
            ValueError,
            "language 'fr' is not one of zh, en",
        ),
        (
            lambda: format_value(1, "persons", "en", qualifier="nope"),
            ValueError,
            "qualifier 'nope' is not in the vocabulary (vocabulary.toml)",
        ),
        (
            lambda: format_figure(fig(2026, "year", "nope", kind="date", period="2026-01"), "en"),
            ValueError,
            "qualifier 'nope' is not in the vocabulary (vocabulary.toml)",
        ),
        (
            lambda: format_value(1, "minutes", "en", qualifier="range"),
            ValueError,
            "a range needs value_high",
        ),
        (
            lambda: format_value(2026, "date", "en"),
            ValueError,
            "a value in unit 'date' is written YYYYMMDD; found 2026",
        ),
        (
            lambda: format_value(15.4, "percent", "zh", significant=2),
            ValueError,
            "formatting 15.4 to 2 significant digits would drop digits of a reported figure; "
            "reported figures are shown as reported",
        ),
        (lambda: format_value(True, "persons", "en"), TypeError, "expected a number, found True"),
        (
            lambda: format_value(float("inf"), "persons", "en"),
            ValueError,
            "cannot format the non-finite number inf",
        ),
        (lambda: format_period(" ", "en"), ValueError, "empty period"),
        (lambda: format_period("..", "en"), ValueError, "period '..' has neither start nor end"),
    ],
)
def test_errors_say_what_is_wrong(call, error, message):
    with pytest.raises(error) as caught:
        call()
    assert str(caught.value) == message


@pytest.mark.parametrize("period", ["25", "2025..x", "x..2025", "..x", "2025-3", "x.."])
def test_a_malformed_period_is_named(period):
    with pytest.raises(ValueError) as caught:
        format_period(period, "zh")
    assert str(caught.value) == (
        f"period {period!r}: expected YYYY, YYYY-MM, YYYY-MM-DD, YYYY-YYYY or A..B"
    )


def test_english_months_whatever_the_machine_locale(monkeypatch):
    for variable in ("LC_ALL", "LC_TIME", "LANG"):
        monkeypatch.setenv(variable, "fr_FR.UTF-8")
    assert format_period("2026-04", "en") == "April 2026"


def test_english_months_whatever_the_locale(monkeypatch):
    # the month names are English's, not those of the locale the report is built under
    for variable in ("LANGUAGE", "LC_ALL", "LC_TIME", "LC_CTYPE", "LANG"):
        monkeypatch.setenv(variable, "de_DE.UTF-8")
    # Babel reads the environment once, when babel.dates is imported (its LC_TIME default):
    # set that too, or a process started under an English locale would hide a missing locale=.
    monkeypatch.setattr("babel.dates.LC_TIME", "de_DE")
    assert format_period("2026-06", "en") == "June 2026"
    assert format_period("2025-03..", "en") == "since March 2025"
