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
