"""`policyreport new-topic`: the notebook it writes, the topic it registers, bad input, and
(slow) the written notebook run through papermill in both languages on the second-page
fixture's facts, in a scratch copy of the project (POLICYREPORT_ROOT)."""

from __future__ import annotations

import ast
import base64
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from policyreport import paths
from policyreport.authoring.topic import new_topic, notebook_number
from policyreport.errors import DataError

_spec = importlib.util.spec_from_file_location(
    "second_page_project", Path(__file__).parents[1] / "fixtures" / "second_page" / "project.py"
)
second_page = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(second_page)
scratch_project, add_second_page = second_page.scratch_project, second_page.add_second_page
snapshot, policyreport = second_page.snapshot, second_page.policyreport
TOPIC, TITLE_ZH, TITLE_EN = second_page.TOPIC, second_page.TITLE_ZH, second_page.TITLE_EN


@pytest.fixture
def project(tmp_path) -> Path:
    return scratch_project(tmp_path / "project")


# --- the notebook number -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("existing", "expected"),
    [
        ([], 1),  # 00 is the summary's
        (["00_summary"], 1),
        (["00_summary", "01_a", "04_b"], 5),  # after the highest, not in the gap
        (["00_summary", "03_a", "99_appendix"], 4),  # 90-99 do not count
        ([f"{n:02d}_t{n}" for n in range(90) if n != 7], 7),  # 89 taken: the lowest free
        (["not_numbered", "5_one_digit"], 1),
        ([f"{n:02d}_t{n}" for n in range(1, 90)], 0),  # only 00 is left
    ],
)
def test_notebook_number(tmp_path, existing, expected):
    for stem in existing:
        (tmp_path / f"{stem}.ipynb").write_text("{}", encoding="utf-8")
    assert notebook_number(tmp_path) == expected


def test_no_number_left(tmp_path):
    for n in range(90):
        (tmp_path / f"{n:02d}_t{n}.ipynb").write_text("{}", encoding="utf-8")
    with pytest.raises(DataError, match="a free notebook number below 90"):
        notebook_number(tmp_path)


# --- what it writes ----------------------------------------------------------------------


def cells(notebook: Path) -> list[dict]:
    return json.loads(notebook.read_text(encoding="utf-8"))["cells"]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def call_arguments(code: str, function: str) -> dict[str, object]:
    """The literal keyword arguments of the first call of `function` (ctx.NAME) in `code`."""
    for node in ast.walk(ast.parse(code)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == function
        ):
            return {
                kw.arg: kw.value.value for kw in node.keywords if isinstance(kw.value, ast.Constant)
            }
    raise AssertionError(f"no call of {function} in {code!r}")


def test_writes_the_notebook_and_registers_the_topic(project):
    before = json.loads((project / "data" / "datapackage.json").read_text(encoding="utf-8"))
    vocabulary_before = (project / "data" / "vocabulary.toml").read_text(encoding="utf-8")
    made = new_topic(TOPIC, TITLE_ZH, TITLE_EN, root=project)

    # the project has 00_summary … 04_synthesis: the next is 05
    assert made.notebook == project / "notebooks" / "05_jianghai_foreign_trade.ipynb"
    notebook = json.loads(made.notebook.read_text(encoding="utf-8"))
    import nbformat

    nbformat.validate(nbformat.from_dict(notebook))
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert all(cell["outputs"] == [] and cell["execution_count"] is None for cell in code)
    assert code[0]["metadata"]["tags"] == ["parameters"]
    from policyreport.authoring.params import read_parameters

    specs = read_parameters(made.notebook)
    assert list(specs) == ["lang", "data_dir", "figures_dir"]
    from papermill.inspection import inspect_notebook

    inferred = inspect_notebook(str(made.notebook))  # what papermill --help-notebook shows
    assert {name: p["help"] for name, p in inferred.items()} == {
        name: spec.help for name, spec in specs.items()
    }
    assert all(spec.help for spec in specs.values())
    assert 'notebook="05_jianghai_foreign_trade"' in source(code[1])
    assert 'ctx.topic_facts("jianghai_foreign_trade")' in source(code[1])
    assert call_arguments(source(code[2]), "heading") == {
        "zh": "江海外贸",
        "en": "Jianghai's foreign trade",
        "id": "jianghai-foreign-trade",
    }
    assert notebook["cells"][0]["source"][0] == ("# 05 · Jianghai's foreign trade / 江海外贸\n")
    calls = [
        node.func.attr
        for cell in code
        for node in ast.walk(ast.parse(source(cell)))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    ]
    for element in ("heading", "say", "facts_chart", "facts_table", "note"):
        assert element in calls, f"the template makes no ctx.{element}"
    # no function or class definitions (tests/test_notebooks.py holds every notebook to it)
    assert not [
        node
        for cell in code
        for node in ast.walk(ast.parse(source(cell)))
        if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Lambda)
    ]

    # the topic is one more entry at the end of the vocabulary …
    vocabulary = (project / "data" / "vocabulary.toml").read_text(encoding="utf-8")
    assert vocabulary == vocabulary_before.rstrip("\n") + (
        "\n\n[topics.jianghai_foreign_trade]\n"
        'title_zh = "江海外贸"\n'
        'title_en = "Jianghai\'s foreign trade"\n'
    )
    # … and the last value of the data package's topic enums (facts and derived)
    after = json.loads((project / "data" / "datapackage.json").read_text(encoding="utf-8"))
    enums = [
        field["constraints"]["enum"]
        for resource in after["resources"]
        for field in resource["schema"]["fields"]
        if field["name"] == "topic"
    ]
    assert len(enums) == 2
    expected = ["wuhan_outsourcing", "guangdong_skill_loans", "low_altitude", TOPIC]
    assert enums == [expected, expected]
    for resource in after["resources"]:
        for field in resource["schema"]["fields"]:
            if field["name"] == "topic":
                field["constraints"]["enum"].remove(TOPIC)
    assert after == before  # nothing else changed


def test_prefix_is_the_topics_fact_id_stem(project):
    new_topic(TOPIC, TITLE_ZH, TITLE_EN, root=project, prefix="jh_")
    from policyreport.data.vocabulary import load_vocabulary

    topic = load_vocabulary(project / "data").topics[TOPIC]
    assert (topic.title_zh, topic.title_en, topic.prefix) == (TITLE_ZH, TITLE_EN, "jh_")


def test_a_title_is_text_not_a_template(project):
    """Quotes and braces in a title are written as they are, not read as placeholders."""
    made = new_topic("odd_title", "“江海”外贸{新}", 'Jianghai "trade" {new}', root=project)
    heading = next(c for c in cells(made.notebook) if "ctx.heading(" in source(c))
    assert call_arguments(source(heading), "heading") == {
        "zh": "“江海”外贸{{新}}",
        "en": 'Jianghai "trade" {{new}}',
        "id": "odd-title",
    }
    from policyreport.authoring.narrative import render

    assert render("“江海”外贸{{新}}", "zh") == "“江海”外贸{新}"


def test_cli_prints_what_it_did(project):
    result = policyreport(
        project, "new-topic", TOPIC, "--title-zh", TITLE_ZH, "--title-en", TITLE_EN
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [
        "registered topic 'jianghai_foreign_trade' in data/vocabulary.toml",
        "wrote notebooks/05_jianghai_foreign_trade.ipynb",
    ]
    assert (project / "notebooks" / "05_jianghai_foreign_trade.ipynb").is_file()


# --- bad input: one line, exit 2, nothing written ----------------------------------------

BAD = [
    ("not-snake-case", ["Jianghai-Trade", "--title-zh", "江海", "--title-en", "Jianghai"],
     "parameter 'NAME': expected a topic name in snake case"),
    ("starts-with-digit", ["2nd_page", "--title-zh", "江海", "--title-en", "Jianghai"],
     "parameter 'NAME': expected a topic name in snake case"),
    ("existing-topic", ["low_altitude", "--title-zh", "低空", "--title-en", "Low altitude"],
     "vocabulary.toml, field 'topic': expected a topic that is not registered yet; "
     "found 'low_altitude'"),
    ("existing-notebook", ["synthesis", "--title-zh", "综合", "--title-en", "Synthesis"],
     "04_synthesis.ipynb: expected no notebook for topic 'synthesis' yet"),
    ("number-in-title", ["jianghai_trade", "--title-zh", "江海外贸2026", "--title-en", "Jianghai"],
     "parameter '--title-zh': expected a title without numbers"),
    ("bad-prefix", ["jianghai_trade", "--title-zh", "江海", "--title-en", "Jianghai",
                    "--prefix", "JH-"],
     "parameter '--prefix': expected lower snake case, e.g. ce_"),
    ("empty-title", ["jianghai_trade", "--title-zh", "江海", "--title-en", "  "],
     "parameter '--title-en': expected a one-line, non-empty title"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "expected"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input(project, args, expected):
    before = snapshot(project)
    result = policyreport(project, "new-topic", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("policyreport new-topic: error: ")
    assert expected in lines[0]
    assert snapshot(project) == before


def test_nothing_is_left_when_the_topic_cannot_be_registered(project):
    """The notebook is written first; if registering fails it is removed again. Here the
    vocabulary declares its topics as an inline table, which a new [topics.NAME] table
    cannot extend."""
    path = project / "data" / "vocabulary.toml"
    path.write_text(
        'topics = { low_altitude = { title_zh = "低空经济", title_en = "Low altitude" } }\n'
        + path.read_text(encoding="utf-8").split("[topics.", 1)[0],
        encoding="utf-8",
    )
    before = snapshot(project)
    with pytest.raises(DataError):
        new_topic(TOPIC, TITLE_ZH, TITLE_EN, root=project)
    assert snapshot(project) == before
    assert not list((project / "notebooks").glob(".*.tmp"))


# --- slow: the written notebook runs in both languages -----------------------------------


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The notebook new-topic writes, run with papermill in zh and en on the second page's
    facts, from a directory that is not the project: {lang: (executed notebook, figures)}."""
    import papermill

    root = scratch_project(tmp_path_factory.mktemp("second_page") / "project")
    result = policyreport(root, "new-topic", TOPIC, "--title-zh", TITLE_ZH, "--title-en", TITLE_EN)
    assert result.returncode == 0, result.stderr
    add_second_page(root)
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    runs = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("POLICYREPORT_ROOT", str(root))
        if not os.environ.get("MPLCONFIGDIR"):
            patch.setenv("MPLCONFIGDIR", str(paths.ROOT / ".cache" / "matplotlib"))
        for lang in ("zh", "en"):
            figures = elsewhere / f"figures-{lang}"
            out = elsewhere / f"out.{lang}.ipynb"
            papermill.execute_notebook(
                str(root / "notebooks" / "05_jianghai_foreign_trade.ipynb"),
                str(out),
                parameters={"lang": lang, "figures_dir": str(figures)},
                kernel_name="python3",
                cwd=str(elsewhere),
                progress_bar=False,
                extra_arguments=["--IPKernelApp.log_level=ERROR"],
            )
            runs[lang] = (json.loads(out.read_text(encoding="utf-8")), figures / lang)
    return runs


def report_elements(notebook: dict) -> list:
    from bs4 import BeautifulSoup

    found = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            markup = "".join(output.get("data", {}).get("text/html", []))
            if markup:
                top = BeautifulSoup(markup, "html.parser").find()
                if top is not None and top.has_attr("data-report"):
                    found.append((markup, top))
    return found


#: Every fact of the fixture, in facts.csv order (counted by hand from the file).
FIXTURE_FACTS = [
    "jh_trade_h1", "jh_trade_h1_yoy", "jh_trade_share_province", "jh_exports_h1",
    "jh_exports_h1_yoy", "jh_imports_h1", "jh_imports_h1_yoy", "jh_trade_q2",
    "jh_trade_q2_yoy", "jh_trade_q2_acceleration", "jh_private_firms", "jh_private_trade_h1",
    "jh_private_share_h1", "jh_foreign_invested_trade_h1", "jh_new_traders",
    "jh_asean_trade_h1", "jh_asean_trade_h1_yoy", "jh_partners", "jh_ecommerce_parcels_h1",
    "jh_trade_h2_forecast",
]  # fmt: skip
#: The largest group of one kind and unit: the seven yuan levels (vs six growth rates).
CHARTED = [
    "jh_trade_h1", "jh_exports_h1", "jh_imports_h1", "jh_trade_q2", "jh_private_trade_h1",
    "jh_foreign_invested_trade_h1", "jh_asean_trade_h1",
]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_new_notebook_runs_in_both_languages(executed, lang):
    from policyreport.authoring.narrative import numbers_outside_refs

    notebook, figures = executed[lang]
    errors = [
        o for c in notebook["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"
    ]
    assert not errors
    elements = report_elements(notebook)
    assert [(top["data-report"], top.name, top.get("id")) for _, top in elements] == [
        ("heading", "h2", "jianghai-foreign-trade"),
        ("paragraph", "p", None),
        ("figure", "figure", "fig-jianghai_foreign_trade"),
        ("table", "figure", "tab-jianghai-foreign-trade-facts"),
        ("note", "aside", None),
    ]
    (_, heading), (_, paragraph), (_, figure), (_, table), _ = elements
    assert heading.get_text() == {"zh": TITLE_ZH, "en": TITLE_EN}[lang]
    # the paragraph opens with the topic's first fact, its value and period as written
    assert (
        paragraph.get_text()
        == {
            "zh": "江海市货物贸易进出口总值：1.26万亿元（2026年1—6月）。",
            "en": "Jianghai's goods trade (imports and exports): CNY 1.26 trillion (January–June 2026).",
        }[lang]
    )
    # the chart: one bar per yuan level, saved under figures_dir/<lang>/
    svg = base64.b64decode(figure.find("img")["src"].partition("base64,")[2]).decode()
    assert re.findall(r'id="bar-([a-z0-9_]+)"', svg) == CHARTED
    assert (figures / "jianghai_foreign_trade.svg").read_text(encoding="utf-8") == svg
    alt = figure.find("img")["alt"]
    assert {"zh": "约1580亿元", "en": "about CNY 158 billion"}[lang] in alt
    # the table: every fact of the topic, in file order, value and period linked
    cited = [a["data-fact"] for a in table.select("td a.ref")]
    assert cited[::2] == FIXTURE_FACTS
    assert cited[1::2] == FIXTURE_FACTS
    # every number in what reaches the report is a link to a fact
    for markup, top in elements:
        assert numbers_outside_refs(markup) == [], top.get_text()[:80]


def test_in_a_new_project_from_any_folder_in_it(tmp_path):
    """`policyreport init`, then new-topic from a folder inside the project (the root is
    found from there): the first chapter is 01, registered in the project's vocabulary."""
    env = {k: v for k, v in os.environ.items() if k != "POLICYREPORT_ROOT"}

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "policyreport.cli", *args],
            env=env,
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
        )

    created = run("init", str(tmp_path / "desk"), cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    made = run(
        "new-topic", "city_trade", "--title-zh", "城市外贸", "--title-en", "City trade",
        cwd=tmp_path / "desk" / "notebooks",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert sorted(p.name for p in (tmp_path / "desk" / "notebooks").glob("*.ipynb")) == [
        "01_city_trade.ipynb"
    ]
    from policyreport.data.vocabulary import load_vocabulary

    topics = load_vocabulary(tmp_path / "desk" / "data").topics
    assert list(topics) == ["city_trade"]
