"""`policyreport draft SOURCE`: every numeric mention of a source as a draft row of facts.csv.

The scanner (`policyreport.data.scan`) has already parsed each number, its multiplier,
qualifier and unit word; draft adds what the words around it say, through the project's
vocabulary (data/vocabulary.toml) and a few rules of Chinese news prose:

- unit: the unit whose source words (`text`) hold the scanner's unit word; where several
  share it (个: bases, parks, items …) the one whose noun or context word is near the number,
  else the one with neither. A unit word the vocabulary lacks stays visible: ``TODO:unit 枚``.
- qualifier: the vocabulary's qualifier whose `text` holds the word before or after the
  number (近 → nearly, 约 → approx, 超 → at_least, 余/多 → more_than, 至 → range).
- kind: ordinals → rank; calendar mentions → date; a percent (a unit with `per_whole`, or
  `difference_of` one: percentage points) takes the kind whose cue word (同比增长, 年均增长,
  占, 比重 …) is nearest before it in its clause; a unit's own `kind` (duration for 分钟) or,
  for counted things, `count` unless a `count_cues` word before it in its sentence (累计,
  日均, 每月) makes it a level; else level. A fraction (约五分之一) is a share in the unit
  the vocabulary marks `fraction = true` (percent).
- period: the time words nearest before the number in its sentence (or, in a sentence opening
  with 其中, the last of the paragraph before it) (2025年, 今年4月,
  截至2025年底, 前4个月, 第二季度, 上半年, “十四五”期间, 去年, 目前 …) in facts.csv's form;
  a year the text leaves implicit comes from --year or from the assumption the source's
  provenance record names as its year (`year_assumption` in its .meta.json).
  With no time word in the sentence the period is the page's year, marked TODO.
- quote: from those time words (when in the sentence) to the end of the mention, grown a
  character at a time until it occurs exactly once in the source.
- subject_zh: the clause the number closes, without its time words and linking verb.
- subject_en, note_en and note_zh: TODO. A mention that is not a figure (a numeral in a title
  or a quoted slogan, 一 as an article, a period label) becomes a draft exclusion with a reason
  in both languages (reason_en, reason_zh).

Rows go to standard output as CSV (then a blank line and the exclusions), or with --out
to a file (appended when it exists, the exclusions beside it) that `policyreport check`
refuses while a TODO is left.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from policyreport import paths
from policyreport.data.scan import Mention, format_value, is_fraction, scan_text
from policyreport.data.timewords import TimeCue, first_months, time_cues
from policyreport.errors import DataError

FACT_COLUMNS = (
    "id",
    "source",
    "topic",
    "article",
    "subject_en",
    "subject_zh",
    "period",
    "value",
    "value_high",
    "unit",
    "qualifier",
    "kind",
    "quote",
    "assumption",
    "note_en",
    "note_zh",
)
EXCLUSION_COLUMNS = ("source", "context", "mention", "reason_en", "reason_zh")
YEAR_ASSUMPTION = "year_assumption"  # the meta key naming the assumption of a page's year

SENTENCE_END = "。！？!?\n"
CLAUSE_END = SENTENCE_END + "，,；;：:"
CALENDAR = ("year", "date")
# Words that link a subject to its number: 执行额达92.1亿美元, 占比高达85.8%.
_LINKS = ("高达", "达到", "达", "为", "约", "超过", "超", "突破", "近", "逾", "分别")
_ARTICLE_NUMERAL = "一"
_DETAILS = ("其中",)  # a sentence opening so details the one before, in its period


@dataclass
class DraftFact:
    row: dict[str, str]
    mention: Mention


@dataclass
class DraftExclusion:
    row: dict[str, str]
    mention: Mention


@dataclass
class Draft:
    facts: list[DraftFact] = field(default_factory=list)
    exclusions: list[DraftExclusion] = field(default_factory=list)


# --- time ----------------------------------------------------------------------------------


def _bounds(text: str, offset: int, stops: str) -> tuple[int, int]:
    start = offset
    while start > 0 and text[start - 1] not in stops:
        start -= 1
    end = offset
    while end < len(text) and text[end] not in stops:
        end += 1
    return start, end


def unique_quote(text: str, start: int, end: int) -> tuple[int, int]:
    """The shortest span around [start, end) that occurs exactly once in the text, grown a
    character at a time (right, then left), not across a line break when it can be helped."""
    while text.count(text[start:end]) != 1 or _overlapping(text, text[start:end]) != 1:
        can_right = end < len(text) and text[end] != "\n"
        can_left = start > 0 and text[start - 1] != "\n"
        if not (can_left or can_right):
            can_right, can_left = end < len(text), start > 0
            if not (can_left or can_right):
                break
        if can_right:
            end += 1
        if text.count(text[start:end]) == 1 and _overlapping(text, text[start:end]) == 1:
            break
        if can_left:
            start -= 1
    return start, end


def _overlapping(text: str, part: str) -> int:
    count, at = 0, text.find(part)
    while at != -1:
        count += 1
        at = text.find(part, at + 1)
    return count


def _subject(text: str, m: Mention, cue: TimeCue | None) -> str:
    start, end = _bounds(text, m.start, CLAUSE_END)
    if cue and start <= cue.end <= m.start:
        start = cue.end
    subject = text[start : m.start].strip(" \u3000，,、")
    for prefix in ("截至", "截止", "其中", "进入", "自"):
        subject = subject.removeprefix(prefix)
    changed = True
    while changed and subject:
        changed = False
        for word in _LINKS:
            if subject.endswith(word) and len(subject) > len(word):
                subject, changed = subject[: -len(word)], True
    if not subject:
        subject = text[m.end : end].strip().removeprefix("的")
    return subject.replace("\n", "") or "TODO:subject_zh"


def _in_brackets(text: str, m: Mention, opening: str, closing: str, longest: int) -> bool:
    left = text.rfind(opening, max(0, m.start - longest), m.start + 1)
    if left == -1 or closing in text[left + 1 : m.start]:
        return False
    right = text.find(closing, m.end, m.end + longest)
    return right != -1 and opening not in text[m.end : right]


def exclusion_reason(text: str, m: Mention) -> tuple[str, str] | None:
    """Why a mention is not a figure, when the words around it say so, in English and in
    Chinese (reason_en, reason_zh); None otherwise."""
    line_start = text.rfind("\n", 0, m.start) + 1
    if text.startswith("#", line_start):
        return (
            f"Headline: {m.text} is part of a title line, not a figure.",
            f"标题：{m.text}是标题行的一部分，不是数字。",
        )
    if text[max(0, m.start - 2) : m.start].endswith(("周", "星期", "礼拜")) and m.value <= 7:
        day = f"{text[m.start - 1]}{m.text}"
        return (
            f"Weekday: {day} names a day of the week, not a figure.",
            f"星期：{day}指一周中的某一天，不是数字。",
        )
    if m.unit in ("季度",) and not m.text.startswith("前"):
        return (
            f"Period label: {m.text} (a quarter) dates the figures after it, not a figure.",
            f"时期标签：{m.text}（季度）说明其后数字的时期，不是数字。",
        )
    if m.unit == "五年规划":
        return (
            f"Plan name: {m.text} used as a period label, not a figure.",
            f"规划名称：{m.text}用作时期标签，不是数字。",
        )
    if first_months(text, m):
        return (
            f"Period label: {m.text} dates the figures after it, not a figure.",
            f"时期标签：{m.text}说明其后数字的时期，不是数字。",
        )
    if _in_brackets(text, m, "《", "》", 20):
        return (
            f"Title: {m.text} is part of a work's name in 《》, not a figure.",
            f"作品名：{m.text}是《》中作品名称的一部分，不是数字。",
        )
    if _in_brackets(text, m, "“", "”", 8):
        return (
            f"Name or slogan in quotation marks: {m.text} is part of a phrase, not a figure.",
            f"引号中的名称或口号：{m.text}是短语的一部分，不是数字。",
        )
    if m.kind == "vague" and m.unit == "" and len(m.text) == 1:
        return (
            f"Lone numeral {m.text} inside a word (idiom, name or term), not a count.",
            f"词语（成语、名称或术语）中的单个数字{m.text}，不是计数。",
        )
    if m.text.startswith(_ARTICLE_NUMERAL) and m.value == 1 and m.kind == "number":
        return (
            f"Indefinite article: {m.text} reads as 'a/one', not a count.",
            f"泛指：{m.text}意为“一个”，不是计数。",
        )
    if m.kind == "vague" and m.unit in ("年", "个月", "天") and m.qualifier != "exact":
        return (f"Vague span: {m.text}, no figure stated.", f"模糊的时段：{m.text}，没有具体数字。")
    return None


def _period_label(mention: str) -> tuple[str, str]:
    return (
        f"Period label: {mention} dates the figure(s) after it, not a figure.",
        f"时期标签：{mention}说明其后数字的时期，不是数字。",
    )


# --- the vocabulary ------------------------------------------------------------------------


def _unit_for(text: str, m: Mention, vocabulary) -> str:
    """The vocabulary unit of a scanner unit word, by the words near the number."""
    candidates = [u for u in vocabulary.units.values() if m.unit and m.unit in u.text]
    if not candidates:
        return f"TODO:unit {m.unit}" if m.unit else "TODO:unit"
    start, end = _bounds(text, m.start, CLAUSE_END)
    after = text[m.end : end]
    around = text[start:end]
    by_noun = [u for u in candidates if u.zh_noun and u.zh_noun in after]
    if by_noun:
        return min(by_noun, key=lambda u: after.find(u.zh_noun)).id
    by_context = [u for u in candidates if any(word in around for word in u.context)]
    if by_context:
        return by_context[0].id
    plain = [u for u in candidates if not u.zh_noun and not u.context]
    if len(plain) == 1:
        return plain[0].id
    if len(candidates) == 1:  # nothing to tell apart, wherever its noun stands
        return candidates[0].id
    return f"TODO:unit {m.unit}"


def _ordinal_unit(vocabulary) -> str:
    ordinal = [u.id for u in vocabulary.units.values() if u.ordinal]
    return ordinal[0] if len(ordinal) == 1 else "TODO:unit (an ordinal unit)"


def _qualifier_for(text: str, m: Mention, vocabulary) -> str:
    if m.qualifier == "range" or m.value_high is not None:
        return "range"
    words = [
        (word, q.id)
        for q in vocabulary.qualifiers.values()
        for word in q.text
        if q.id not in ("range", "exact")
    ]
    for word, qualifier in sorted(words, key=lambda item: -len(item[0])):
        if m.text.startswith(word) or m.text.endswith(word):
            return qualifier
    inside = [q for word, q in words if word in m.text]
    return inside[0] if inside else "exact"


def _kind_for(text: str, m: Mention, unit_id: str, vocabulary) -> str:
    if m.kind == "ordinal":
        return "rank"
    unit = vocabulary.units.get(unit_id)
    if unit is not None and (unit.per_whole or unit.difference_of):
        start, _end = _bounds(text, m.start, CLAUSE_END)
        cued = _nearest_cue(
            text[start : m.start], {k.id: k.cues for k in vocabulary.kinds.values()}
        )
        if cued:
            return cued
    if unit is not None and unit.kind:
        return unit.kind
    if unit is not None and unit.count:
        return _count_kind(text, m, vocabulary)
    return "level"


def _count_kind(text: str, m: Mention, vocabulary) -> str:
    """A figure in a unit of counted things is a `count`, unless a word before it in its
    sentence makes it another kind (the vocabulary's `count_cues`): a cumulative total
    (累计 … 超200万架次) or a rate (日均, 每月) is an amount, a level, not a tally of things.
    The sentence, not the clause: 累计 often opens a list of figures it governs."""
    start, _end = _bounds(text, m.start, SENTENCE_END)
    cues = {kind.id: kind.count_cues for kind in vocabulary.kinds.values()}
    return _nearest_cue(text[start : m.start], cues) or "count"


def _nearest_cue(before: str, cues: dict[str, tuple[str, ...]]) -> str | None:
    """The kind whose cue word ends nearest the end of `before` (the longer cue on a tie)."""
    best = None  # (distance from the number, -length of the cue, kind)
    for kind, words in cues.items():
        for cue in words:
            at = before.rfind(cue)
            if at != -1:
                key = (len(before) - at - len(cue), -len(cue), kind)
                best = min(best, key) if best else key
    return best[2] if best else None


# --- one source ----------------------------------------------------------------------------


def _number(value: float) -> str:
    return format_value(value)


def draft_source(
    source,
    vocabulary,
    *,
    topic: str | None = None,
    prefix: str = "draft_",
    year: int | None = None,
    year_assumption: str | None = None,
) -> Draft:
    """The draft facts and exclusions of one loaded source (`policyreport.data.sources`).

    year: the page's year (今年); year_assumption: the id of the assumption it comes from
    (None when --year gave it), which the rows resting on it name."""
    text = source.text
    mentions = scan_text(text)
    if not mentions:
        raise DataError(
            file=source.path,
            expected="a source with at least one numeric mention to draft",
            found="no numbers",
        )
    article_at = _article_lookup(source)
    cues = time_cues(text, mentions, year)
    draft = Draft()
    for m in mentions:
        reason = exclusion_reason(text, m)
        if reason is not None:
            start, end = unique_quote(text, m.start, m.end)
            row = {"source": source.name, "context": text[start:end], "mention": m.text}
            reason_en, reason_zh = reason
            row.update(reason_en=reason_en, reason_zh=reason_zh)
            draft.exclusions.append(DraftExclusion(row, m))
            continue
        if m.kind in CALENDAR and _dates_a_figure(text, m, mentions):
            continue  # a period label: it goes into the quote of the figure it dates
        draft.facts.append(
            DraftFact(_fact_row(text, m, cues, vocabulary, year, year_assumption), m)
        )
    for number, fact in enumerate(draft.facts, start=1):
        fact.row.update(
            id=f"{prefix}{number:02d}",
            source=source.name,
            topic=topic or "TODO:topic",
            article=article_at(fact.mention.start),
        )
    _exclude_unquoted_periods(text, source.name, draft, mentions)
    return draft


def _dates_a_figure(text: str, m: Mention, mentions: list[Mention]) -> bool:
    """A year or date followed, in its sentence, by a figure is that figure's period."""
    _start, end = _bounds(text, m.start, SENTENCE_END)
    return any(
        other.start >= m.end
        and other.end <= end
        and other.kind not in (*CALENDAR, "ordinal")
        and exclusion_reason(text, other) is None
        for other in mentions
    )


def _fact_row(text, m, cues, vocabulary, year, year_assumption) -> dict[str, str]:
    sentence_start, _end = _bounds(text, m.start, SENTENCE_END)
    before = [c for c in cues if sentence_start <= c.start and c.end <= m.start]
    own = [c for c in cues if c.start <= m.start < c.end or m.start <= c.start < m.end]
    cue = before[-1] if before else _carried_cue(text, sentence_start, cues)
    if m.kind in CALENDAR:
        cue = own[0] if own else cue
        unit, kind = "year", "date"
        value = cue.period[:4] if cue and cue.period else (str(year) if year else "TODO:value")
        value_high = ""
    elif is_fraction(m) and vocabulary.fraction_unit() is not None:
        share = vocabulary.fraction_unit()
        unit, kind = share.id, "share"
        value, value_high = _number(m.value * share.per_whole), ""
    else:
        # an ordinal is in the vocabulary's ordinal unit; a multiple (2.5倍) in the unit
        # whose source words hold 倍, as any other unit word
        unit = _ordinal_unit(vocabulary) if m.kind == "ordinal" else _unit_for(text, m, vocabulary)
        kind = _kind_for(text, m, unit, vocabulary)
        value = _number(m.value)
        value_high = _number(m.value_high) if m.value_high is not None else ""
    if cue is not None and cue.period and not cue.doubtful:
        period = cue.period
    elif cue is not None and cue.period:
        period = f"TODO:period {cue.period} ({text[cue.start : cue.end]}: which year?)"
    elif year:
        period = f"TODO:period {year} (no time word in its sentence; the page's year)"
    else:
        period = "TODO:period (no time word in its sentence; pass --year)"
    rests_on_year = cue is None or cue.rests_on_year
    subject = _subject(text, m, cue)
    # The quote shows the evidence: the time words (in the sentence) or the subject's
    # clause, through the number.
    quote_start = cue.start if cue is not None and cue.start >= sentence_start else m.start
    clause_start = text.rfind(subject, _bounds(text, m.start, CLAUSE_END)[0], m.start + 1)
    if clause_start != -1 and (cue is None or cue.start < sentence_start):
        quote_start = clause_start
    if "\n" in text[quote_start : m.start]:
        quote_start = m.start
    start, end = unique_quote(text, quote_start, m.end)
    return {
        "subject_en": "TODO:subject_en",
        "subject_zh": subject,
        "period": period,
        "value": value,
        "value_high": value_high,
        "unit": unit,
        "qualifier": (
            "range"
            if value_high
            else "exact"
            if m.kind in CALENDAR
            else _qualifier_for(text, m, vocabulary)
        ),
        "kind": kind,
        "quote": text[start:end],
        "assumption": year_assumption if year_assumption and rests_on_year else "",
        "note_en": "TODO:note_en",
        "note_zh": "TODO:note_zh",
    }


def _carried_cue(text: str, sentence_start: int, cues) -> TimeCue | None:
    """A sentence opening with 其中 ('of which') details the one before it, in its period:
    2026年上半年，进出口1.26万亿元。其中，出口8120亿元 — the last cue of the paragraph before it."""
    if not text[sentence_start:].lstrip(" \u3000").startswith(_DETAILS):
        return None
    paragraph_start = text.rfind("\n", 0, sentence_start) + 1
    earlier = [c for c in cues if paragraph_start <= c.start and c.end <= sentence_start]
    return earlier[-1] if earlier else None


def _exclude_unquoted_periods(text, source_name, draft: Draft, mentions) -> None:
    """A period label left outside every drafted quote would be an uncovered mention."""
    quoted = []
    for fact in draft.facts:
        start = text.find(fact.row["quote"])
        quoted.append((start, start + len(fact.row["quote"])))
    drafted = {id(f.mention) for f in draft.facts} | {id(e.mention) for e in draft.exclusions}
    for m in mentions:
        if id(m) in drafted or any(s <= m.start and m.end <= e for s, e in quoted):
            continue
        start, end = unique_quote(text, m.start, m.end)
        reason_en, reason_zh = _period_label(m.text)
        row = {"source": source_name, "context": text[start:end], "mention": m.text}
        row.update(reason_en=reason_en, reason_zh=reason_zh)
        draft.exclusions.append(DraftExclusion(row, m))
    draft.exclusions.sort(key=lambda e: e.mention.start)


def _article_lookup(source):
    from policyreport.data.sources import article_at, segment

    try:
        segment(source)
    except DataError:
        return lambda offset: "TODO:article (the layout does not load)"

    def lookup(offset: int) -> str:
        article = article_at(source, offset)
        return article.id if article is not None else "TODO:article"

    return lookup


# --- files and the CLI ---------------------------------------------------------------------


def load_for_draft(path: Path):
    """The source at `path`, checksummed, even while its provenance record still has TODOs
    (add-source leaves them; check insists on them later, draft does not need them)."""
    import hashlib
    import json

    from policyreport.data.sources import Source, load_source, meta_path
    from policyreport.data.todos import json_todos
    from policyreport.errors import ChecksumError

    if not json_todos(meta_path(path)):
        return load_source(path)
    data = path.read_bytes()
    meta = json.loads(meta_path(path).read_text(encoding="utf-8-sig"))
    found = hashlib.sha256(data).hexdigest()
    if found != meta.get("sha256"):
        raise ChecksumError(file=path, expected=str(meta.get("sha256")), found=found)
    try:
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as error:
        raise DataError(file=path, expected="UTF-8 text", found=f"byte {error.start}") from None
    return Source(path=path, text=text, meta=meta)


def assumed_year(data_dir: Path, source) -> tuple[int | None, str | None]:
    """The page's year from the assumption the source's provenance record names
    (`year_assumption`), with that assumption's id; (None, None) when it names none.
    DataError when it names an assumption data/assumptions.csv lacks or whose value is no
    year."""
    name = source.meta.get(YEAR_ASSUMPTION)
    if not name:
        return None, None
    path = data_dir / "assumptions.csv"
    rows = (
        list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        if path.exists()
        else []
    )
    for number, row in enumerate(rows, start=2):
        if row.get("id") == name:
            try:
                value = float(row["value"])
            except (TypeError, ValueError):
                value = None
            if value is None or value != int(value) or not 1000 <= value <= 2999:
                raise DataError(
                    file=path,
                    row=number,
                    field="value",
                    expected=f"a four-digit year (the assumption {name} is a page's year)",
                    found=row.get("value"),
                )
            return int(value), name
    raise DataError(
        file=source.meta_path,
        field=YEAR_ASSUMPTION,
        expected=f"the id of an assumption in {path}",
        found=name,
    )


def to_csv(rows: list[dict[str, str]], columns: tuple[str, ...], header: bool = True) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    if header:
        writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


EXAMPLES = """
policyreport draft data/sources/001_0123456789abcdef.txt
    every number of the source as a draft facts.csv row (CSV on standard output), then the
    draft exclusions
policyreport draft SOURCE --topic TOPIC --year 2026 --out drafts.csv
    rows of one topic of the vocabulary, with the page's year given, into drafts.csv
"""


def add_arguments(parser) -> None:
    parser.add_argument("source", metavar="SOURCE", help="a source under data/sources/ (.txt)")
    parser.add_argument("--topic", help="topic of every row (a topic of the vocabulary)")
    parser.add_argument("--prefix", help="id prefix (default: the topic's prefix, else draft_)")
    parser.add_argument("--year", type=int, help="the page's year (what 今年 means)")
    parser.add_argument(
        "--out",
        metavar="FILE",
        help="write the rows to FILE (appended if it exists; exclusions beside it)",
    )
    parser.add_argument(
        "--data-dir", default=None, help="data directory (default: the project's data/)"
    )


def run(args) -> int:
    from policyreport.data.files import write_atomic
    from policyreport.data.vocabulary import load_vocabulary

    data = Path(args.data_dir) if args.data_dir else paths.DATA
    vocabulary = load_vocabulary(data)
    if args.topic is not None and args.topic not in vocabulary.topics:
        raise DataError(
            file=vocabulary.path,
            field="topics",
            expected=f"--topic naming a topic ({', '.join(vocabulary.topics)})",
            found=args.topic,
        )
    if args.year is not None and not 1000 <= args.year <= 2999:
        raise DataError(file="--year", expected="a four-digit year", found=str(args.year))
    prefix = args.prefix
    if prefix is None:
        topic = vocabulary.topics.get(args.topic or "")
        prefix = topic.prefix if topic and topic.prefix else "draft_"
    if not re.fullmatch(r"[a-z][a-z0-9_]*", prefix):
        raise DataError(file="--prefix", expected="lower snake case (e.g. ce_)", found=prefix)
    source = load_for_draft(Path(args.source))
    year, assumption = args.year, None
    if year is None:  # --year wins; else the year assumption the page's record names
        year, assumption = assumed_year(data, source)
    draft = draft_source(
        source, vocabulary, topic=args.topic, prefix=prefix, year=year, year_assumption=assumption
    )
    facts = [f.row for f in draft.facts]
    exclusions = [e.row for e in draft.exclusions]
    if not args.out:
        sys.stdout.write(to_csv(facts, FACT_COLUMNS))
        if exclusions:
            sys.stdout.write("\n" + to_csv(exclusions, EXCLUSION_COLUMNS))
        return 0
    out = Path(args.out)
    if not out.parent.is_dir():
        raise DataError(
            file=out, expected="a file in an existing directory", found="no such directory"
        )
    beside = (
        out.with_name("exclusions.csv")
        if out.name == "facts.csv"
        else out.with_name(out.stem + ".exclusions.csv")
    )
    writes = [(out, _merged(out, facts, FACT_COLUMNS, "id"))]
    if exclusions:
        writes.append((beside, _merged(beside, exclusions, EXCLUSION_COLUMNS, None)))
    for path, text in writes:  # all checked above; each file replaced whole, atomically
        write_atomic(path, text)
    print(
        f"draft: {len(facts)} fact row(s) to {out}, {len(exclusions)} exclusion(s) to "
        f"{beside}; resolve every TODO, then run policyreport check",
        file=sys.stderr,
    )
    return 0


def _merged(path: Path, rows: list[dict], columns: tuple[str, ...], key: str | None) -> str:
    """The file's current text with `rows` appended (the whole file when it is new);
    DataError, before anything is written, for another header or a key already used."""
    if not path.exists():
        return to_csv(rows, columns)
    old = path.read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(old))
    if tuple(reader.fieldnames or ()) != columns:
        raise DataError(
            file=path, row=1, expected=f"the columns {','.join(columns)}", found="other columns"
        )
    if key:
        used = {row[key] for row in reader}
        clash = next((row[key] for row in rows if row[key] in used), None)
        if clash:
            raise DataError(
                file=path, field=key, expected="ids not used yet (pass --prefix)", found=clash
            )
    return old + ("" if old.endswith("\n") or not old else "\n") + to_csv(rows, columns, False)
