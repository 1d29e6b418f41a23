"""Time words read as periods, worked out by hand."""

import pytest

from policyreport.data.scan import scan_text
from policyreport.data.timewords import time_cues


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2026年上半年，收入增长5%。", "2026-01..2026-06"),
        ("第二季度，收入增长5%。", "2026-04..2026-06"),
        ("前4个月，收入增长5%。", "2026-01..2026-04"),
        ("今年前7个月，收入增长5%。", "2026-01..2026-07"),
        ("截至7月31日，收入增长5%。", "2026-07-31"),
        ("截至今年4月末，收入增长5%。", "2026-04-30"),
        ("截至2025年底，收入增长5%。", "2025-12-31"),
        ("去年收入增长5%。", "2025"),
        ("“十四五”期间，收入年均增长5%。", "2021-2025"),
        ("自2025年3月上线以来，收入增长5%。", "2025-03..2026"),
        ("6月16日至18日，展会举办。", "2026-06-16..2026-06-18"),
    ],
)
def test_the_last_cue_before_the_figure_gives_its_period(text, period):
    cues = time_cues(text, scan_text(text), 2026)
    assert cues[-1].period == period
    assert not cues[-1].doubtful


def test_without_a_year_a_relative_period_is_unknown_and_full_year_is_doubtful():
    assert time_cues("今年收入增长5%。", scan_text("今年收入增长5%。"), None)[0].period is None
    (cue,) = time_cues("全年收入增长5%。", scan_text("全年收入增长5%。"), 2026)
    assert (cue.period, cue.doubtful) == ("2026", True)


@pytest.mark.parametrize(
    ("text", "period", "rests_on_year"),
    [
        # no year written: the page's year (2026) supplies it
        ("上半年，收入增长5%。", "2026-01..2026-06", True),
        ("下半年，收入增长5%。", "2026-07..2026-12", True),
        ("今年上半年，收入增长5%。", "2026-01..2026-06", True),
        ("第二季度，收入增长5%。", "2026-04..2026-06", True),
        ("二季度，收入增长5%。", "2026-04..2026-06", True),
        ("去年4月，收入增长5%。", "2025-04", True),
        ("去年第四季度，收入增长5%。", "2025-10..2025-12", True),
        ("前4个月，收入增长5%。", "2026-01..2026-04", True),
        ("年底，收入达5亿元。", "2026-12-31", True),
        # until the page's year: it rests on it, though a year is written
        ("自2025年3月上线以来，收入增长5%。", "2025-03..2026", True),
        ("2009年以来，收入增长5%。", "2009..2026", True),
        # the year is written: it rests on the text, not on the page's year
        ("2026年第二季度，收入增长5%。", "2026-04..2026-06", False),
        ("2026年二季度，收入增长5%。", "2026-04..2026-06", False),
        ("2025年前4个月，收入增长5%。", "2025-01..2025-04", False),
        ("2026年上半年，收入增长5%。", "2026-01..2026-06", False),
        ("2026年4月，收入增长5%。", "2026-04", False),
        ("2025年底，收入达5亿元。", "2025-12-31", False),
        # a year written earlier in the sentence is the year of its months and quarters
        ("进入2025年，产业向好，前4个月收入增长5%。", "2025-01..2025-04", False),
        ("2025年收入5亿元，第二季度增长5%。", "2025-04..2025-06", False),
    ],
)
def test_a_period_rests_on_the_pages_year_only_when_the_text_does_not_give_it(
    text, period, rests_on_year
):
    cue = time_cues(text, scan_text(text), 2026)[-1]
    assert (cue.period, cue.rests_on_year) == (period, rests_on_year)


def test_a_quarter_after_a_comparison_word_is_no_period():
    """增速较第一季度加快: the first quarter is what the growth is compared with; the figure's
    period is the second quarter the sentence opens with."""
    text = "第二季度进出口6850亿元，增速较第一季度加快3.1个百分点。"
    cues = time_cues(text, scan_text(text), 2026)
    assert [(text[c.start : c.end], c.period) for c in cues] == [("第二季度", "2026-04..2026-06")]
