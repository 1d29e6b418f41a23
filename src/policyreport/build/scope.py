"""A report's scope: the part of the dataset that one report spec covers.

A spec may name the sources (`sources = [...]`, file names under data/sources/) and the topics
(`topics = [...]`) it covers; absent means every one. A fact is in scope when it matches every
list given (its source is listed, and its topic is listed). From the facts follow the rest:

- sources: the listed ones, or (topics only) those the facts in scope come from;
- derived figures: those whose fact and derived inputs are all in scope;
- assumptions: those that a fact or derived figure in scope rests on, and those the report's
  notebooks cite (their prose may use an exchange rate no fact depends on);
- exclusions: those of the sources in scope.

The title block and every appendix read the scoped dataset, so a report about one page lists
that page's facts, sources and assumptions only, each with the label it has in the whole
dataset (F3, F7…: gaps allowed).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from policyreport.errors import BuildError, DataError

# The references a notebook's report outputs carry (docs/architecture.md).
_ASSUMPTION_REF = re.compile(r'data-assumption=\\?"([^"\\]+)\\?"')
_FIGURE_REF = re.compile(r'data-(fact|derived)=\\?"([^"\\]+)\\?"')


def _column(frame, name: str) -> list:
    if frame is None or len(frame) == 0 or name not in frame.columns:
        return []
    return list(frame[name])


def _keep(frame, mask: list[bool]):
    """The rows of `frame` where mask is true (.loc: an empty mask keeps the columns)."""
    return frame.loc[mask]


def _names(values) -> set[str]:
    return {value for value in values if isinstance(value, str) and value}


def _check_known(spec, key: str, wanted: tuple[str, ...], known: set[str], what: str) -> None:
    for name in wanted:
        if name not in known:
            shown = ", ".join(sorted(known)) or "none"
            raise DataError(
                file=spec.path,
                field=f"report.{key}",
                expected=f"{what} (known: {shown})",
                found=name,
            )


def check_scope(spec, dataset, registered_topics=frozenset()) -> None:
    """A spec naming a source or topic the data does not have is a one-line DataError.
    registered_topics: the vocabulary's topics (a topic may be registered before its facts)."""
    sources = {Path(source.path).name for source in dataset.sources}
    _check_known(spec, "sources", spec.sources, sources, "a source file under data/sources/")
    topics = _names(_column(dataset.facts, "topic")) | _names(_column(dataset.derived, "topic"))
    topics |= set(registered_topics)
    _check_known(spec, "topics", spec.topics, topics, "a topic of the vocabulary or the facts")


def cited_assumptions(notebooks: list[dict]) -> set[str]:
    """Ids of the assumptions that executed notebooks cite in their outputs."""
    import json

    return {
        ident
        for notebook in notebooks
        for ident in _ASSUMPTION_REF.findall(json.dumps(notebook, ensure_ascii=False))
    }


def _derived_in_scope(dataset, facts: set[str]) -> list[str]:
    """Derived ids whose fact and derived inputs are all in scope (derived figures may build
    on one another, so repeat until nothing changes)."""
    rows = list(
        zip(_column(dataset.derived, "id"), _column(dataset.derived, "inputs"), strict=True)
    )
    assumptions = set(_column(dataset.assumptions, "id"))
    kept: set[str] = set()
    changed = True
    while changed:
        changed = False
        for ident, inputs in rows:
            if ident in kept:
                continue
            names = str(inputs).split()
            if all(name in facts or name in kept or name in assumptions for name in names):
                kept.add(ident)
                changed = True
    return [ident for ident, _ in rows if ident in kept]


def scope_dataset(dataset, spec, cited: set[str] = frozenset()):
    """The dataset as the spec's report shows it (the whole dataset when the spec sets no
    scope). `cited`: assumption ids the notebooks cite, kept whatever the facts need.
    The names in the spec are checked first (check_scope)."""
    if not spec.sources and not spec.topics:
        return dataset
    facts = dataset.facts
    mask = [True] * len(facts)
    if spec.sources:
        mask = [m and s in spec.sources for m, s in zip(mask, facts["source"], strict=True)]
    if spec.topics:
        mask = [m and t in spec.topics for m, t in zip(mask, facts["topic"], strict=True)]
    facts = _keep(facts, mask)
    fact_ids = set(facts["id"])

    source_names = set(spec.sources) or set(facts["source"])
    sources = [s for s in dataset.sources if Path(s.path).name in source_names]

    derived_ids = _derived_in_scope(dataset, fact_ids)
    derived = dataset.derived
    if len(derived):
        derived = _keep(derived, [ident in derived_ids for ident in derived["id"]])

    needed = _names(_column(facts, "assumption")) | set(cited)
    for inputs in _column(derived, "inputs"):
        needed |= set(str(inputs).split())
    assumptions = dataset.assumptions
    assumptions = _keep(assumptions, [ident in needed for ident in assumptions["id"]])

    exclusions = dataset.exclusions
    if len(exclusions):
        exclusions = _keep(exclusions, [s in source_names for s in exclusions["source"]])
    return replace(
        dataset,
        facts=facts,
        derived=derived,
        assumptions=assumptions,
        exclusions=exclusions,
        sources=sources,
    )


def data_files_in_scope(files: list[Path], data_dir: Path, dataset) -> list[Path]:
    """The data files a scoped report lists: every file but those of sources out of scope
    (a source's text, provenance and layout share its stem under sources/)."""
    stems = {Path(source.path).name.split(".")[0] for source in dataset.sources}
    kept = []
    for path in files:
        parts = path.relative_to(data_dir).parts
        if len(parts) == 2 and parts[0] == "sources" and parts[1].split(".")[0] not in stems:
            continue
        kept.append(path)
    return kept


def check_citations(notebooks: dict[str, dict], scoped, spec) -> None:
    """BuildError when a chapter cites a fact or derived figure outside the spec's scope (its
    appendix row would be missing), naming the chapter, the figure and the spec."""
    if not spec.sources and not spec.topics:
        return
    import json

    covered = set(_column(scoped.facts, "id")) | set(_column(scoped.derived, "id"))
    for name, notebook in notebooks.items():
        for kind, ident in _FIGURE_REF.findall(json.dumps(notebook, ensure_ascii=False)):
            if ident not in covered and ident in scoped.figures:
                raise BuildError(
                    step="scope",
                    reason=f"{name} cites {kind} {ident}, which is outside the scope of "
                    f"{Path(spec.path).name} (report.sources / report.topics)",
                )
