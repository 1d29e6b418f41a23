"""One exception hierarchy for everything a user can get wrong.

Each class carries structured fields (file, row, field, expected, found …) so that tests and
callers can inspect them, and renders itself as one readable line for the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: Exit codes of the `policyreport` command (documented in its --help and the README).
EXIT_OK = 0
EXIT_FAILURE = 1  # the input was fine but something failed: a notebook cell, a PDF renderer
EXIT_BAD_INPUT = 2  # a data file, the spec, a parameter or a command-line option is wrong


class PolicyReportError(Exception):
    """Base class: str(error) is the one line a user sees."""

    exit_code = EXIT_BAD_INPUT

    def _render_traceback_(self) -> list[str]:
        """What IPython shows in a notebook instead of a traceback into the package: the
        line of the cell that raised it, then the one line that says what is wrong
        (%debug still has the whole stack)."""
        shown = [f"{type(self).__name__}: {self}"]
        where = _cell_line(self.__traceback__)
        return [where, *shown] if where else shown


def _cell_line(tb) -> str | None:
    """'cell line 3: ctx = setup(' for the last frame of `tb` that is notebook code: ipykernel
    compiles each cell to a file named /tmp/ipykernel_<pid>/<hash>.py, IPython to
    <ipython-input-…>; None when no frame is."""
    import linecache
    import traceback

    frames = [
        frame
        for frame in traceback.extract_tb(tb)
        if "ipykernel_" in frame.filename or frame.filename.startswith("<ipython-input")
    ]
    if not frames:
        return None
    frame = frames[-1]
    code = (frame.line or linecache.getline(frame.filename, frame.lineno or 0)).strip()
    return f"cell line {frame.lineno}: {code}"


def _where(file: str | Path | None, row: int | None = None, field: str | None = None) -> str:
    parts = []
    if file is not None:
        parts.append(str(file))
    if row is not None:
        parts.append(f"row {row}")
    if field is not None:
        parts.append(f"field '{field}'")
    return ", ".join(parts)


@dataclass
class DataError(PolicyReportError):
    """A data file (CSV, JSON, text) is not what it should be.

    row numbers as a spreadsheet shows them: the header is row 1, the first record row 2.
    """

    file: str | Path
    expected: str
    found: str | None = None
    row: int | None = None
    field: str | None = None

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        found = f"; found {self.found!r}" if self.found is not None else ""
        return f"{_where(self.file, self.row, self.field)}: expected {self.expected}{found}"


@dataclass
class ChecksumError(PolicyReportError):
    """A verbatim source changed since its metadata recorded its checksum."""

    file: str | Path
    expected: str
    found: str

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return (
            f"{self.file}: sha256 {self.found[:12]}… does not match the recorded "
            f"{self.expected[:12]}…; the verbatim source was edited"
        )


@dataclass
class StaleEnumError(PolicyReportError):
    """The data package's enums lag behind the vocabulary they copy (someone edited
    vocabulary.toml by hand): `fix` is the command that rewrites them."""

    file: str | Path
    vocabulary: str | Path
    fields: list[str]  # resource.field names whose enum differs
    missing: list[str]  # values the vocabulary has and the descriptor lacks
    extra: list[str]  # values the descriptor has and the vocabulary lacks
    fix: str = "policyreport sync"

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        differs = [
            f"{what} {', '.join(values)}"
            for what, values in (("lacks", self.missing), ("still has", self.extra))
            if values
        ] or ["orders them otherwise"]
        return (
            f"{self.file}, field(s) {', '.join(self.fields)}: enum out of step with "
            f"{self.vocabulary} (the descriptor {'; '.join(differs)}); run `{self.fix}`"
        )


@dataclass
class CoverageError(PolicyReportError):
    """Numeric mentions that no fact covers and no exclusion explains."""

    file: str | Path
    mentions: list[str]

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        shown = "; ".join(self.mentions[:5])
        more = f" (+{len(self.mentions) - 5} more)" if len(self.mentions) > 5 else ""
        return (
            f"{self.file}: {len(self.mentions)} numeric mention(s) neither covered by a fact "
            f"nor excluded with a reason: {shown}{more}"
        )


@dataclass
class FactValueError(PolicyReportError):
    """A fact's value is not what its own quote says."""

    file: str | Path
    row: int
    fact: str
    quote: str
    quoted: list[str]  # the numbers the quote states, as written
    quoted_values: list[float]  # ... and as the scanner reads them, in base units
    value: float

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        said = ", ".join(
            f"{text} ({value:g})"
            for text, value in zip(self.quoted, self.quoted_values, strict=True)
        )
        return (
            f"{_where(self.file, self.row)}: fact {self.fact}: the quote {self.quote!r} says "
            f"{said}, the row's value is {self.value:g}"
        )


@dataclass
class TraceError(PolicyReportError):
    """Numbers in executed notebooks that do not come from the data (build.trace)."""

    problems: list[str]

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        shown = "; ".join(self.problems[:3])
        more = f" (+{len(self.problems) - 3} more)" if len(self.problems) > 3 else ""
        return f"{len(self.problems)} number(s) not traced to the data: {shown}{more}"


@dataclass
class ParameterError(PolicyReportError):
    """A notebook or build parameter has a wrong name, type or value."""

    parameter: str
    expected: str
    found: object = None
    notebook: str | None = None
    hint: str | None = None  # what the user probably meant, e.g. "did you mean usd_cny?"

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.notebook}: " if self.notebook else ""
        hint = f"; {self.hint}" if self.hint else ""
        return (
            f"{where}parameter '{self.parameter}': expected {self.expected}; "
            f"found {self.found!r}{hint}"
        )


@dataclass
class NotebookExecutionError(PolicyReportError):
    """A cell failed while the build executed a notebook."""

    exit_code = EXIT_FAILURE

    notebook: str
    cell: int  # counted from 1 over all cells of the source notebook, top to bottom
    ename: str
    evalue: str
    kept_at: str | None = None
    run_all_count: int | None = None  # the In [n] JupyterLab shows there after Run All

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        notes = []
        if self.run_all_count is not None:
            notes.append(f"In [{self.run_all_count}] after Run All in JupyterLab")
        if self.kept_at:
            notes.append(f"executed notebook kept at {self.kept_at}")
        shown = f" ({'; '.join(notes)})" if notes else ""
        return f"{self.notebook}, cell {self.cell}: {self.ename}: {self.evalue}{shown}"


@dataclass
class BuildError(PolicyReportError):
    """The report could not be assembled (spec, template, font, PDF)."""

    exit_code = EXIT_FAILURE

    step: str
    reason: str

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.step}: {self.reason}"


@dataclass
class ProjectNotFoundError(PolicyReportError):
    """No policyreport project at or above a folder (and POLICYREPORT_ROOT not set)."""

    start: str | Path
    marker: str

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return (
            f"{self.start}: not inside a policyreport project (no {self.marker} here or in "
            "any folder above); run `policyreport init DIR` to make one, cd into one, or set "
            "POLICYREPORT_ROOT"
        )
