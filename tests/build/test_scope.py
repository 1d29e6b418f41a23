"""A spec's scope (report.sources, report.topics) over the fixture dataset of two pages,
tests/fixtures/scope/data: alpha.txt (topic wuhan_outsourcing: 2 facts, 1 derived figure
that uses the assumption usd_cny) and beta.txt (topic low_altitude: 2 facts resting on
page_year, 1 derived figure, 1 exclusion); the assumption unused_years serves nothing.
The counts below are read off those files by hand."""

import shutil
from pathlib import Path

import pytest

from policyreport import paths
from policyreport.build.scope import (
    check_citations,
    check_scope,
    cited_assumptions,
    data_files_in_scope,
    scope_dataset,
)
from policyreport.build.spec import load_spec
from policyreport.data.dataset import load_dataset
from policyreport.errors import BuildError, DataError

FIXTURE = Path(__file__).parents[1] / "fixtures" / "scope"


def copy_project_data(target: Path) -> Path:
    """The fixture's data files, with the project's schema files (data package and whatever
    else data/ holds besides the page's own files)."""
    page_files = {"sources", "facts.csv", "derived.csv", "assumptions.csv", "exclusions.csv"}
    target.mkdir(parents=True)
    for path in paths.DATA.iterdir():
        if path.name not in page_files and path.is_file():
            shutil.copy(path, target / path.name)
    shutil.copytree(FIXTURE / "data", target, dirs_exist_ok=True)
    return target


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return copy_project_data(tmp_path_factory.mktemp("scope") / "data")


@pytest.fixture(scope="module")
def dataset(data_dir):
    return load_dataset(data_dir)


def spec_with(tmp_path: Path, scope: str):
    path = tmp_path / "report.toml"
    path.write_text(
        f'[report]\nname = "r"\nlanguages = ["en"]\n{scope}\n[report.title]\nen = "R"\n',
        encoding="utf-8",
    )
    return load_spec(path)


def ids(frame) -> list[str]:
    return list(frame["id"]) if len(frame) else []


def test_no_scope_is_the_whole_dataset(dataset, tmp_path):
    scoped = scope_dataset(dataset, spec_with(tmp_path, ""))
    assert scoped is dataset
    assert len(scoped.facts) == 4 and len(scoped.sources) == 2


def test_one_source(dataset, tmp_path):
    scoped = scope_dataset(dataset, spec_with(tmp_path, 'sources = ["beta.txt"]'))
    assert ids(scoped.facts) == ["b_routes", "b_flights"]
    assert ids(scoped.derived) == ["b_flights_per_route"]
    assert ids(scoped.assumptions) == ["page_year"]  # what b_routes and b_flights rest on
    assert list(scoped.exclusions["mention"]) == ["第十五届"]
    assert [s.path.name for s in scoped.sources] == ["beta.txt"]


def test_one_topic(dataset, tmp_path):
    scoped = scope_dataset(dataset, spec_with(tmp_path, 'topics = ["wuhan_outsourcing"]'))
    assert ids(scoped.facts) == ["a_exports", "a_exports_yoy"]
    assert ids(scoped.derived) == ["a_exports_cny"]
    assert ids(scoped.assumptions) == ["usd_cny"]  # an input of a_exports_cny
    assert len(scoped.exclusions) == 0
    assert [s.path.name for s in scoped.sources] == ["alpha.txt"]


def test_sources_and_topics_must_both_match(dataset, tmp_path):
    spec = spec_with(tmp_path, 'sources = ["beta.txt"]\ntopics = ["wuhan_outsourcing"]')
    scoped = scope_dataset(dataset, spec)
    assert ids(scoped.facts) == [] and ids(scoped.derived) == []


def test_assumptions_the_notebooks_cite_are_kept(dataset, tmp_path):
    notebook = {
        "cells": [
            {
                "outputs": [
                    {
                        "data": {
                            "text/html": '<p data-report="paragraph"><a class="ref" '
                            'href="#assumption-unused_years" data-assumption="unused_years">'
                            "5</a></p>"
                        }
                    }
                ]
            }
        ]
    }
    cited = cited_assumptions([notebook])
    assert cited == {"unused_years"}
    scoped = scope_dataset(dataset, spec_with(tmp_path, 'sources = ["beta.txt"]'), cited)
    assert ids(scoped.assumptions) == ["page_year", "unused_years"]


@pytest.mark.parametrize(
    ("scope", "field", "found"),
    [
        ('sources = ["gamma.txt"]', "report.sources", "gamma.txt"),
        ('topics = ["no_such_topic"]', "report.topics", "no_such_topic"),
    ],
)
def test_an_unknown_name_is_one_line(dataset, tmp_path, scope, field, found):
    with pytest.raises(DataError) as caught:
        check_scope(spec_with(tmp_path, scope), dataset)
    assert caught.value.field == field and caught.value.found == found
    message = str(caught.value)
    assert "\n" not in message and "report.toml" in message and "known: " in message


def test_data_files_of_other_sources_are_not_listed(dataset, data_dir, tmp_path):
    scoped = scope_dataset(dataset, spec_with(tmp_path, 'sources = ["beta.txt"]'))
    files = sorted(p for p in data_dir.rglob("*") if p.is_file())
    kept = {
        p.relative_to(data_dir).as_posix() for p in data_files_in_scope(files, data_dir, scoped)
    }
    assert "sources/beta.txt" in kept and "sources/beta.meta.json" in kept
    assert not {name for name in kept if name.startswith("sources/alpha")}
    assert "facts.csv" in kept


def citing(ident: str, kind: str = "fact") -> dict:
    html = f'<p data-report="paragraph"><a class="ref" data-{kind}="{ident}">x</a></p>'
    return {"cells": [{"outputs": [{"data": {"text/html": html}}]}]}


def test_a_chapter_citing_outside_the_scope_is_named(dataset, tmp_path):
    spec = spec_with(tmp_path, 'sources = ["beta.txt"]')
    scoped = scope_dataset(dataset, spec)
    check_citations({"beta (zh)": citing("b_routes")}, scoped, spec)  # in scope: fine
    with pytest.raises(BuildError) as caught:
        check_citations({"beta (zh)": citing("a_exports_cny", "derived")}, scoped, spec)
    assert str(caught.value) == (
        "scope: beta (zh) cites derived a_exports_cny, which is outside the scope of "
        "report.toml (report.sources / report.topics)"
    )


def test_a_new_projects_empty_tables_scope_to_empty_tables(tmp_path):
    from policyreport.project import init_project

    root = init_project(tmp_path / "new")
    empty = load_dataset(root / "data")
    scoped = scope_dataset(empty, spec_with(tmp_path, ""))
    assert len(scoped.facts) == 0
    # a topic the data does not have is named, even with no facts at all ...
    with pytest.raises(DataError, match="known: none"):
        check_scope(spec_with(tmp_path, 'topics = ["later"]'), empty)
    # ... and one registered in the vocabulary before its first fact is known
    check_scope(spec_with(tmp_path, 'topics = ["later"]'), empty, {"later"})
