"""policyreport.notebook: in a real kernel, setup() stops a run that was given a parameter the
notebook does not declare, however it was run (here: the papermill command line, which on
its own only warns and goes on with the default); and the topic-wide calls that
`policyreport new-topic`'s template uses (topic_facts, comparable, facts_table) on Figures
made here, with units of the project's vocabulary. facts_chart runs in the template's
notebook (tests/authoring/test_topic.py)."""

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from policyreport import paths
from policyreport.authoring.params import read_parameters
from policyreport.data.dataset import Dataset
from policyreport.data.records import Figure
from policyreport.errors import DataError
from policyreport.notebook import Context

BIN = Path(sys.executable).parent
NOTEBOOK = paths.NOTEBOOKS / "01_wuhan_outsourcing.ipynb"


def papermill(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(BIN / "papermill"),
            str(NOTEBOOK.relative_to(paths.ROOT)),
            str(tmp_path / "out.ipynb"),
            "-p",
            "figures_dir",
            str(tmp_path / "figures"),
            *arguments,
            "--no-progress-bar",
        ],
        cwd=paths.ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_mistyped_parameter_stops_the_papermill_command_line(tmp_path):
    assert "usd_cny" in read_parameters(NOTEBOOK)  # the name the typo is close to
    result = papermill(tmp_path, "-p", "usd_cnY", "7.0", "-p", "lang", "en")
    assert result.returncode != 0
    expected = (
        "ParameterError: 01_wuhan_outsourcing: parameter 'usd_cnY': expected a parameter of "
        "this notebook (one of: lang, data_dir, figures_dir, usd_cny); found 7.0; "
        "did you mean usd_cny?"
    )
    assert expected in result.stderr
    # the run stopped in the setup cell: nothing was charted with the default rate
    assert not (tmp_path / "figures" / "en").exists()
    executed = json.loads((tmp_path / "out.ipynb").read_text(encoding="utf-8"))
    errors = [
        output
        for cell in executed["cells"]
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    # in the notebook: the line of the cell, then the error; no traceback into src/
    setup_cell = next(cell for cell in executed["cells"] if cell.get("id") == "setup")
    assert "".join(setup_cell["source"]).splitlines()[2] == "ctx = setup("  # its line 3
    assert [(error["ename"], error["traceback"]) for error in errors] == [
        ("ParameterError", ["cell line 3: ctx = setup(", expected])
    ]


@pytest.mark.slow
def test_every_undeclared_name_is_named(tmp_path):
    result = papermill(tmp_path, "-p", "Lang", "en", "-p", "colour", "red")
    assert result.returncode != 0
    assert (
        "parameter 'Lang': expected a parameter of this notebook (one of: lang, data_dir, "
        "figures_dir, usd_cny); found 'en'; did you mean lang?; also not declared: 'colour'"
    ) in result.stderr


# --- the reference page ----------------------------------------------------------------------


def test_api_reference_is_up_to_date():
    from policyreport.notebook import API_DOC, api_reference

    committed = (paths.ROOT / API_DOC).read_text(encoding="utf-8")
    assert committed == api_reference(), (
        f"{API_DOC} is out of date: run .venv/bin/python -m policyreport.notebook"
    )


def test_api_reference_covers_every_method_and_style():
    from policyreport.authoring.fmt import STYLES
    from policyreport.notebook import Context, api_reference

    page = api_reference()
    methods = [name for name in vars(Context) if not name.startswith("_")]
    assert {"fig", "figs", "say", "chart", "table", "note"} <= set(methods)
    for name in methods:
        assert f"### `ctx.{name}(" in page
    assert "(no docstring)" not in page
    for style in STYLES:
        assert f"| `{{x:{style}}}` |" in page
    # worked out by hand from the examples: 15.4 percent as growth, 5+ firms as a count
    assert "| `{x:growth}` | 增长15.4% | up 15.4% |" in page
    assert "| `{x:count}` | 5余家 | over 5 |" in page


# --- the topic-wide calls ------------------------------------------------------------


def fact(ident: str, unit: str, kind: str, topic: str = "t", **more) -> Figure:
    return Figure(id=ident, ref="fact", value=1.0, unit=unit, kind=kind, topic=topic, **more)


def context(*figures: Figure, lang: str = "zh") -> Context:
    ds = Dataset(
        facts=None,
        derived=None,
        assumptions=None,
        exclusions=None,
        figures={f.id: f for f in figures},
    )
    return Context(notebook="05_t", lang=lang, params={}, ds=ds, figures_dir=None)


LEVELS = [fact("a", "CNY", "level"), fact("b", "CNY", "level")]
GROWTH = [fact("c", "percent", "growth_yoy"), fact("d", "percent", "growth_yoy")]
SHARE = [fact("e", "percent", "share")]
UNCHARTED = [fact("f", "date", "date"), fact("g", "rank", "rank"), fact("h", "year", "date")]


def test_topic_facts_in_file_order_and_only_facts():
    other = fact("x", "CNY", "level", topic="other")
    derived = Figure(id="y", ref="derived", value=1.0, unit="CNY", topic="t")
    ctx = context(LEVELS[0], other, derived, GROWTH[0])
    assert [f.id for f in ctx.topic_facts("t")] == ["a", "c"]


def test_a_topic_without_facts_is_one_line():
    with pytest.raises(DataError) as caught:
        context(*LEVELS).topic_facts("new_topic")
    assert str(caught.value) == (
        "facts.csv, field 'topic': expected at least one fact of topic 'new_topic' "
        "(add its rows first); found 'none'"
    )


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        (LEVELS + GROWTH + [replace(GROWTH[0], id="c2")], ["c", "d", "c2"]),  # the largest
        (LEVELS + GROWTH, ["a", "b"]),  # a tie: the group that comes first
        (GROWTH + SHARE + LEVELS, ["c", "d"]),  # a share is not compared with growth
        (SHARE + UNCHARTED, ["e"]),  # dates and ranks are never bars
        (UNCHARTED, []),
    ],
    ids=["largest", "tie", "kind-apart", "no-dates", "nothing"],
)  # fmt: skip
def test_comparable(figures, expected):
    assert [f.id for f in context().comparable(figures)] == expected


def test_comparable_keeps_at_most_limit():
    many = [fact(f"n{i}", "firms", "count") for i in range(15)]
    assert [f.id for f in context().comparable(many)] == [f"n{i}" for i in range(12)]
    assert len(context().comparable(many, limit=3)) == 3


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_facts_table(lang):
    exports = Figure(
        id="exports", ref="fact", value=812e9, unit="CNY", kind="level", topic="t",
        period="2026-01..2026-06", subject_zh="出口", subject_en="Exports",
    )  # fmt: skip
    undated = Figure(
        id="firms", ref="fact", value=1200, unit="firms", kind="count", topic="t",
        subject_zh="外贸企业", subject_en="Trading firms",
    )  # fmt: skip
    ctx = context(exports, undated, lang=lang)
    markup = ctx.facts_table([exports, "firms"], id="t-facts", caption_zh="表", caption_en="T")
    table = BeautifulSoup(markup, "html.parser").find("figure")
    assert table["id"] == "tab-t-facts"
    rows = [[cell.get_text() for cell in row.find_all(["th", "td"])] for row in table("tr")]
    assert rows == {
        "zh": [["指标", "数值", "时期"], ["出口", "8120亿元", "2026年1—6月"],
               ["外贸企业", "1200家", ""]],
        "en": [["Measure", "Value", "Period"], ["Exports", "CNY 812 billion", "January–June 2026"],
               ["Trading firms", "1,200 firms", ""]],
    }[lang]  # fmt: skip
    links = [a["data-fact"] for a in table.select("a.ref")]
    assert links == ["exports", "exports", "firms"]


def test_a_charts_source_line_cites_labels_not_ids():
    """Labels number each kind over the whole dataset in data order (here a, b, c are facts
    F1, F2, F3 and y the first derived figure, D1), as the appendices number them."""
    derived = Figure(id="y", ref="derived", value=1.0, unit="CNY", topic="t")
    ctx = context(LEVELS[0], LEVELS[1], derived, GROWTH[0], lang="en")
    assert ctx.source(ctx.figs("b", "y", "c")) == (
        "Source: the source page; figures F2, D1, F3; implied values computed by policyreport"
    )
    ctx = context(LEVELS[0], LEVELS[1], derived, GROWTH[0], lang="zh")
    assert ctx.source(ctx.figs("c", "a")) == "资料来源：原文版面；数据编号：F3、F1"
