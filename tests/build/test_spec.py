"""report.toml: parsing, strict validation with one-line errors, command-line overrides."""

from pathlib import Path

import pytest

from policyreport.build.spec import load_spec, parse_parameter, with_overrides
from policyreport.errors import DataError, ParameterError

FIXTURES = Path(__file__).parents[1] / "fixtures"
SPEC = FIXTURES / "build" / "report.toml"
NOTEBOOKS = FIXTURES / "notebooks"

VALID = f"""
[report]
name = "report"
languages = ["zh", "en"]
notebook_dir = "{NOTEBOOKS.as_posix()}"

[report.title]
zh = "示例报告"
en = "Fixture report"

[parameters]
rate = 7.2

[[notebook]]
name = "10_alpha"

[[notebook]]
name = "20_beta"
parameters = {{ note = "x" }}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "report.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_fixture_spec_parses():
    spec = load_spec(SPEC)
    assert spec.name == "report"
    assert spec.languages == ("zh", "en")
    assert spec.titles == {"zh": "示例报告", "en": "Fixture report"}
    assert [nb.name for nb in spec.notebooks] == ["10_alpha", "20_beta"]
    assert spec.notebooks[0].path == (NOTEBOOKS / "10_alpha.ipynb").resolve()
    assert spec.parameters == {"rate": 7.2}
    assert spec.lang_parameter == "lang"
    assert spec.output_dir == SPEC.parent.resolve()


def test_notebook_parameters(tmp_path):
    spec = load_spec(write(tmp_path, VALID))
    assert spec.notebooks[1].parameters == {"note": "x"}
    assert spec.notebooks[0].parameters == {}


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("[parameters]", "[parametres]", "parametres"),
        ('name = "report"', 'name = "report"\nlanguage = ["zh"]', "report.language"),
        ('name = "20_beta"', 'name = "20_beta"\nparams = {}', "notebook[2].params"),
        ('en = "Fixture report"', 'en = "Fixture report"\nfr = "Rapport"', "report.title.fr"),
    ],
)
def test_unknown_keys_are_named(tmp_path, old, new, field):
    with pytest.raises(DataError) as caught:
        load_spec(write(tmp_path, VALID.replace(old, new, 1)))
    assert caught.value.field == field
    message = str(caught.value)
    assert "\n" not in message and "report.toml" in message and field in message


def test_missing_notebook_is_one_line(tmp_path):
    with pytest.raises(DataError) as caught:
        load_spec(write(tmp_path, VALID.replace('"20_beta"', '"30_missing"')))
    message = str(caught.value)
    assert "\n" not in message
    assert "notebook[2].name" in message and "30_missing" in message


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('languages = ["zh", "en"]', 'languages = ["zh", "fr"]', "report.languages"),
        ('languages = ["zh", "en"]', "languages = []", "report.languages"),
        ('en = "Fixture report"', 'en = ""', "report.title.en"),
        ('name = "report"', 'name = "../report"', "report.name"),
        ("rate = 7.2", 'lang = "en"', "parameters.lang"),
        ('name = "20_beta"', 'name = "10_alpha"', "notebook[2].name"),
    ],
)
def test_invalid_values(tmp_path, old, new, field):
    with pytest.raises(DataError) as caught:
        load_spec(write(tmp_path, VALID.replace(old, new, 1)))
    assert caught.value.field == field


def test_invalid_toml_and_missing_file(tmp_path):
    with pytest.raises(DataError, match="valid TOML"):
        load_spec(write(tmp_path, "[report\n"))
    with pytest.raises(DataError, match="no such file"):
        load_spec(tmp_path / "absent.toml")


def test_no_notebooks_is_a_report_of_appendices(tmp_path):
    # what `policyreport init` lays out before the first topic exists
    spec = load_spec(write(tmp_path, VALID.split("[[notebook]]")[0]))
    assert spec.notebooks == ()


def test_scope_defaults_to_everything():
    spec = load_spec(SPEC)
    assert spec.sources == () and spec.topics == ()


def test_scope_is_read(tmp_path):
    text = VALID.replace(
        'name = "report"', 'name = "report"\nsources = ["a.txt", "b.txt"]\ntopics = ["t"]', 1
    )
    spec = load_spec(write(tmp_path, text))
    assert spec.sources == ("a.txt", "b.txt")
    assert spec.topics == ("t",)


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ('sources = "a.txt"', "report.sources"),
        ('sources = ["a.txt", "a.txt"]', "report.sources"),
        ("topics = [1]", "report.topics"),
        ('topics = [""]', "report.topics"),
    ],
)
def test_scope_must_be_a_list_of_names(tmp_path, line, field):
    with pytest.raises(DataError) as caught:
        load_spec(write(tmp_path, VALID.replace('name = "report"', f'name = "report"\n{line}', 1)))
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rate=7.1", ("rate", 7.1)),
        ("n=3", ("n", 3)),
        ("flag=true", ("flag", True)),
        ("x=null", ("x", None)),
        ('name="quoted"', ("name", "quoted")),
        ("name=plain words", ("name", "plain words")),
        ("items=[1, 2]", ("items", [1, 2])),
        ("empty=", ("empty", "")),
    ],
)
def test_parse_parameter(text, expected):
    assert parse_parameter(text) == expected


@pytest.mark.parametrize("text", ["novalue", "=3", "1x=3"])
def test_parse_parameter_rejects(text):
    with pytest.raises(ParameterError):
        parse_parameter(text)


def test_overrides():
    spec = load_spec(SPEC)
    chosen = with_overrides(spec, ["en", "en"], {"rate": 7.5})
    assert chosen.languages == ("en",)
    assert chosen.overrides == {"rate": 7.5}
    assert chosen.build_parameters == {"rate": 7.5}
    assert spec.languages == ("zh", "en")  # the original is unchanged
    assert with_overrides(spec).languages == ("zh", "en")


def test_overrides_reject_unknown_language_and_lang_parameter(tmp_path):
    spec = load_spec(
        write(tmp_path, VALID.replace('languages = ["zh", "en"]', 'languages = ["en"]'))
    )
    with pytest.raises(ParameterError, match="--lang"):
        with_overrides(spec, ["zh"])
    with pytest.raises(ParameterError, match="lang"):
        with_overrides(spec, None, {"lang": "zh"})


def test_timeout_and_variants(tmp_path):
    spec = load_spec(write(tmp_path, VALID))
    assert spec.timeout == 300 and spec.variants == ()
    text = VALID.replace('name = "report"\n', 'name = "report"\ntimeout = 20\n')
    text += '\n[[variant]]\nname = "high"\nparameters = { rate = 7.4 }\n'
    spec = load_spec(write(tmp_path, text))
    assert spec.timeout == 20.0
    assert spec.variants == (("high", {"rate": 7.4}),)


@pytest.mark.parametrize(
    ("extra", "field", "expected"),
    [
        ("", "report.timeout", "a positive number of seconds per cell"),
        ('\n[[variant]]\nname = "a/b"\nparameters = { rate = 1 }\n', "variant[1].name", None),
        ('\n[[variant]]\nname = "a"\n', "variant[1].parameters", "at least one parameter"),
        ('\n[[variant]]\nname = "a"\nvalue = 1\n', "variant[1].value", None),
        (
            '\n[[variant]]\nname = "a"\nparameters = { rate = 1 }\n'
            '\n[[variant]]\nname = "a"\nparameters = { rate = 2 }\n',
            "variant[2].name",
            "a name used once",
        ),
    ],
)
def test_invalid_timeout_and_variants(tmp_path, extra, field, expected):
    text = VALID + extra
    if not extra:
        text = VALID.replace('name = "report"\n', 'name = "report"\ntimeout = 0\n')
    with pytest.raises(DataError) as caught:
        load_spec(write(tmp_path, text))
    assert caught.value.field == field
    if expected:
        assert caught.value.expected == expected
