"""The vocabulary file: one place that declares units, qualifiers, kinds and topics."""

import json
import shutil
from pathlib import Path

import pytest

from policyreport import paths
from policyreport.data.facts import load_fact_rows
from policyreport.data.vocabulary import (
    add_topic,
    load_vocabulary,
    parse_vocabulary,
    stale_enums,
    sync_datapackage,
    vocabulary_path,
)
from policyreport.errors import DataError

FIXTURES = Path(__file__).parent.parent / "fixtures" / "vocabulary"


def _enum(package: dict, resource: str, field: str) -> list[str]:
    for spec in next(r for r in package["resources"] if r["name"] == resource)["schema"]["fields"]:
        if spec["name"] == field:
            return spec["constraints"]["enum"]
    raise AssertionError(field)


@pytest.fixture
def data(tmp_path):
    shutil.copytree(paths.DATA, tmp_path / "data")
    return tmp_path / "data"


def test_the_project_vocabulary_loads_with_the_words_news_pages_need():
    vocabulary = load_vocabulary()
    assert vocabulary.path.name == "vocabulary.toml"
    persons = vocabulary.unit("persons")
    assert (persons.zh, persons.en_one, persons.en_many, persons.count) == (
        "人",
        "person",
        "people",
        True,
    )
    assert vocabulary.unit("quarters").zh == "个季度"
    assert vocabulary.unit("stocks").zh == "只"
    assert vocabulary.unit("items").zh == "个"
    assert vocabulary.unit("percent").per_whole == 100
    nearly = vocabulary.qualifier("nearly")
    assert (nearly.zh, nearly.en) == ("近", "nearly")
    assert "近" in nearly.text and "近" not in vocabulary.qualifier("approx").text
    assert vocabulary.unit("CNY_per_person_time").axis == "CNY"
    assert list(vocabulary.topics) == ["wuhan_outsourcing", "guangdong_skill_loans", "low_altitude"]


def test_the_data_package_enums_are_the_vocabulary():
    """The descriptor's enums are a copy in step with the vocabulary (`policyreport sync`
    rewrites it, check refuses it stale)."""
    package = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    vocabulary = load_vocabulary()
    assert package["vocabulary"] == "vocabulary.toml"
    for resource in ("facts", "derived", "assumptions"):
        assert _enum(package, resource, "unit") == list(vocabulary.units)
    assert _enum(package, "facts", "qualifier") == list(vocabulary.qualifiers)
    assert _enum(package, "facts", "kind") == _enum(package, "derived", "kind")
    assert _enum(package, "facts", "kind") == list(vocabulary.kinds)
    assert _enum(package, "facts", "topic") == list(vocabulary.topics)
    assert stale_enums() is None
    assert sync_datapackage() == []


def test_a_unit_is_one_edit_in_one_file(data):
    """A new unit in vocabulary.toml is usable at once; sync writes the descriptor's copy."""
    facts = data / "facts.csv"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace(",firms,", ",shops,", 1), encoding="utf-8")
    with pytest.raises(DataError, match="field 'unit'.*found 'shops'"):
        load_fact_rows(facts, datapackage=data / "datapackage.json")
    vocabulary_file = data / "vocabulary.toml"
    vocabulary_file.write_text(
        vocabulary_file.read_text(encoding="utf-8")
        + '\n[units.shops]\nzh = "家"\nen_one = "shop"\nen_many = "shops"\ncount = true\n',
        encoding="utf-8",
    )
    texts = {p.name: p.read_text(encoding="utf-8") for p in (data / "sources").glob("*.txt")}
    rows = load_fact_rows(facts, texts, data / "datapackage.json")
    assert "shops" in {row["unit"] for row in rows}
    assert sync_datapackage(data) == ["facts.unit", "derived.unit", "assumptions.unit"]
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    assert _enum(package, "facts", "unit")[-1] == "shops"
    assert sync_datapackage(data) == []


def test_add_topic_appends_one_entry_and_the_enum(data):
    before = (data / "vocabulary.toml").read_text(encoding="utf-8")
    topic = add_topic(data, "cloud_earnings", "云计算业绩", 'Cloud "earnings"', prefix="ce_")
    assert (topic.id, topic.title_zh, topic.title_en, topic.prefix) == (
        "cloud_earnings",
        "云计算业绩",
        'Cloud "earnings"',
        "ce_",
    )
    after = (data / "vocabulary.toml").read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n"))
    assert after.endswith(
        '[topics.cloud_earnings]\ntitle_zh = "云计算业绩"\n'
        'title_en = "Cloud \\"earnings\\""\nprefix = "ce_"\n'
    )
    assert list(load_vocabulary(data).topics)[-1] == "cloud_earnings"
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    assert _enum(package, "facts", "topic")[-1] == "cloud_earnings"
    assert _enum(package, "derived", "topic")[-1] == "cloud_earnings"


@pytest.mark.parametrize(
    ("name", "title_zh", "message"),
    [
        ("Cloud-Earnings", "云", "not snake|snake_case topic name"),
        ("low_altitude", "低空", "topics.low_altitude.*expected a new topic"),
        ("cloud", "", "topics.cloud.title_zh.*one-line title"),
    ],
)
def test_add_topic_refuses_bad_input_and_writes_nothing(data, name, title_zh, message):
    before = (data / "vocabulary.toml").read_bytes()
    package = (data / "datapackage.json").read_bytes()
    with pytest.raises(DataError, match=message):
        add_topic(data, name, title_zh, "Title")
    assert (data / "vocabulary.toml").read_bytes() == before
    assert (data / "datapackage.json").read_bytes() == package
    assert sorted(p.name for p in data.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("not_toml.toml", "not_toml.toml: expected valid TOML; found .*line 1"),
        ("unknown_key.toml", "unknown_key.toml, field 'units.persons.plural': expected one of"),
        ("axis_unknown.toml", "field 'units.CNY_per_person.axis': expected the id of a unit"),
        ("topic_without_title.toml", "field 'topics.alpha.title_en': expected this key"),
        ("no_topics.toml", "field 'topics': expected a \\[topics.NAME\\] table"),
        (
            "fraction_without_whole.toml",
            "field 'units.percent.fraction': expected per_whole beside it",
        ),
        (
            "two_fraction_units.toml",
            "field 'units.permille.fraction': expected one unit with fraction = true; "
            "found 'percent, permille'",
        ),
        (
            "difference_of_unknown.toml",
            "field 'units.percentage_points.difference_of': expected the id of a unit; "
            "found 'percent'",
        ),
    ],
)
def test_a_bad_vocabulary_is_one_line_naming_file_and_entry(fixture, message):
    path = FIXTURES / fixture
    with pytest.raises(DataError, match=message) as caught:
        parse_vocabulary(path.read_bytes(), path)
    assert "\n" not in str(caught.value)


def test_every_source_word_of_a_unit_is_one_the_scanner_finds():
    """draft maps the scanner's unit word through `text`: a word the scanner never reports
    would be dead."""
    from policyreport.data.scan import UNITS

    vocabulary = load_vocabulary()
    words = {word for unit in vocabulary.units.values() for word in unit.text}
    assert words - set(UNITS) == set()
    for qualifier in vocabulary.qualifiers.values():
        assert qualifier.zh is not None and qualifier.en is not None


def test_a_new_project_may_have_no_topic_yet(tmp_path):
    # what `policyreport init` writes: an empty [topics] table, filled by new-topic
    path = tmp_path / "vocabulary.toml"
    path.write_bytes((FIXTURES / "no_topics.toml").read_bytes() + b"\n[topics]\n")
    assert parse_vocabulary(path.read_bytes(), path).topics == {}


def test_the_vocabulary_named_by_an_edited_data_package_is_the_one_used(tmp_path):
    # the descriptor's "vocabulary" key is remembered between calls, until the file changes
    package = tmp_path / "datapackage.json"
    package.write_text('{"vocabulary": "a.toml"}', encoding="utf-8")
    assert vocabulary_path(tmp_path) == tmp_path / "a.toml"
    package.write_text('{"vocabulary": "words.toml"}', encoding="utf-8")
    assert vocabulary_path(tmp_path) == tmp_path / "words.toml"
    package.unlink()
    assert vocabulary_path(tmp_path) == tmp_path / "vocabulary.toml"
