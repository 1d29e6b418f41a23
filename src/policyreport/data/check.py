"""`policyreport check`: validate the data and prove that no figure on a page is left behind.

Every numeric mention the scanner finds must be covered by a fact (it lies inside the fact's
quote and parses to the fact's value, or it is a year/date inside a fact's quote, i.e. that
fact's period) or excluded with a reason. An exclusion that matches no mention is stale and
fails too, so the list cannot rot as facts are added.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

from policyreport.errors import CoverageError, DataError

CALENDAR_KINDS = ("year", "date")


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


def coverage(source_name: str, text: str, facts, exclusions) -> Coverage:
    """Match each scanner mention of one source against facts and exclusions."""
    from policyreport.data.scan import scan_text

    spans = []
    for fact in facts.itertuples():
        if fact.source == source_name:
            start = text.find(fact.quote)
            spans.append((start, start + len(fact.quote), fact.value, fact.value_high))
    excluded = (
        [
            (row.start, row.end, row.mention)
            for row in exclusions.itertuples()
            if row.source == source_name
        ]
        if len(exclusions)
        else []
    )
    used_exclusions = set()
    result = Coverage(source=source_name)
    for mention in scan_text(text):
        result.mentions += 1
        inside = [s for s in spans if s[0] <= mention.start and mention.end <= s[1]]
        values = [mention.value] + ([mention.value_high] if mention.value_high is not None else [])
        if any(_close(v, s[2]) or _close(v, s[3]) for s in inside for v in values):
            result.by_fact += 1
            continue
        if inside and mention.kind in CALENDAR_KINDS:
            result.by_period += 1
            continue
        match = next(
            (
                i
                for i, (start, end, text_) in enumerate(excluded)
                if start <= mention.start and mention.end <= end and text_ == mention.text
            ),
            None,
        )
        if match is not None:
            used_exclusions.add(match)
            result.by_exclusion += 1
            continue
        context = text[max(0, mention.start - 8) : mention.end + 8].replace("\n", "⏎")
        result.uncovered.append(f"{mention.text!r} at {mention.start} in …{context}…")
    stale = [excluded[i] for i in range(len(excluded)) if i not in used_exclusions]
    if stale:
        start, _end, mention_text = stale[0]
        raise DataError(
            file="data/exclusions.csv",
            field="mention",
            expected=f"an exclusion that matches a scanner mention in {source_name}",
            found=f"{mention_text!r} (context at offset {start}) matches none",
        )
    return result


def run_checks(data_dir: Path | str | None = None) -> tuple[object, list[Coverage]]:
    """Load and validate the whole dataset, then check scanner coverage of every source."""
    from policyreport.data.dataset import load_dataset

    dataset = load_dataset(data_dir)
    results = []
    for source in dataset.sources:
        result = coverage(source.path.name, source.text, dataset.facts, dataset.exclusions)
        if result.uncovered:
            raise CoverageError(file=source.path.name, mentions=result.uncovered)
        results.append(result)
    return dataset, results


def add_arguments(parser) -> None:
    parser.add_argument(
        "--data-dir", default=None, help="data directory (default: the project's data/)"
    )


def run(args) -> int:
    dataset, results = run_checks(args.data_dir)
    out = sys.stdout
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
    print("check: ok", file=out)
    return 0
