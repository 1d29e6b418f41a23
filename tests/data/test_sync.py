"""`policyreport sync`: the explicit home of the rewrite `check` only reports."""

import json
from pathlib import Path

from policyreport import paths
from policyreport.cli import main

FIXTURES = Path(__file__).parents[1] / "fixtures" / "check"


def _units(package: Path, resource: str) -> list[str]:
    document = json.loads(package.read_text(encoding="utf-8"))
    fields = next(r for r in document["resources"] if r["name"] == resource)["schema"]["fields"]
    return next(f for f in fields if f["name"] == "unit")["constraints"]["enum"]


def test_sync_rewrites_what_check_refused_then_check_passes(data_dir, capsys):
    vocabulary = data_dir / "vocabulary.toml"
    vocabulary.write_text(
        vocabulary.read_text(encoding="utf-8")
        + "\n"
        + (FIXTURES / "vocabulary_new_unit.toml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    package = data_dir / "datapackage.json"
    assert main(["check", "--data-dir", str(data_dir)]) == 2
    capsys.readouterr()
    assert main(["sync", "--data-dir", str(data_dir)]) == 0
    assert capsys.readouterr().out == (
        "sync: enums of facts.unit, derived.unit, assumptions.unit rewritten from the vocabulary\n"
    )
    for resource in ("facts", "derived", "assumptions"):
        assert _units(package, resource)[-1] == "shops"
    # the rest of the descriptor is as it was: only the three enums gained "shops"
    before = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    after = json.loads(package.read_text(encoding="utf-8"))
    for resource in ("facts", "derived", "assumptions"):
        _units_of = next(r for r in before["resources"] if r["name"] == resource)
        unit = next(f for f in _units_of["schema"]["fields"] if f["name"] == "unit")
        unit["constraints"]["enum"].append("shops")
    assert after == before
    assert sorted(p.name for p in data_dir.iterdir()) == sorted(
        [p.name for p in (FIXTURES / "ok").iterdir()] + ["datapackage.json", "vocabulary.toml"]
    )  # the temp file was renamed, none left
    assert main(["check", "--data-dir", str(data_dir)]) == 0


def test_sync_of_a_descriptor_in_step_writes_nothing(data_dir, capsys):
    package = data_dir / "datapackage.json"
    before = package.stat().st_mtime_ns, package.read_bytes()
    assert main(["sync", "--data-dir", str(data_dir)]) == 0
    assert capsys.readouterr().out == "sync: datapackage.json already in step with the vocabulary\n"
    assert (package.stat().st_mtime_ns, package.read_bytes()) == before
