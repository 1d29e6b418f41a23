"""Variants: one report per set of parameter values, rendered by one build.

`policyreport build -m rate=6.8,7.0,7.2` renders three variants (several -m: every
combination, in the order given); `--variants` renders the spec's `[[variant]]` entries
(a name and parameters). Each variant is the whole report with its parameters, published
under `<out>/<name>/variants/<variant>/` with the main report's inner layout
(`<name>.<lang>.html|pdf`, `notebooks/`, `figures/<lang>/`) and a `variant.json` of its
parameters; `<out>/<name>/index.html` lists every variant there with its parameters and
links. A variant build leaves the main report, and figures/, as they are. Parameters are
checked like -p before any kernel starts.
"""

from __future__ import annotations

import html
import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path

from policyreport.errors import ParameterError

VARIANT_FILE = "variant.json"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.=-]+")


@dataclass(frozen=True)
class Variant:
    name: str  # the folder under <name>/variants/
    parameters: dict


def _value(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return text


def variant_name(parameters: dict) -> str:
    """A folder name that says the values: {"rate": 7.0, "year": 2025} -> rate=7.0_year=2025."""
    parts = [
        f"{name}={json.dumps(value, ensure_ascii=False)}" for name, value in parameters.items()
    ]
    return _UNSAFE.sub("-", "_".join(parts).replace('"', "")).strip("-") or "variant"


def parse_matrix(texts: list[str]) -> list[Variant]:
    """-m NAME=V1,V2 … -> one Variant per combination of values."""
    from policyreport.build.spec import parse_parameter

    axes = []
    for text in texts:
        name, _ = parse_parameter(text)  # checks NAME=…
        raw = text.partition("=")[2]
        values = [_value(part.strip()) for part in raw.split(",")]
        if any(part.strip() == "" for part in raw.split(",")):
            raise ParameterError(
                parameter=name, expected="-m NAME=V1,V2,… with no empty value", found=raw
            )
        if name in {axis for axis, _ in axes}:
            raise ParameterError(parameter=name, expected="one -m per parameter", found=text)
        axes.append((name, values))
    variants = []
    for combination in itertools.product(*(values for _, values in axes)):
        parameters = {name: value for (name, _), value in zip(axes, combination, strict=True)}
        variants.append(Variant(variant_name(parameters), parameters))
    names = [variant.name for variant in variants]
    if len(set(names)) != len(names):
        raise ParameterError(parameter="-m", expected="distinct values", found=texts)
    return variants


def resolve_variants(spec, matrix: list[str], from_spec: bool) -> list[Variant]:
    """The variants a build renders: -m's, else the spec's with --variants, else none."""
    if matrix:
        variants = parse_matrix(matrix)
    elif from_spec:
        if not spec.variants:
            raise ParameterError(
                parameter="--variants",
                expected=f"[[variant]] entries in {spec.path.name}",
                found="none",
            )
        variants = [Variant(name, dict(parameters)) for name, parameters in spec.variants]
    else:
        return []
    for variant in variants:
        if spec.lang_parameter in variant.parameters:
            raise ParameterError(
                parameter=spec.lang_parameter,
                expected="--lang to choose languages, not a variant parameter",
                found=variant.parameters[spec.lang_parameter],
            )
    return variants


# The index speaks both languages: (English, Chinese), the Chinese marked as such.
INDEX_WORDS = {
    "title": ("variants", "变体"),
    "lead": (
        "Each variant is the whole report with the parameters shown.",
        "每个变体都是完整报告，参数如下。",
    ),
    "variant": ("variant", "变体"),
    "parameters": ("parameters", "参数"),
    "files": ("report", "报告"),
}


def _both(key: str, markup: bool = True) -> str:
    """The index's words for `key` in both languages; in markup, the Chinese in its own lang
    (the page is English) so that a screen reader voices it as Chinese."""
    en, zh = INDEX_WORDS[key]
    if not markup:
        return f"{en} / {zh}"
    return f'{html.escape(en)} / <span lang="zh-Hans">{html.escape(zh)}</span>'


def write_index(staging: Path, out_dir: Path, spec, variants: list[Variant]) -> list[Path]:
    """<name>/variants/<v>/variant.json for this build's variants, and <name>/index.html
    listing every variant published or being published; returns the staged paths."""
    produced = []
    base = Path(spec.name)
    for variant in variants:
        relative = base / "variants" / variant.name / VARIANT_FILE
        (staging / relative).parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(variant.parameters, ensure_ascii=False, sort_keys=True, indent=1)
        (staging / relative).write_text(text + "\n", encoding="utf-8")
        produced.append(relative)
    listed = {variant.name: variant.parameters for variant in variants}
    published = out_dir / base / "variants"
    for path in sorted(published.glob(f"*/{VARIANT_FILE}")) if published.is_dir() else ():
        if path.parent.name not in listed:
            try:
                listed[path.parent.name] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
    rows = []
    for name in sorted(listed):
        parameters = ", ".join(
            f"{html.escape(key)} = {html.escape(json.dumps(value, ensure_ascii=False))}"
            for key, value in sorted(listed[name].items())
        )
        links = " · ".join(
            f'<a href="variants/{html.escape(name)}/{html.escape(spec.name)}.{lang}.{kind}">'
            f"{lang} {kind.upper()}</a>"
            for lang in spec.languages
            for kind in ("html", "pdf")
        )
        rows.append(f"<tr><td>{html.escape(name)}</td><td>{parameters}</td><td>{links}</td></tr>")
    from policyreport.build.assemble import HTML_LANG

    first = spec.languages[0]
    title = spec.titles[first]
    first_lang = HTML_LANG.get(first, first)
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)} — {html.escape(_both('title', markup=False))}</title>"
        f'</head><body><main><h1><span lang="{first_lang}">{html.escape(title)}</span> — '
        f"{_both('title')}</h1><p>{_both('lead')}</p><table><thead><tr>"
        f'<th scope="col">{_both("variant")}</th><th scope="col">{_both("parameters")}</th>'
        f'<th scope="col">{_both("files")}</th></tr></thead><tbody>\n'
        + "\n".join(rows)
        + "\n</tbody></table></main></body></html>\n"
    )
    index = base / "index.html"
    (staging / index).write_text(page, encoding="utf-8")
    produced.append(index)
    return produced
