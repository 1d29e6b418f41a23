"""`policyreport check`: validate the data and prove that no figure on a page is left behind.

Every numeric mention the scanner finds must be covered by a fact (it lies inside the fact's
quote and parses to the fact's value, or it is a year/date inside a fact's quote, i.e. that
fact's period) or excluded with a reason. An exclusion that matches no mention is stale and
fails too, so the list cannot rot as facts are added.

A fact whose quote states numbers none of which is the fact's value (a typo in the row, or a
quote of the wrong sentence) is reported as exactly that — the fact, its row, what the quote
says and what the row says — before any mention is called uncovered. Date facts are exempt:
their value is a year a quote often leaves unsaid (an assumption supplies it).
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

from policyreport.errors import CoverageError, DataError, FactValueError

CALENDAR_KINDS = ("year", "date")
DATE_FACT_KIND = "date"

EXAMPLES = """
policyreport check
    validate data/ (schemas, quotes, checksums, layouts, derived figures), list any TODO
    left, and prove the scanner's coverage (what `make check` runs)
policyreport check --data-dir path/to/data
    the same for another data directory
"""


@dataclass
class Coverage:
    source: str
    mentions: int = 0
    by_fact: int = 0
    by_period: int = 0
    by_exclusion: int = 0
    uncovered: list = field(default_factory=list)


def _close(a, b) -> bool:
    return (
        b is not None
        and not (isinstance(b, float) and math.isnan(b))
        and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    )


COVERED_BY = ("fact", "period", "exclusion")  # what may cover a mention, in the order tried


def classify_mentions(
    source_name: str, text: str, facts, exclusions, per_whole: dict[str, float] | None = None
) -> tuple[list[dict], list]:
    """Every scanner mention of one source with what covers it, and the stale exclusions.

    Each mention is a dict: source, start, end, text, value, value_high, unit, kind, context,
    covered_by ("fact": inside a fact's quote with the same value; "period": a year or date
    inside a fact's quote; "exclusion"; None: uncovered) and by (the fact ids, or the
    exclusion's reason). Stale exclusions are (start, end, mention) that matched nothing.

    per_whole: unit -> how many of it make a whole (the vocabulary's `per_whole`, percent:
    100), so that a fraction in the text (约五分之一) matches a share stated in that unit (20)."""
    from policyreport.data.scan import is_fraction, scan_text

    per_whole = per_whole or {}
    spans = []
    for fact in facts.itertuples():
        if fact.source == source_name:
            start = text.find(fact.quote)
            spans.append(
                (start, start + len(fact.quote), fact.value, fact.value_high, fact.unit, fact.id)
            )
    excluded = (
        [
            (row.start, row.end, row.mention, row.reason_en)
            for row in exclusions.itertuples()
            if row.source == source_name
        ]
        if len(exclusions)
        else []
    )
    used_exclusions = set()
    mentions = []
    for mention in scan_text(text):
        inside = [s for s in spans if s[0] <= mention.start and mention.end <= s[1]]
        values = [mention.value] + ([mention.value_high] if mention.value_high is not None else [])

        def _values(span, values=values, mention=mention):
            if is_fraction(mention) and span[4] in per_whole:
                return values + [mention.value * per_whole[span[4]]]
            return values

        same_value = [
            s[5] for s in inside if any(_close(v, s[2]) or _close(v, s[3]) for v in _values(s))
        ]
        covered_by, by = None, ""
        if same_value:
            covered_by, by = "fact", " ".join(same_value)
        elif inside and mention.kind in CALENDAR_KINDS:
            covered_by, by = "period", " ".join(s[5] for s in inside)
        else:
            match = next(
                (
                    i
                    for i, (start, end, text_, _reason) in enumerate(excluded)
                    if start <= mention.start and mention.end <= end and text_ == mention.text
                ),
                None,
            )
            if match is not None:
                used_exclusions.add(match)
                covered_by, by = "exclusion", excluded[match][3]
        mentions.append(
            {
                "source": source_name,
                "start": mention.start,
                "end": mention.end,
                "text": mention.text,
                "value": mention.value,
                "value_high": mention.value_high,
                "unit": mention.unit,
                "kind": mention.kind,
                "context": text[max(0, mention.start - 8) : mention.end + 8].replace("\n", "⏎"),
                "covered_by": covered_by,
                "by": by,
            }
        )
    stale = [excluded[i][:3] for i in range(len(excluded)) if i not in used_exclusions]
    return mentions, stale


def coverage(
    source_name: str, text: str, facts, exclusions, per_whole: dict[str, float] | None = None
) -> Coverage:
    """Match each scanner mention of one source against facts and exclusions (see
    classify_mentions); a stale exclusion is an error."""
    mentions, stale = classify_mentions(source_name, text, facts, exclusions, per_whole)
    result = Coverage(source=source_name, mentions=len(mentions))
    for mention in mentions:
        if mention["covered_by"] == "fact":
            result.by_fact += 1
        elif mention["covered_by"] == "period":
            result.by_period += 1
        elif mention["covered_by"] == "exclusion":
            result.by_exclusion += 1
        else:
            result.uncovered.append(
                f"{mention['text']!r} at {mention['start']} in …{mention['context']}…"
            )
    if stale:
        start, _end, mention_text = stale[0]
        raise DataError(
            file="data/exclusions.csv",
            field="mention",
            expected=f"an exclusion that matches a scanner mention in {source_name}",
            found=f"{mention_text!r} (context at offset {start}) matches none",
        )
    return result


def _readings(mention, unit: str, per_whole: dict[str, float]) -> list[float]:
    """The values a mention can state in `unit`: its value(s), and a fraction (约五分之一)
    in a unit with a whole (percent: 100) as that share (20)."""
    from policyreport.data.scan import is_fraction

    values = [mention.value] + ([mention.value_high] if mention.value_high is not None else [])
    if is_fraction(mention) and unit in per_whole:
        values.append(mention.value * per_whole[unit])
    return values


def check_fact_values(
    source_name: str, text: str, facts, facts_file, per_whole: dict[str, float] | None = None
) -> None:
    """FactValueError for the first fact of one source whose quote states numbers but not
    its value."""
    from policyreport.data.scan import scan_text

    per_whole = per_whole or {}
    mentions = scan_text(text)
    # itertuples cannot name a column that starts with "_": read the row numbers apart
    rows = dict(zip(facts["id"], facts["_row"], strict=True)) if "_row" in facts else {}
    for fact in facts.itertuples():
        if fact.source != source_name or fact.kind == DATE_FACT_KIND:
            continue
        start = text.find(fact.quote)
        end = start + len(fact.quote)
        inside = [m for m in mentions if start <= m.start and m.end <= end]
        figures = [m for m in inside if m.kind not in CALENDAR_KINDS]
        if figures and not any(
            _close(v, fact.value) or _close(v, fact.value_high)
            for m in inside
            for v in _readings(m, fact.unit, per_whole)
        ):
            raise FactValueError(
                file=facts_file,
                row=int(rows[fact.id]) if fact.id in rows else None,
                fact=fact.id,
                quote=fact.quote,
                quoted=[m.text for m in figures],
                quoted_values=[m.value for m in figures],
                value=fact.value,
            )


def per_whole_units(data_dir: Path | str | None = None) -> dict[str, float]:
    """unit -> how many of it make a whole, from the vocabulary of `data_dir`."""
    from policyreport.data.vocabulary import load_vocabulary

    vocabulary = load_vocabulary(_data_dir(data_dir))
    return {u.id: u.per_whole for u in vocabulary.units.values() if u.per_whole}


def mentions_frame(dataset, data_dir: Path | str | None = None):
    """Every scanner mention of every source of `dataset` (loaded from `data_dir`) with what
    covers it (see classify_mentions), as a pandas DataFrame: the page's numbers as the
    scanner sees them."""
    import pandas as pd

    per_whole = per_whole_units(data_dir)
    rows = []
    for source in dataset.sources:
        mentions, _stale = classify_mentions(
            source.path.name, source.text, dataset.facts, dataset.exclusions, per_whole
        )
        rows += mentions
    return pd.DataFrame(rows, columns=[*(rows[0] if rows else {})])


def _data_dir(data_dir: Path | str | None) -> Path:
    """The data directory as load_dataset resolves it (relative paths from the project root)."""
    from policyreport import paths

    data = Path(data_dir) if data_dir else paths.DATA
    return data if data.is_absolute() else paths.ROOT / data


def check_articles(dataset, facts_file: Path) -> None:
    """Each source's layout holds (anchors occur once, ids unique: `segment` checks them),
    and each fact names an article of its source's layout whose span holds its quote."""
    from policyreport.data.sources import segment

    articles = {source.name: segment(source) for source in dataset.sources}
    texts = {source.name: source.text for source in dataset.sources}
    for fact in dataset.facts.to_dict("records"):
        by_id = {article.id: article for article in articles[fact["source"]]}
        article = by_id.get(fact["article"])
        if article is None:
            raise DataError(
                file=facts_file,
                row=fact["_row"],
                field="article",
                expected=f"an article id of {fact['source']}'s layout ({', '.join(by_id)})",
                found=fact["article"],
            )
        start = texts[fact["source"]].find(fact["quote"])
        if not article.contains(start):
            raise DataError(
                file=facts_file,
                row=fact["_row"],
                field="article",
                expected=f"the article whose span holds the quote (at offset {start})",
                found=fact["article"],
            )


def run_checks(data_dir: Path | str | None = None) -> tuple[object, list[Coverage]]:
    """Refuse data with TODOs left; load and validate the whole dataset (layouts and the
    facts' articles included), then check scanner coverage of every source."""
    from policyreport.data.dataset import load_dataset
    from policyreport.data.todos import TodoError, find_todos

    data = _data_dir(data_dir)
    todos = find_todos(data)
    if todos:
        raise TodoError(todos)
    dataset = load_dataset(data)
    check_articles(dataset, data / "facts.csv")
    per_whole = per_whole_units(data)
    results = []
    for source in dataset.sources:
        # a fact that disagrees with its quote is named as such, not as an uncovered mention
        check_fact_values(
            source.path.name, source.text, dataset.facts, data / "facts.csv", per_whole
        )
        result = coverage(
            source.path.name, source.text, dataset.facts, dataset.exclusions, per_whole
        )
        if result.uncovered:
            raise CoverageError(file=source.path.name, mentions=result.uncovered)
        results.append(result)
    return dataset, results


def add_arguments(parser) -> None:
    parser.add_argument(
        "--data-dir", default=None, help="data directory (default: the project's data/)"
    )


def run(args) -> int:
    check_and_report(args.data_dir)
    print("check: ok", file=sys.stdout)
    return 0


def check_and_report(data_dir) -> tuple[object, list[Coverage]]:
    """The data checks as `policyreport check` runs them, with what they found on stdout
    (TODOs on stderr, one a line); policyreport.build.checks adds the number trace. Writes
    nothing: datapackage.json's enums out of step with the vocabulary are a StaleEnumError
    (the fix: `policyreport sync`)."""
    from policyreport.data.todos import TodoError
    from policyreport.data.vocabulary import stale_enums

    out = sys.stdout
    data = _data_dir(data_dir)
    try:
        dataset, results = run_checks(data)
    except TodoError as error:
        for todo in error.todos:
            print(todo, file=sys.stderr)
        raise
    # a check reads only: a descriptor behind the vocabulary is reported, `sync` rewrites it
    stale = stale_enums(data)
    if stale is not None:
        raise stale
    print(f"sources: {len(dataset.sources)} (checksums match)", file=out)
    print(f"facts: {len(dataset.facts)}", file=out)
    print(f"derived figures: {len(dataset.derived)}", file=out)
    print(f"assumptions: {len(dataset.assumptions)}", file=out)
    print(f"exclusions: {len(dataset.exclusions)}", file=out)
    for result in results:
        print(
            f"{result.source}: {result.mentions} numeric mentions: {result.by_fact} matched to "
            f"facts, {result.by_period} periods of facts, {result.by_exclusion} excluded, "
            f"0 uncovered",
            file=out,
        )
    return dataset, results
