"""`policyreport build` with scoped specs over the two-page fixture (tests/fixtures/scope, see
tests/build/test_scope.py for what it holds): each spec publishes under its own name into one
report folder without touching the other's files, and lists only its own facts, derived
figures, assumptions, exclusions and sources. Real data checks, real kernels, real PDFs (no
in-memory dataset: that is test_pipeline.py's)."""

import base64
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from policyreport import paths
from policyreport.build.pipeline import BuildOptions, build_report
from policyreport.cli import main

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parents[1] / "fixtures"


def snapshot(directory: Path) -> dict[str, bytes]:
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


SCOPE = FIXTURES / "scope"
PAGE_FILES = {"sources", "facts.csv", "derived.csv", "assumptions.csv", "exclusions.csv"}


def write_spec(directory: Path, name: str, scope: str, notebooks: list[str], data_dir: Path):
    entries = "".join(f'[[notebook]]\nname = "{nb}"\n' for nb in notebooks)
    path = directory / f"{name}.toml"
    path.write_text(
        f'[report]\nname = "{name}"\nlanguages = ["zh"]\n'
        f'notebook_dir = "{(SCOPE / "notebooks").as_posix()}"\n{scope}\n'
        f'[report.title]\nzh = "{name}"\n'
        f'[parameters]\ndata_dir = "{data_dir.as_posix()}"\n{entries}',
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def scoped(tmp_path_factory):
    """The fixture's two pages as a data directory (with the project's schema files), the
    specs `alpha` (topic wuhan_outsourcing), `beta` (source beta.txt) and `both` (no scope),
    and one output folder with alpha then beta built into it."""
    base = tmp_path_factory.mktemp("scoped")
    data_dir = base / "data"
    data_dir.mkdir()
    for path in paths.DATA.iterdir():
        if path.is_file() and path.name not in PAGE_FILES:
            shutil.copy(path, data_dir / path.name)
    shutil.copytree(SCOPE / "data", data_dir, dirs_exist_ok=True)
    specs = {
        "alpha": write_spec(base, "alpha", 'topics = ["wuhan_outsourcing"]', ["alpha"], data_dir),
        "beta": write_spec(base, "beta", 'sources = ["beta.txt"]', ["beta"], data_dir),
        "both": write_spec(base, "both", "", ["alpha", "beta"], data_dir),
    }
    out, cache = base / "report", base / "cache"
    options = dict(out=out, cache_dir=cache, quiet=True)
    build_report(BuildOptions(spec=specs["alpha"], **options))
    after_alpha = snapshot(out)
    build_report(BuildOptions(spec=specs["beta"], **options))
    return specs, out, cache, after_alpha


def appendix_rows(html: str, letter: str) -> list[str]:
    doc = BeautifulSoup(html, "html.parser")
    return [row.get("id") for row in doc.select(f"#appendix-{letter} tbody tr")]


def test_two_specs_publish_side_by_side(scoped):
    _, out, _, after_alpha = scoped
    files = snapshot(out)
    assert sorted(files) == [
        "alpha.zh.html",
        "alpha.zh.pdf",
        "alpha/figures/zh/alpha-exports.png",
        "alpha/figures/zh/alpha-exports.svg",
        "alpha/notebooks/alpha.zh.ipynb",
        "beta.zh.html",
        "beta.zh.pdf",
        "beta/notebooks/beta.zh.ipynb",
    ]
    assert {name: files[name] for name in after_alpha} == after_alpha  # alpha untouched
    svg = files["alpha/figures/zh/alpha-exports.svg"]
    assert svg.startswith(b"<?xml") or b"<svg" in svg[:400]
    # the executed notebook says where its charts were published, not a staging folder
    executed = files["alpha/notebooks/alpha.zh.ipynb"].decode()
    assert "alpha/figures" in executed and ".staging" not in executed


def test_a_scoped_report_lists_only_its_own_rows(scoped):
    _, out, _, _ = scoped
    beta = (out / "beta.zh.html").read_text("utf-8")
    assert appendix_rows(beta, "a") == ["fact-b_routes", "fact-b_flights"]
    assert appendix_rows(beta, "b") == ["derived-b_flights_per_route"]
    assert appendix_rows(beta, "c") == ["assumption-page_year"]
    assert appendix_rows(beta, "d") == ["exclusion-1"]
    doc = BeautifulSoup(beta, "html.parser")
    assert [h.get_text() for h in doc.select("#appendix-e h3[id^=source-]")] == ["beta.txt"]
    assert "Test fixture alpha.txt" not in doc.select_one("header.title-block").get_text()
    assert "甲市" not in beta  # nothing of the other page
    alpha = (out / "alpha.zh.html").read_text("utf-8")
    assert appendix_rows(alpha, "a") == ["fact-a_exports", "fact-a_exports_yoy"]
    assert appendix_rows(alpha, "c") == ["assumption-usd_cny"]
    assert appendix_rows(alpha, "d") == []


def appendix_labels(html: str, letter: str) -> list[str]:
    doc = BeautifulSoup(html, "html.parser")
    return [cell.get_text() for cell in doc.select(f"#appendix-{letter} tbody td.label")]


def test_a_scoped_report_keeps_the_whole_datasets_labels(scoped):
    """Labels number the unscoped data (facts.csv: a_exports, a_exports_yoy, b_routes,
    b_flights; derived.csv: a_exports_cny, b_flights_per_route; assumptions.csv: page_year,
    usd_cny, unused_years), so beta's rows keep F3, F4, D2 and alpha's A2: gaps allowed."""
    _, out, _, _ = scoped
    beta = (out / "beta.zh.html").read_text("utf-8")
    assert appendix_labels(beta, "a") == ["F3", "F4"]
    assert appendix_labels(beta, "b") == ["D2"]
    assert appendix_labels(beta, "c") == ["A1"]
    alpha = (out / "alpha.zh.html").read_text("utf-8")
    assert appendix_labels(alpha, "a") == ["F1", "F2"]
    assert appendix_labels(alpha, "c") == ["A2"]
    # a link in the prose shows the same label as the row it lands on
    doc = BeautifulSoup(beta, "html.parser")
    assert {a["data-label"] for a in doc.select('a.ref[href="#fact-b_flights"]')} == {"F4"}


def downloads(html: str) -> dict[str, str]:
    """download name -> the text of the data: URI it saves, for the report's CSV files."""
    doc = BeautifulSoup(html, "html.parser")
    files = {}
    for link in doc.select("a[download$='.csv']"):
        head, _, payload = link["href"].partition(",")
        assert head == "data:text/csv;charset=utf-8;base64", head
        files[link["download"]] = base64.b64decode(payload).decode("utf-8")
    return files


# The first column of each CSV row a scoped report offers for download (exclusions: their
# source), worked out from tests/fixtures/scope/data by hand.
ROWS_IN_SCOPE = {
    "alpha": {
        "facts.csv": ["a_exports", "a_exports_yoy"],
        "derived.csv": ["a_exports_cny"],
        "assumptions.csv": ["usd_cny"],
        "exclusions.csv": [],
    },
    "beta": {
        "facts.csv": ["b_routes", "b_flights"],
        "derived.csv": ["b_flights_per_route"],
        "assumptions.csv": ["page_year"],
        "exclusions.csv": ["beta.txt"],
    },
}


@pytest.mark.parametrize("name", sorted(ROWS_IN_SCOPE))
def test_a_scoped_reports_csv_downloads_hold_only_its_rows(scoped, name):
    _, out, _, _ = scoped
    files = downloads((out / f"{name}.zh.html").read_text("utf-8"))
    assert sorted(files) == sorted(ROWS_IN_SCOPE[name])
    for file_name, text in files.items():
        original = (SCOPE / "data" / file_name).read_text("utf-8").splitlines(keepends=True)
        lines = text.splitlines(keepends=True)
        assert lines[0] == original[0]  # the header
        assert [line.split(",", 1)[0] for line in lines[1:]] == ROWS_IN_SCOPE[name][file_name]
        assert all(line in original for line in lines)  # each row exactly as in the data


def test_a_report_over_two_sources_names_each_facts_source(scoped, tmp_path):
    specs, _, cache, _ = scoped
    build_report(BuildOptions(spec=specs["both"], out=tmp_path, cache_dir=cache, quiet=True))
    html = (tmp_path / "both.zh.html").read_text("utf-8")
    assert len(appendix_rows(html, "a")) == 4
    assert appendix_rows(html, "c") == ["assumption-page_year", "assumption-usd_cny"] + [
        "assumption-unused_years"
    ]
    doc = BeautifulSoup(html, "html.parser")
    links = [row.select_one('a[href^="#source-"]') for row in doc.select("#appendix-a tbody tr")]
    assert [link["href"] for link in links] == ["#source-alpha"] * 2 + ["#source-beta"] * 2
    # a report over all the data offers its files as they are
    data_dir = specs["both"].parent / "data"
    assert downloads(html) == {
        name: (data_dir / name).read_text("utf-8") for name in ROWS_IN_SCOPE["beta"]
    }


def test_an_unknown_topic_is_one_line_and_writes_nothing(scoped, tmp_path, capsys):
    specs, _, cache, _ = scoped
    bad = tmp_path / "bad.toml"
    bad.write_text(
        specs["beta"].read_text("utf-8").replace('sources = ["beta.txt"]', 'topics = ["nope"]'),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    code = main(["build", "--spec", str(bad), "--out", str(out), "--cache-dir", str(cache)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "report.topics" in err and "'nope'" in err
    assert not out.exists()


def test_a_rebuild_drops_charts_the_notebooks_no_longer_draw(scoped):
    specs, out, cache, _ = scoped
    stale = out / "alpha" / "figures" / "zh" / "dropped-chart.svg"
    stale.write_bytes(b"<svg/>")
    other = out / "beta" / "figures" / "zh" / "kept.svg"  # another spec's folder: not ours
    other.parent.mkdir(parents=True)
    other.write_bytes(b"<svg/>")
    result = build_report(BuildOptions(spec=specs["alpha"], out=out, cache_dir=cache, quiet=True))
    assert result.cached == 1  # charts come back from the cache with their notebook
    assert not stale.exists()
    assert (out / "alpha" / "figures" / "zh" / "alpha-exports.svg").is_file()
    assert other.is_file()
    other.unlink()
    other.parent.rmdir()
    other.parent.parent.rmdir()
