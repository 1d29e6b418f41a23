"""Notebook parameters: read them from the notebook's `parameters` cell, check given values
against them, with one readable line per mistake.

The parameters cell is the notebook's interface, written so that `papermill --help-notebook`
shows every parameter with its type, default and meaning:

    lang: str = "zh"  # report language: "zh" (中文) or "en" (English)
    data_dir: str = "data"  # data directory; a relative path is relative to the project root
    usd_cny: Optional[float] = None  # an assumption override; None: the data/assumptions.csv value

Rules (papermill's own parser is line- and regex-based, so these keep it and us in step):
- one assignment per line, annotated with a plain type (str, int, float, bool,
  Optional[float] …; no `X | None`, which papermill cannot read), default a literal;
- a trailing `# comment` says what the parameter means, and contains no "=" (papermill skips
  a line with two "=" signs, and the parameter would vanish from the help);
- an assumption override defaults to None, meaning "the value in data/assumptions.csv".

The notebook JSON is read with the json module: nbformat takes seconds to import.
"""

from __future__ import annotations

import ast
import difflib
import io
import json
import math
import re
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from policyreport.authoring.fmt import LANGUAGES
from policyreport.errors import ParameterError

#: Parameters named like this hold paths (relative ones resolve from the project root).
PATH_SUFFIXES = ("_dir", "_path", "_file")
LANG_PARAMETER = "lang"

_BASE_TYPES = {"str": str, "int": int, "float": float, "bool": bool}
_OPTIONAL = re.compile(r"^(?:Optional\[(\w+)\]|(\w+)\s*\|\s*None|None\s*\|\s*(\w+))$")


@dataclass(frozen=True)
class ParamSpec:
    name: str
    default: object
    type: str  # "str", "float", "Optional[float]" …; "" when neither annotated nor inferable
    help: str

    @property
    def base_type(self) -> str:
        """The type without Optional: "float" for "Optional[float]"."""
        match = _OPTIONAL.match(self.type)
        if match:
            return next(group for group in match.groups() if group)
        return self.type

    @property
    def optional(self) -> bool:
        return bool(_OPTIONAL.match(self.type)) or self.default is None


def is_path_parameter(name: str) -> bool:
    return name.endswith(PATH_SUFFIXES)


# --- reading -----------------------------------------------------------------------------


def _notebook_name(path: Path) -> str:
    return path.stem


def parameters_cell(notebook_path: str | Path) -> str:
    """Source of the first code cell tagged `parameters`."""
    path = Path(notebook_path)
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParameterError(
            parameter="notebook", expected="an existing notebook file", found=str(path)
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ParameterError(
            parameter="notebook", expected="notebook JSON", found=f"{path}: {error}"
        ) from None
    for cell in notebook.get("cells", []):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.get("cell_type") == "code" and "parameters" in tags:
            source = cell.get("source", "")
            return "".join(source) if isinstance(source, list) else source
    raise ParameterError(
        parameter="parameters",
        expected="a code cell tagged 'parameters'",
        found=None,
        notebook=_notebook_name(path),
    )


def _comments(source: str) -> dict[int, str]:
    comments = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token.string.lstrip("#").strip()
    return comments


def _annotation(node: ast.expr | None) -> str:
    if node is None:
        return ""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.strip()
    return ast.unparse(node)


def parse_parameters(source: str, notebook: str | None = None) -> dict[str, ParamSpec]:
    """ParamSpecs from the source of a parameters cell (see the module docstring)."""
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise ParameterError(
            parameter="parameters",
            expected="valid Python in the parameters cell",
            found=f"line {error.lineno}: {error.msg}",
            notebook=notebook,
        ) from None
    comments = _comments(source)
    lines = source.splitlines()
    specs: dict[str, ParamSpec] = {}
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # a docstring
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, annotation, value = node.target.id, _annotation(node.annotation), node.value
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            name, annotation, value = node.targets[0].id, "", node.value
        else:
            raise ParameterError(
                parameter="parameters",
                expected="only `name: type = literal  # meaning` lines in the parameters cell",
                found=lines[node.lineno - 1].strip(),
                notebook=notebook,
            )
        line = lines[node.lineno - 1]
        if node.end_lineno != node.lineno:
            raise ParameterError(
                parameter=name,
                expected="a one-line assignment (papermill reads parameters line by line)",
                found=line.strip(),
                notebook=notebook,
            )
        if value is None:
            raise ParameterError(
                parameter=name, expected="a default value", found=line.strip(), notebook=notebook
            )
        try:
            default = ast.literal_eval(value)
        except ValueError:
            raise ParameterError(
                parameter=name,
                expected="a literal default (string, number, True/False, None, list)",
                found=ast.unparse(value),
                notebook=notebook,
            ) from None
        help_text = comments.get(node.lineno, "")
        if not help_text:
            raise ParameterError(
                parameter=name,
                expected="a trailing `# comment` saying what the parameter means",
                found=line.strip(),
                notebook=notebook,
            )
        if "=" in help_text:
            raise ParameterError(
                parameter=name,
                expected="a comment without '=' (papermill --help-notebook drops such lines)",
                found=help_text,
                notebook=notebook,
            )
        if "|" in annotation:
            raise ParameterError(
                parameter=name,
                expected="an annotation papermill can read, e.g. Optional[float] not float | None",
                found=annotation,
                notebook=notebook,
            )
        kind = annotation or ("" if default is None else type(default).__name__)
        specs[name] = ParamSpec(name=name, default=default, type=kind, help=help_text)
    return specs


def read_parameters(notebook_path: str | Path) -> dict[str, ParamSpec]:
    """The parameters of a notebook, by name, in cell order."""
    path = Path(notebook_path)
    return parse_parameters(parameters_cell(path), notebook=_notebook_name(path))


# --- names: declared, injected ------------------------------------------------------------

#: The comment papermill's Python translator puts on the first line of the cell it injects.
INJECTED_HEADER = "# Parameters"
#: Names papermill injects itself when asked to (--inject-paths): never a typo of the user's.
PAPERMILL_NAMES = re.compile(r"^PM_[A-Z_]+$")


def closest(name: str, declared: Iterable[str]) -> str | None:
    """The declared name `name` was most likely meant to be (case and small typos forgiven)."""
    declared = list(declared)
    by_lower = {candidate.lower(): candidate for candidate in declared}
    if name.lower() in by_lower:
        return by_lower[name.lower()]
    matches = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[matches[0]] if matches else None


def check_declared(values: dict, specs: dict[str, ParamSpec], notebook: str | None) -> None:
    """Raise ParameterError if `values` names a parameter the notebook does not declare,
    naming every such name and the declared one it most resembles."""
    unknown = [name for name in values if name not in specs]
    if not unknown:
        return
    hints = []
    guess = closest(unknown[0], specs)
    if guess:
        hints.append(f"did you mean {guess}?")
    if unknown[1:]:
        others = ", ".join(
            f"'{name}'"
            + (f" (did you mean {closest(name, specs)}?)" if closest(name, specs) else "")
            for name in unknown[1:]
        )
        hints.append(f"also not declared: {others}")
    raise ParameterError(
        unknown[0],
        f"a parameter of this notebook (one of: {', '.join(specs) or 'none'})",
        values[unknown[0]],
        notebook,
        hint="; ".join(hints) or None,
    )


def injected_parameters(inputs: Iterable[str], parameters_source: str | None = None) -> dict:
    """The parameters papermill injected in this run, read from a kernel's input history
    (IPython's `In`, oldest first): {name: value} of the latest cell headed "# Parameters",
    or {} when there is none, or when the notebook's own parameters cell (parameters_source)
    ran after it: then nothing was injected into this run.

    Values are the literals papermill wrote; one that is not a literal is kept as its
    source text. Names papermill adds itself (PM_INPUT_PATH …) are left out."""
    own = parameters_source.strip() if parameters_source else None
    for source in reversed(list(inputs)):
        text = source.strip()
        if own is not None and text == own:
            return {}
        if text.splitlines()[:1] != [INJECTED_HEADER]:
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError:
            return {}
        found = {}
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and not PAPERMILL_NAMES.match(node.targets[0].id)
            ):
                try:
                    found[node.targets[0].id] = ast.literal_eval(node.value)
                except ValueError:
                    found[node.targets[0].id] = ast.unparse(node.value)
        return found
    return {}


# --- validating --------------------------------------------------------------------------


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_type(name: str, value: object, spec: ParamSpec, notebook: str | None) -> object:
    if value is None:
        if spec.optional or not spec.type:
            return None
        raise ParameterError(name, f"a value of type {spec.type}", value, notebook)
    base = spec.base_type
    expected = _BASE_TYPES.get(base)
    if expected is None:
        return value  # an annotation we do not check (list, dict …)
    if expected is float:
        if _is_number(value):
            return float(value)
    elif expected is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif isinstance(value, expected):
        return value
    article = "an" if base[0] in "aeiou" else "a"
    raise ParameterError(
        name, f"{article} {base}{' or None' if spec.optional else ''}", value, notebook
    )


def validate(
    values: dict,
    specs: dict[str, ParamSpec] | None,
    notebook: str | None = None,
    assumption_parameters: Iterable[str] = (),
) -> dict:
    """Check `values` against the notebook's parameters; return all parameters with their
    values (defaults filled in, ints where floats are expected turned into floats).

    specs=None skips the name and type checks (the notebook's parameters are unknown) but
    keeps the rules that hold everywhere: lang, path parameters, assumption overrides."""
    assumption_names = set(assumption_parameters)
    result: dict = {}
    if specs is not None:
        check_declared(values, specs, notebook)
        result.update({name: spec.default for name, spec in specs.items()})
    result.update(values)
    for name, value in result.items():
        spec = specs.get(name) if specs is not None else None
        if name == LANG_PARAMETER:
            if not isinstance(value, str) or value not in LANGUAGES:
                choices = ", ".join(f'"{lang}"' for lang in LANGUAGES)
                raise ParameterError(name, f"a report language, one of {choices}", value, notebook)
        elif name in assumption_names:
            if spec is not None and spec.default is not None:
                raise ParameterError(
                    name,
                    "None as the default in the parameters cell (None: the value in "
                    "data/assumptions.csv), not a number that would hide it",
                    spec.default,
                    notebook,
                )
            if value is not None and not (_is_number(value) and math.isfinite(value) and value > 0):
                raise ParameterError(
                    name,
                    "a positive finite number, or None for the value in data/assumptions.csv",
                    value,
                    notebook,
                )
            result[name] = None if value is None else float(value)
            continue
        elif is_path_parameter(name) and not isinstance(value, str):
            raise ParameterError(
                name,
                "a path as a string (relative paths start at the project root)",
                value,
                notebook,
            )
        if spec is not None:
            result[name] = _check_type(name, value, spec, notebook)
    return result


def check_notebook_parameters(
    notebook_path: str | Path, given: dict, assumption_parameters: Iterable[str]
) -> dict:
    """Read a notebook's parameters and validate `given` against them (before any kernel
    starts); returns every parameter's value."""
    path = Path(notebook_path)
    return validate(
        given,
        read_parameters(path),
        notebook=_notebook_name(path),
        assumption_parameters=assumption_parameters,
    )
