"""Executing notebooks: cleaning run-to-run noise, cache keys, cell numbers, and a failing
cell reported by notebook, cell and exception with the executed notebook kept."""

import json
from pathlib import Path

import pytest

from policyreport.build.cache import RunCache, row_hashes, shared_inputs
from policyreport.build.execute import (
    Job,
    RunSettings,
    clean_notebook,
    execute_all,
    run_all_count,
    run_job,
    source_cell_number,
)
from policyreport.errors import NotebookExecutionError

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = Path(__file__).parents[1] / "fixtures" / "notebooks"
ENGINE = Path(__file__).parents[1] / "fixtures" / "engine" / "notebooks"
DATA = Path(__file__).parents[1] / "fixtures" / "check" / "ok"


def settings(tmp_path, staging="staging", cache=None, **changes):
    return RunSettings(
        root=ROOT,
        staging=tmp_path / staging,
        failed_dir=tmp_path / "failed",
        cache=RunCache(cache),
        shared=shared_inputs(ROOT, DATA),
        hashes=row_hashes(DATA),
        **changes,
    )


def cell(cell_id, tags=(), **metadata):
    return {
        "cell_type": "code",
        "id": cell_id,
        "metadata": {"tags": list(tags), **metadata},
        "source": "",
        "outputs": [],
        "execution_count": None,
    }


SOURCE = {"cells": [cell("md"), cell("params", ["parameters"]), cell("work")]}


def executed_copy():
    timing = {"start_time": "2026-01-01T00:00:00", "end_time": "x", "duration": 0.1}
    return {
        "metadata": {
            "papermill": {
                **timing,
                "input_path": "/abs/in.ipynb",
                "output_path": "/tmp/staging/out.ipynb",
                "parameters": {"lang": "en"},
            }
        },
        "cells": [
            cell("md", papermill={**timing, "status": "completed"}),
            cell("params", ["parameters"], execution={"iopub.status.busy": "2026"}),
            cell("a1b2c3d4", ["injected-parameters"]),
            cell("work", papermill={**timing, "exception": False}),
        ],
    }


def test_clean_notebook_removes_times_paths_and_random_ids():
    cleaned = clean_notebook(executed_copy(), SOURCE, "nb/in.ipynb", "report/notebooks/x.ipynb")
    papermill = cleaned["metadata"]["papermill"]
    assert papermill == {
        "input_path": "nb/in.ipynb",
        "output_path": "report/notebooks/x.ipynb",
        "parameters": {"lang": "en"},
    }
    assert [c["id"] for c in cleaned["cells"]] == ["md", "params", "injected-parameters", "work"]
    text = json.dumps(cleaned)
    assert "2026" not in text and "duration" not in text and "/tmp/" not in text
    assert cleaned["cells"][0]["metadata"]["papermill"] == {"status": "completed"}


def test_run_all_count_is_the_position_among_code_cells():
    # 1 markdown, 2 params (In [1]), 3 markdown, 4 work (In [2]): markdown gets no In [n]
    markdown = {"cell_type": "markdown", "metadata": {}, "source": "# title"}
    source = {"cells": [markdown, cell("params", ["parameters"]), markdown, cell("work")]}
    assert run_all_count(source, 2) == 1
    assert run_all_count(source, 4) == 2


def test_source_cell_number_skips_the_injected_cell():
    # executed: 0 md, 1 params, 2 injected, 3 work  ->  source cells 1, 2, -, 3
    assert source_cell_number(SOURCE, 0) == 1
    assert source_cell_number(SOURCE, 1) == 2
    assert source_cell_number(SOURCE, 3) == 3
    no_parameters = {"cells": [cell("a"), cell("b")]}  # papermill injects at the top
    assert source_cell_number(no_parameters, 2) == 2


@pytest.mark.slow
def test_failing_cell_names_notebook_cell_and_exception(tmp_path):
    job = Job("fails_in_cell_2", "en", NOTEBOOKS / "fails_in_cell_2.ipynb", {"lang": "en"})
    with pytest.raises(NotebookExecutionError) as caught:
        run_job(job, settings(tmp_path), kept_as="report/notebooks/fails_in_cell_2.en.ipynb")
    error = caught.value
    assert error.notebook == "tests/fixtures/notebooks/fails_in_cell_2.ipynb (en)"
    assert error.cell == 2
    assert error.ename == "ValueError"
    assert error.evalue == "planted failure in cell 2"
    kept = tmp_path / "failed" / "fails_in_cell_2.en.ipynb"
    assert error.kept_at == kept.resolve().as_posix()
    outputs = [o for c in json.loads(kept.read_text())["cells"] for o in c.get("outputs", [])]
    assert any(o.get("ename") == "ValueError" for o in outputs)
    assert str(error) == (
        "tests/fixtures/notebooks/fails_in_cell_2.ipynb (en), cell 2: ValueError: "
        "planted failure in cell 2 (In [2] after Run All in JupyterLab; "
        f"executed notebook kept at {error.kept_at})"
    )
    assert not (tmp_path / "staging" / job.output_name).exists()


@pytest.mark.slow
def test_execute_all_in_parallel_with_cache(tmp_path):
    jobs = [
        Job("20_beta", lang, NOTEBOOKS / "20_beta.ipynb", {"lang": lang}) for lang in ("zh", "en")
    ]
    common = dict(kept_as=lambda job: f"out/{job.output_name}", max_workers=2)
    seen = []
    first = execute_all(
        jobs,
        settings(tmp_path, "a", tmp_path / "cache"),
        progress=lambda *args: seen.append(args[:2]),
        **common,
    )
    assert [r.job.lang for r in first] == ["zh", "en"]
    assert not any(r.cached for r in first)
    assert [r.why for r in first] == ["never executed", "never executed"]
    assert sorted(seen) == [(1, 2), (2, 2)]
    second = execute_all(jobs, settings(tmp_path, "b", tmp_path / "cache"), **common)
    assert all(r.cached for r in second)
    for a, b in zip(first, second, strict=True):
        assert a.path.read_bytes() == b.path.read_bytes()
    elsewhere = execute_all(
        jobs,
        settings(tmp_path, "c", tmp_path / "cache"),
        **{**common, "kept_as": lambda job: "x/y.ipynb"},
    )
    assert all(r.cached for r in elsewhere)
    assert '"output_path": "x/y.ipynb"' in elsewhere[0].path.read_text()
    zh = json.loads(first[0].path.read_text())
    assert zh["metadata"]["papermill"]["output_path"] == "out/20_beta.zh.ipynb"
    html = [
        "".join(o["data"]["text/html"])
        for c in zh["cells"]
        for o in c.get("outputs", [])
        if "text/html" in o.get("data", {})
    ]
    assert any("乙章" in h for h in html)


@pytest.mark.slow
def test_a_hung_cell_stops_the_run_naming_notebook_and_cell(tmp_path):
    job = Job("hangs", "en", ENGINE / "hangs_in_cell_2.ipynb", {"lang": "en"})
    with pytest.raises(NotebookExecutionError) as caught:
        run_job(job, settings(tmp_path, timeout=2), kept_as="out/hangs.en.ipynb")
    error = caught.value
    assert error.notebook == "tests/fixtures/engine/notebooks/hangs_in_cell_2.ipynb (en)"
    assert error.cell == 2
    assert error.ename == "Timeout"
    assert error.evalue.startswith("the cell ran longer than 2 s")


@pytest.mark.slow
def test_a_kernel_that_dies_is_retried_once_then_named(tmp_path):
    from policyreport.errors import BuildError

    job = Job("dies", "en", ENGINE / "kills_its_kernel.ipynb", {})
    with pytest.raises(BuildError) as caught:
        run_job(job, settings(tmp_path), kept_as="out/dies.en.ipynb")
    assert str(caught.value) == (
        "execute: tests/fixtures/engine/notebooks/kills_its_kernel.ipynb (en): "
        "the kernel died twice while running it"
    )


@pytest.mark.slow
def test_runs_shared_by_variants_execute_once(tmp_path):
    jobs = [
        Job("20_beta", "en", NOTEBOOKS / "20_beta.ipynb", {"lang": "en"}, group=group)
        for group in ("a", "b", "c")
    ]
    results = execute_all(
        jobs, settings(tmp_path, "s", tmp_path / "cache"), kept_as=lambda job: "x", max_workers=2
    )
    assert [r.cached for r in results] == [False, True, True]
    assert [r.path.relative_to(tmp_path / "s").as_posix() for r in results] == [
        "a/20_beta.en.ipynb",
        "b/20_beta.en.ipynb",
        "c/20_beta.en.ipynb",
    ]


@pytest.mark.slow
def test_a_shared_run_is_repeated_right_after_it_ran(tmp_path):
    # so that each variant is complete (and its report assembled) as early as its own runs
    jobs = [
        Job("20_beta", lang, NOTEBOOKS / "20_beta.ipynb", {"lang": lang}, group=group)
        for group in ("a", "b")
        for lang in ("en", "zh")
    ]
    seen = []
    results = execute_all(
        jobs,
        settings(tmp_path, "s", tmp_path / "cache"),
        kept_as=lambda job: "x",
        max_workers=1,
        progress=lambda done, total, result: seen.append((result.job.group, result.job.lang)),
    )
    assert seen == [("a", "en"), ("b", "en"), ("a", "zh"), ("b", "zh")]
    assert [(r.job.group, r.job.lang, r.cached) for r in results] == [
        ("a", "en", False),
        ("a", "zh", False),
        ("b", "en", True),
        ("b", "zh", True),
    ]
