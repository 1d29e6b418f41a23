"""A tiny report over real data for the build tests: tests/fixtures/cache/report.toml, two
chapters that each read one fact through ctx (reads_exec also the exchange rate), over a
scratch copy of tests/fixtures/check/ok with the project's data package."""

from __future__ import annotations

import shutil
from pathlib import Path

from policyreport import paths
from policyreport.build.pipeline import BuildOptions, build_report

FIXTURES = Path(__file__).parents[1] / "fixtures"
SPEC = FIXTURES / "cache" / "report.toml"


def make_data(directory: Path) -> Path:
    shutil.copytree(FIXTURES / "check" / "ok", directory)
    shutil.copy(paths.DATAPACKAGE, directory / "datapackage.json")
    vocabulary = paths.DATA / "vocabulary.toml"  # the words of units and topics, when in data
    if vocabulary.is_file():
        shutil.copy(vocabulary, directory / "vocabulary.toml")
    return directory


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def options(data: Path, out: Path, cache: Path, **changes) -> BuildOptions:
    return BuildOptions(
        spec=SPEC,
        out=out,
        cache_dir=cache,
        parameters={"data_dir": str(data)},
        quiet=True,
        **changes,
    )


def build(data: Path, out: Path, cache: Path, **changes):
    return build_report(options(data, out, cache, **changes))


def cli_arguments(data: Path, out: Path, cache: Path) -> list[str]:
    return ["build", "--spec", str(SPEC), "-p", f"data_dir={data}", "--out", str(out)] + [
        "--cache-dir",
        str(cache),
    ]


def snapshot(directory: Path) -> dict[str, bytes]:
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }
