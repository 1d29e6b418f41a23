"""The project's vocabulary, declared once in data: units, qualifiers, kinds and topics.

`data/vocabulary.toml` (referenced by data/datapackage.json's ``"vocabulary"`` key) says which
units, qualifiers, kinds and topics a data file may use and the words the report writes for
each, in Chinese and English. Everything reads it from here: the Table Schema enums (our
reader overlays them; `sync_datapackage`, run by `policyreport sync` and new-topic, keeps the
descriptor's copy in step for Frictionless, and `policyreport check` refuses a stale copy
without writing), the formatting of figures (`policyreport.authoring.fmt`), the checks and
`draft`. Adding a unit or a topic is one edit in that file (then `policyreport sync`;
new-topic does both) and no package change.

Public API (other modules and commands call these; keep the signatures stable):

- ``load_vocabulary(data_dir=None) -> Vocabulary``: the validated vocabulary (cached until
  the file changes). A bad file raises DataError naming the file and the entry.
- ``add_topic(data_dir, name, title_zh, title_en, *, prefix=None) -> Topic``: register a
  topic, editing the vocabulary file atomically (and the data package's enums with it).
- ``sync_datapackage(data_dir=None) -> list[str]``: rewrite the enums of datapackage.json
  from the vocabulary; returns the ``resource.field`` names it changed (`policyreport sync`).
- ``stale_enums(data_dir=None) -> StaleEnumError | None``: what sync would change, read
  only (`policyreport check` refuses a stale descriptor with it).
- ``schema_enums(vocabulary) -> dict[str, list[str]]``: field name -> allowed values.
"""

from __future__ import annotations

import contextlib
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policyreport import paths
from policyreport.data.files import write_atomic
from policyreport.errors import DataError, StaleEnumError

VOCABULARY_FILE = "vocabulary.toml"
#: Table Schema field name -> vocabulary section whose ids are that field's enum.
ENUM_FIELDS = {"unit": "units", "qualifier": "qualifiers", "kind": "kinds", "topic": "topics"}
SECTIONS = ("units", "qualifiers", "kinds", "topics")
TOPIC_NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Unit:
    """How a unit reads after (or before) a number, and how a source writes it.
    The keys are explained at the top of data/vocabulary.toml."""

    id: str
    zh: str = ""
    zh_noun: str = ""
    zh_prefix: str = ""
    en_one: str = ""
    en_many: str | None = None
    en_prefix: str = ""
    scale: bool = True
    group: bool = True
    ordinal: bool = False
    axis: str | None = None
    count: bool = False
    kind: str | None = None
    text: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    per_whole: float | None = None
    fraction: bool = False
    difference_of: str | None = None

    def en_noun(self, plural: bool) -> str:
        if plural and self.en_many is not None:
            return self.en_many
        return self.en_one


@dataclass(frozen=True)
class Qualifier:
    id: str
    zh: str = ""
    en: str = ""
    zh_infix: str = ""
    text: tuple[str, ...] = ()


@dataclass(frozen=True)
class Kind:
    id: str
    zh: str = ""
    en: str = ""
    cues: tuple[str, ...] = ()
    count_cues: tuple[str, ...] = ()


@dataclass(frozen=True)
class Topic:
    id: str
    title_zh: str
    title_en: str
    prefix: str | None = None


@dataclass(frozen=True)
class Vocabulary:
    path: Path
    units: dict[str, Unit]
    qualifiers: dict[str, Qualifier]
    kinds: dict[str, Kind]
    topics: dict[str, Topic]

    def unit(self, unit_id: str) -> Unit:
        try:
            return self.units[unit_id]
        except KeyError:
            raise ValueError(
                f"unit {unit_id!r} is not in the vocabulary ({self.path.name}); "
                "add it under [units] there"
            ) from None

    def fraction_unit(self) -> Unit | None:
        """The unit a fraction of the text (约五分之一) is drafted in (`fraction = true`)."""
        return next((unit for unit in self.units.values() if unit.fraction), None)

    def qualifier(self, qualifier_id: str) -> Qualifier:
        try:
            return self.qualifiers[qualifier_id]
        except KeyError:
            raise ValueError(
                f"qualifier {qualifier_id!r} is not in the vocabulary ({self.path.name})"
            ) from None


# --- the fields each section's entries may have: name -> (type, default)
_STR, _BOOL, _LIST, _NUM = "a string", "true or false", "a list of strings", "a number"
_UNIT_KEYS = {
    "zh": (_STR, ""),
    "zh_noun": (_STR, ""),
    "zh_prefix": (_STR, ""),
    "en_one": (_STR, ""),
    "en_many": (_STR, None),
    "en_prefix": (_STR, ""),
    "scale": (_BOOL, True),
    "group": (_BOOL, True),
    "ordinal": (_BOOL, False),
    "axis": (_STR, None),
    "count": (_BOOL, False),
    "kind": (_STR, None),
    "text": (_LIST, None),
    "context": (_LIST, ()),
    "per_whole": (_NUM, None),
    "fraction": (_BOOL, False),
    "difference_of": (_STR, None),
}
_QUALIFIER_KEYS = {
    "zh": (_STR, None),
    "en": (_STR, None),
    "zh_infix": (_STR, ""),
    "text": (_LIST, ()),
}
_KIND_KEYS = {
    "zh": (_STR, None),
    "en": (_STR, None),
    "cues": (_LIST, ()),
    "count_cues": (_LIST, ()),
}
_TOPIC_KEYS = {"title_zh": (_STR, None), "title_en": (_STR, None), "prefix": (_STR, None)}
_REQUIRED = object()


def vocabulary_path(data_dir: Path | str | None = None) -> Path:
    """The vocabulary file of a data directory: datapackage.json's "vocabulary" key, else
    data/vocabulary.toml."""
    data = Path(data_dir) if data_dir else paths.DATA
    package = data / "datapackage.json"
    name = VOCABULARY_FILE
    # A missing or broken data package is reported by the table reader, not here.
    with contextlib.suppress(OSError, ValueError, AttributeError):
        stat = package.stat()
        cached = _PACKAGE_CACHE.get(package)
        if cached and cached[:2] == (stat.st_mtime_ns, stat.st_size):
            return data / cached[2]
        name = json.loads(package.read_text(encoding="utf-8")).get("vocabulary", name)
        _PACKAGE_CACHE[package] = (stat.st_mtime_ns, stat.st_size, name)
    return data / name


# The "vocabulary" key of each datapackage.json read, by its modification time and size:
# formatting a report asks for the vocabulary thousands of times, and parsing the whole
# descriptor each time was most of the work.
_PACKAGE_CACHE: dict[Path, tuple[int, int, str]] = {}


def load_vocabulary(data_dir: Path | str | None = None) -> Vocabulary:
    """The validated vocabulary of `data_dir` (default: the project's data/)."""
    path = vocabulary_path(data_dir)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise DataError(
            file=path, expected="the project's vocabulary file", found="no such file"
        ) from None
    return _load(path, stat.st_mtime_ns, stat.st_size)


_CACHE: dict[Path, tuple[int, int, Vocabulary]] = {}


def _load(path: Path, mtime: int, size: int) -> Vocabulary:
    cached = _CACHE.get(path)
    if cached and cached[:2] == (mtime, size):
        return cached[2]
    vocabulary = parse_vocabulary(path.read_bytes(), path)
    _CACHE[path] = (mtime, size, vocabulary)
    return vocabulary


def parse_vocabulary(raw: bytes, path: Path) -> Vocabulary:
    """Validate the bytes of a vocabulary file; DataError names the file and the entry."""
    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise DataError(
            file=path, expected="UTF-8 text", found=f"byte at offset {error.start}"
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise DataError(file=path, expected="valid TOML", found=str(error)) from None
    for key in document:
        if key not in SECTIONS:
            raise DataError(
                file=path, field=key, expected=f"only the sections {', '.join(SECTIONS)}"
            )
    for section in SECTIONS:
        if not isinstance(document.get(section), dict) or (
            not document[section] and section != "topics"  # a new project has no topic yet
        ):
            raise DataError(
                file=path, field=section, expected=f"a [{section}.NAME] table", found="none"
            )
    units = {
        k: Unit(id=k, **_entry(path, "units", k, v, _UNIT_KEYS))
        for k, v in _items(path, document, "units")
    }
    qualifiers = {
        k: Qualifier(id=k, **_entry(path, "qualifiers", k, v, _QUALIFIER_KEYS))
        for k, v in _items(path, document, "qualifiers")
    }
    kinds = {
        k: Kind(id=k, **_entry(path, "kinds", k, v, _KIND_KEYS))
        for k, v in _items(path, document, "kinds")
    }
    topics = {}
    for name, value in _items(path, document, "topics"):
        if not TOPIC_NAME.match(name):
            raise DataError(
                file=path, field=f"topics.{name}", expected="a snake_case topic name", found=name
            )
        topics[name] = Topic(id=name, **_entry(path, "topics", name, value, _TOPIC_KEYS))
    units = {k: _unit_defaults(unit) for k, unit in units.items()}
    for unit in units.values():
        where = f"units.{unit.id}"
        if unit.axis is not None and unit.axis not in units:
            raise DataError(
                file=path, field=f"{where}.axis", expected="the id of a unit", found=unit.axis
            )
        if unit.kind is not None and unit.kind not in kinds:
            raise DataError(
                file=path, field=f"{where}.kind", expected="the id of a kind", found=unit.kind
            )
        if unit.difference_of is not None and unit.difference_of not in units:
            raise DataError(
                file=path,
                field=f"{where}.difference_of",
                expected="the id of a unit",
                found=unit.difference_of,
            )
        if unit.fraction and unit.per_whole is None:
            raise DataError(
                file=path,
                field=f"{where}.fraction",
                expected="per_whole beside it (how many of the unit make a whole)",
                found="none",
            )
    fractions = [unit.id for unit in units.values() if unit.fraction]
    if len(fractions) > 1:
        raise DataError(
            file=path,
            field=f"units.{fractions[1]}.fraction",
            expected="one unit with fraction = true",
            found=", ".join(fractions),
        )
    return Vocabulary(path=path, units=units, qualifiers=qualifiers, kinds=kinds, topics=topics)


def _items(path: Path, document: dict, section: str):
    for name, value in document[section].items():
        if not _ID.match(name):
            raise DataError(
                file=path, field=f"{section}.{name}", expected="a name of letters, digits and _"
            )
        if not isinstance(value, dict):
            raise DataError(
                file=path, field=f"{section}.{name}", expected="a table of keys", found=repr(value)
            )
        yield name, value


def _entry(path: Path, section: str, name: str, value: dict, keys: dict) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in value.items():
        where = f"{section}.{name}.{key}"
        if key not in keys:
            raise DataError(file=path, field=where, expected=f"one of the keys {', '.join(keys)}")
        kind = keys[key][0]
        ok = {
            _STR: isinstance(item, str) and "\n" not in item,
            _BOOL: isinstance(item, bool),
            _LIST: isinstance(item, list) and all(isinstance(x, str) and x for x in item),
            _NUM: isinstance(item, int | float) and not isinstance(item, bool) and item > 0,
        }[kind]
        if not ok:
            raise DataError(file=path, field=where, expected=kind, found=repr(item))
        out[key] = tuple(item) if kind == _LIST else item
    for key, (_kind, default) in keys.items():
        if key not in out:
            if default is None and key in ("zh", "en", "title_zh", "title_en"):
                raise DataError(
                    file=path, field=f"{section}.{name}.{key}", expected="this key", found="none"
                )
            out[key] = default
    return out


def _unit_defaults(unit: Unit) -> Unit:
    """A unit's source words default to its measure word."""
    if unit.text is None:
        return Unit(**{**unit.__dict__, "text": (unit.zh,) if unit.zh else ()})
    return unit


# --- the data package's enums --------------------------------------------------------------


def schema_enums(vocabulary: Vocabulary) -> dict[str, list[str]]:
    """Table Schema field name -> the ids the vocabulary allows, in the file's order."""
    return {field: list(getattr(vocabulary, section)) for field, section in ENUM_FIELDS.items()}


def overlay_enums(schema: dict, vocabulary: Vocabulary) -> dict:
    """A copy of a Table Schema whose vocabulary-backed enums come from the vocabulary."""
    enums = schema_enums(vocabulary)
    fields = []
    for spec in schema["fields"]:
        constraints = spec.get("constraints", {})
        if spec["name"] in enums and "enum" in constraints:
            spec = {**spec, "constraints": {**constraints, "enum": enums[spec["name"]]}}
        fields.append(spec)
    return {**schema, "fields": fields}


def _descriptor(data: Path) -> tuple[Path, dict, list[tuple[dict, str, list[str]]]]:
    """datapackage.json's path, its parsed JSON, and each vocabulary-backed enum field whose
    values differ from the vocabulary's: (its field spec, ``resource.field``, the values it
    should hold)."""
    package_path = data / "datapackage.json"
    package = json.loads(package_path.read_text(encoding="utf-8"))
    enums = schema_enums(load_vocabulary(data))
    stale = []
    for resource in package.get("resources", []):
        for spec in resource.get("schema", {}).get("fields", []):
            constraints = spec.get("constraints", {})
            name = spec.get("name")
            if name in enums and "enum" in constraints and constraints["enum"] != enums[name]:
                stale.append((spec, f"{resource['name']}.{name}", enums[name]))
    return package_path, package, stale


def stale_enums(data_dir: Path | str | None = None) -> StaleEnumError | None:
    """What `sync_datapackage` would change, as the error `policyreport check` reports (None
    when the descriptor is in step). Reads only."""
    data = Path(data_dir) if data_dir else paths.DATA
    package_path, _package, stale = _descriptor(data)
    if not stale:
        return None
    missing, extra = [], []
    for spec, _name, wanted in stale:
        held = spec["constraints"]["enum"]
        missing += [v for v in wanted if v not in held and v not in missing]
        extra += [v for v in held if v not in wanted and v not in extra]
    return StaleEnumError(
        file=package_path,
        vocabulary=vocabulary_path(data),
        fields=[name for _spec, name, _wanted in stale],
        missing=missing,
        extra=extra,
    )


def sync_datapackage(data_dir: Path | str | None = None) -> list[str]:
    """Rewrite datapackage.json's enums from the vocabulary (atomically); the changed
    ``resource.field`` names, [] when the descriptor was already in step (nothing written)."""
    data = Path(data_dir) if data_dir else paths.DATA
    package_path, package, stale = _descriptor(data)
    for spec, _name, wanted in stale:
        spec["constraints"]["enum"] = wanted
    if stale:
        write_atomic(package_path, json.dumps(package, indent=2, ensure_ascii=False) + "\n")
    return [name for _spec, name, _wanted in stale]


# --- editing -------------------------------------------------------------------------------


def _toml_string(text: str) -> str:
    # JSON's string escapes (\" \\ \n \uXXXX) are TOML basic-string escapes too.
    return json.dumps(text, ensure_ascii=False)


def add_topic(
    data_dir: Path | str | None,
    name: str,
    title_zh: str,
    title_en: str,
    *,
    prefix: str | None = None,
) -> Topic:
    """Register topic `name` in the vocabulary file (one atomic edit) and in the data
    package's enums. DataError (nothing written) for a name that is not snake_case or is
    already a topic, or an empty title."""
    data = Path(data_dir) if data_dir else paths.DATA
    path = vocabulary_path(data)
    vocabulary = load_vocabulary(data)
    if not TOPIC_NAME.match(name or ""):
        raise DataError(
            file=path,
            field="topics",
            expected="a snake_case topic name (e.g. cloud_earnings)",
            found=name,
        )
    if name in vocabulary.topics:
        raise DataError(
            file=path, field=f"topics.{name}", expected="a new topic", found="already there"
        )
    for field, title in (("title_zh", title_zh), ("title_en", title_en)):
        if not title or not title.strip() or "\n" in title:
            raise DataError(
                file=path,
                field=f"topics.{name}.{field}",
                expected="a one-line title",
                found=title,
            )
    lines = [
        f"[topics.{name}]",
        f"title_zh = {_toml_string(title_zh.strip())}",
        f"title_en = {_toml_string(title_en.strip())}",
    ]
    if prefix:
        lines.append(f"prefix = {_toml_string(prefix)}")
    old = path.read_text(encoding="utf-8")
    new = old.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
    parse_vocabulary(new.encode("utf-8"), path)  # never write a file that does not load
    write_atomic(path, new)
    sync_datapackage(data)
    return load_vocabulary(data).topics[name]
