"""What a person still has to fill in: every ``TODO`` left in the data by `add-source` and
`draft`.

A field that a command cannot know (a publisher, a subject in English, a doubtful period) is
written as ``TODO`` or ``TODO:<field> <suggestion>``. `policyreport check` refuses the data
while any is left and names each one on its own line: the file, the row (CSV, counted as a
spreadsheet shows it) or the key path (JSON), and the field.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from policyreport.errors import PolicyReportError

MARK = "TODO"


@dataclass(frozen=True)
class Todo:
    file: Path
    field: str
    text: str
    row: int | None = None

    def __str__(self) -> str:
        row = f", row {self.row}" if self.row is not None else ""
        return f"{self.file}{row}, field '{self.field}': {self.text}"


@dataclass
class TodoError(PolicyReportError):
    """Fields still marked TODO; each is listed on its own line before this one."""

    todos: list[Todo]

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        files = sorted({str(todo.file) for todo in self.todos})
        return (
            f"{len(self.todos)} field(s) still marked TODO in {', '.join(files)}; "
            "fill them in (each is listed above)"
        )


def is_todo(value: object) -> bool:
    return isinstance(value, str) and value.strip().startswith(MARK)


def csv_todos(path: Path, shown: Path | None = None) -> list[Todo]:
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    found = []
    for row_number, cells in enumerate(reader, start=2):
        for name, cell in zip(header, cells, strict=False):
            if is_todo(cell):
                found.append(Todo(shown or path, name, cell.strip(), row_number))
    return found


def json_todos(path: Path, shown: Path | None = None) -> list[Todo]:
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return []  # an unreadable file is reported by its own loader, with the reason
    found: list[Todo] = []

    def walk(value: object, where: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{where}.{key}" if where else key)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{where}[{index}]")
        elif is_todo(value):
            found.append(Todo(shown or path, where, str(value).strip()))

    walk(document, "")
    return found


def find_todos(data_dir: Path) -> list[Todo]:
    """Every TODO in the CSV files of `data_dir` and the JSON files of its sources/."""
    found: list[Todo] = []
    root = data_dir.parent
    for path in sorted(data_dir.glob("*.csv")):
        found += csv_todos(path, _shown(path, root))
    for path in sorted((data_dir / "sources").glob("*.json")):
        found += json_todos(path, _shown(path, root))
    return found


def _shown(path: Path, root: Path) -> Path:
    try:
        return path.relative_to(root)
    except ValueError:
        return path
