import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from policyreport.authoring import charts  # noqa: E402
from policyreport.authoring.fonts import cjk_font_path, register_cjk_font  # noqa: E402
from policyreport.data.records import Figure  # noqa: E402
from policyreport.errors import BuildError  # noqa: E402

EXACT = Figure(id="f_exact", ref="fact", value=350, unit="firms", period="2026")
AT_LEAST = Figure(id="f_bound", ref="fact", value=2000, unit="firms", qualifier="at_least")
MORE = Figure(id="f_more", ref="fact", value=50, unit="firms", qualifier="more_than")
LEVEL = Figure(id="f_2025", ref="fact", value=9210000000, unit="USD", period="2025")
IMPLIED = Figure(id="d_2024", ref="derived", value=9210000000 / 1.154, unit="USD", period="2024")
TITLE_ZH = "武汉服务外包执行额2025年达92.1亿美元"
SOURCE_ZH = "资料来源：测试版面；推算值由policyreport计算"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _patch(fig, gid):
    (found,) = [p for p in fig.axes[0].patches if p.get_gid() == gid]
    return found


def test_font_ships_with_mplfonts():
    path = cjk_font_path()
    assert path.name == "NotoSansCJKsc-Regular.otf"
    assert "mplfonts" in path.parts
    assert register_cjk_font() == "Noto Sans CJK SC"


def test_apply_style():
    family = charts.apply_style()
    assert matplotlib.rcParams["font.family"] == [family]
    assert matplotlib.rcParams["svg.fonttype"] == "path"
    assert matplotlib.rcParams["svg.hashsalt"] == charts.HASHSALT
    assert matplotlib.rcParams["text.parse_math"] is False


def test_saving_twice_gives_identical_bytes(tmp_path):
    first = charts.save(
        charts.hbar([EXACT, AT_LEAST], ["甲", "乙"], TITLE_ZH, "zh", SOURCE_ZH),
        "bars",
        "zh",
        tmp_path,
    )
    svg, png = (
        (tmp_path / "zh" / "bars.svg").read_bytes(),
        (tmp_path / "zh" / "bars.png").read_bytes(),
    )
    assert svg == first and png.startswith(b"\x89PNG")
    second = charts.save(
        charts.hbar([EXACT, AT_LEAST], ["甲", "乙"], TITLE_ZH, "zh", SOURCE_ZH),
        "bars",
        "zh",
        tmp_path,
    )
    assert second == first
    assert (tmp_path / "zh" / "bars.png").read_bytes() == png
    assert b"<dc:date>" not in svg  # no timestamp
    assert b"<text" not in svg  # text drawn as paths: no font needed to view it


def test_chinese_title_renders_without_missing_glyphs(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning, missing glyph included, fails the test
        fig = charts.series([IMPLIED, LEVEL], TITLE_ZH, "zh", SOURCE_ZH)
        svg = charts.save(fig, "series", "zh", tmp_path)
    assert svg.startswith(b"<?xml")


def test_a_glyph_missing_from_the_font_raises(tmp_path):
    charts.apply_style()
    fig = plt.figure()
    fig.text(0.5, 0.5, "Tifinagh \u2d63 is not in Noto Sans CJK")
    with pytest.raises(BuildError, match="missing from font"):
        charts.save(fig, "missing", "en", tmp_path)
    with pytest.raises(BuildError, match="missing from font"):
        charts.hbar([EXACT], ["\u2d63"], "title", "en", "source")
    assert plt.get_fignums() == []  # the half-built chart was closed


def test_hbar_marks_a_lower_bound_differently_from_an_exact_value():
    fig = charts.hbar([EXACT, AT_LEAST, MORE], ["a", "b", "c"], "Firms", "en", "Source: test")
    exact, bound, more = (_patch(fig, f"bar-{f.id}") for f in (EXACT, AT_LEAST, MORE))
    assert exact.get_hatch() is None
    assert bound.get_hatch() and more.get_hatch()
    assert bound.get_facecolor() != exact.get_facecolor()
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert labels == ["350 firms", "more than 2,000 firms", "over 50 firms"]
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["reported", "lower bound (actual value higher)"]


def test_hbar_zh_labels_carry_the_qualifier():
    fig = charts.hbar([EXACT, AT_LEAST], ["甲", "乙"], "企业数", "zh", SOURCE_ZH)
    assert [t.get_text() for t in fig.axes[0].texts] == ["350家", "超2000家"]
    assert fig.axes[0].get_xlabel() == "单位：家"


def test_a_chart_of_exact_reported_values_has_no_legend():
    fig = charts.hbar([EXACT], ["a"], "Firms", "en", "Source: test")
    assert fig.axes[0].get_legend() is None


def test_series_marks_implied_points():
    fig = charts.series([IMPLIED, LEVEL], "Execution value", "en", "Source: test")
    implied = _patch(fig, "point-d_2024")
    reported = _patch(fig, "point-f_2025")
    assert implied.get_facecolor() == (1.0, 1.0, 1.0, 1.0)  # hollow
    assert implied.get_linestyle() not in ("-", "solid")  # dashed outline
    assert reported.get_linestyle() in ("-", "solid")
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert labels == ["US$7.98 billion\n(implied)", "US$9.21 billion"]
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["2024", "2025"]
    assert [tick for tick in fig.axes[0].get_xticks()] == [2024, 2025]
    assert fig.axes[0].get_ylabel() == "US$ billion"


def test_single_years_sit_on_a_time_axis():
    base = Figure(id="d_2020", ref="derived", value=3.3e9, unit="USD", period="2020")
    fig = charts.series([base, IMPLIED, LEVEL], "t", "en", "s")
    assert list(fig.axes[0].get_xticks()) == [2020, 2024, 2025]
    months = [
        Figure(id="a", ref="fact", value=1, unit="percent", period="2026-01..2026-04"),
        Figure(id="b", ref="fact", value=2, unit="percent", period="2026"),
    ]
    fig = charts.series(months, "t", "zh", "s")
    assert list(fig.axes[0].get_xticks()) == [0, 1]


def test_line_series_uses_hollow_markers_for_implied_points():
    fig = charts.series([IMPLIED, LEVEL], "执行额", "zh", SOURCE_ZH, kind="line")
    lines = {line.get_gid(): line for line in fig.axes[0].lines if line.get_gid()}
    assert lines["point-d_2024"].get_markerfacecolor() == "white"
    assert lines["point-f_2025"].get_markerfacecolor() != "white"
    assert fig.axes[0].texts[0].get_text().endswith("\n（推算）")


def test_one_chart_one_unit_and_required_texts():
    with pytest.raises(ValueError, match="unit"):
        charts.hbar([EXACT, LEVEL], ["a", "b"], "t", "en", "s")
    with pytest.raises(ValueError, match="title"):
        charts.hbar([EXACT], ["a"], " ", "en", "s")
    with pytest.raises(ValueError, match="source"):
        charts.hbar([EXACT], ["a"], "t", "en", "")
    with pytest.raises(ValueError, match="labels"):
        charts.hbar([EXACT], ["a", "b"], "t", "en", "s")
    with pytest.raises(ValueError, match="name"):
        charts.save(plt.figure(), "../escape", "en")


def test_source_line_cites_labels_not_ids():
    labels = {"f_exact": "F3", "f_bound": "F7", "d_2024": "D2", "f_2025": "F1"}
    assert charts.source_line("Economic Daily page", [EXACT, AT_LEAST], "en", labels) == (
        "Source: Economic Daily page; figures F3, F7"
    )
    assert charts.source_line("经济日报版面", [IMPLIED, LEVEL], "zh", labels) == (
        "资料来源：经济日报版面；数据编号：D2、F1；推算值由policyreport计算"
    )
    # a figure charted twice is cited once
    assert charts.source_line("p", [EXACT, EXACT], "en", labels) == "Source: p; figures F3"


def test_wrap_breaks_chinese_anywhere_and_english_at_spaces():
    assert charts.wrap("一二三四五六", 6) == "一二三\n四五六"
    assert charts.wrap("alpha beta gamma", 12) == "alpha beta\ngamma"
    assert (
        charts.wrap("ids wh_exec_2025, wh_bpo_2025_yoy", 24) == "ids wh_exec_2025,\nwh_bpo_2025_yoy"
    )
    # a number stays with its unit
    assert charts.wrap("推算约为33.3亿美元", 12) == "推算约为\n33.3亿美元"
    # closing punctuation never starts a line
    assert charts.wrap("一二三、四五", 6) == "一二三、\n四五"


def test_counts_get_whole_number_ticks():
    before = Figure(
        id="a", ref="fact", value=10, unit="works", qualifier="more_than", period="2025"
    )
    after = Figure(id="b", ref="fact", value=20, unit="works", qualifier="more_than", period="2026")
    fig = charts.series([before, after], "Output doubled", "en", "Source: test")
    ticks = fig.axes[0].get_yticks()
    assert all(float(tick).is_integer() for tick in ticks)


def test_an_amount_per_person_shares_the_axis_of_amounts_but_not_of_other_currencies():
    loan = Figure(id="loan", ref="fact", value=1_500_000, unit="CNY", period="2026")
    per = Figure(
        id="per", ref="derived", value=496_111, unit="CNY_per_person_time", qualifier="at_most"
    )
    fig = charts.hbar([loan, per], ["loan", "per person-time"], "A title", "en", "Source: test")
    labels = [text.get_text() for text in fig.axes[0].texts]
    assert any("per person-time" in label for label in labels)  # each label keeps its unit
    dollars = Figure(id="usd", ref="fact", value=1.0, unit="USD", period="2026")
    with pytest.raises(ValueError, match="one chart, one unit"):
        charts.hbar([loan, dollars], ["a", "b"], "A title", "en", "Source: test")
