"""The run cache: row hashes that follow what a figure depends on, static keys, hits and
misses with their reasons, entries that check their own digest, an unwritable folder."""

import json
import shutil
from pathlib import Path

import pytest

from policyreport.build.cache import (
    ALL_ROWS,
    RunCache,
    notebook_digest,
    row_hashes,
    run_inputs,
)

FIXTURES = Path(__file__).parents[1] / "fixtures"
ROWS = FIXTURES / "cache" / "rows"
NOTEBOOK = FIXTURES / "notebooks" / "10_alpha.ipynb"
SHARED = {"package code": "p1", "locked environment": "e1", "data files": "d1"}


@pytest.fixture
def rows(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(ROWS, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def changed(before: dict, after: dict) -> set[str]:
    return {ident for ident in before if before[ident] != after.get(ident)}


def test_editing_a_fact_changes_its_hash_and_those_of_figures_derived_from_it(rows):
    before = row_hashes(rows)
    assert set(before) == {"f_a", "f_b", "f_c", "d_ab", "d_abc", "a_rate", ALL_ROWS}
    edit(rows / "facts.csv", "f_c,30,third", "f_c,30,third (a note edited)")
    # d_abc = d_ab + f_c reads f_c; d_ab does not
    assert changed(before, row_hashes(rows)) == {"f_c", "d_abc", ALL_ROWS}


def test_an_input_two_steps_away_counts(rows):
    before = row_hashes(rows)
    edit(rows / "facts.csv", "f_a,10,first", "f_a,11,first")
    assert changed(before, row_hashes(rows)) == {"f_a", "d_ab", "d_abc", ALL_ROWS}


def test_an_assumption_row(rows):
    before = row_hashes(rows)
    edit(rows / "assumptions.csv", "7.18", "7.2")
    assert changed(before, row_hashes(rows)) == {"a_rate", ALL_ROWS}


def test_the_static_key_follows_cells_and_parameters_not_outputs(tmp_path):
    key = run_inputs("n", "en", NOTEBOOK, {"lang": "en"}, SHARED).key
    assert key == run_inputs("n", "en", NOTEBOOK, {"lang": "en"}, SHARED).key
    assert key != run_inputs("n", "en", NOTEBOOK, {"lang": "zh"}, SHARED).key
    assert (
        key != run_inputs("n", "en", NOTEBOOK, {"lang": "en"}, {**SHARED, "package code": "p2"}).key
    )
    with_outputs = json.loads(NOTEBOOK.read_text())
    with_outputs["cells"][-1]["outputs"] = [
        {"output_type": "stream", "name": "stdout", "text": "x"}
    ]
    with_outputs["metadata"]["papermill"] = {"duration": 1.0}
    (tmp_path / "outputs.ipynb").write_text(json.dumps(with_outputs))
    assert notebook_digest(tmp_path / "outputs.ipynb") == notebook_digest(NOTEBOOK)
    prose = json.loads(NOTEBOOK.read_text())
    markdown = next(c for c in prose["cells"] if c["cell_type"] == "markdown")
    markdown["source"] = "".join(markdown["source"]) + " Edited prose."
    (tmp_path / "prose.ipynb").write_text(json.dumps(prose))
    assert notebook_digest(tmp_path / "prose.ipynb") != notebook_digest(NOTEBOOK)


NB = {"cells": [], "metadata": {"papermill": {"parameters": {"lang": "en"}}}}


def test_a_hit_needs_the_rows_read_unchanged(tmp_path, rows):
    cache = RunCache(tmp_path / "cache")
    inputs = run_inputs("n", "en", NOTEBOOK, {"lang": "en"}, SHARED)
    assert cache.lookup(inputs, row_hashes(rows)).reason == "never executed"
    cache.store(inputs, NB, ["f_a", "d_abc"], row_hashes(rows), {"en/chart.svg": b"<svg/>"})
    hit = cache.lookup(inputs, row_hashes(rows))
    assert hit.reason == "" and hit.entry.notebook == NB
    assert hit.entry.artifacts == {"en/chart.svg": b"<svg/>"}
    edit(rows / "facts.csv", "f_b,20,second", "f_b,20,second (edited)")  # read by no one here
    assert cache.lookup(inputs, row_hashes(rows)).entry is None  # d_abc reads f_b via d_ab
    assert cache.lookup(inputs, row_hashes(rows)).reason == "row 'd_abc' changed"


def test_a_row_not_read_does_not_matter(tmp_path, rows):
    cache = RunCache(tmp_path / "cache")
    inputs = run_inputs("n", "en", NOTEBOOK, {"lang": "en"}, SHARED)
    cache.store(inputs, NB, ["f_a"], row_hashes(rows), {})
    edit(rows / "facts.csv", "f_c,30,third", "f_c,31,third")
    assert cache.lookup(inputs, row_hashes(rows)).entry is not None


def test_a_run_that_recorded_nothing_depends_on_every_row(tmp_path, rows):
    cache = RunCache(tmp_path / "cache")
    inputs = run_inputs("n", "en", NOTEBOOK, {"lang": "en"}, SHARED)
    cache.store(inputs, NB, None, row_hashes(rows), {})
    edit(rows / "facts.csv", "f_c,30,third", "f_c,31,third")
    assert (
        cache.lookup(inputs, row_hashes(rows)).reason
        == "data (the run read the whole dataset) changed"
    )


def test_a_miss_names_the_input_that_changed(tmp_path, rows):
    cache = RunCache(tmp_path / "cache")
    cache.store(
        run_inputs("n", "en", NOTEBOOK, {"lang": "en"}, SHARED), NB, [], row_hashes(rows), {}
    )
    newer = run_inputs("n", "en", NOTEBOOK, {"lang": "en"}, {**SHARED, "package code": "p2"})
    assert cache.lookup(newer, row_hashes(rows)).reason == "package code changed"


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: b"\x00\xff" + data,  # not JSON
        lambda data: data.replace(b'"lang":"en"', b'"lang":"zh"'),  # valid JSON, tampered
        lambda data: b"",
    ],
    ids=["truncated", "garbage", "tampered", "empty"],
)
def test_a_damaged_entry_is_discarded_never_served(tmp_path, rows, damage):
    cache = RunCache(tmp_path / "cache")
    inputs = run_inputs("n", "en", NOTEBOOK, {"lang": "en"}, SHARED)
    cache.store(inputs, NB, [], row_hashes(rows), {})
    entry = tmp_path / "cache" / f"{inputs.key}.json"
    entry.write_bytes(damage(entry.read_bytes()))
    found = cache.lookup(inputs, row_hashes(rows))
    assert found.entry is None and found.reason == "cache entry corrupted (discarded)"
    assert not entry.exists()
    cache.store(inputs, NB, [], row_hashes(rows), {})  # and it is rebuilt
    assert cache.lookup(inputs, row_hashes(rows)).entry is not None


def test_an_unwritable_folder_turns_the_cache_off(tmp_path, rows):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    cache = RunCache(blocker / "executed")
    assert not cache.enabled
    assert cache.off_reason.startswith(f"{blocker / 'executed'} cannot be written")
    inputs = run_inputs("n", "en", NOTEBOOK, {"lang": "en"}, SHARED)
    cache.store(inputs, NB, [], row_hashes(rows), {})  # does nothing, raises nothing
    assert cache.lookup(inputs, row_hashes(rows)).reason.startswith("cache off: ")


def test_forced_means_off(rows):
    cache = RunCache(None)
    assert not cache.enabled and cache.off_reason == "disabled (--force)"
