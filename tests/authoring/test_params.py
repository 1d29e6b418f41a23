import math
import subprocess
import sys
from pathlib import Path

import pytest

from policyreport import paths
from policyreport.authoring.params import (
    ParamSpec,
    check_declared,
    check_notebook_parameters,
    closest,
    injected_parameters,
    parse_parameters,
    read_parameters,
    validate,
)
from policyreport.errors import ParameterError

ASSUMED = {"usd_cny"}


@pytest.fixture
def good(fixtures) -> Path:
    return fixtures / "params" / "good.ipynb"


@pytest.fixture
def specs(good) -> dict[str, ParamSpec]:
    return read_parameters(good)


def test_read_parameters(specs):
    assert list(specs) == ["lang", "data_dir", "figures_dir", "top_n", "usd_cny"]
    assert specs["lang"] == ParamSpec(
        "lang", "zh", "str", 'report language: "zh" (中文) or "en" (English)'
    )
    assert specs["top_n"].default == 5 and specs["top_n"].type == "int"
    usd = specs["usd_cny"]
    assert usd.default is None and usd.type == "Optional[float]" and usd.base_type == "float"
    assert usd.optional and "assumptions.csv" in usd.help


def test_unannotated_parameters_take_the_type_of_their_default():
    specs = parse_parameters('lang = "en"  # language\nrate = None  # an override\n')
    assert specs["lang"].type == "str"
    assert specs["rate"].type == "" and specs["rate"].default is None


def test_papermill_help_shows_every_parameter_with_its_meaning(good, specs):
    result = subprocess.run(
        [sys.executable, "-m", "papermill", "--help-notebook", str(good)],
        capture_output=True,
        text=True,
        check=True,
    )
    for spec in specs.values():
        assert f"{spec.name}: {spec.type} (default " in result.stdout
        assert spec.help in result.stdout
    assert "Unknown type" not in result.stdout


@pytest.mark.parametrize(
    ("fixture", "parameter", "message"),
    [
        ("comment_with_equals", "top_n", "without '='"),
        ("missing_comment", "top_n", "comment"),
        ("pipe_annotation", "usd_cny", "Optional"),
        ("multiline", "top_n", "one-line"),
        ("no_parameters_cell", "parameters", "tagged 'parameters'"),
    ],
)
def test_parameters_cells_papermill_cannot_describe_are_refused(
    fixtures, fixture, parameter, message
):
    with pytest.raises(ParameterError, match=message) as caught:
        read_parameters(fixtures / "params" / f"{fixture}.ipynb")
    assert caught.value.parameter == parameter
    assert caught.value.notebook == fixture
    assert "\n" not in str(caught.value)


def test_a_missing_notebook_is_a_parameter_error(tmp_path):
    with pytest.raises(ParameterError, match="existing notebook"):
        read_parameters(tmp_path / "nope.ipynb")


def test_validate_fills_defaults_and_accepts_int_for_float(specs):
    values = validate({"lang": "en", "usd_cny": 7}, specs, "nb", ASSUMED)
    assert values == {
        "lang": "en",
        "data_dir": "data",
        "figures_dir": "figures",
        "top_n": 5,
        "usd_cny": 7.0,
    }
    assert isinstance(values["usd_cny"], float)
    assert validate({}, specs, "nb", ASSUMED)["usd_cny"] is None


def test_unknown_parameter_lists_the_allowed_ones(specs):
    with pytest.raises(ParameterError) as caught:
        validate({"langage": "en"}, specs, "01_topic", ASSUMED)
    error = caught.value
    assert error.parameter == "langage"
    assert "lang, data_dir, figures_dir, top_n, usd_cny" in str(error)
    assert str(error).startswith("01_topic: parameter 'langage'")


@pytest.mark.parametrize(
    ("given", "parameter", "expected"),
    [
        ({"top_n": "5"}, "top_n", "an int"),
        ({"top_n": 5.0}, "top_n", "an int"),
        ({"top_n": True}, "top_n", "an int"),
        ({"lang": "fr"}, "lang", 'one of "zh", "en"'),
        ({"lang": None}, "lang", "report language"),
        ({"data_dir": 3}, "data_dir", "path as a string"),
        ({"figures_dir": Path("figures")}, "figures_dir", "path as a string"),
        ({"usd_cny": "7.2"}, "usd_cny", "positive finite number"),
        ({"usd_cny": -7.2}, "usd_cny", "positive finite number"),
        ({"usd_cny": 0}, "usd_cny", "positive finite number"),
        ({"usd_cny": math.inf}, "usd_cny", "positive finite number"),
        ({"usd_cny": math.nan}, "usd_cny", "positive finite number"),
        ({"usd_cny": True}, "usd_cny", "positive finite number"),
    ],
)
def test_wrong_values_name_the_parameter(specs, given, parameter, expected):
    with pytest.raises(ParameterError, match=expected) as caught:
        validate(given, specs, "nb", ASSUMED)
    assert caught.value.parameter == parameter
    assert caught.value.found is given[parameter] or caught.value.found == given[parameter]
    assert "\n" not in str(caught.value)


def test_a_str_where_a_float_is_expected():
    specs = parse_parameters("scale: float = 1.0  # a factor\n")
    with pytest.raises(ParameterError, match="expected a float; found '2'"):
        validate({"scale": "2"}, specs)
    assert validate({"scale": 2}, specs) == {"scale": 2.0}


def test_assumption_overrides_come_from_the_given_set_not_from_code():
    specs = parse_parameters("eur_cny: Optional[float] = None  # CNY per euro\n")
    with pytest.raises(ParameterError, match="eur_cny"):
        validate({"eur_cny": -1}, specs, assumption_parameters={"eur_cny"})
    # not an assumption parameter: only the type is checked
    assert validate({"eur_cny": -1}, specs) == {"eur_cny": -1.0}


def test_an_assumption_override_must_default_to_none(fixtures):
    path = fixtures / "params" / "typed_override.ipynb"
    with pytest.raises(ParameterError, match="None as the default") as caught:
        check_notebook_parameters(path, {}, ASSUMED)
    assert caught.value.parameter == "usd_cny"


def test_check_notebook_parameters(good):
    values = check_notebook_parameters(good, {"lang": "en"}, ASSUMED)
    assert values["lang"] == "en"
    with pytest.raises(ParameterError) as caught:
        check_notebook_parameters(good, {"usd_cny": -7.2}, ASSUMED)
    assert caught.value.parameter == "usd_cny"
    assert caught.value.notebook == "good"
    assert str(caught.value) == (
        "good: parameter 'usd_cny': expected a positive finite number, or None for the "
        "value in data/assumptions.csv; found -7.2"
    )


def test_without_specs_only_the_general_rules_apply():
    assert validate({"anything": 1}, None) == {"anything": 1}
    with pytest.raises(ParameterError):
        validate({"lang": "de"}, None)


# --- notebook.setup: the same rules in the kernel ----------------------------------------


def test_setup_validates_and_resolves_paths_from_the_root(good, tmp_path, monkeypatch):
    from policyreport.notebook import setup

    # a folder inside the project, as JupyterLab's kernel has: paths resolve from the root
    monkeypatch.chdir(paths.NOTEBOOKS)
    ctx = setup(str(good), lang="en", data_dir="data", figures_dir=str(tmp_path / "figs"))
    assert ctx.lang == "en" and ctx.notebook == "good"
    assert (tmp_path / "figs" / "en").is_dir()
    assert ctx.params["usd_cny"] is None
    assert ctx.fig("usd_cny").value == 7.18  # the recorded assumption
    ctx = setup(str(good), lang="zh", usd_cny=7.0, figures_dir=str(tmp_path / "figs"))
    assert ctx.fig("usd_cny").value == 7.0
    assert ctx.say(zh="汇率按{r}", en="at {r}", r="usd_cny") == (
        '<p data-report="paragraph">汇率按<a class="ref" href="#assumption-usd_cny" '
        'data-assumption="usd_cny">7元/美元</a></p>'
    )
    with pytest.raises(ParameterError, match="usd_cny"):
        setup(str(good), lang="zh", usd_cny=-1, figures_dir=str(tmp_path / "figs"))
    with pytest.raises(ParameterError, match="lang"):
        setup(str(good), lang="fr")
    assert not (paths.ROOT / "figs").exists()


def test_context_speaks_the_protocol_in_its_language(good, tmp_path):
    from policyreport.authoring.narrative import numbers_outside_refs
    from policyreport.notebook import setup

    ctx = setup(str(good), lang="zh", figures_dir=str(tmp_path))
    ctx.cite(zh="测试版面", en="test page")
    heading = ctx.heading(zh="汇率", en="The exchange rate")
    assert heading == '<h2 data-report="heading" id="the-exchange-rate">汇率</h2>'
    rate = ctx.fig("usd_cny")
    chart = ctx.hbar(
        [rate],
        labels_zh=["汇率"],
        labels_en=["Rate"],
        title_zh="汇率为{r}",
        title_en="The rate is {r}",
        r=rate,
    )
    html = ctx.chart(
        chart,
        "rate",
        caption_zh="汇率{r}",
        caption_en="Rate {r}",
        alt_zh="条形图：{r}",
        alt_en="Bar: {r}",
        r="usd_cny",
    )
    assert html.startswith('<figure data-report="figure" id="fig-rate"><img src="data:image/svg')
    assert 'alt="条形图：7.18元/美元"' in html
    assert (tmp_path / "zh" / "rate.svg").is_file() and (tmp_path / "zh" / "rate.png").is_file()
    table = ctx.table(
        [[("汇率", "Rate"), rate, (rate, "plain")]],
        columns_zh=["指标", "数值", "数值"],
        columns_en=["Measure", "Value", "Value"],
        id="rates",
        caption_zh="假设",
        caption_en="Assumptions",
    )
    assert '<th scope="row">汇率</th>' in table
    assert numbers_outside_refs(heading + html + table) == []


# --- names papermill injected that the notebook does not declare ---------------------------

PARAMETERS_CELL = 'lang: str = "zh"  # language\nusd_cny: Optional[float] = None  # a rate\n'
INJECTED_CELL = '# Parameters\nlang = "en"\nusd_cnY = 7.0\nPM_INPUT_PATH = "in.ipynb"\n'


def test_injected_parameters_come_from_the_latest_injected_cell():
    history = ["", PARAMETERS_CELL, INJECTED_CELL, "ctx = setup(...)"]
    assert injected_parameters(history, PARAMETERS_CELL) == {"lang": "en", "usd_cnY": 7.0}
    older = '# Parameters\ncolour = "red"\n'
    assert injected_parameters([older, PARAMETERS_CELL, INJECTED_CELL], PARAMETERS_CELL) == {
        "lang": "en",
        "usd_cnY": 7.0,
    }


def test_nothing_is_injected_when_the_parameters_cell_ran_last():
    # JupyterLab's Run All after an earlier papermill-style cell: this run injected nothing
    history = [INJECTED_CELL, PARAMETERS_CELL, "ctx = setup(...)"]
    assert injected_parameters(history, PARAMETERS_CELL) == {}
    assert injected_parameters(["x = 1", PARAMETERS_CELL], PARAMETERS_CELL) == {}
    assert injected_parameters([], None) == {}


def test_a_value_that_is_not_a_literal_is_kept_as_source():
    assert injected_parameters(["# Parameters\nwhen = dict(a=1)\n"]) == {"when": "dict(a=1)"}


@pytest.mark.parametrize(
    ("name", "meant"),
    [("usd_cnY", "usd_cny"), ("USD_CNY", "usd_cny"), ("langage", "lang"), ("colour", None)],
)
def test_closest_declared_name(name, meant):
    assert closest(name, ["lang", "data_dir", "figures_dir", "usd_cny"]) == meant


def test_undeclared_names_are_all_named_with_a_guess(specs):
    with pytest.raises(ParameterError) as caught:
        check_declared({"usd_cnY": 7.0, "colour": "red", "Top_N": 3}, specs, "nb")
    assert caught.value.parameter == "usd_cnY"
    assert caught.value.hint == (
        "did you mean usd_cny?; also not declared: 'colour', 'Top_N' (did you mean top_n?)"
    )
    assert str(caught.value) == (
        "nb: parameter 'usd_cnY': expected a parameter of this notebook (one of: lang, "
        "data_dir, figures_dir, top_n, usd_cny); found 7.0; did you mean usd_cny?; "
        "also not declared: 'colour', 'Top_N' (did you mean top_n?)"
    )
    check_declared({"lang": "en"}, specs, "nb")  # declared: no error
