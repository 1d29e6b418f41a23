"""make bench's edits: "one fact changed" corrects a fact the chapters cite (its qualifier,
approx <-> nearly, where the quote says 近), the data stays valid, and the edit undoes itself.
(The bench's timings are never asserted.)"""

import csv
import io

from policyreport import paths
from policyreport.build.bench import Scratch, build_steps, verdict
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


def test_build_steps_are_read_from_the_summary_line():
    output = (
        "[10/10] 04_synthesis (en) 0.9 s  (elapsed 12.2 s)\n"
        "built in 33.3 s (10 executed, 0 from cache; check 1.1 s, execute 11.0 s, trace 0.6 s,"
        " html zh 2.8 s, html en 1.4 s, pdf 16.1 s)\n"
    )
    assert build_steps(output) == {
        "check": 1.1,
        "execute": 11.0,
        "trace": 0.6,
        "html zh": 2.8,
        "html en": 1.4,
        "pdf": 16.1,
    }
    assert build_steps("up to date in 0.12 s (no input changed)\n") == {}


def test_the_steps_of_variants_add_up_under_one_name():
    output = (
        "built in 70.0 s (80 executed, 0 from cache; check 0.5 s, execute 62.4 s,"
        " trace usd_cny=7.18 0.6 s, html usd_cny=7.18 zh 3.2 s, html usd_cny=7.18 en 1.7 s,"
        " trace usd_cny=7.216 0.6 s, html usd_cny=7.216 zh 0.3 s, html usd_cny=7.216 en 0.4 s,"
        " pdf 58.0 s)\n"
    )
    # trace 0.6 + 0.6 = 1.2; html zh 3.2 + 0.3 = 3.5; html en 1.7 + 0.4 = 2.1
    assert build_steps(output) == {
        "check": 0.5,
        "execute": 62.4,
        "trace": 1.2,
        "html zh": 3.5,
        "html en": 2.1,
        "pdf": 58.0,
    }


def test_each_goal_is_met_or_says_by_how_much_it_misses():
    assert verdict(1.17, ("<=", 1.5)) == "met"
    assert verdict(1.5, ("<=", 1.5)) == "met"
    assert verdict(0.5, ("<", 0.5)) == "missed: 0.50 vs < 0.5 (1.0x the goal)"
    # 0.58 of cold against < 0.33: 0.58 / 0.33 = 1.76 -> 1.8x
    assert verdict(0.58, ("<", 0.33)) == "missed: 0.58 vs < 0.33 (1.8x the goal)"
    # by hand only 3.24x faster against >= 5: 5 / 3.24 = 1.54 -> 1.5x short
    assert verdict(3.24, (">=", 5.0)) == "missed: 3.24 vs >= 5 (1.5x the goal)"
    assert verdict(6.0, (">=", 5.0)) == "met"
