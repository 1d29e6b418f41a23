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
