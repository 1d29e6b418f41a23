"""`policyreport build` on the fixture spec: outputs, byte-identical rebuilds, the cache, a
failing notebook through the CLI, parameter errors before any kernel starts, and a previous
report left exactly as it was by every failed or interrupted build (scoped specs:
test_pipeline_scoped.py)."""

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fixture_report import fixture

from policyreport.build import execute, pipeline
from policyreport.build.pipeline import BuildOptions, build_report
from policyreport.cli import main
from policyreport.errors import BuildError, ParameterError

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parents[1] / "fixtures"
SPEC = FIXTURES / "build" / "report.toml"
FAILING = FIXTURES / "build" / "failing.toml"


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under directory, by relative path (the failed/ notebooks aside)."""
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and "failed" not in path.relative_to(directory).parts
    }


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The fixture dataset in place of data/, and a scratch cache."""
    with pytest.MonkeyPatch.context() as patch:
        dataset = fixture.make_dataset()
        patch.setattr(pipeline, "check_data", lambda data_dir: dataset)
        patch.setattr(
            pipeline, "load_data", lambda data_dir, overrides: fixture.make_dataset(overrides)
        )
        cache = tmp_path_factory.mktemp("cache")
        patch.setattr(pipeline.paths, "CACHE", cache)
        patch.setattr(pipeline.paths, "DATA", FIXTURES / "build")
        yield cache


@pytest.fixture(scope="module")
def first_build(project, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    result = build_report(BuildOptions(spec=SPEC, out=out, quiet=True))
    return out, result, snapshot(out)


def test_outputs(first_build):
    out, result, files = first_build
    assert sorted(files) == [
        "report.en.html",
        "report.en.pdf",
        "report.zh.html",
        "report.zh.pdf",
        "report/notebooks/10_alpha.en.ipynb",
        "report/notebooks/10_alpha.zh.ipynb",
        "report/notebooks/20_beta.en.ipynb",
        "report/notebooks/20_beta.zh.ipynb",
    ]
    assert files["report.zh.pdf"].startswith(b"%PDF-")
    assert "甲章" in files["report.zh.html"].decode()
    assert "Alpha chapter" in files["report.en.html"].decode()
    assert not list(out.glob(".staging-*"))
    assert result.executed == 4 and result.cached == 0
    text = pipeline.summary(result, out)
    assert "report.zh.pdf" in text and "4 executed" in text and "kB" in text


def test_no_cache_rebuild_is_byte_identical(first_build, project):
    out, _, files = first_build
    result = build_report(BuildOptions(spec=SPEC, out=out, use_cache=False, quiet=True))
    assert result.executed == 4
    assert snapshot(out) == files


def test_nothing_changed_answers_from_the_manifest(first_build, project):
    out, _, files = first_build
    result = build_report(BuildOptions(spec=SPEC, out=out, quiet=True))
    assert result.up_to_date and result.executed == 0
    assert sorted(result.files) == sorted(out / name for name in files)
    assert snapshot(out) == files
    assert "up to date" in pipeline.summary(result, out)


def test_a_missing_output_is_rebuilt_from_the_cache(first_build, project):
    out, _, files = first_build
    (out / "report.en.pdf").unlink()
    result = build_report(BuildOptions(spec=SPEC, out=out, quiet=True))
    assert not result.up_to_date
    assert result.cached == 4 and result.executed == 0
    assert snapshot(out) == files


def test_one_language(first_build, project, tmp_path):
    out, _, files = first_build
    result = build_report(BuildOptions(spec=SPEC, out=tmp_path, languages=["en"], quiet=True))
    assert result.cached == 2
    built = snapshot(tmp_path)
    assert sorted(built) == [
        "report.en.html",
        "report.en.pdf",
        "report/notebooks/10_alpha.en.ipynb",
        "report/notebooks/20_beta.en.ipynb",
    ]
    assert built["report.en.html"] == files["report.en.html"]


def plant_previous_report(out: Path) -> dict[str, bytes]:
    (out / "report" / "notebooks").mkdir(parents=True)
    (out / "report.zh.html").write_bytes(b"<p>previous zh</p>")
    (out / "report.en.pdf").write_bytes(b"%PDF-previous")
    (out / "report" / "notebooks" / "10_alpha.zh.ipynb").write_bytes(b'{"previous": true}')
    return snapshot(out)


def test_failing_notebook_through_the_cli(project, tmp_path, capsys):
    out = tmp_path / "report"
    before = plant_previous_report(out)
    code = main(["build", "--spec", str(FAILING), "--out", str(out), "--no-cache"])
    assert code == 1  # a failure, not bad input (2): see `policyreport --help`
    err = capsys.readouterr().err
    line = [entry for entry in err.splitlines() if "error" in entry][-1]
    assert "fails_in_cell_2.ipynb (zh), cell 2: ValueError: planted failure in cell 2" in line
    assert snapshot(out) == before  # the previous report, byte for byte
    kept = out / "report" / "failed" / "fails_in_cell_2.zh.ipynb"
    assert kept.is_file() and str(kept.resolve().as_posix()) in line
    assert not list(out.glob(".staging-*"))


def test_a_number_not_from_data_stops_the_build_before_publishing(project, tmp_path, capsys):
    out = tmp_path / "report"
    before = plant_previous_report(out)
    spec = tmp_path / "loose.toml"
    notebooks = (FIXTURES / "notebooks").as_posix()
    text = FAILING.read_text().replace('"fails_in_cell_2"', '"loose_number_in_cell_2"')
    spec.write_text(text.replace('"../notebooks"', f'"{notebooks}"'))
    code = main(["build", "--spec", str(spec), "--out", str(out), "--no-cache", "--lang", "en"])
    assert code == 2
    line = capsys.readouterr().err.splitlines()[-1]  # after the progress lines
    assert line.startswith("policyreport build: error: 1 number(s) not traced to the data")
    assert "loose_number_in_cell_2.ipynb (en), cell 2, p[paragraph]" in line and "'15%'" in line
    assert snapshot(out) == before  # nothing published
    assert (out / "report" / "failed" / "loose_number_in_cell_2.en.ipynb").is_file()


def test_interrupted_build_leaves_the_previous_report(project, tmp_path, monkeypatch):
    out = tmp_path / "report"
    before = plant_previous_report(out)

    def interrupt(self, html, target):
        raise KeyboardInterrupt

    monkeypatch.setattr("policyreport.build.pdf.Renderers.submit", interrupt)
    with pytest.raises(KeyboardInterrupt):
        build_report(BuildOptions(spec=SPEC, out=out, quiet=True))
    assert snapshot(out) == before
    assert not list(out.glob(".staging-*"))


@pytest.mark.parametrize(
    ("parameters", "match"),
    [
        ({"unknown": 1}, "unknown"),
        ({"rate": "high"}, "rate"),
        ({"rate": -1}, "positive"),
    ],
)
def test_parameter_errors_before_any_kernel(project, tmp_path, monkeypatch, parameters, match):
    def no_kernel(*args, **kwargs):
        raise AssertionError("a kernel started before the parameters were checked")

    monkeypatch.setattr(execute, "run_job", no_kernel)
    with pytest.raises(ParameterError, match=match):
        build_report(BuildOptions(spec=SPEC, out=tmp_path, parameters=parameters, quiet=True))
    assert not any(tmp_path.iterdir())


def test_cli_parameter_reaches_notebooks(project, tmp_path, capsys):
    code = main(
        ["build", "--spec", str(SPEC), "--out", str(tmp_path), "--lang", "en"] + ["-p", "rate=7.5"]
    )
    assert code == 0
    html = (tmp_path / "report.en.html").read_text()
    assert "rate = 7.5" in html  # title block
    link = BeautifulSoup(html, "html.parser").select_one('main a[data-assumption="a_rate"]')
    assert link.get_text() == "CNY 7.5 per US dollar"  # what the notebook computed with it
    assert "report.en.pdf" in capsys.readouterr().out  # the closing summary


def test_unknown_language_and_bad_jobs(project, tmp_path):
    one = tmp_path / "one_language.toml"
    notebooks = (FIXTURES / "notebooks").as_posix()
    text = SPEC.read_text().replace('["zh", "en"]', '["en"]')
    one.write_text(text.replace('"../notebooks"', f'"{notebooks}"'))
    with pytest.raises(ParameterError, match="--lang"):
        build_report(BuildOptions(spec=one, out=tmp_path, languages=["zh"], quiet=True))
    with pytest.raises(ParameterError, match="--jobs"):
        build_report(BuildOptions(spec=SPEC, out=tmp_path, jobs=0, quiet=True))


def test_a_second_build_into_the_same_folder_is_refused(project, tmp_path):
    import fcntl
    import os

    handle = os.open(tmp_path, os.O_RDONLY)  # what a running build holds
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        with pytest.raises(BuildError, match=f"another build is writing into {tmp_path}"):
            build_report(BuildOptions(spec=SPEC, out=tmp_path, quiet=True))
    finally:
        os.close(handle)
