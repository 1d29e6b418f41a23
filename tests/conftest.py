import os
import re
from pathlib import Path

import pytest

from policyreport import paths

FIXTURES = Path(__file__).parent / "fixtures"
REPORT_SPEC = paths.REPORT / "report.toml"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def built_report(tmp_path_factory):
    """One cold `policyreport build` of the real report (report/report.toml) into scratch
    directories, shared by the end-to-end and the browser tests so that the suite builds it
    once: (out, cache, result). Tests read `out`; none may change what is in it."""
    from policyreport.build.pipeline import BuildOptions, build_report

    out = tmp_path_factory.mktemp("report")
    cache = tmp_path_factory.mktemp("cache")
    result = build_report(BuildOptions(spec=REPORT_SPEC, out=out, cache_dir=cache, quiet=True))
    return out, cache, result


# --- make mutate: each mutant against its own module's unit tests ------------------------
# POLICYREPORT_MUTATE_OWN_TESTS="data.scan authoring.fmt …" (set by `make mutate`): mutmut maps
# its mutants to tests while running only those modules' test files (tests/<layer>/
# test_<module>.py), and a mutant of policyreport.<layer>.<module> then runs only the tests of
# its own file. mutmut names the mutant in MUTANT_UNDER_TEST ("stats" and "" while mapping).
_MUTATE_OWN = os.environ.get("POLICYREPORT_MUTATE_OWN_TESTS", "").split()
_MUTANT = re.compile(r"policyreport\.(\w+)\.(\w+)\.x")


def _own_test_file(module: str) -> str:
    layer, name = module.split(".")
    return f"tests/{layer}/test_{name}.py"


def pytest_ignore_collect(collection_path: Path, config) -> bool | None:
    if not _MUTATE_OWN or not collection_path.name.startswith("test_"):
        return None
    path = collection_path.as_posix()
    if collection_path.suffix == ".py":
        return not any(path.endswith(_own_test_file(module)) for module in _MUTATE_OWN)
    return None


def pytest_collection_modifyitems(config, items: list) -> None:
    mutant = _MUTANT.match(os.environ.get("MUTANT_UNDER_TEST", ""))
    if not _MUTATE_OWN or mutant is None:
        return
    own = _own_test_file(f"{mutant[1]}.{mutant[2]}")
    keep = [item for item in items if item.nodeid.split("::")[0].endswith(own)]
    if len(keep) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in keep])
        items[:] = keep
