"""`policyreport check` (policyreport.build.checks): the data checks, then the number trace over
the executed notebooks a build left under the report folder (report/<name>/notebooks/)."""

import json
import shutil
from pathlib import Path

import pytest

from policyreport import paths
from policyreport.cli import main

FIXTURES = Path(__file__).parents[1] / "fixtures"
PAGE_FILES = {"sources", "facts.csv", "derived.csv", "assumptions.csv", "exclusions.csv"}


@pytest.fixture
def project(tmp_path) -> tuple[Path, Path]:
    """(data, report): the two-page scope fixture as data, an empty report folder."""
    data = tmp_path / "data"
    data.mkdir()
    for path in paths.DATA.iterdir():
        if path.is_file() and path.name not in PAGE_FILES:
            shutil.copy(path, data / path.name)
    shutil.copytree(FIXTURES / "scope" / "data", data, dirs_exist_ok=True)
    return data, tmp_path / "report"


def place(report: Path, fixture: str, data: Path) -> Path:
    """A trace fixture as the executed notebook of spec `r`, run with data_dir=data."""
    notebook = json.loads((FIXTURES / "trace" / f"{fixture}.zh.ipynb").read_text("utf-8"))
    notebook["metadata"]["papermill"]["parameters"]["data_dir"] = str(data)
    target = report / "r" / "notebooks" / f"{fixture}.zh.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")
    return target


def check(data: Path, report: Path) -> int:
    return main(["check", "--data-dir", str(data), "--report-dir", str(report)])


def test_without_a_built_report_only_the_data_is_checked(project, capsys):
    data, report = project
    assert check(data, report) == 0
    out = capsys.readouterr().out
    assert "executed notebooks" not in out and out.strip().endswith("check: ok")


def test_the_numbers_of_built_notebooks_are_traced(project, capsys):
    data, report = project
    place(report, "clean", data)
    assert check(data, report) == 0
    out = capsys.readouterr().out
    assert "executed notebooks: 1, every number traced to the data" in out
    assert out.strip().endswith("check: ok")


def test_a_loose_number_fails_check_in_one_line(project, capsys):
    data, report = project
    place(report, "clean", data)
    place(report, "loose_number", data)
    assert check(data, report) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("policyreport check: error: 1 number(s) not traced to the data: ")
    assert "r/notebooks/loose_number.zh.ipynb, cell 3, p[paragraph]" in err and "'2条'" in err
