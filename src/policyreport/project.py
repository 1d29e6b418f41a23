"""`policyreport init DIR`: lay out a new project that `policyreport check`, `build` (and the
project's `make check`, `make report`, `make test`) work in at once.

Everything comes from the template folder policyreport/project_template/, copied as is:
data/ (the data package and the vocabulary, which define the schema: general units, every
qualifier and kind, no topic yet; and every table with its header only),
report/report.toml, a Makefile, a README stub and a .gitignore; data/sources/, notebooks/ and
figures/ start empty. The files that define the schema are SCHEMA_FILES (a new one joins
them there, one line, and in the template folder).

DIR must not exist or be empty; the project is assembled in a temporary sibling folder and
renamed into place, so a failure never leaves half a project.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from importlib.resources import as_file, files
from pathlib import Path

from policyreport.errors import DataError

EXAMPLES = """
policyreport init ../my-pages
    a new project in ../my-pages: data/ (data package, vocabulary, empty tables), notebooks/,
    report/report.toml, a Makefile and a README; then `cd ../my-pages && make check`
"""

#: The data files that define the schema (columns; units, qualifiers, kinds, topics).
SCHEMA_FILES = ("datapackage.json", "vocabulary.toml")
#: Template files renamed on the way: dot files are not package data.
_RENAMED = {"gitignore": ".gitignore"}
_EMPTY_FOLDERS = ("data/sources", "notebooks", "figures")


def add_arguments(parser) -> None:
    parser.add_argument("directory", type=Path, help="the new project's folder (created)")


def template_files() -> list[tuple[Path, str]]:
    """(template file, path in the project) for every file of the template, sorted."""
    with as_file(files("policyreport") / "project_template") as template:
        template = Path(template)
        found = []
        for path in sorted(template.rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            relative = path.relative_to(template).as_posix()
            found.append((path, _RENAMED.get(relative, relative)))
        return found


def init_project(directory: Path | str) -> Path:
    """Create the project in `directory` (absent or empty); returns its resolved path."""
    target = Path(directory).resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise DataError(
            file=target, expected="a folder that does not exist yet or is empty", found="not empty"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for source, relative in template_files():
            destination = staging / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)
        for folder in _EMPTY_FOLDERS:
            (staging / folder).mkdir(parents=True, exist_ok=True)
        missing = [name for name in SCHEMA_FILES if not (staging / "data" / name).is_file()]
        if missing:  # a broken installation, not a user error
            raise RuntimeError(f"the project template lacks data/{missing[0]}")
        os.chmod(staging, 0o777 & ~_umask())
        if target.exists():
            target.rmdir()  # empty, checked above
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def run(args) -> int:
    target = init_project(args.directory)
    print(f"policyreport project created in {target}", file=sys.stdout)
    print("next: cd into it, add a page under data/sources/, then `make check`", file=sys.stdout)
    return 0
