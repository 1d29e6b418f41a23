"""The package's layout is its architecture: data → authoring → build, imports one way.

Every import in every module (including those inside functions, which the package uses to
keep start-up fast) is read from the source with `ast`, so an upward import fails here even
if no test happens to execute the line."""

from __future__ import annotations

import ast
from pathlib import Path

import policyreport

PACKAGE = Path(policyreport.__file__).resolve().parent
FIXTURES = Path(__file__).parent / "fixtures" / "layers"

# Rank of each layer: a module may import its own layer and any lower one. The ground
# (paths, errors, the package's __init__) sits under everything; the faces (cli, notebook)
# sit on top and may import any layer; envfile is a tool of its own over paths.
RANK = {"ground": 0, "data": 1, "authoring": 2, "build": 3, "face": 4}
TOP_LEVEL = {
    "__init__": "ground",
    "paths": "ground",
    "errors": "ground",
    "envfile": "face",
    "cli": "face",
    "notebook": "face",
    "project": "face",
}


def layer_of(module: str) -> str:
    """'policyreport.data.scan' -> 'data'; 'policyreport.paths' -> 'ground'."""
    parts = module.split(".")
    assert parts[0] == "policyreport", module
    if len(parts) == 1:
        return "ground"
    if parts[1] in ("data", "authoring", "build"):
        return parts[1]
    return TOP_LEVEL[parts[1]]


def imported_modules(source: Path) -> list[tuple[int, str]]:
    """(line, module) for every policyreport import in the file, at any depth."""
    found = []
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [
                (node.lineno, a.name) for a in node.names if a.name.startswith("policyreport")
            ]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "policyreport":
                # `from policyreport import paths` imports the submodule paths;
                # `from policyreport import __version__` imports the package itself.
                found += [
                    (node.lineno, f"policyreport.{a.name}" if a.name in TOP_LEVEL else node.module)
                    for a in node.names
                ]
            elif node.module.startswith("policyreport."):
                found.append((node.lineno, node.module))
    return found


def upward_imports(package: Path, name: str = "policyreport") -> list[str]:
    """Every import from a lower layer to a higher one, as 'file:line: a -> b'."""
    problems = []
    for source in sorted(package.rglob("*.py")):
        relative = source.relative_to(package).with_suffix("")
        module = ".".join((name, *relative.parts))
        if module.endswith(".__init__"):
            module = module.removesuffix(".__init__")
        here = layer_of(module)
        for line, target in imported_modules(source):
            there = layer_of(target)
            if RANK[there] > RANK[here]:
                shown = source.relative_to(package).as_posix()
                problems.append(f"{shown}:{line}: {here} imports {there} ({target})")
    return problems


def test_the_package_imports_only_downward():
    assert upward_imports(PACKAGE) == []


def test_an_upward_import_is_caught():
    # The fixture's data module imports build inside a function; build importing data is fine.
    assert upward_imports(FIXTURES / "upward") == [
        "data/reads_build.py:5: data imports build (policyreport.build.spec)"
    ]


def test_the_top_level_keeps_only_the_faces_and_the_ground():
    top = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert top == ["__init__", "cli", "envfile", "errors", "notebook", "paths", "project"]
    assert sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()) == [
        "authoring",
        "build",
        "data",
    ]
