"""The one shape every quantity takes once loaded: a fact, a derived figure or an assumption.

Formatting, charts and the report only ever see `Figure`, so they treat the three alike and
always know which appendix row a number links to.
"""

from __future__ import annotations

from dataclasses import dataclass

REF_KINDS = ("fact", "derived", "assumption")


@dataclass(frozen=True)
class Figure:
    id: str
    ref: str  # one of REF_KINDS: which appendix (and which data-* attribute) it links to
    value: float
    unit: str
    qualifier: str = "exact"  # exact | at_least | more_than | approx | range | at_most
    kind: str = "level"
    period: str = ""
    subject_en: str = ""
    subject_zh: str = ""
    topic: str = ""
    value_high: float | None = None

    @property
    def anchor(self) -> str:
        """The id of the appendix row this figure links to, e.g. 'fact-' + id."""
        return f"{self.ref}-{self.id}"

    @property
    def is_exact(self) -> bool:
        return self.qualifier == "exact"
