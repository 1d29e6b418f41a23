"""data/facts.csv: one row per quantitative statement, each tied to its verbatim quote."""

from __future__ import annotations

from pathlib import Path

from policyreport import paths
from policyreport.data.periods import parse_period
from policyreport.data.tables import read_table, resource_schema
from policyreport.errors import DataError

# Kinds whose values are parts of a whole: in a unit with `per_whole` in the vocabulary
# (percent: 100) they lie between 0 and that whole.
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


def _check_row(row: dict, file: Path, texts: dict[str, str], wholes: dict[str, float]) -> None:
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
    whole = wholes.get(row["unit"])
    if row["kind"] in BOUNDED_SHARE_KINDS and whole and not 0 <= row["value"] <= whole:
        raise DataError(
            file=file,
            row=number,
            field="value",
            expected=f"a share between 0 and {whole:g} {row['unit']}",
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
    wholes = _wholes(datapackage or paths.DATAPACKAGE)
    for row in rows:
        _check_row(row, path, texts, wholes)
    return rows


def _wholes(datapackage: Path) -> dict[str, float]:
    """unit -> how many of it make a whole (the vocabulary beside the data package)."""
    from policyreport.data.vocabulary import load_vocabulary, vocabulary_path

    if not vocabulary_path(datapackage.parent).exists():
        return {}
    units = load_vocabulary(datapackage.parent).units.values()
    return {unit.id: unit.per_whole for unit in units if unit.per_whole}
