"""Each way facts.csv can be wrong has its own fixture and one readable error line."""

from pathlib import Path

import pytest

from policyreport.data.facts import count_occurrences, load_fact_rows
from policyreport.errors import DataError

FIXTURES = Path(__file__).parents[1] / "fixtures"

DIR = FIXTURES / "facts"
TEXTS = {"source.txt": (DIR / "source.txt").read_text(encoding="utf-8")}


def load(name):
    return load_fact_rows(DIR / name, TEXTS)


def test_valid_fixture_loads_with_typed_values():
    rows = load("valid.csv")
    assert [row["id"] for row in rows] == ["x_exec", "x_yoy", "x_share"]
    assert rows[0]["value"] == 9210000000.0
    assert rows[0]["value_high"] is None
    assert rows[2]["note_en"] == "a note, with a comma"
    assert rows[2]["note_zh"] == "一条说明，带逗号"
    assert rows[0]["note_en"] is None and rows[0]["note_zh"] is None  # no note: empty in both


def test_bom_and_crlf_are_read_not_rejected():
    assert load("bom_crlf.csv") == load("valid.csv")


@pytest.mark.parametrize(
    ("fixture", "row", "field", "expected_words", "found_words"),
    [
        ("unknown_unit.csv", 2, "unit", "one of USD", "EUR"),
        ("unknown_qualifier.csv", 2, "qualifier", "exact, at_least", "roughly"),
        ("unknown_kind.csv", 3, "kind", "growth_yoy", "growth"),
        ("non_numeric_value.csv", 2, "value", "a number", "92.1亿"),
        ("duplicate_id.csv", 4, "id", "unique key (already used in row 2)", "x_exec"),
        ("quote_not_in_source.csv", 3, "quote", "exactly once in source.txt", "0 occurrences"),
        ("quote_twice.csv", 3, "quote", "exactly once", "2 occurrences"),
        ("share_over_100.csv", 4, "value", "between 0 and 100", "175.2"),
        ("value_high_without_range.csv", 2, "value_high", "unless qualifier is range", "1"),
        ("missing_column.csv", 1, "note_en", "a column of that name", "none"),
        ("note_zh_empty.csv", 4, "note_zh", "the Chinese text (a translation of note_en)", "empty"),
        ("note_en_empty.csv", 4, "note_en", "the English text (a translation of note_zh)", "empty"),
        ("unknown_source.csv", 2, "source", "source.txt", "other.txt"),
        ("period_month_13.csv", 2, "period", "a real date or span", "no month 13"),
        ("period_ends_before_start.csv", 2, "period", "a real date or span", "ends before"),
        ("value_not_finite.csv", 2, "value", "a finite number", "inf"),
    ],
)
def test_each_bad_input_names_file_row_field(fixture, row, field, expected_words, found_words):
    with pytest.raises(DataError) as caught:
        load(fixture)
    error = caught.value
    assert (error.row, error.field) == (row, field)
    assert expected_words in error.expected
    message = str(error)
    assert "\n" not in message
    assert fixture in message and f"row {row}" in message and f"'{field}'" in message
    assert found_words in message


def test_empty_file_is_an_error():
    with pytest.raises(DataError, match="empty.csv: expected a header row"):
        load("empty.csv")


def test_wrong_encoding_names_the_byte():
    with pytest.raises(DataError) as caught:
        load("wrong_encoding.csv")
    assert caught.value.expected == "UTF-8 text"
    assert "0xe9" in str(caught.value)


def test_count_occurrences_counts_overlaps():
    assert count_occurrences("aaa", "aa") == 2
    assert count_occurrences("abc", "d") == 0
