"""`policyreport init DIR`: a new project that check, build, `make check|report|test` work in,
run as a user would (subprocesses, from inside the project, no POLICYREPORT_ROOT); and a
notebook of that project executed the way JupyterLab starts kernels (in notebooks/), finding
its project from there — one installed policyreport serving a folder it knows nothing of."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from policyreport.data.vocabulary import add_topic
from policyreport.project import SCHEMA_FILES, init_project

BIN = Path(sys.executable).parent
FIXTURE = Path(__file__).parent / "fixtures" / "scope"
# The units of the fixture's page that a new project's vocabulary does not have.
UNITS = """
[units.flights]
zh = "架次"
en_one = "flight"
en_many = "flights"
count = true

[units.routes]
zh = "条"
zh_noun = "航线"
en_one = "route"
en_many = "routes"
count = true
"""


def user_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("POLICYREPORT_ROOT", None)
    return env


def run(args: list[str], cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=cwd, env=user_env(), capture_output=True, text=True, timeout=600, **kwargs
    )


def test_init_lays_out_a_project(tmp_path):
    root = init_project(tmp_path / "new")
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    assert files == [
        ".gitignore",
        "Makefile",
        "README.md",
        "data",
        "data/assumptions.csv",
        "data/datapackage.json",
        "data/derived.csv",
        "data/exclusions.csv",
        "data/facts.csv",
        "data/sources",
        "data/vocabulary.toml",
        "figures",
        "notebooks",
        "report",
        "report/report.toml",
    ]
    for name in SCHEMA_FILES:
        assert (root / "data" / name).is_file()
    package = json.loads((root / "data" / "datapackage.json").read_text("utf-8"))
    facts = next(r for r in package["resources"] if r["name"] == "facts")
    header = (root / "data" / "facts.csv").read_text("utf-8").strip().split(",")
    assert header == [field["name"] for field in facts["schema"]["fields"]]


def test_init_refuses_a_folder_with_files(tmp_path, capsys):
    from policyreport.cli import main

    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["init", str(tmp_path / "busy")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "busy" in err and "empty" in err
    assert sorted(p.name for p in (tmp_path / "busy").iterdir()) == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy"]  # no leftover staging


@pytest.mark.slow
def test_check_report_and_test_work_in_a_new_project(tmp_path):
    created = run([str(BIN / "policyreport"), "init", "fresh"], cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    root = tmp_path / "fresh"
    check = run([str(BIN / "policyreport"), "check"], cwd=root / "data")  # from a subfolder
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip().endswith("check: ok")
    make = ["make", "-s", f"POLICYREPORT={BIN / 'policyreport'}"]
    report = run([*make, "report"], cwd=root)
    assert report.returncode == 0, report.stderr
    assert (root / "report" / "report.en.pdf").read_bytes().startswith(b"%PDF-")
    test = run([*make, "test"], cwd=root)
    assert test.returncode == 0, test.stderr
    assert (root / ".cache" / "test-report" / "report.zh.html").is_file()


@pytest.mark.slow
def test_a_notebook_finds_its_project_from_its_folder(tmp_path):
    """The fixture page and its notebook in a new project; the kernel starts in notebooks/
    (as JupyterLab's does) with default parameters, and reads that project's data."""
    root = init_project(tmp_path / "page")
    shutil.copytree(FIXTURE / "data", root / "data", dirs_exist_ok=True)
    # register the fixture's topics and units, as an analyst adding a page does
    with open(root / "data" / "vocabulary.toml", "a", encoding="utf-8") as vocabulary:
        vocabulary.write(UNITS)
    add_topic(root / "data", "wuhan_outsourcing", "甲市外贸", "The city's trade")
    add_topic(root / "data", "low_altitude", "乙县低空", "Low-altitude flying")
    shutil.copy(FIXTURE / "notebooks" / "beta.ipynb", root / "notebooks" / "beta.ipynb")

    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(root / "notebooks" / "beta.ipynb", as_version=4)
    saved = os.environ.pop("POLICYREPORT_ROOT", None)
    try:
        NotebookClient(
            notebook,
            kernel_name="python3",
            resources={"metadata": {"path": str(root / "notebooks")}},
        ).execute()
    finally:
        if saved is not None:
            os.environ["POLICYREPORT_ROOT"] = saved
    html = "".join(
        "".join(output["data"]["text/html"])
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if "text/html" in output.get("data", {})
    )
    assert 'data-fact="b_flights"' in html  # read from this project's data/facts.csv
    assert (root / "figures" / "zh").is_dir()  # made under this project's root
