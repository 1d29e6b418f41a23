from pathlib import Path

import pytest

from policyreport.data.assumptions import assumption_parameters, load_assumption_rows
from policyreport.errors import ParameterError

FILE = Path(__file__).parents[1] / "fixtures" / "assumptions" / "assumptions.csv"


def test_recorded_values_and_parameters():
    rows = {row["id"]: row for row in load_assumption_rows(FILE)}
    assert rows["usd_cny"]["value"] == 7.18
    assert rows["usd_cny"]["overridden"] is False
    assert assumption_parameters(FILE) == {"page_year", "usd_cny"}


def test_override_replaces_value_and_keeps_the_record():
    rows = {row["id"]: row for row in load_assumption_rows(FILE, {"usd_cny": 7.0})}
    assert rows["usd_cny"]["value"] == 7.0
    assert rows["usd_cny"]["recorded_value"] == 7.18
    assert rows["usd_cny"]["overridden"] is True


def test_none_override_keeps_recorded_value():
    rows = {row["id"]: row for row in load_assumption_rows(FILE, {"usd_cny": None})}
    assert rows["usd_cny"]["value"] == 7.18


@pytest.mark.parametrize(
    ("overrides", "parameter", "expected"),
    [
        ({"usd_cny": -7.1}, "usd_cny", "a positive finite number"),
        ({"usd_cny": 0}, "usd_cny", "a positive finite number"),
        ({"usd_cny": "7.1"}, "usd_cny", "a number"),
        ({"usd_cny": float("nan")}, "usd_cny", "a positive finite number"),
        ({"eur_cny": 7.8}, "eur_cny", "one of the assumption parameters page_year, usd_cny"),
    ],
)
def test_bad_overrides_name_the_parameter(overrides, parameter, expected):
    with pytest.raises(ParameterError) as caught:
        load_assumption_rows(FILE, overrides)
    assert caught.value.parameter == parameter
    assert caught.value.expected == expected
    assert str(caught.value).startswith(f"parameter '{parameter}': expected")
