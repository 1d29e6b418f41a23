"""What a reader sees of a report edition, and two counts over it (issue 10's measurements):

- internal ids in the visible text (fact, derived and assumption ids, article ids, topic ids,
  parameter names): readers should see labels (F13, D2, A1) and words;
- runs of four or more English words (in the zh edition, outside verbatim quotes and code).

A test helper, not a test: `python tests/build/reading_text.py report/report.zh.html` prints
both counts and the first few hits.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).parents[2]
# A word of Latin letters; a run is four or more of them with only spaces or light punctuation
# between (a number or a CJK character ends the run).
ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z'’]*(?:[ ,;:()/\-–]+[A-Za-z][A-Za-z'’]*){3,}")
_INVISIBLE = ("head", "style", "script", "template")


def visible_text(html: str, skip: tuple[str, ...] = ()) -> str:
    """The body's text as a screen shows it: no style, no attributes, hidden nothing else;
    `skip` names CSS selectors whose text is left out (quotes, code)."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(_INVISIBLE):
        tag.decompose()
    for selector in skip:
        for tag in soup.select(selector):
            tag.decompose()
    body = soup.body or soup
    return " ".join(body.get_text(" ").split())


def internal_ids(data_dir: Path = ROOT / "data") -> set[str]:
    """Every identifier of the data a reader should not meet: ids of facts, derived figures
    and assumptions, assumption parameters, article and topic ids."""
    import csv

    ids: set[str] = set()
    for name in ("facts", "derived", "assumptions"):
        with (data_dir / f"{name}.csv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                ids.add(row["id"])
                if row.get("parameter"):
                    ids.add(row["parameter"])
                if row.get("topic"):
                    ids.add(row["topic"])
    for layout in sorted((data_dir / "sources").glob("*.layout.json")):
        for article in json.loads(layout.read_text("utf-8")).get("articles", []):
            ids.add(article["id"])
    return ids


def ids_in_text(text: str, ids: set[str]) -> list[str]:
    """Each occurrence of an id as a whole token (not inside a longer id)."""
    hits = []
    for ident in sorted(ids, key=len, reverse=True):
        pattern = re.compile(rf"(?<![A-Za-z0-9_-]){re.escape(ident)}(?![A-Za-z0-9_-])")
        hits += [ident] * len(pattern.findall(text))
    return hits


def english_runs(text: str) -> list[str]:
    return ENGLISH_RUN.findall(text)


def counts(html: str, lang: str, data_dir: Path = ROOT / "data") -> dict:
    text = visible_text(html)
    result = {"ids": len(ids_in_text(text, internal_ids(data_dir)))}
    if lang == "zh":
        result["english_runs"] = len(english_runs(visible_text(html, skip=("q", "code"))))
    return result


if __name__ == "__main__":
    for name in sys.argv[1:]:
        html = Path(name).read_text("utf-8")
        lang = "zh" if ".zh." in name else "en"
        print(name, counts(html, lang))
        text = visible_text(html)
        print("  ids:", sorted(set(ids_in_text(text, internal_ids())))[:12])
        if lang == "zh":
            print("  runs:", english_runs(visible_text(html, skip=("q", "code")))[:5])
