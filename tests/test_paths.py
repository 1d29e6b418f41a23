"""The project root is found from the current directory upward (a folder holding
data/datapackage.json), POLICYREPORT_ROOT overriding; outside a project, one line."""

import pytest

from policyreport import paths
from policyreport.cli import main
from policyreport.errors import ProjectNotFoundError


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.delenv("POLICYREPORT_ROOT", raising=False)
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    (root / "data" / "datapackage.json").write_text("{}", encoding="utf-8")
    (root / "notebooks" / "deeper").mkdir(parents=True)
    return root


def test_found_from_the_root_and_from_any_folder_below(project, monkeypatch):
    for folder in (project, project / "notebooks", project / "notebooks" / "deeper"):
        monkeypatch.chdir(folder)
        assert project.resolve() == paths.ROOT
        assert project.resolve() / "data" / "facts.csv" == paths.FACTS
        assert project.resolve() / "report" == paths.REPORT


def test_the_nearest_project_wins(project, monkeypatch):
    inner = project / "notebooks" / "deeper"
    (inner / "data").mkdir()
    (inner / "data" / "datapackage.json").write_text("{}", encoding="utf-8")
    monkeypatch.chdir(inner)
    assert inner.resolve() == paths.ROOT


def test_a_data_folder_without_the_marker_is_no_project(tmp_path, monkeypatch):
    monkeypatch.delenv("POLICYREPORT_ROOT", raising=False)
    (tmp_path / "data").mkdir()
    with pytest.raises(ProjectNotFoundError):
        paths.find_root(tmp_path)


def test_the_environment_variable_overrides(project, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(project)
    monkeypatch.setenv("POLICYREPORT_ROOT", str(elsewhere))
    assert elsewhere.resolve() == paths.ROOT


def test_outside_a_project_the_cli_says_so_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("POLICYREPORT_ROOT", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "not inside a policyreport project" in err and "data/datapackage.json" in err
    assert "policyreport init" in err


def test_unknown_names_are_attribute_errors():
    with pytest.raises(AttributeError):
        paths.NO_SUCH_PATH  # noqa: B018
