"""Verbatim sources: load a page with its provenance record, find quotes, split it into articles.

A source is three files side by side in ``data/sources/``:

- ``<stem>.txt``: the page as extracted, never edited. Offsets everywhere index the decoded
  ``str`` (a leading BOM is not part of it), so ``source.text[start:end]`` is exact.
- ``<stem>.meta.json``: the provenance record (``META_SCHEMA``), with the sha256 of the
  file's bytes, checked on every load.
- ``<stem>.layout.json``: the page's article map (``LAYOUT_SCHEMA``): ids, kinds and verbatim
  anchors. Everything particular to a page lives there; this module names no page.

Segmentation builds, for each article, a *reading text* from the verbatim text. The verbatim
text is never changed; each reading paragraph keeps the verbatim ``(start, end)`` spans it was
assembled from, and ``paragraph.text == "".join(text[s:e] for s, e in paragraph.spans)``.
The repair rules, all generic:

1. **Layout markup and whitespace.** ``#``/``##`` at the start of a line are heading markup
   from the extraction, not text. Lines holding only whitespace (including U+3000 ideographic
   spaces and no-break spaces) count as blank. The characters in ``INVISIBLE`` (U+3000, U+00A0,
   U+202F, U+200B, U+FEFF) are dropped from the reading text (spans skip them), and whitespace
   at the edges of every line is trimmed; spaces inside a line are kept. A single line break
   inside a block is a layout wrap: the lines are joined with nothing.
2. **Lifted inserts.** A caption or chart title dropped into the middle of another article is
   its own article; the layout marks it with ``inserted_in`` (or it is inferred when its span
   lies inside another article's). Its span, and the headline, kicker, byline, credit and
   section-heading strings the layout declares, are cut out of the host's body.
3. **Broken sentences.** A paragraph that does not end a sentence (``ends_sentence``: its last
   character, ignoring closing brackets, is one of ``。！？!?…``, or it ends in a closing
   quotation mark ``”’」』``) is joined, with nothing in between, to the next paragraph of the
   same section. So a sentence split across blank lines, or around a lifted insert (rule 2),
   reads whole again. Paragraphs are never joined across a section heading.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policyreport import paths
from policyreport.errors import ChecksumError, DataError

META_SUFFIX = ".meta.json"
LAYOUT_SUFFIX = ".layout.json"
KINDS = ("article", "commentary", "caption", "chart_title")
# Kinds whose body is running text: a heading line in them must be declared in the layout.
PROSE_KINDS = ("article", "commentary")
SENTENCE_FINAL = "。！？!?…"
CLOSING_QUOTES = "”’」』"
CLOSING_BRACKETS = "）)】〕"
INVISIBLE = "\u3000\u00a0\u202f\u200b\ufeff"
_UTF8_BOM = b"\xef\xbb\xbf"
_HEADING_MARKUP = re.compile(r"[ \t]*#{1,6}[ \t]+")
_SENTENCE = re.compile(
    rf"(?m)[^\n]*?(?:[{SENTENCE_FINAL}]+[{CLOSING_QUOTES}{CLOSING_BRACKETS}]*|$)"
)

# --- a small JSON Schema subset: type, required, properties, additionalProperties, enum,
# pattern, minLength, items, minItems. The schemas below are valid JSON Schema too.

_DATE = r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
_PARTIAL_DATE = r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?"
_TEXT = {"type": "string", "minLength": 1}
_OPTIONAL_TEXT = {"type": ["string", "null"], "minLength": 1}
# What a reader of the report sees of a source is written in each edition's language: an object
# {"en": …, "zh": …}, both filled (an empty translation is an error).
TRANSLATED_LANGUAGES = ("en", "zh")
_TRANSLATED = {
    "type": "object",
    "required": list(TRANSLATED_LANGUAGES),
    "additionalProperties": False,
    "properties": {
        "en": {**_TEXT, "description": "the text in English"},
        "zh": {**_TEXT, "description": "the text in Chinese"},
    },
}

META_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [
        "file",
        "sha256",
        "title",
        "producer",
        "publisher",
        "publisher_inferred",
        "publisher_basis",
        "citation",
        "language",
        "date_published",
        "date_inferred",
        "date_basis",
        "date_accessed",
        "licence",
    ],
    "additionalProperties": False,
    "properties": {
        "file": {
            "type": "string",
            "pattern": r"^[^/\\]+\.txt$",
            "description": "the source's file name",
        },
        "sha256": {
            "type": "string",
            "pattern": r"^[0-9a-f]{64}$",
            "description": "64 lowercase hex digits",
        },
        "title": _TRANSLATED,
        "description": _TRANSLATED,
        "producer": _TRANSLATED,
        "publisher": _TRANSLATED,
        "publisher_inferred": {"type": "boolean"},
        "publisher_basis": _TRANSLATED,
        "citation": _TRANSLATED,
        "url": _OPTIONAL_TEXT,
        "language": {
            "type": "string",
            "pattern": r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|\d{3}))?$",
            "description": "a BCP 47 tag such as zh-Hans",
        },
        "date_published": {
            "type": "string",
            "pattern": rf"^{_PARTIAL_DATE}(/{_PARTIAL_DATE})?$",
            "description": "YYYY, YYYY-MM, YYYY-MM-DD or an interval start/end",
        },
        "date_earliest": {
            "type": "string",
            "pattern": rf"^{_DATE}$",
            "description": "YYYY-MM-DD",
        },
        "date_inferred": {"type": "boolean"},
        "date_basis": _TRANSLATED,
        "date_accessed": {
            "type": "string",
            "pattern": rf"^{_DATE}$",
            "description": "YYYY-MM-DD",
        },
        "licence": {
            "type": "object",
            "required": ["name"],
            "additionalProperties": False,
            "properties": {
                # a licence identifier (CC0-1.0) reads the same in every language
                "name": {**_TRANSLATED, "type": ["string", "object"], "minLength": 1},
                "url": _OPTIONAL_TEXT,
                "note": _TRANSLATED,
            },
        },
        "extraction": _TRANSLATED,
        # the page's year, when the page never prints it, is an assumption of the data
        # (assumptions.csv); draft reads its value for 今年 and cites it in the rows
        "year_assumption": {
            "type": "string",
            "pattern": r"^[a-z][a-z0-9_]*$",
            "description": "the id of the assumption in assumptions.csv that holds the page's year",
        },
    },
}

LAYOUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["file", "articles"],
    "additionalProperties": False,
    "properties": {
        "file": META_SCHEMA["properties"]["file"],
        "articles": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "kind", "start", "end"],
                "additionalProperties": False,
                "properties": {
                    "id": {
                        "type": "string",
                        "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$",
                        "description": "lower-case words joined by hyphens",
                    },
                    "kind": {"type": "string", "enum": list(KINDS)},
                    "start": _TEXT,
                    "end": _TEXT,
                    "headline": _OPTIONAL_TEXT,
                    # the headline in English: what a reader of the English edition is shown
                    "headline_en": _OPTIONAL_TEXT,
                    "kicker": _OPTIONAL_TEXT,
                    "byline": _OPTIONAL_TEXT,
                    "credit": _OPTIONAL_TEXT,
                    "sections": {"type": "array", "items": _TEXT},
                    "inserted_in": _OPTIONAL_TEXT,
                    "relates_to": _OPTIONAL_TEXT,
                    "note": _OPTIONAL_TEXT,
                },
            },
        },
    },
}

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}
_TYPE_WORDS = {
    "string": "a string",
    "boolean": "true or false",
    "integer": "an integer",
    "number": "a number",
    "array": "a list",
    "object": "an object",
    "null": "null",
}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    for name in ("boolean", "integer", "number", "string", "array", "object"):
        if isinstance(value, _JSON_TYPES[name]):
            return name
    return type(value).__name__


def _shown(value: Any) -> str:
    shown = json.dumps(value, ensure_ascii=False)
    return shown if len(shown) <= 60 else shown[:57] + "…"


def in_language(value: Any, lang: str) -> str:
    """A translated field's text in `lang` (English when it has none); a plain value as is."""
    if isinstance(value, dict) and set(value) <= set(TRANSLATED_LANGUAGES):
        return str(value.get(lang) or value.get("en") or "")
    return "" if value is None else str(value)


def validate(record: Any, schema: dict[str, Any], *, file: str | Path, where: str = "") -> None:
    """Check `record` against a JSON Schema subset; raise DataError naming the first bad field.

    `where` is the dotted path of `record` inside the file ("" for the whole document)."""
    field_name = where or None
    types = schema.get("type")
    if types is not None:
        allowed = [types] if isinstance(types, str) else list(types)
        found_type = _json_type(record)
        if found_type not in allowed and not (found_type == "integer" and "number" in allowed):
            words = " or ".join(_TYPE_WORDS[t] for t in allowed)
            raise DataError(file=file, field=field_name, expected=words, found=_shown(record))
    if isinstance(record, dict):
        for key in schema.get("required", []):
            if key not in record:
                raise DataError(
                    file=file,
                    field=f"{where}.{key}" if where else key,
                    expected="this required key",
                    found="no such key",
                )
        properties = schema.get("properties", {})
        for key, value in record.items():
            child = f"{where}.{key}" if where else key
            if key in properties:
                validate(value, properties[key], file=file, where=child)
            elif schema.get("additionalProperties", True) is False:
                known = ", ".join(properties)
                raise DataError(file=file, field=child, expected=f"one of the keys {known}")
    if isinstance(record, list):
        if len(record) < schema.get("minItems", 0):
            raise DataError(
                file=file,
                field=field_name,
                expected=f"at least {schema['minItems']} item(s)",
                found=_shown(record),
            )
        if "items" in schema:
            for index, item in enumerate(record):
                validate(item, schema["items"], file=file, where=f"{where}[{index}]")
    if isinstance(record, str):
        described = schema.get("description")
        if len(record.strip()) < schema.get("minLength", 0):  # blank is empty too
            expected = f"a non-empty string ({described})" if described else "a non-empty string"
            raise DataError(file=file, field=field_name, expected=expected, found="")
        pattern = schema.get("pattern")
        if pattern is not None and not re.search(pattern, record):
            expected = described or f"a string matching {pattern}"
            raise DataError(file=file, field=field_name, expected=expected, found=_shown(record))
    if "enum" in schema and record not in schema["enum"]:
        expected = "one of " + ", ".join(str(v) for v in schema["enum"])
        raise DataError(file=file, field=field_name, expected=expected, found=_shown(record))


# --- loading


@dataclass
class Source:
    """One verbatim page: `text` is the decoded file (BOM stripped, line ends as read)."""

    path: Path
    text: str
    meta: dict[str, Any]
    _articles: list[Article] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def meta_path(self) -> Path:
        return meta_path(self.path)

    @property
    def layout_path(self) -> Path:
        return layout_path(self.path)


def meta_path(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(path.stem + META_SUFFIX)


def layout_path(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(path.stem + LAYOUT_SUFFIX)


def sha256_of(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _read_json(path: Path, *, what: str) -> Any:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(file=path, expected=what, found="no such file") from None
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        found = _bad_byte(raw, error, shift=len(_UTF8_BOM) if raw.startswith(_UTF8_BOM) else 0)
        raise DataError(file=path, expected="UTF-8 JSON", found=found) from None
    except json.JSONDecodeError as error:
        found = f"{error.msg} at line {error.lineno} column {error.colno}"
        raise DataError(file=path, expected="valid JSON", found=found) from None


def _bad_byte(data: bytes, error: UnicodeDecodeError, shift: int = 0) -> str:
    """Where decoding failed, in the file's bytes (`shift`: bytes skipped before decoding)."""
    at = error.start + shift
    line = data.count(b"\n", 0, at) + 1
    return f"byte 0x{data[at]:02x} at byte {at} (line {line}) is not UTF-8"


def load_meta(path: str | Path) -> dict[str, Any]:
    """The validated provenance record of the source at `path` (the .txt file)."""
    path = Path(path)
    where = meta_path(path)
    meta = _read_json(where, what=f"a provenance record {where.name} next to {path.name}")
    validate(meta, META_SCHEMA, file=where)
    if meta["file"] != path.name:
        raise DataError(file=where, field="file", expected=path.name, found=meta["file"])
    return meta


def load_source(path: str | Path) -> Source:
    """Read a verbatim source, check it against its provenance record and decode it.

    Raises DataError for a missing or invalid meta file or non-UTF-8 bytes, ChecksumError when
    the bytes no longer match the recorded sha256."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataError(
            file=path, expected="a verbatim source file", found="no such file"
        ) from None
    meta = load_meta(path)
    found = hashlib.sha256(data).hexdigest()
    if found != meta["sha256"]:
        raise ChecksumError(file=path, expected=meta["sha256"], found=found)
    bom = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
    try:
        text = data[bom:].decode("utf-8")
    except UnicodeDecodeError as error:
        found = _bad_byte(data, error, shift=bom)
        raise DataError(file=path, expected="UTF-8 text", found=found) from None
    return Source(path=path, text=text, meta=meta)


def list_sources(directory: str | Path | None = None) -> list[Source]:
    """Every `*.txt` source in `directory` (default: data/sources), loaded, sorted by name."""
    directory = Path(paths.SOURCES if directory is None else directory)
    if not directory.is_dir():
        raise DataError(file=directory, expected="a directory of verbatim sources", found="none")
    return [load_source(p) for p in sorted(directory.glob("*.txt"), key=lambda p: p.name)]


# --- quotes


def _occurrences(text: str, quote: str) -> list[int]:
    """Start offsets of every occurrence of `quote`, overlapping ones included."""
    starts = []
    at = text.find(quote)
    while at != -1:
        starts.append(at)
        at = text.find(quote, at + 1)
    return starts


def find_quote(source: Source, quote: str) -> tuple[int, int]:
    """The (start, end) of `quote` in the verbatim text; it must occur exactly once."""
    expected = f"a quote that occurs exactly once in {source.name}"
    if not quote:
        raise DataError(file=source.path, field="quote", expected=expected, found="an empty quote")
    starts = _occurrences(source.text, quote)
    if len(starts) != 1:
        raise DataError(
            file=source.path, field="quote", expected=expected, found=f"{len(starts)} occurrences"
        )
    return starts[0], starts[0] + len(quote)


# --- articles


@dataclass(frozen=True)
class Paragraph:
    """One reading paragraph, assembled from verbatim `spans` (offsets into source.text)."""

    text: str
    spans: tuple[tuple[int, int], ...]
    section: str | None = None

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]


@dataclass(frozen=True)
class Article:
    """One item of a page: an article, commentary, caption or chart title.

    `start`/`end` bound the whole item in the verbatim text (an inserted caption's span lies
    inside its host's). `paragraphs` is the repaired reading text; headline, kicker, byline,
    credit and section headings are kept apart from it."""

    id: str
    kind: str
    start: int
    end: int
    headline: str | None
    kicker: str | None
    byline: str | None
    credit: str | None
    sections: tuple[str, ...]
    paragraphs: tuple[Paragraph, ...]
    inserted_in: str | None = None
    relates_to: str | None = None
    note: str | None = None

    @property
    def text(self) -> str:
        """The reading text: paragraphs joined by newlines."""
        return "\n".join(p.text for p in self.paragraphs)

    @property
    def sentences(self) -> list[str]:
        return split_sentences(self.text)

    def contains(self, offset: int) -> bool:
        return self.start <= offset < self.end


def ends_sentence(text: str) -> bool:
    """Whether a paragraph ends a sentence (see rule 3 in the module docstring)."""
    text = text.rstrip()
    if not text:
        return True
    if text[-1] in CLOSING_QUOTES:
        return True
    text = text.rstrip(CLOSING_BRACKETS)
    return bool(text) and text[-1] in SENTENCE_FINAL


def split_sentences(text: str) -> list[str]:
    """Split reading text after 。！？!?… (with any closing quotes or brackets) and at newlines."""
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def segment(source: Source) -> list[Article]:
    """The articles of `source` in page order (by start offset), from its layout file."""
    if source._articles is None:
        source._articles = _segment(source)
    return list(source._articles)


def article_at(source: Source, offset: int) -> Article | None:
    """The innermost article whose span holds `offset` (an inserted caption before its host)."""
    holding = [a for a in segment(source) if a.contains(offset)]
    return min(holding, key=lambda a: a.end - a.start) if holding else None


def _segment(source: Source) -> list[Article]:
    where = source.layout_path
    layout = _read_json(where, what=f"an article map {where.name} next to {source.name}")
    validate(layout, LAYOUT_SCHEMA, file=where)
    if layout["file"] != source.name:
        raise DataError(file=where, field="file", expected=source.name, found=layout["file"])
    specs: list[dict[str, Any]] = layout["articles"]
    text = source.text

    ids = [spec["id"] for spec in specs]
    for index, spec in enumerate(specs):
        if ids.count(spec["id"]) > 1:
            raise DataError(
                file=where, field=f"articles[{index}].id", expected="a unique id", found=spec["id"]
            )
        if spec.get("headline") and not spec.get("headline_en"):
            raise DataError(
                file=where,
                field=f"articles[{index}].headline_en",
                expected="the headline in English (a translation of headline)",
                found="no such key" if "headline_en" not in spec else "null",
            )
        for key in ("inserted_in", "relates_to"):
            if spec.get(key) is not None and spec[key] not in ids:
                raise DataError(
                    file=where,
                    field=f"articles[{index}].{key}",
                    expected="the id of another article in this layout",
                    found=spec[key],
                )

    spans = [
        _article_span(text, spec, index, where, source.name) for index, spec in enumerate(specs)
    ]
    hosts = _hosts(specs, spans, where)
    _check_coverage(
        text, [span for span, host in zip(spans, hosts, strict=True) if host is None], where
    )

    articles = []
    for index, spec in enumerate(specs):
        children = [spans[j] for j, host in enumerate(hosts) if host == spec["id"]]
        articles.append(
            _build_article(text, spec, index, spans[index], children, hosts[index], where)
        )
    return sorted(articles, key=lambda a: (a.start, -(a.end - a.start)))


def _article_span(
    text: str, spec: dict[str, Any], index: int, where: Path, name: str
) -> tuple[int, int]:
    found = []
    for key in ("start", "end"):
        starts = _occurrences(text, spec[key])
        if len(starts) != 1:
            raise DataError(
                file=where,
                field=f"articles[{index}].{key}",
                expected=f"an anchor that occurs exactly once in {name}",
                found=f"{len(starts)} occurrences",
            )
        found.append(starts[0])
    start, end = found[0], found[1] + len(spec["end"])
    if end <= start:
        raise DataError(
            file=where,
            field=f"articles[{index}].end",
            expected="an end anchor that ends after the start anchor",
            found=spec["end"],
        )
    # Heading markup before the start anchor on its line belongs to the article.
    line_start = text.rfind("\n", 0, start) + 1
    if _HEADING_MARKUP.fullmatch(text, line_start, start):
        start = line_start
    return start, end


def _hosts(
    specs: list[dict[str, Any]], spans: list[tuple[int, int]], where: Path
) -> list[str | None]:
    """Each article's host: the declared `inserted_in`, else the smallest article around it."""
    hosts: list[str | None] = []
    for index, (start, end) in enumerate(spans):
        around = []
        for other, (o_start, o_end) in enumerate(spans):
            if other == index:
                continue
            inside = o_start <= start and end <= o_end and (o_start, o_end) != (start, end)
            around_it = start <= o_start and o_end <= end and (o_start, o_end) != (start, end)
            disjoint = end <= o_start or o_end <= start
            if not (inside or around_it or disjoint):
                raise DataError(
                    file=where,
                    field=f"articles[{index}]",
                    expected=f"a span that is inside, around or apart from {specs[other]['id']}",
                    found="overlapping spans",
                )
            if inside:
                around.append(other)
        declared = specs[index].get("inserted_in")
        smallest = min(around, key=lambda j: spans[j][1] - spans[j][0]) if around else None
        if declared is not None and (smallest is None or specs[smallest]["id"] != declared):
            raise DataError(
                file=where,
                field=f"articles[{index}].inserted_in",
                expected="the id of the article whose span holds this one",
                found=declared,
            )
        hosts.append(declared if declared is not None else _id_or_none(specs, smallest))
    return hosts


def _id_or_none(specs: list[dict[str, Any]], index: int | None) -> str | None:
    return None if index is None else specs[index]["id"]


def _check_coverage(text: str, top_spans: list[tuple[int, int]], where: Path) -> None:
    """Every non-blank character of the page must belong to some article."""
    position = 0
    for start, end in [*sorted(top_spans), (len(text), len(text))]:
        gap = text[position:start]
        stray = re.sub(rf"(?m)^{_HEADING_MARKUP.pattern}|[\s{INVISIBLE}]", "", gap)
        if stray:
            raise DataError(
                file=where,
                field="articles",
                expected="all the page's non-blank text inside the articles of the layout",
                found=f"{_shown(stray[:20])} at offset {position + gap.index(stray[0])}",
            )
        position = end


def _build_article(
    text: str,
    spec: dict[str, Any],
    index: int,
    span: tuple[int, int],
    children: list[tuple[int, int]],
    host: str | None,
    where: Path,
) -> Article:
    start, end = span
    cut = sorted(children)
    marks: dict[str, tuple[int, int]] = {}
    section_marks: list[tuple[int, int, str]] = []

    def locate(value: str, field_name: str) -> tuple[int, int]:
        """The one occurrence of a declared string in the article, outside its inserts."""
        hits = []
        for offset in _occurrences(text[start:end], value):
            s, e = start + offset, start + offset + len(value)
            if not any(c_start < e and s < c_end for c_start, c_end in cut):
                hits.append((s, e))
        if len(hits) != 1:
            raise DataError(
                file=where,
                field=f"articles[{index}].{field_name}",
                expected=f"text that occurs exactly once in the article {spec['id']}",
                found=f"{len(hits)} occurrences",
            )
        return hits[0]

    for role in ("headline", "kicker", "byline", "credit"):
        if spec.get(role):
            marks[role] = locate(spec[role], role)
    for position, title in enumerate(spec.get("sections", [])):
        s, e = locate(title, f"sections[{position}]")
        section_marks.append((s, e, title))
    excluded = sorted([*cut, *marks.values(), *((s, e) for s, e, _ in section_marks)])

    blocks = _blocks(
        text, start, end, excluded, spec["kind"] in PROSE_KINDS, spec["id"], where, index
    )
    paragraphs = _join_broken(text, blocks, sorted(section_marks))
    if not paragraphs:
        raise DataError(
            file=where,
            field=f"articles[{index}]",
            expected=f"some body text in the article {spec['id']}",
            found="none",
        )
    return Article(
        id=spec["id"],
        kind=spec["kind"],
        start=start,
        end=end,
        headline=spec.get("headline"),
        kicker=spec.get("kicker"),
        byline=spec.get("byline"),
        credit=spec.get("credit"),
        sections=tuple(spec.get("sections", [])),
        paragraphs=tuple(paragraphs),
        inserted_in=host,
        relates_to=spec.get("relates_to") or host,
        note=spec.get("note"),
    )


def _blocks(
    text: str,
    start: int,
    end: int,
    excluded: list[tuple[int, int]],
    prose: bool,
    article_id: str,
    where: Path,
    index: int,
) -> list[list[tuple[int, int]]]:
    """The body's blocks of consecutive non-blank lines, each as a list of verbatim spans."""
    blocks: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    position = start
    while position < end:
        newline = text.find("\n", position, end)
        line_end = end if newline == -1 else newline
        content_start = position
        at_line_start = position == 0 or text[position - 1] == "\n"
        markup = _HEADING_MARKUP.match(text, position, line_end) if at_line_start else None
        if markup:
            content_start = markup.end()
        pieces = _clean(text, _subtract(content_start, line_end, excluded))
        if markup and pieces and prose:
            raise DataError(
                file=where,
                field=f"articles[{index}]",
                expected=(
                    f"every heading line in the article {article_id} declared as its headline, "
                    "kicker, a section or an inserted article"
                ),
                found=_shown(text[position:line_end].strip()),
            )
        if pieces:
            current.extend(pieces)
        elif current:
            blocks.append(current)
            current = []
        position = line_end + 1
    if current:
        blocks.append(current)
    return blocks


def _subtract(start: int, end: int, excluded: list[tuple[int, int]]) -> list[tuple[int, int]]:
    pieces, position = [], start
    for ex_start, ex_end in excluded:
        if ex_end <= position or ex_start >= end:
            continue
        if ex_start > position:
            pieces.append((position, ex_start))
        position = max(position, ex_end)
    if position < end:
        pieces.append((position, end))
    return pieces


def _clean(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Split pieces at INVISIBLE characters and trim whitespace at their edges."""
    cleaned = []
    for piece_start, piece_end in pieces:
        for match in re.finditer(rf"[^{INVISIBLE}]+", text[piece_start:piece_end]):
            s, e = piece_start + match.start(), piece_start + match.end()
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if s < e:
                cleaned.append((s, e))
    return cleaned


def _join_broken(
    text: str, blocks: list[list[tuple[int, int]]], section_marks: list[tuple[int, int, str]]
) -> list[Paragraph]:
    """Blocks to paragraphs, joining a block that does not end a sentence to the next one."""

    def section_at(offset: int) -> str | None:
        titles = [title for s, _, title in section_marks if s < offset]
        return titles[-1] if titles else None

    paragraphs: list[Paragraph] = []
    for block in blocks:
        block_text = "".join(text[s:e] for s, e in block)
        section = section_at(block[0][0])
        if paragraphs:
            last = paragraphs[-1]
            if not ends_sentence(last.text) and last.section == section:
                paragraphs[-1] = Paragraph(
                    last.text + block_text, last.spans + tuple(block), section
                )
                continue
        paragraphs.append(Paragraph(block_text, tuple(block), section))
    return paragraphs
