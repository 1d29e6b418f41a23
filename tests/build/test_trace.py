"""The number trace (policyreport.build.trace) over executed-notebook fixtures, one per failure
mode (tests/fixtures/trace/), against the two-page scope fixture's data: b_routes is 3 routes
(shown 3条航线 or 3条), b_flights more than 1,200 flights (超1200架次)."""

import shutil
from pathlib import Path

import pytest

from policyreport import paths
from policyreport.build.trace import notebook_language, trace_notebook
from policyreport.data.dataset import load_dataset

FIXTURES = Path(__file__).parents[1] / "fixtures"
TRACE = FIXTURES / "trace"
PAGE_FILES = {"sources", "facts.csv", "derived.csv", "assumptions.csv", "exclusions.csv"}


def load(name: str) -> dict:
    import json

    return json.loads((TRACE / f"{name}.zh.ipynb").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("trace") / "data"
    target.mkdir()
    for path in paths.DATA.iterdir():  # the project's schema files
        if path.is_file() and path.name not in PAGE_FILES:
            shutil.copy(path, target / path.name)
    shutil.copytree(FIXTURES / "scope" / "data", target, dirs_exist_ok=True)
    return target


@pytest.fixture(scope="module")
def dataset(data_dir):
    return load_dataset(data_dir)


def problems(name: str, dataset) -> list[str]:
    return [str(p) for p in trace_notebook(load(name), f"{name} (zh)", dataset, "zh")]


def test_every_number_from_data_passes(dataset):
    assert problems("clean", dataset) == []


def test_a_loose_number_is_named_with_notebook_and_cell(dataset):
    (found,) = trace_notebook(load("loose_number"), "loose_number (zh)", dataset, "zh")
    assert (found.notebook, found.cell, found.where) == ("loose_number (zh)", 3, "p[paragraph]")
    assert "'2条'" in found.what and "其中2条已运营" in found.what
    assert str(found).startswith("loose_number (zh), cell 3, p[paragraph]: number(s) not from data")


def test_titles_and_grammatical_words_are_not_loose_but_counts_and_multiples_are(dataset):
    # 《三体》, 《“十四五”规划》 and 〈一〉 are names, 一起 and 统一 grammatical words: none is a
    # number; 两项 (2 items) and 倍增 (doubling) state figures, so the trace asks for their data.
    (found,) = trace_notebook(load("title_and_words"), "title_and_words (zh)", dataset, "zh")
    assert (found.notebook, found.cell, found.where) == ("title_and_words (zh)", 3, "p[paragraph]")
    assert found.what == (
        "number(s) not from data: '两项' in …五”规划》〈一〉一起，统一列入两项试点，呈倍增态势。…, "
        "'倍增' in …一〉一起，统一列入两项试点，呈倍增态势。…"
    )


def test_a_link_showing_another_value_is_named(dataset):
    (found,) = problems("wrong_text", dataset)
    assert "b_flights: the link shows '1200架次'" in found and "超1200架次" in found


def test_a_link_to_no_such_figure_is_named(dataset):
    (found,) = problems("unknown_id", dataset)
    assert 'data-fact="b_nothing"' in found and "no such id" in found


def test_a_number_in_alt_text_must_come_from_data(dataset):
    (found,) = problems("alt_number", dataset)
    assert "figure#fig-routes[figure]" in found
    assert "alt text number not from data" in found and "7条" in found


def test_language_from_parameters_or_file_name():
    assert notebook_language(load("clean"), Path("x.en.ipynb")) == "zh"  # the parameter wins
    assert notebook_language({}, Path("report/r/notebooks/01_a.en.ipynb")) == "en"
