"""The build and its caches on a tiny real report (tests/build/tiny_project.py): one fact
edited re-executes only the run that read it, `status` says why, damaged entries and an
unwritable cache folder never fail a build, an output folder that cannot be made is one
line, and two builds into different folders at once give the same report."""

import subprocess
import sys
from pathlib import Path

import pytest
from tiny_project import build, cli_arguments, edit, make_data, options, snapshot

from policyreport.build.status import run_statuses
from policyreport.cli import main

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cold(tmp_path_factory):
    """One cold build of the tiny report: (data, out, cache, result)."""
    base = tmp_path_factory.mktemp("tiny")
    data = make_data(base / "data")
    result = build(data, base / "out", base / "cache")
    return data, base / "out", base / "cache", result


def test_cold_build(cold):
    data, out, cache, result = cold
    assert result.executed == 2 and result.cached == 0
    assert sorted(snapshot(out)) == [
        "tiny.en.html",
        "tiny.en.pdf",
        "tiny/notebooks/reads_exec.en.ipynb",
        "tiny/notebooks/reads_yoy.en.ipynb",
    ]


def test_one_fact_edited_reexecutes_only_the_run_that_read_it(cold, tmp_path):
    data, _, cache, _ = cold
    out = tmp_path / "out"
    facts = data / "facts.csv"
    original = facts.read_text(encoding="utf-8")
    try:
        edit(facts, "同比增长15.4%,,,", "同比增长15.4%,,a reading note,一条阅读说明")
        assert run_statuses(options(data, out, cache)) == [
            ("main", "reads_exec (en)", "cached"),
            ("main", "reads_yoy (en)", "will execute: row 'x_yoy' changed"),
        ]
        result = build(data, out, cache)
        assert (result.executed, result.cached) == (1, 1)
        assert run_statuses(options(data, out, cache)) == [
            ("main", "reads_exec (en)", "cached"),
            ("main", "reads_yoy (en)", "cached"),
        ]
    finally:
        facts.write_text(original, encoding="utf-8")


def test_damaged_entries_are_rebuilt_never_a_traceback(cold, tmp_path, capsys):
    data, _, cache, _ = cold
    damaged = tmp_path / "cache"
    import shutil

    shutil.copytree(cache, damaged)
    entries = sorted((damaged / "executed").glob("*.json"))
    assert len(entries) >= 2
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[:100])  # truncated
    code = main(cli_arguments(data, tmp_path / "out", damaged))
    assert code == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err
    statuses = run_statuses(options(data, tmp_path / "out", damaged))
    assert [status for _, _, status in statuses] == ["cached", "cached"]  # rebuilt


def test_an_unwritable_cache_folder_turns_the_cache_off(cold, tmp_path, capsys):
    data, out, _, _ = cold
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = build(data, tmp_path / "out", blocker / "cache")
    assert result.executed == 2
    assert result.notes == [
        f"cache off: {blocker / 'cache' / 'executed'} cannot be written (Not a directory)"
    ]
    assert snapshot(tmp_path / "out")["tiny.en.html"] == snapshot(out)["tiny.en.html"]


def test_an_output_folder_that_cannot_be_made_is_one_line(cold, tmp_path, capsys):
    data, _, cache, _ = cold
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code = main(cli_arguments(data, blocker / "out", cache))
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == (
        "policyreport build: error: parameter '--out': expected an output folder that can be "
        f"created; found '{blocker / 'out'}'; Not a directory"
    )
    assert "Traceback" not in "\n".join(err)


def test_two_builds_at_once_into_different_folders(cold, tmp_path):
    data, _, _, _ = cold
    cache = tmp_path / "cache"  # shared by both, empty: both execute and write entries
    command = [sys.executable, "-m", "policyreport.cli"]
    builds = [
        subprocess.Popen(
            command + cli_arguments(data, tmp_path / name, cache),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("one", "two")
    ]
    for process in builds:
        _, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
    one, two = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    for name in ("tiny.en.html", "tiny.en.pdf"):
        assert one[name] == two[name]
    assert not list(Path(cache).rglob("*.tmp"))
