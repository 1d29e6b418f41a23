"""What a reader sees of a report edition, and two counts over it (issue 10's measurements):

- internal ids in the visible text (fact, derived and assumption ids, article ids, topic ids,
  parameter names): readers should see labels (F13, D2, A1) and words;
- runs of four or more English words (in the zh edition, outside verbatim quotes and code);
- runs of Chinese characters (in the en edition, outside verbatim quotes, code and what is
  marked as Chinese), and of those the ones that are not the page's own words: Chinese the
  English edition shows that no page printed (an untranslated note, a paraphrase).

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
# A run of Chinese: a CJK ideograph, then ideographs, CJK punctuation, digits and the marks
# that sit inside Chinese text (“武汉服务”走上国际舞台, 6月16日至18日, 超60%).
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RUN = re.compile(rf"[{_HAN}][{_HAN}\u3000-\u303f\uff00-\uffef“”‘’·—0-9.%]*")
# Brackets a run may carry that are ours, not the page's: 《headline》, 「quote」.
_OUR_BRACKETS = "《》「」“”‘’（）()"
# Skipped when counting a language's runs: verbatim quotes, code, what is marked as Chinese.
SKIP_IN_EN = ("q", "code", '[lang^="zh"]')
SKIP_IN_ZH = ("q", "code")


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


def cjk_runs(text: str) -> list[str]:
    return CJK_RUN.findall(text)


def page_texts(data_dir: Path = ROOT / "data") -> list[str]:
    """The sources' verbatim texts without whitespace or heading markup, to look words up."""
    return [
        "".join(path.read_text("utf-8-sig").replace("#", "").split())
        for path in sorted((data_dir / "sources").glob("*.txt"))
    ]


def not_from_the_page(runs: list[str], pages: list[str]) -> list[str]:
    """The runs that no page printed (a name or term the page prints is the page's own)."""
    found = []
    for run in runs:
        words = "".join(run.split()).rstrip(".").strip(_OUR_BRACKETS)
        if words and not any(words in page for page in pages):
            found.append(run)
    return found


def counts(html: str, lang: str, data_dir: Path = ROOT / "data") -> dict:
    text = visible_text(html)
    result = {"ids": len(ids_in_text(text, internal_ids(data_dir)))}
    if lang == "zh":
        result["english_runs"] = len(english_runs(visible_text(html, skip=SKIP_IN_ZH)))
    else:
        runs = cjk_runs(visible_text(html, skip=SKIP_IN_EN))
        result["cjk_runs"] = len(runs)
        result["cjk_not_from_the_page"] = len(not_from_the_page(runs, page_texts(data_dir)))
    return result


if __name__ == "__main__":
    for name in sys.argv[1:]:
        html = Path(name).read_text("utf-8")
        lang = "zh" if ".zh." in name else "en"
        print(name, counts(html, lang))
        text = visible_text(html)
        print("  ids:", sorted(set(ids_in_text(text, internal_ids())))[:12])
        if lang == "zh":
            print("  runs:", english_runs(visible_text(html, skip=SKIP_IN_ZH))[:5])
        else:
            runs = cjk_runs(visible_text(html, skip=SKIP_IN_EN))
            print("  not from the page:", not_from_the_page(runs, page_texts())[:12])
