"""The report spec (report/report.toml): which notebooks, in which order, with which parameters,
in which languages, under which titles and output name, and which sources and topics the
report covers (its scope: the title block and the appendices list only those).

The spec is read with tomllib and checked strictly: an unknown key, a missing notebook file or a
title missing for a language is a one-line DataError naming the file and the key, before any
notebook runs. Command-line overrides (--lang, -p) produce a new spec, never mutate one.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from policyreport.errors import DataError, ParameterError

#: Languages the report template has words for (headings of appendices, captions …).
SUPPORTED_LANGUAGES = ("zh", "en")

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_PARAMETER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

_REPORT_KEYS = {
    "name",
    "languages",
    "title",
    "notebook_dir",
    "lang_parameter",
    "sources",
    "topics",
    "timeout",
}
#: Seconds a cell may run before the build stops it (spec: [report] timeout; --timeout).
DEFAULT_CELL_TIMEOUT = 300
_TOP_KEYS = {"report", "parameters", "notebook", "variant"}
_NOTEBOOK_KEYS = {"name", "file", "parameters"}
_VARIANT_KEYS = {"name", "parameters"}


@dataclass(frozen=True)
class NotebookSpec:
    """One notebook of the report; `name` names its outputs (<name>.<lang>.ipynb)."""

    name: str
    path: Path
    parameters: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ReportSpec:
    path: Path  # the spec file
    name: str  # output base name: <output_dir>/<name>.<lang>.html|pdf
    languages: tuple[str, ...]
    titles: dict[str, str]
    lang_parameter: str
    parameters: dict  # given to every notebook that declares them
    notebooks: tuple[NotebookSpec, ...]
    overrides: dict = field(default_factory=dict)  # -p values: win over the spec's, everywhere
    # The report's scope: source file names and topic ids; empty means every one.
    sources: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    timeout: float = DEFAULT_CELL_TIMEOUT  # per cell, in seconds
    # [[variant]] entries: (name, parameters), rendered by `build --variants`
    variants: tuple[tuple[str, dict], ...] = ()

    @property
    def build_parameters(self) -> dict:
        """The report-wide parameter values of this build (spec, then command line)."""
        return {**self.parameters, **self.overrides}

    @property
    def output_dir(self) -> Path:
        return self.path.parent


def _fail(path: Path, key: str, expected: str, found=None) -> DataError:
    return DataError(file=path, field=key, expected=expected, found=found)


def _check_keys(path: Path, table: dict, allowed: set[str], where: str) -> None:
    for key in table:
        if key not in allowed:
            prefix = f"{where}." if where else ""
            raise _fail(
                path, f"{prefix}{key}", f"one of the keys {', '.join(sorted(allowed))}", key
            )


def _check_parameters(path: Path, table: object, where: str) -> dict:
    if not isinstance(table, dict):
        raise _fail(path, where, "a table of parameter = value", table)
    for name, value in table.items():
        if not _PARAMETER.match(name):
            raise _fail(path, f"{where}.{name}", "a Python identifier as parameter name", name)
        if isinstance(value, dict):
            raise _fail(path, f"{where}.{name}", "a string, number, boolean or list", value)
    return dict(table)


def _check_names(path: Path, value: object, key: str, expected: str) -> tuple[str, ...]:
    """A list of distinct non-empty strings (absent: the empty tuple, i.e. no restriction)."""
    if value is None:
        return ()
    if (
        not isinstance(value, list)
        or not all(isinstance(item, str) and item.strip() for item in value)
        or len(set(value)) != len(value)
    ):
        raise _fail(path, key, f"a list of distinct {expected}", value)
    return tuple(item.strip() for item in value)


def load_spec(path: Path | str) -> ReportSpec:
    """Read and validate a report spec; every problem is a one-line DataError."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(
            file=path, expected="a report spec (TOML file)", found="no such file"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DataError(file=path, expected="valid TOML", found=str(error)) from None
    _check_keys(path, data, _TOP_KEYS, "")

    report = data.get("report")
    if not isinstance(report, dict):
        raise _fail(path, "report", "a [report] table", report)
    _check_keys(path, report, _REPORT_KEYS, "report")

    name = report.get("name", "report")
    if not isinstance(name, str) or not _NAME.match(name):
        raise _fail(path, "report.name", "a file name without directory", name)

    languages = report.get("languages")
    if (
        not isinstance(languages, list)
        or not languages
        or any(lang not in SUPPORTED_LANGUAGES for lang in languages)
        or len(set(languages)) != len(languages)
    ):
        raise _fail(
            path,
            "report.languages",
            f"a non-empty list of distinct languages from {list(SUPPORTED_LANGUAGES)}",
            languages,
        )

    titles = report.get("title")
    if not isinstance(titles, dict):
        raise _fail(path, "report.title", "a table with one title per language", titles)
    _check_keys(path, titles, set(SUPPORTED_LANGUAGES), "report.title")
    for lang in languages:
        if not isinstance(titles.get(lang), str) or not titles[lang].strip():
            raise _fail(path, f"report.title.{lang}", "a non-empty title", titles.get(lang))

    lang_parameter = report.get("lang_parameter", "lang")
    if not isinstance(lang_parameter, str) or not _PARAMETER.match(lang_parameter):
        raise _fail(path, "report.lang_parameter", "a Python identifier", lang_parameter)

    timeout = report.get("timeout", DEFAULT_CELL_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise _fail(path, "report.timeout", "a positive number of seconds per cell", timeout)

    notebook_dir = report.get("notebook_dir", ".")
    if not isinstance(notebook_dir, str):
        raise _fail(path, "report.notebook_dir", "a directory relative to the spec", notebook_dir)
    base = (path.parent / notebook_dir).resolve()

    parameters = _check_parameters(path, data.get("parameters", {}), "parameters")
    if lang_parameter in parameters:
        raise _fail(
            path,
            f"parameters.{lang_parameter}",
            "no language parameter (the build sets it for each language)",
            parameters[lang_parameter],
        )

    sources = _check_names(path, report.get("sources"), "report.sources", "source file names")
    topics = _check_names(path, report.get("topics"), "report.topics", "topic ids")

    # No [[notebook]] at all is a report of appendices only (a new project's first build).
    entries = data.get("notebook", [])
    if not isinstance(entries, list):
        raise _fail(path, "notebook", "[[notebook]] entries", entries)
    notebooks = []
    seen = set()
    for number, entry in enumerate(entries, start=1):
        where = f"notebook[{number}]"
        if not isinstance(entry, dict):
            raise _fail(path, where, "a [[notebook]] table", entry)
        _check_keys(path, entry, _NOTEBOOK_KEYS, where)
        nb_name = entry.get("name")
        if not isinstance(nb_name, str) or not _NAME.match(nb_name):
            raise _fail(path, f"{where}.name", "a notebook name such as 00_summary", nb_name)
        if nb_name in seen:
            raise _fail(path, f"{where}.name", "a name used once", nb_name)
        seen.add(nb_name)
        file = entry.get("file", f"{nb_name}.ipynb")
        if not isinstance(file, str):
            raise _fail(path, f"{where}.file", "a notebook path relative to notebook_dir", file)
        nb_path = base / file
        if not nb_path.is_file():
            raise _fail(path, f"{where}.name", f"an existing notebook ({nb_path})", nb_name)
        nb_parameters = _check_parameters(path, entry.get("parameters", {}), f"{where}.parameters")
        if lang_parameter in nb_parameters:
            raise _fail(
                path,
                f"{where}.parameters.{lang_parameter}",
                "no language parameter (the build sets it for each language)",
                nb_parameters[lang_parameter],
            )
        notebooks.append(NotebookSpec(name=nb_name, path=nb_path, parameters=nb_parameters))

    variants = []
    entries = data.get("variant", [])
    if not isinstance(entries, list):
        raise _fail(path, "variant", "[[variant]] tables", entries)
    for number, entry in enumerate(entries, start=1):
        where = f"variant[{number}]"
        if not isinstance(entry, dict):
            raise _fail(path, where, "a [[variant]] table", entry)
        _check_keys(path, entry, _VARIANT_KEYS, where)
        variant_name = entry.get("name")
        if not isinstance(variant_name, str) or not _NAME.match(variant_name):
            raise _fail(path, f"{where}.name", "a folder name such as rate-high", variant_name)
        if variant_name in {name for name, _ in variants}:
            raise _fail(path, f"{where}.name", "a name used once", variant_name)
        variant_parameters = _check_parameters(
            path, entry.get("parameters", {}), f"{where}.parameters"
        )
        if not variant_parameters:
            raise _fail(path, f"{where}.parameters", "at least one parameter", {})
        variants.append((variant_name, variant_parameters))

    return ReportSpec(
        path=path.resolve(),
        name=name,
        languages=tuple(languages),
        titles={lang: titles[lang].strip() for lang in languages},
        lang_parameter=lang_parameter,
        parameters=parameters,
        notebooks=tuple(notebooks),
        sources=sources,
        topics=topics,
        timeout=float(timeout),
        variants=tuple(variants),
    )


def parse_parameter(text: str) -> tuple[str, object]:
    """`name=value` from the command line; the value is JSON when it parses, else a string."""
    name, sep, raw = text.partition("=")
    name = name.strip()
    if not sep or not _PARAMETER.match(name):
        raise ParameterError(parameter=name or text, expected="name=value", found=text)
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    return name, value


def with_overrides(
    spec: ReportSpec,
    languages: list[str] | None = None,
    parameters: dict | None = None,
) -> ReportSpec:
    """The spec with command-line choices applied: a subset of its languages (in the order
    given, duplicates dropped) and parameter values that win over the spec's."""
    if languages:
        chosen = tuple(dict.fromkeys(languages))
        for lang in chosen:
            if lang not in spec.languages:
                raise ParameterError(
                    parameter="--lang",
                    expected=f"one of the spec's languages {list(spec.languages)}",
                    found=lang,
                )
        spec = replace(spec, languages=chosen)
    if parameters:
        if spec.lang_parameter in parameters:
            raise ParameterError(
                parameter=spec.lang_parameter,
                expected="--lang to choose languages, not -p",
                found=parameters[spec.lang_parameter],
            )
        spec = replace(spec, overrides={**spec.overrides, **parameters})
    return spec
