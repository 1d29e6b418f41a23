"""The conda environment and the pip lock must pin the same versions."""

from policyreport import paths
from policyreport.envfile import pins, render_environment

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


def test_pins_detects_a_drift():
    drifted = ENV.replace("pandas==", "pandas==0.0.0+", 1)
    assert pins(drifted) != pins(LOCK)
