"""data/exclusions.csv: numeric mentions the scanner finds that are not figures (titles,
names, slogans, idioms, period labels), each located by a unique context and justified."""

from __future__ import annotations

from pathlib import Path

from policyreport import paths
from policyreport.data.facts import count_occurrences
from policyreport.data.tables import read_table, resource_schema
from policyreport.errors import DataError


def load_exclusion_rows(
    path: Path | None = None, texts: dict[str, str] | None = None, datapackage: Path | None = None
) -> list[dict]:
    """Validated exclusion rows, each with `start`/`end`: the context's span in its source."""
    path = path or paths.EXCLUSIONS
    rows = read_table(path, resource_schema("exclusions", datapackage))
    if texts is None:
        from policyreport.data.sources import list_sources

        texts = {source.path.name: source.text for source in list_sources()}
    for row in rows:
        text = texts.get(row["source"])
        if text is None:
            raise DataError(
                file=path,
                row=row["_row"],
                field="source",
                expected="one of the sources in data/sources",
                found=row["source"],
            )
        found = count_occurrences(text, row["context"])
        if found != 1:
            raise DataError(
                file=path,
                row=row["_row"],
                field="context",
                expected=f"a context that occurs exactly once in {row['source']}",
                found=f"{found} occurrences of {row['context']!r}",
            )
        if row["mention"] not in row["context"]:
            raise DataError(
                file=path,
                row=row["_row"],
                field="mention",
                expected="text contained in the context",
                found=row["mention"],
            )
        row["start"] = text.find(row["context"])
        row["end"] = row["start"] + len(row["context"])
    return rows
