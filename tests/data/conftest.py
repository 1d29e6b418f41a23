"""Shared fixtures of the data layer's tests."""

import shutil
from pathlib import Path

import pytest

from policyreport import paths

CHECK_FIXTURES = Path(__file__).parents[1] / "fixtures" / "check"


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """A writable copy of the check fixture page's data, with the project's data package and
    vocabulary (used by the check and sync tests)."""
    target = tmp_path / "data"
    shutil.copytree(CHECK_FIXTURES / "ok", target)
    shutil.copy(paths.DATAPACKAGE, target / "datapackage.json")
    shutil.copy(paths.DATA / "vocabulary.toml", target / "vocabulary.toml")
    return target
