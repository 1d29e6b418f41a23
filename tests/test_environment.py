"""The conda environment and the pip lock must pin the same versions, and they serve every
supported Python (3.11, 3.12, 3.13: `make test-pythons` runs this file under each)."""

import re
import sys
import tomllib
from importlib import metadata

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from policyreport import paths
from policyreport.envfile import MARKED_HEADER, add_python_pins, main, pins, render_environment
from policyreport.errors import DataError

LOCK = (paths.ROOT / "requirements.lock").read_text(encoding="utf-8")
ENV = (paths.ROOT / "environment.yml").read_text(encoding="utf-8")


def test_environment_yml_pins_exactly_the_lock():
    assert pins(ENV) == pins(LOCK)
    assert render_environment(LOCK) == ENV


def test_design_card_packages_are_pinned():
    locked = pins(LOCK)
    for name in (
        "jupyterlab",
        "pandas",
        "matplotlib",
        "papermill",
        "pytest",
        "babel",
        "weasyprint",
        "frictionless",
        "mplfonts",
        "ruff",
        "nbstripout",
    ):
        assert name in locked, name


# --- pins that only some Pythons need ----------------------------------------------------

PLAIN = "# header\nalpha==1.0\nBeta_Pkg==2.0\n"


def test_add_python_pins_marks_what_each_newer_python_adds():
    freezes = {
        "3.13": "alpha==1.0\nbeta-pkg==2.0\ngamma==3.0\npip==25.0\n",
        "3.12": "alpha==1.0\nBeta_Pkg==2.0\ngamma==3.0\ndelta==4.0\n",
    }
    assert add_python_pins(PLAIN, freezes) == (
        PLAIN
        + MARKED_HEADER
        + 'delta==4.0 ; python_version == "3.12"\n'
        + 'gamma==3.0 ; python_version == "3.12" or python_version == "3.13"\n'
    )


def test_add_python_pins_twice_changes_nothing():
    once = add_python_pins(PLAIN, {"3.12": PLAIN + "delta==4.0\n"})
    assert add_python_pins(once, {"3.12": PLAIN + "delta==4.0\n"}) == once
    assert add_python_pins(once, {"3.12": PLAIN}) == PLAIN


def test_a_plain_pin_added_below_the_marked_lines_stays_plain():
    lock = PLAIN + MARKED_HEADER + 'delta==4.0 ; python_version == "3.12"\n' + "epsilon==5.0\n"
    freezes = {"3.12": PLAIN + "delta==4.0\nepsilon==5.0\n"}
    assert add_python_pins(lock, freezes) == (
        PLAIN + "epsilon==5.0\n" + MARKED_HEADER + 'delta==4.0 ; python_version == "3.12"\n'
    )


def test_add_python_pins_refuses_a_plain_pin_installed_at_another_version():
    with pytest.raises(DataError) as caught:
        add_python_pins(PLAIN, {"3.13": "alpha==1.1\nBeta_Pkg==2.0\n"})
    assert str(caught.value) == (
        "pip freeze of Python 3.13: expected alpha==1.0 as requirements.lock pins it; "
        "found 'alpha==1.1'"
    )


def test_marked_pins_count_only_for_the_pythons_they_name():
    lock = (
        PLAIN
        + MARKED_HEADER
        + 'gamma==3.0 ; python_version == "3.12" or python_version == "3.13"\n'
    )
    assert pins(lock) == {"alpha": "1.0", "beta-pkg": "2.0"}
    assert pins(lock, "3.11") == {"alpha": "1.0", "beta-pkg": "2.0"}
    assert pins(lock, "3.13") == {"alpha": "1.0", "beta-pkg": "2.0", "gamma": "3.0"}
    assert '      - gamma==3.0 ; python_version == "3.12" or python_version == "3.13"\n' in (
        render_environment(lock)
    )


def test_envfile_add_python_names_the_conflict_in_one_line(tmp_path, monkeypatch, capsys):
    (tmp_path / "requirements.lock").write_text(PLAIN, encoding="utf-8")
    freeze = tmp_path / "freeze-3.13.txt"
    freeze.write_text("alpha==1.1\n", encoding="utf-8")
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    assert main(["--add-python", f"3.13={freeze}"]) == 2
    assert capsys.readouterr().err == (
        "envfile: error: pip freeze of Python 3.13: expected alpha==1.0 as requirements.lock "
        "pins it; found 'alpha==1.1'\n"
    )
    assert (tmp_path / "requirements.lock").read_text(encoding="utf-8") == PLAIN
    assert not (tmp_path / "environment.yml").exists()


def test_pins_detects_a_drift():
    drifted = ENV.replace("pandas==", "pandas==0.0.0+", 1)
    assert pins(drifted) != pins(LOCK)


# --- the supported Pythons ------------------------------------------------------------------


def makefile_pythons() -> list[str]:
    makefile = (paths.ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"^PYTHONS := (.+)$", makefile, re.MULTILINE)
    assert match, "Makefile: no `PYTHONS := ...` line"
    return match.group(1).split()


def test_makefile_and_pyproject_support_the_same_pythons():
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    requires = SpecifierSet(project["project"]["requires-python"])
    candidates = [f"3.{minor}" for minor in range(8, 16)]
    supported = [version for version in candidates if requires.contains(f"{version}.0")]
    assert supported == makefile_pythons() == ["3.11", "3.12", "3.13"]
    assert [
        classifier.rsplit(" :: ", 1)[1]
        for classifier in project["project"]["classifiers"]
        if classifier.startswith("Programming Language :: Python :: 3.")
    ] == supported
    # ruff checks against the oldest one, so no newer syntax slips in.
    assert project["tool"]["ruff"]["target-version"] == "py311"
    assert "  - python>=3.11,<3.14\n" in ENV


def test_running_python_is_supported():
    assert f"{sys.version_info.major}.{sys.version_info.minor}" in makefile_pythons()


def drift_from_lock(lock_text: str) -> tuple[list[str], set]:
    """Walk policyreport[dev]'s requirements as this interpreter evaluates their markers
    (python_version, sys_platform, extras): every distribution reached that the lock does not
    pin at its installed version, and the (name, extras) pairs walked."""
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    locked = {canonicalize_name(name): version for name, version in pins(lock_text, python).items()}
    drift = []
    seen = set()
    todo = [("policyreport", ("dev",))]
    while todo:
        name, extras = todo.pop()
        if (canonicalize_name(name), extras) in seen:
            continue
        seen.add((canonicalize_name(name), extras))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            drift.append(f"{name}: required but not installed")
            continue
        key = canonicalize_name(dist.metadata["Name"])
        if key != "policyreport" and locked.get(key) != dist.version:
            drift.append(f"{key}=={dist.version} installed, lock: {locked.get(key, 'no pin')}")
        for line in dist.requires or []:
            requirement = Requirement(line)
            environments = [{"extra": extra} for extra in extras or ("",)]
            if requirement.marker and not any(
                requirement.marker.evaluate(environment) for environment in environments
            ):
                continue
            todo.append((requirement.name, tuple(sorted(requirement.extras))))
    return drift, seen


def test_the_lock_pins_everything_this_python_installs():
    """One lock serves every supported Python: under this interpreter, everything
    policyreport[dev] needs is pinned and installed at its pin. A dependency that only some
    Python version needs would show up here under that version."""
    drift, seen = drift_from_lock(LOCK)
    assert drift == []
    # The walk really went through the dependency tree, dev extra included.
    assert {("pandas", ()), ("pytest", ()), ("ruff", ())} <= seen


def test_drift_from_lock_names_a_missing_pin():
    without_pandas = "".join(
        line for line in LOCK.splitlines(keepends=True) if not line.startswith("pandas==")
    )
    drift, _ = drift_from_lock(without_pandas)
    assert len(drift) == 1
    assert drift[0].startswith("pandas==") and drift[0].endswith("installed, lock: no pin")
