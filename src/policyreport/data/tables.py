"""Read a CSV resource of the data package and check it against its Table Schema.

Frictionless validates the same descriptor in the tests; this reader exists because the
user-facing contract is one readable line naming file, row and field, raised where the data
enters, and because it is fast enough to run at the top of every notebook.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from functools import cache
from pathlib import Path

from policyreport import paths
from policyreport.errors import DataError


@cache
def _descriptor(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DataError(
            file=path, expected="a readable JSON data package", found=str(error)
        ) from None


def resource_schema(name: str, datapackage: Path | None = None) -> dict:
    """The Table Schema of resource `name` in data/datapackage.json, its unit, qualifier,
    kind and topic enums taken from the vocabulary beside it (the one place they are
    declared; the descriptor's copy may lag until `policyreport check` refreshes it)."""
    from policyreport.data.vocabulary import load_vocabulary, overlay_enums, vocabulary_path

    path = datapackage or paths.DATAPACKAGE
    for resource in _descriptor(path).get("resources", []):
        if resource.get("name") == name:
            schema = resource["schema"]
            if vocabulary_path(path.parent).exists():
                schema = overlay_enums(schema, load_vocabulary(path.parent))
            return schema
    raise DataError(file=path, expected=f"a resource named '{name}'", found="none")


def read_text(path: Path) -> str:
    """UTF-8 text with an optional BOM; CRLF and CR line ends read as LF."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(file=path, expected="an existing file", found="no such file") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError(
            file=path,
            expected="UTF-8 text",
            found=f"byte 0x{raw[error.start]:02x} at offset {error.start}",
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _convert(value: str, field: dict, path: Path, row: int):
    """One cell to its Python value, or a DataError naming where and what was expected."""
    name = field["name"]
    constraints = field.get("constraints", {})
    if value == "":
        if constraints.get("required"):
            raise DataError(file=path, row=row, field=name, expected=_wanted(name), found="empty")
        return None
    kind = field.get("type", "string")
    if kind in ("number", "integer"):
        try:
            number = float(value) if kind == "number" else int(value)
        except ValueError:
            raise DataError(
                file=path, row=row, field=name, expected=f"a {kind}", found=value
            ) from None
        if isinstance(number, float) and not math.isfinite(number):
            raise DataError(file=path, row=row, field=name, expected="a finite number", found=value)
        return number
    if "enum" in constraints and value not in constraints["enum"]:
        allowed = ", ".join(constraints["enum"])
        raise DataError(file=path, row=row, field=name, expected=f"one of {allowed}", found=value)
    pattern = constraints.get("pattern")
    if pattern and not re.fullmatch(pattern, value):
        raise DataError(
            file=path, row=row, field=name, expected=f"text matching {pattern}", found=value
        )
    return value


LANGUAGES = {"en": "English", "zh": "Chinese"}  # each reader-facing text is in both


def translation_pairs(names: list[str]) -> list[tuple[str, str]]:
    """(stem_en, stem_zh) for every stem that has a column in each language."""
    return [
        (name, name[:-3] + "_zh")
        for name in names
        if name.endswith("_en")
        if name[:-3] + "_zh" in names
    ]


def _wanted(name: str) -> str:
    """What a required cell must hold: a value, or for a text of a language pair, its text."""
    stem, _, lang = name.rpartition("_")
    if lang not in LANGUAGES:
        return "a value"
    other = next(code for code in LANGUAGES if code != lang)
    return f"the {LANGUAGES[lang]} text (a translation of {stem}_{other})"


def _check_translations(record: dict, names: list[str], path: Path, row: int) -> None:
    """An empty translation is an error: a text in one language must be in the other too (an
    optional text, such as a note, may be empty in both)."""
    for pair in translation_pairs(names):
        filled = [name for name in pair if not _blank(record.get(name))]
        if len(filled) == 1:
            (empty,) = [name for name in pair if name not in filled]
            raise DataError(file=path, row=row, field=empty, expected=_wanted(empty), found="empty")


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_table(path: Path, schema: dict) -> list[dict]:
    """Rows of `path` as dicts of typed values, checked against `schema`.

    Checks: the file is UTF-8 with a header row; every schema field is a column; each cell has the
    field's type, enum and pattern; required cells are filled; the primary key is unique; a text
    given in one language of a `<stem>_en`/`<stem>_zh` pair is given in the other too.
    """
    text = read_text(path)
    if not text.strip():
        raise DataError(file=path, expected="a header row and at least one record", found="empty")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    names = [field["name"] for field in schema["fields"]]
    missing = [name for name in names if name not in header]
    if missing:
        raise DataError(
            file=path, row=1, field=missing[0], expected="a column of that name", found="none"
        )
    unknown = [name for name in header if name not in names]
    if unknown:
        raise DataError(
            file=path, row=1, field=unknown[0], expected=f"only the columns {', '.join(names)}"
        )
    fields = {field["name"]: field for field in schema["fields"]}
    key = schema.get("primaryKey") or []
    seen: dict[tuple, int] = {}
    rows = []
    for row_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise DataError(
                file=path,
                row=row_number,
                expected=f"{len(header)} cells",
                found=f"{len(cells)} cells",
            )
        record = {
            name: _convert(cell, fields[name], path, row_number)
            for name, cell in zip(header, cells, strict=True)
        }
        _check_translations(record, names, path, row_number)
        record["_row"] = row_number
        if key:
            identity = tuple(record[name] for name in key)
            if identity in seen:
                raise DataError(
                    file=path,
                    row=row_number,
                    field=key[0] if len(key) == 1 else "+".join(key),
                    expected=f"a unique key (already used in row {seen[identity]})",
                    found=" / ".join(str(part) for part in identity),
                )
            seen[identity] = row_number
        rows.append(record)
    return rows  # a header alone is a valid empty table (a new project has no facts yet)
