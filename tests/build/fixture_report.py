"""The fixture report's dataset module (tests/fixtures/build/fixture_dataset.py), loaded once
for every build test that assembles, renders or builds it (it is a fixture file, not a test
module, so it is loaded by path)."""

import importlib.util
from pathlib import Path

PATH = Path(__file__).parents[1] / "fixtures" / "build" / "fixture_dataset.py"

_spec = importlib.util.spec_from_file_location("fixture_dataset", PATH)
fixture = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixture)
