"""`policyreport add-source FILE`: copy a page into data/sources/ with its provenance record
and a layout map, every field the command cannot know marked TODO.

Naming rule: ``NNN_<first 16 hex digits of the file's sha256>.txt``, NNN one more than the
highest index already in data/sources/ (000 for the first page; its hash part predates the
rule). The bytes are copied as they are (the checksum is of them); the text must be UTF-8
and not empty, and a file whose bytes are already a source is refused. The three files
(.txt, .meta.json, .layout.json) appear together or not at all.

The layout written is one article spanning the whole text, its anchors the first and last
words of the page grown until each occurs once; its id, kind and headline are TODO: only a
person can say where the articles of a page begin. `policyreport check` lists every TODO.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sys
from pathlib import Path

from policyreport import paths
from policyreport.data.files import write_together
from policyreport.data.periods import parse_period
from policyreport.data.sources import INVISIBLE, LAYOUT_SUFFIX, META_SUFFIX
from policyreport.data.todos import MARK
from policyreport.errors import DataError

HASH_DIGITS = 16
_INDEX = re.compile(r"^(\d{3})_")
_UTF8_BOM = b"\xef\xbb\xbf"


def source_name(directory: Path, sha256: str) -> str:
    """The next source's file name under the naming rule."""
    indexes = [
        int(match.group(1))
        for path in directory.glob("*.txt")
        if (match := _INDEX.match(path.name))
    ]
    return f"{max(indexes, default=-1) + 1:03d}_{sha256[:HASH_DIGITS]}.txt"


def _decode(path: Path, data: bytes) -> str:
    try:
        text = data.removeprefix(_UTF8_BOM).decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise DataError(
            file=path,
            expected="UTF-8 text",
            found=f"byte 0x{data[error.start]:02x} at byte {error.start} (line {line})",
        ) from None
    if not text.strip(" \t\r\n" + INVISIBLE):
        raise DataError(file=path, expected="a page of text", found="an empty file")
    return text


def _already_added(directory: Path, sha256: str) -> str | None:
    for meta in sorted(directory.glob("*" + META_SUFFIX)):
        try:
            if json.loads(meta.read_text(encoding="utf-8")).get("sha256") == sha256:
                return meta.name.removesuffix(META_SUFFIX) + ".txt"
        except (OSError, ValueError, AttributeError):
            continue
    for text in sorted(directory.glob("*.txt")):
        if hashlib.sha256(text.read_bytes()).hexdigest() == sha256:
            return text.name
    return None


def _anchor(text: str, lines: list[str], last: bool) -> str:
    """The first (or last) words of the page, grown until they occur exactly once."""
    line = lines[-1] if last else lines[0]
    for size in range(min(8, len(line)), len(line) + 1):
        anchor = line[-size:] if last else line[:size]
        if text.count(anchor) == 1:
            return anchor
    return line


STATED = {
    "en": "Stated: given to add-source by the analyst.",
    "zh": "写明：由分析人员在添加来源时给出。",
}


def meta_record(name: str, sha256: str, args) -> dict:
    """The provenance record: what a reader sees of it is in both languages ({"en", "zh"}),
    each marked TODO until the analyst writes it."""
    todo = MARK

    def both(en: str | None = None, zh: str | None = None) -> dict:
        return {"en": en or todo, "zh": zh or todo}

    publisher_given = bool(args.publisher or getattr(args, "publisher_zh", None))
    meta = {
        "file": name,
        "sha256": sha256,
        "title": both(args.title, getattr(args, "title_zh", None)),
        "producer": both(),
        "publisher": both(args.publisher, getattr(args, "publisher_zh", None)),
        "publisher_inferred": False if publisher_given else todo,
        "publisher_basis": dict(STATED) if publisher_given else both(),
        "citation": both(),
        "url": None,
        "language": "zh-Hans",
        "date_published": args.date or todo,
        "date_inferred": False if args.date else todo,
        "date_basis": dict(STATED) if args.date else both(),
        "date_accessed": args.accessed,
        "licence": {"name": todo},
    }
    return meta


def layout_record(name: str, text: str) -> dict:
    lines = [
        line.strip(" \t" + INVISIBLE) for line in text.splitlines() if line.strip(" \t" + INVISIBLE)
    ]
    return {
        "file": name,
        "articles": [
            {
                "id": MARK,
                "kind": f"{MARK}: article, commentary, caption or chart_title",
                "start": _anchor(text, lines, last=False),
                "end": _anchor(text, lines, last=True),
                "headline": MARK,
                "headline_en": MARK,
                "note": f"{MARK}: one article per item of the page; this one spans the page",
            }
        ],
    }


def add_source(file: Path, args, directory: Path | None = None) -> Path:
    """Copy `file` into `directory` (default data/sources) with its two records; the new
    source's path. DataError, with nothing written, for bad input."""
    directory = directory or paths.SOURCES
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise DataError(file=file, expected="a text file to add", found="no such file") from None
    except IsADirectoryError:
        raise DataError(file=file, expected="a text file to add", found="a directory") from None
    text = _decode(file, data)
    sha256 = hashlib.sha256(data).hexdigest()
    if not directory.is_dir():
        raise DataError(file=directory, expected="the sources directory", found="no such directory")
    duplicate = _already_added(directory, sha256)
    if duplicate:
        raise DataError(
            file=file, expected="a page not added yet", found=f"the same bytes as {duplicate}"
        )
    name = source_name(directory, sha256)
    target = directory / name
    stem = target.with_suffix("")
    meta_file = stem.with_name(stem.name + META_SUFFIX)
    layout_file = stem.with_name(stem.name + LAYOUT_SUFFIX)
    for path in (target, meta_file, layout_file):
        if path.exists():
            raise DataError(file=path, expected="a new file", found="it exists")

    def as_json(record: dict) -> bytes:
        return (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8")

    write_together(
        {
            target: data,
            meta_file: as_json(meta_record(name, sha256, args)),
            layout_file: as_json(layout_record(name, text)),
        }
    )
    return target


def _check_date(value: str | None, option: str) -> None:
    if value is None:
        return
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        raise DataError(file=option, expected="YYYY, YYYY-MM or YYYY-MM-DD", found=value)
    try:
        parse_period(value)
    except ValueError as error:
        raise DataError(file=option, expected="a real date", found=str(error)) from None


EXAMPLES = """
policyreport add-source page.txt
    copy page.txt into data/sources/ with a provenance record and a layout map, every
    field it cannot know marked TODO (policyreport check lists them)
policyreport add-source page.txt --publisher "A daily" --publisher-zh 某日报 --date 2026-06-16
    the same, with what you know of the page filled in (each text in English and Chinese)
"""


def add_arguments(parser) -> None:
    parser.add_argument("file", metavar="FILE", help="the page as UTF-8 text")
    parser.add_argument(
        "--publisher", "--publisher-en", help="who published the page, in English (else TODO)"
    )
    parser.add_argument("--publisher-zh", help="who published the page, in Chinese (else TODO)")
    parser.add_argument("--date", help="date published: YYYY, YYYY-MM or YYYY-MM-DD (else TODO)")
    parser.add_argument("--title", "--title-en", help="the page's title in English (else TODO)")
    parser.add_argument("--title-zh", help="the page's title in Chinese (else TODO)")
    parser.add_argument(
        "--accessed", help="date the page was accessed, YYYY-MM-DD (default: today)"
    )
    parser.add_argument(
        "--data-dir", default=None, help="data directory (default: the project's data/)"
    )


def run(args) -> int:
    _check_date(args.date, "--date")
    if args.accessed is None:
        args.accessed = dt.date.today().isoformat()
    elif not re.fullmatch(r"\d{4}-\d{2}-\d{2}", args.accessed):
        raise DataError(file="--accessed", expected="YYYY-MM-DD", found=args.accessed)
    _check_date(args.accessed, "--accessed")
    for option in ("publisher", "publisher_zh", "title", "title_zh"):
        value = getattr(args, option, None)
        if value is not None and (not value.strip() or "\n" in value):
            name = "--" + option.replace("_", "-")
            raise DataError(file=name, expected="one line of text", found=value)
    directory = (Path(args.data_dir) if args.data_dir else paths.DATA) / "sources"
    target = add_source(Path(args.file), args, directory)
    print(
        f"add-source: {target.name} (+ .meta.json, .layout.json); fill in every TODO "
        f"(policyreport check lists them), then: policyreport draft {target}",
        file=sys.stderr,
    )
    return 0
