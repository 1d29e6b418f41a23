"""data/facts.csv: one row per quantitative statement, each tied to its verbatim quote."""

from __future__ import annotations

from pathlib import Path

from policyreport import paths
from policyreport.data.periods import parse_period
from policyreport.data.tables import read_table, resource_schema
from policyreport.errors import DataError

# Kinds whose percent values are parts of a whole and so cannot exceed 100.
BOUNDED_SHARE_KINDS = ("share",)


def count_occurrences(text: str, quote: str) -> int:
    """Occurrences of quote in text, overlapping ones included (a quote must be unambiguous)."""
    count, start = 0, text.find(quote)
    while start != -1:
        count += 1
        start = text.find(quote, start + 1)
    return count


def check_quote(text: str, quote: str, *, file: Path, row: int, source_name: str) -> None:
    found = count_occurrences(text, quote)
    if found != 1:
        raise DataError(
            file=file,
            row=row,
            field="quote",
            expected=f"a quote that occurs exactly once in {source_name}",
            found=f"{found} occurrences of {quote!r}",
        )


def _check_row(row: dict, file: Path, texts: dict[str, str]) -> None:
    number = row["_row"]
    if row["source"] not in texts:
        raise DataError(
            file=file,
            row=number,
            field="source",
            expected=f"one of the sources in data/sources ({', '.join(sorted(texts))})",
            found=row["source"],
        )
    check_quote(
        texts[row["source"]], row["quote"], file=file, row=number, source_name=row["source"]
    )
    try:
        parse_period(row["period"])
    except ValueError as error:
        raise DataError(
            file=file,
            row=number,
            field="period",
            expected="a real date or span: YYYY, YYYY-YYYY, YYYY-MM, YYYY-MM-DD or A..B",
            found=str(error),
        ) from None
    high = row["value_high"]
    if row["qualifier"] == "range":
        if high is None or high < row["value"]:
            raise DataError(
                file=file,
                row=number,
                field="value_high",
                expected="the high end of the range, not below value",
                found=high,
            )
    elif high is not None:
        raise DataError(
            file=file,
            row=number,
            field="value_high",
            expected="empty unless qualifier is range",
            found=high,
        )
    bounded = row["kind"] in BOUNDED_SHARE_KINDS and row["unit"] == "percent"
    if bounded and not 0 <= row["value"] <= 100:
        raise DataError(
            file=file,
            row=number,
            field="value",
            expected="a share between 0 and 100 percent",
            found=row["value"],
        )


def load_fact_rows(
    path: Path | None = None,
    texts: dict[str, str] | None = None,
    datapackage: Path | None = None,
) -> list[dict]:
    """Validated fact rows. `texts` maps source file names to their verbatim text."""
    path = path or paths.FACTS
    rows = read_table(path, resource_schema("facts", datapackage))
    if texts is None:
        from policyreport.data.sources import list_sources

        texts = {source.path.name: source.text for source in list_sources()}
    for row in rows:
        _check_row(row, path, texts)
    return rows
