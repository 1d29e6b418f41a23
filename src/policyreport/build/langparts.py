"""The language of parts (WCAG 3.1.2): in an edition that is not Chinese, every run of Chinese
text that no element already marks as Chinese gets its own `<span lang="zh-Hans">`, so that a
screen reader voices it in Chinese rather than spelling it out in the page's language (and a
browser breaks its lines by Chinese rules). A Chinese edition is left as it is: the English
it should not hold is translated in the data, not marked.

The HTML is otherwise kept byte for byte: the runs are found by walking the document with
the standard library's HTML parser (raw text, character references untouched) and the spans
are spliced into the original string. Attribute values (a title, an alt text) cannot hold
markup and are left alone.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

CHINESE = "zh-Hans"
# Han ideographs, with the CJK punctuation, full-width forms and digits between them; a run
# starts and ends with a Han character or a CJK bracket or punctuation mark.
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_RUN = re.compile(rf"[{_CJK}](?:[{_CJK}0-9.%]*[{_CJK}])?")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
_NOT_TEXT = {"head", "style", "script", "title", "template"}


def _is_chinese(lang: str | None) -> bool:
    return bool(lang) and lang.lower().split("-")[0] == "zh"


class _Runs(HTMLParser):
    """(start, end) offsets of the Chinese runs outside any element marked Chinese."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=False)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.stack: list[tuple[str, str | None]] = []  # (tag, inherited lang)
        self.runs: list[tuple[int, int]] = []

    def _lang(self) -> str | None:
        return self.stack[-1][1] if self.stack else None

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return
        lang = dict(attrs).get("lang")
        self.stack.append((tag, lang if lang is not None else self._lang()))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        if _is_chinese(self._lang()) or any(tag in _NOT_TEXT for tag, _ in self.stack):
            return
        line, column = self.getpos()
        start = self.line_starts[line - 1] + column
        for match in _RUN.finditer(data):
            if _HAN.search(match.group(0)):
                self.runs.append((start + match.start(), start + match.end()))


def mark_chinese_runs(html: str, page_lang: str) -> str:
    """`html` with each unmarked run of Chinese wrapped in a span of lang zh-Hans (nothing
    changes when the page itself is Chinese)."""
    if _is_chinese(page_lang):
        return html
    parser = _Runs(html)
    parser.feed(html)
    parser.close()
    parts, last = [], 0
    for start, end in parser.runs:
        parts += [html[last:start], f'<span lang="{CHINESE}">', html[start:end], "</span>"]
        last = end
    parts.append(html[last:])
    return "".join(parts)
