"""policyreport.data.dataset: the labels readers see instead of ids (F13, D2, A1), numbered
over the whole dataset in data order. Expected labels are read off the fixture files by hand
(tests/fixtures/scope/data: facts a_exports, a_exports_yoy, b_routes, b_flights; derived
a_exports_cny, b_flights_per_route; assumptions page_year, usd_cny, unused_years)."""

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from policyreport import paths
from policyreport.data.dataset import figure_labels, load_dataset
from policyreport.data.records import Figure
from policyreport.errors import DataError

FIXTURE = Path(__file__).parents[1] / "fixtures" / "scope" / "data"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """The fixture's tables with the project's schema files beside them."""
    data = tmp_path_factory.mktemp("labels") / "data"
    data.mkdir()
    for path in paths.DATA.iterdir():
        if path.is_file() and path.suffix != ".csv":
            shutil.copy(path, data / path.name)
    shutil.copytree(FIXTURE, data, dirs_exist_ok=True)
    return load_dataset(data)


def test_each_kind_numbered_from_one_in_data_order(dataset):
    assert dataset.labels == {
        "a_exports": "F1",
        "a_exports_yoy": "F2",
        "b_routes": "F3",
        "b_flights": "F4",
        "a_exports_cny": "D1",
        "b_flights_per_route": "D2",
        "page_year": "A1",
        "usd_cny": "A2",
        "unused_years": "A3",
    }
    assert dataset.label("b_flights") == "F4"


def test_an_unknown_id_is_a_data_error(dataset):
    with pytest.raises(DataError, match="no_such_row"):
        dataset.label("no_such_row")


def test_a_copy_with_fewer_rows_keeps_the_labels(dataset):
    """A scoped report copies the dataset with fewer rows (dataclasses.replace) and keeps its
    figures: the labels stay those of the whole dataset."""
    beta = replace(dataset, facts=dataset.facts.loc[["b_routes", "b_flights"]])
    assert beta.label("b_routes") == "F3"
    assert beta.label("usd_cny") == "A2"


def test_kinds_are_numbered_apart_whatever_their_interleaving():
    figures = [
        Figure(id="x", ref="assumption", value=1, unit="year"),
        Figure(id="y", ref="fact", value=1, unit="year"),
        Figure(id="z", ref="derived", value=1, unit="year"),
        Figure(id="w", ref="fact", value=1, unit="year"),
    ]
    assert figure_labels(figures) == {"x": "A1", "y": "F1", "z": "D1", "w": "F2"}


def test_a_year_assumption_that_is_not_in_the_data_fails(tmp_path):
    """A page's record naming a year assumption assumptions.csv lacks: one error naming the
    record and its field (tests/fixtures/draft/year_assumption/wire.meta.json names
    wire_year; the project's assumptions are page_year and usd_cny)."""
    data = tmp_path / "data"
    shutil.copytree(paths.DATA, data)
    wire = Path(__file__).parents[1] / "fixtures" / "draft"
    shutil.copy(wire / "wire.txt", data / "sources" / "wire.txt")
    shutil.copy(wire / "wire.layout.json", data / "sources" / "wire.layout.json")
    meta = data / "sources" / "wire.meta.json"
    shutil.copy(wire / "year_assumption" / "wire.meta.json", meta)
    with pytest.raises(DataError) as caught:
        load_dataset(data)
    error = caught.value
    assert (error.file, error.field, error.found) == (meta, "year_assumption", "wire_year")
    assert error.expected == "the id of an assumption in assumptions.csv"
