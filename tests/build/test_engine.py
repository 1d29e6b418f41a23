"""The warm-kernel papermill engine: papermill's semantics, isolation between runs on one
kernel, kernels replaced after a timeout, a death or a code change, the parent's working
directory and file descriptors left alone. Real papermill, real kernels."""

import json
import os
from pathlib import Path

import papermill
import pytest
from nbclient.exceptions import DeadKernelError

from policyreport.build.engine import ENGINE_NAME, CellTimeout, KernelPool

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
ENGINE = Path(__file__).parents[1] / "fixtures" / "engine" / "notebooks"
NOTEBOOKS = Path(__file__).parents[1] / "fixtures" / "notebooks"


@pytest.fixture
def pool():
    pool = KernelPool(max_idle=2)
    yield pool
    pool.shutdown()


def run(notebook: Path, out: Path, pool: KernelPool, **kwargs):
    return papermill.execute_notebook(
        str(notebook),
        str(out),
        engine_name=ENGINE_NAME,
        progress_bar=False,
        kernel_cwd=str(ROOT),
        pool=pool,
        **kwargs,
    )


def printed(nb) -> str:
    return "".join(
        output.get("text", "")
        for cell in nb.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream"
    )


def test_nothing_a_run_changes_is_visible_to_the_next(pool, tmp_path):
    traces = run(ENGINE / "leaves_traces.ipynb", tmp_path / "a.ipynb", pool)
    assert printed(traces).strip() == "1"  # the run did open a figure, on this kernel
    state = run(ENGINE / "inspects_state.ipynb", tmp_path / "b.ipynb", pool)
    assert pool.started == 1  # the same kernel ran both
    assert json.loads(printed(state)) == {
        "cwd_is_root": False,
        "env": None,
        "figures": 0,
        "linewidth": 1.5,  # matplotlib's default
        "names": [],
        "path": False,
        "wave_loaded": False,
        "warnings_error": False,
    }
    # counted from 1 again, as on a fresh kernel
    assert [cell.get("execution_count") for cell in state.cells] == [1]


def test_papermill_semantics_are_kept(pool, tmp_path):
    """Same injected-parameters cell, metadata and outputs as papermill's own engine."""
    notebook = NOTEBOOKS / "20_beta.ipynb"
    ours = [
        run(notebook, tmp_path / f"warm{i}.ipynb", pool, parameters={"lang": "zh"})
        for i in range(2)
    ]
    theirs = papermill.execute_notebook(
        str(notebook),
        str(tmp_path / "plain.ipynb"),
        parameters={"lang": "zh"},
        progress_bar=False,
        cwd=None,
    )
    assert pool.started == 1
    for nb in ours:
        injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert len(injected) == 1 and 'lang = "zh"' in injected[0].source
        assert nb.metadata.papermill.parameters == {"lang": "zh"}
        assert nb.metadata.papermill.exception is None
        assert [c.get("outputs") for c in nb.cells] == [c.get("outputs") for c in theirs.cells]
        assert [c.get("execution_count") for c in nb.cells] == [
            c.get("execution_count") for c in theirs.cells
        ]
        assert nb.metadata.language_info == theirs.metadata.language_info
    written = json.loads((tmp_path / "warm1.ipynb").read_text())
    assert written["metadata"]["papermill"]["parameters"] == {"lang": "zh"}


def test_a_failing_cell_is_papermills_error(pool, tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as caught:
        run(NOTEBOOKS / "fails_in_cell_2.ipynb", tmp_path / "f.ipynb", pool)
    assert caught.value.ename == "ValueError"
    # the kernel survived the exception and is reused
    run(ENGINE / "inspects_state.ipynb", tmp_path / "b.ipynb", pool)
    assert pool.started == 1


def test_a_hung_cell_times_out_and_its_kernel_is_replaced(pool, tmp_path):
    with pytest.raises(CellTimeout) as caught:
        run(ENGINE / "hangs_in_cell_2.ipynb", tmp_path / "h.ipynb", pool, execution_timeout=2)
    assert caught.value.cell_index == 1 and caught.value.timeout == 2
    assert pool.idle() == 0  # the busy kernel was shut down, not returned
    run(ENGINE / "inspects_state.ipynb", tmp_path / "b.ipynb", pool)
    assert pool.started == 2


def test_a_dead_kernel_is_replaced(pool, tmp_path):
    with pytest.raises(DeadKernelError):
        run(ENGINE / "kills_its_kernel.ipynb", tmp_path / "k.ipynb", pool)
    assert pool.idle() == 0
    run(ENGINE / "inspects_state.ipynb", tmp_path / "b.ipynb", pool)
    assert pool.started == 2


def test_changed_package_code_gets_a_new_kernel(pool, tmp_path):
    for version in ("one", "one", "two"):
        run(ENGINE / "inspects_state.ipynb", tmp_path / "b.ipynb", pool, code_version=version)
    assert pool.started == 2


def test_the_parent_keeps_its_directory_and_descriptors(pool, tmp_path):
    before = os.getcwd()
    run(ENGINE / "inspects_state.ipynb", tmp_path / "b.ipynb", pool)
    descriptors = len(os.listdir("/proc/self/fd"))
    for index in range(4):
        run(ENGINE / "leaves_traces.ipynb", tmp_path / f"a{index}.ipynb", pool)
    assert os.getcwd() == before
    assert len(os.listdir("/proc/self/fd")) == descriptors  # every client we opened is closed
