"""The data package is valid Frictionless, and our own reader agrees with its schema."""

import json
import shutil

import pytest

from policyreport import paths
from policyreport.data.dataset import load_dataset
from policyreport.errors import DataError


def test_frictionless_validates_the_data_package():
    from frictionless import Package

    report = Package(str(paths.DATAPACKAGE)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert [task.name for task in report.tasks] == ["facts", "derived", "assumptions", "exclusions"]


def test_frictionless_catches_an_enum_violation(tmp_path):
    """The schema has teeth: a bad unit fails Frictionless too, not only our reader."""
    from frictionless import Package

    shutil.copytree(paths.DATA, tmp_path / "data")
    facts = tmp_path / "data" / "facts.csv"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace(",USD,", ",EUR,", 1), encoding="utf-8")
    report = Package(str(tmp_path / "data" / "datapackage.json")).validate()
    assert not report.valid
    assert ["constraint-error", "unit"] in report.flatten(["type", "fieldName"])


def test_enums_are_shared_between_resources():
    resources = {r["name"]: r for r in json.loads(paths.DATAPACKAGE.read_text())["resources"]}

    def enum(resource, field):
        fields = {f["name"]: f for f in resources[resource]["schema"]["fields"]}
        return fields[field]["constraints"]["enum"]

    assert enum("facts", "unit") == enum("derived", "unit") == enum("assumptions", "unit")
    assert enum("facts", "topic") == enum("derived", "topic")


def test_the_real_dataset_loads_and_links():
    dataset = load_dataset()
    assert len(dataset.facts) >= 60
    assert dataset.figure("wh_exec_2025").value == 9210000000
    implied = dataset.figure("wh_exec_2024_implied")
    assert implied.ref == "derived"
    assert implied.value == pytest.approx(9210000000 / 1.154)
    # stock over a lower-bounded flow: an upper bound, as the caveat says
    assert dataset.figure("gd_balance_per_person_time").qualifier == "at_most"
    assert dataset.figure("usd_cny").ref == "assumption"
    with pytest.raises(DataError, match="no_such_id"):
        dataset.figure("no_such_id")


def test_an_override_flows_into_derived_figures():
    base = load_dataset().figure("wh_exec_2025_cny").value
    changed = load_dataset(overrides={"usd_cny": 7.0}).figure("wh_exec_2025_cny").value
    assert changed == pytest.approx(9210000000 * 7.0)
    assert changed != base
