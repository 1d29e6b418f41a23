"""The Dask backend: a real `dask scheduler` and two `dask worker` processes from the
project's venv on 127.0.0.1; the same report as a local build, byte for byte; the scheduler
named in the output; an unreachable scheduler is one line; a local build never imports
distributed."""

import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from tiny_project import build, cli_arguments, make_data, snapshot

from policyreport.cli import main

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def dask_cluster(base: Path, workers: int = 2, env: dict | None = None):
    """A `dask scheduler` and `workers` single-threaded `dask worker` processes (each with its
    nanny) on 127.0.0.1; yields the scheduler's address."""
    scheduler_file = base / "scheduler.json"
    common = ["--no-dashboard", "--scheduler-file", str(scheduler_file)]
    environment = {**os.environ, **(env or {})}
    processes = [
        subprocess.Popen(
            [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0", *common],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=environment,
        )
    ]
    try:
        deadline = time.monotonic() + 120
        while not scheduler_file.is_file() and time.monotonic() < deadline:
            time.sleep(0.2)
        for _ in range(workers):
            processes.append(
                subprocess.Popen(
                    [str(BIN / "dask"), "worker", "--nthreads", "1", "--host", "127.0.0.1"]
                    + common,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    env=environment,
                )
            )
        address = json.loads(scheduler_file.read_text())["address"]
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=120)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with dask_cluster(tmp_path_factory.mktemp("cluster")) as address:
        yield address


@pytest.fixture(scope="module")
def fragile_cluster(tmp_path_factory):
    """A cluster whose scheduler does not retry a task whose worker died (allowed-failures 0,
    Dask's default is 3), so that the build's own one retry is what the tests see."""
    env = {"DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0"}
    with dask_cluster(tmp_path_factory.mktemp("fragile"), env=env) as address:
        yield address


def normalised(files: dict[str, bytes], out: Path) -> dict[str, bytes]:
    """The outputs, with the output folder's own path (named in the notebooks) neutral."""
    return {name: data.replace(str(out).encode(), b"OUT") for name, data in files.items()}


def test_a_cluster_build_equals_a_local_one(cluster, tmp_path, capsys):
    data = make_data(tmp_path / "data")
    build(data, tmp_path / "local", tmp_path / "cache-local")
    remote = tmp_path / "remote"
    code = main(  # its own, empty cache: every run goes to the cluster
        cli_arguments(data, remote, tmp_path / "cache-cluster") + ["--scheduler", cluster]
    )
    assert code == 0
    assert f"scheduler: {cluster} (2 workers, 2 threads)" in capsys.readouterr().err
    local = normalised(snapshot(tmp_path / "local"), tmp_path / "local")
    assert normalised(snapshot(remote), remote) == local
    assert sorted(local) == [
        "tiny.en.html",
        "tiny.en.pdf",
        "tiny/notebooks/reads_exec.en.ipynb",
        "tiny/notebooks/reads_yoy.en.ipynb",
    ]


def test_variants_on_the_cluster_merge_shared_runs(cluster, tmp_path):
    data = make_data(tmp_path / "data")
    result = build(
        data, tmp_path / "out", tmp_path / "cache", matrix=["usd_cny=6.8,7.2"], scheduler=cluster
    )
    # reads_yoy takes no rate: it runs once for both variants
    assert (result.executed, result.cached) == (3, 1)


def test_an_unreachable_scheduler_is_one_line(tmp_path, capsys):
    data = make_data(tmp_path / "data")
    address = f"tcp://127.0.0.1:{free_port()}"
    code = main(
        cli_arguments(data, tmp_path / "out", tmp_path / "cache") + ["--scheduler", address]
    )
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(
        "policyreport build: error: parameter '--scheduler': expected a Dask scheduler that "
        f"answers within 10 s; found '{address}'; "
    )
    assert "Traceback" not in "\n".join(err)
    assert not (tmp_path / "out" / "tiny.en.html").exists()


def test_a_local_build_never_imports_distributed(tmp_path):
    data = make_data(tmp_path / "data")
    arguments = cli_arguments(data, tmp_path / "out", tmp_path / "cache")
    code = (
        "import sys\n"
        "from policyreport.cli import main\n"
        f"code = main({arguments!r})\n"
        "print(code, 'distributed' in sys.modules, 'dask' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip().splitlines()[-1] == "0 False False", done.stderr


ROOT = Path(__file__).resolve().parents[2]
ENGINE = Path(__file__).parents[1] / "fixtures" / "engine" / "notebooks"
DATA = Path(__file__).parents[1] / "fixtures" / "check" / "ok"
KILLS = ENGINE / "kills_its_worker.ipynb"


def run_on(cluster, tmp_path, times: int):
    """kills_its_worker on the cluster, killing the worker that runs it `times` times."""
    from policyreport.build.cache import RunCache, row_hashes, shared_inputs
    from policyreport.build.cluster import execute_on_cluster
    from policyreport.build.execute import Job, RunSettings

    marker = tmp_path / "runs.txt"
    settings = RunSettings(
        root=ROOT,
        staging=tmp_path / "staging",
        failed_dir=tmp_path / "failed",
        cache=RunCache(None),
        shared=shared_inputs(ROOT, DATA),
        hashes=row_hashes(DATA),
    )
    job = Job("kills", "en", KILLS, {"marker": str(marker), "times": times})
    results = execute_on_cluster(
        [job], settings, scheduler=cluster, kept_as=lambda job: "x", progress=None, say=print
    )
    return results, marker.read_text().splitlines()


def test_a_run_whose_worker_dies_is_retried_once(fragile_cluster, tmp_path):
    results, runs = run_on(fragile_cluster, tmp_path, times=1)
    assert runs == ["run 1", "run 2"]  # the first killed its worker, the second went through
    notebook = json.loads(results[0].path.read_text())
    assert notebook["cells"][-1]["outputs"][0]["text"] == ["survived\n"]


def test_a_run_whose_worker_dies_twice_stops_the_build_naming_the_notebook(
    fragile_cluster, tmp_path
):
    from policyreport.errors import BuildError

    with pytest.raises(BuildError) as caught:
        run_on(fragile_cluster, tmp_path, times=2)
    assert str(caught.value) == (
        "execute: tests/fixtures/engine/notebooks/kills_its_worker.ipynb (en): "
        "the Dask worker died twice while running it"
    )
    assert (tmp_path / "runs.txt").read_text().splitlines() == ["run 1", "run 2"]
