"""make bench's edits: "one fact changed" corrects a fact the chapters cite (its qualifier,
approx <-> nearly, where the quote says 近), the data stays valid, and the edit undoes itself.
(The bench's timings are never asserted.)"""

import csv
import io

from policyreport import paths
from policyreport.build.bench import Scratch
from policyreport.build.spec import load_spec
from policyreport.data.check import run_checks


def rows(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_one_fact_changed_corrects_a_qualifier_the_chapters_print(tmp_path):
    spec = load_spec(paths.REPORT / "report.toml")
    scratch = Scratch(spec, tmp_path, paths.ROOT)
    facts = scratch.data / "facts.csv"
    original = facts.read_bytes()
    before = {row["id"]: row for row in rows(facts)}

    edited = scratch.edit_fact()

    after = {row["id"]: row for row in rows(facts)}
    changed = [ident for ident in before if before[ident] != after[ident]]
    assert changed == [edited]
    assert "近" in after[edited]["quote"]
    assert {before[edited]["qualifier"], after[edited]["qualifier"]} == {"approx", "nearly"}
    assert {k: v for k, v in after[edited].items() if k != "qualifier"} == {
        k: v for k, v in before[edited].items() if k != "qualifier"
    }
    run_checks(scratch.data)  # still valid data: an analyst's correction, not noise
    # a chapter reads it: its id appears in a notebook of the report
    assert any(edited in notebook.path.read_text(encoding="utf-8") for notebook in spec.notebooks)

    assert scratch.edit_fact() == edited
    assert facts.read_bytes() == original
