"""The executed-notebook cache: one self-checking file per run, keyed by what the run read.

A run's key has two parts.
- The static key (`RunInputs.key`): the notebook's cells (type, source, tags), its
  parameters, the package's code, the locked environment (requirements.lock, Python
  version) and the data files that are not tracked row by row (the data package, the
  sources, exclusions …).
- The rows it read: the ctx records every fact, derived figure and assumption a run touches
  (policyreport.notebook), the engine keeps that list in the executed notebook's metadata,
  and the entry stores each row's content hash (`row_hashes`; the row's place in its table
  counts too, since it numbers the label, F13, that a chart's source line prints). A hit needs every stored
  hash to equal today's; so editing one fact re-executes only the runs that read it. A run
  that recorded nothing (no setup(), or a kernel without the engine) depends on every row.

An entry (`<cache>/executed/<static key>.json`) carries the sha256 of its own content: a
truncated, corrupted or edited entry fails that check, is deleted and the run re-executes;
it is never served and never raises. Entries are written to a temporary file and renamed,
so concurrent builds sharing a cache never see half an entry. Beside the entries,
`runs/<run>.json` remembers the inputs of the last execution of each run, so that a miss
can say which input changed (`policyreport status`). A cache folder that cannot be written
turns the cache off for the build, which still succeeds.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import os
import sys
import threading
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

ENTRY_FORMAT = 1
ROW_TABLES = ("facts.csv", "derived.csv", "assumptions.csv")  # tracked row by row
ALL_ROWS = "*"  # policyreport.notebook.ALL_ROWS: the run read the dataset as a whole


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json_bytes(value) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


# --- what a run depends on -------------------------------------------------------------------


def notebook_digest(notebook_path: Path) -> str:
    """The cells a run executes or shows (type, source, tags), not their stale outputs."""
    source = json.loads(notebook_path.read_text(encoding="utf-8"))
    cells = [
        [
            cell.get("cell_type"),
            "".join(cell.get("source", "")),
            cell.get("metadata", {}).get("tags", []),
        ]
        for cell in source.get("cells", [])
    ]
    kernel = source.get("metadata", {}).get("kernelspec", {}).get("name")
    return sha256(_json_bytes([kernel, cells]))


def files_digest(files: list[Path], base: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.as_posix()):
        try:
            shown = path.relative_to(base).as_posix()
        except ValueError:
            shown = path.as_posix()
        digest.update(shown.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def package_digest() -> str:
    """The Python code of the installed policyreport package (what a notebook imports)."""
    package = Path(__file__).resolve().parents[1]
    files = [p for p in package.rglob("*.py") if "__pycache__" not in p.parts]
    return files_digest(files, package)


def environment_digest(root: Path) -> str:
    """The locked environment: requirements.lock and the Python version."""
    lock = root / "requirements.lock"
    text = lock.read_bytes() if lock.is_file() else b""
    return sha256(sys.version.encode() + b"\0" + text)


def static_data_digest(data_dir: Path) -> str:
    """Every data file but the row-tracked tables (schema, sources, exclusions …)."""
    files = [
        path
        for path in data_dir.rglob("*")
        if path.is_file()
        and not (path.parent == data_dir and path.name in ROW_TABLES)
        and not path.name.startswith(".")
    ]
    return files_digest(files, data_dir)


def row_hashes(data_dir: Path) -> dict[str, str]:
    """id -> content hash of its row, for every fact, derived figure and assumption. A
    derived figure's hash includes the hashes of its inputs, since its value does; ALL_ROWS
    maps to the hash of all of them."""
    rows: dict[str, str] = {}
    inputs: dict[str, list[str]] = {}
    for name in ROW_TABLES:
        path = data_dir / name
        if not path.is_file():
            continue
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            position = 0
            for values in reader:
                record = dict(zip(header, values, strict=False))
                ident = record.get("id")
                if not ident:
                    continue
                # The row's place is part of it: it numbers the label (F13) charts print.
                position += 1
                rows[ident] = sha256(_json_bytes([name, header, values, position]))
                if name == "derived.csv":
                    inputs[ident] = record.get("inputs", "").split()

    resolved: dict[str, str] = {}

    def resolve(ident: str, seen: tuple[str, ...] = ()) -> str:
        if ident in resolved:
            return resolved[ident]
        own = rows.get(ident, "missing")
        parts = [own]
        for name in inputs.get(ident, []):
            if name not in seen:  # a cycle is the data check's error, not ours
                parts.append(resolve(name, (*seen, ident)))
        resolved[ident] = sha256("\0".join(parts).encode()) if len(parts) > 1 else own
        return resolved[ident]

    hashes = {ident: resolve(ident) for ident in rows}
    hashes[ALL_ROWS] = sha256(_json_bytes(sorted(hashes.items())))
    return hashes


@dataclass(frozen=True)
class RunInputs:
    """Everything a run's static key is made of, by name (for `status`)."""

    run: str  # notebook name, language and parameters, readable: what this run is
    parts: dict  # input name -> digest

    @property
    def key(self) -> str:
        return sha256(_json_bytes(self.parts))


def run_inputs(
    name: str,
    lang: str,
    notebook_path: Path,
    parameters: dict,
    shared: dict,
) -> RunInputs:
    """shared: the digests every run of a build has in common (package, environment, data)."""
    shown = ",".join(
        f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in sorted(parameters.items())
    )
    return RunInputs(
        run=f"{name}.{lang}[{shown}]",
        parts={
            "notebook": notebook_digest(notebook_path),
            "parameters": sha256(_json_bytes(parameters)),
            **shared,
        },
    )


def shared_inputs(root: Path, data_dir: Path) -> dict:
    return {
        "package code": package_digest(),
        "locked environment": environment_digest(root),
        "data files": static_data_digest(data_dir),
    }


# --- entries ---------------------------------------------------------------------------------


@dataclass
class Entry:
    notebook: dict
    reads: dict[str, str]  # id -> row hash (ALL_ROWS when the run did not record its reads)
    artifacts: dict[str, bytes] = field(default_factory=dict)  # files the run wrote


@dataclass
class Lookup:
    entry: Entry | None
    reason: str  # why it is not a hit ("" for a hit)


def _reads_hashes(reads: list[str] | None, hashes: dict[str, str]) -> dict[str, str]:
    if reads is None:
        return {ALL_ROWS: hashes.get(ALL_ROWS, "")}
    return {ident: hashes.get(ident, "missing") for ident in reads}


def _describe_row(ident: str) -> str:
    return "data (the run read the whole dataset)" if ident == ALL_ROWS else f"row {ident!r}"


class RunCache:
    """The entries under one directory; `directory=None` or an unwritable one: cache off."""

    def __init__(self, directory: Path | None):
        self.directory = directory
        self.off_reason: str | None = None if directory else "disabled (--force)"
        if directory is not None:
            try:
                (directory / "runs").mkdir(parents=True, exist_ok=True)
                probe = directory / f".probe-{os.getpid()}-{threading.get_ident()}"
                probe.write_bytes(b"")
                probe.unlink()
            except OSError as error:
                self.off_reason = f"{directory} cannot be written ({error.strerror or error})"

    @property
    def enabled(self) -> bool:
        return self.off_reason is None

    def _entry_path(self, inputs: RunInputs) -> Path:
        return self.directory / f"{inputs.key}.json"

    def _run_path(self, inputs: RunInputs) -> Path:
        return self.directory / "runs" / f"{sha256(inputs.run.encode())[:32]}.json"

    def lookup(self, inputs: RunInputs, hashes: dict[str, str]) -> Lookup:
        if not self.enabled:
            return Lookup(None, f"cache off: {self.off_reason}")
        path = self._entry_path(inputs)
        entry = self._read(path)
        if entry is None:
            if path.exists():
                path.unlink(missing_ok=True)
                return Lookup(None, "cache entry corrupted (discarded)")
            return Lookup(None, self._why_missing(inputs))
        for ident, stored in sorted(entry.reads.items()):
            if hashes.get(ident, "missing") != stored:
                return Lookup(None, f"{_describe_row(ident)} changed")
        return Lookup(entry, "")

    def _why_missing(self, inputs: RunInputs) -> str:
        try:
            last = json.loads(self._run_path(inputs).read_text(encoding="utf-8"))
            parts = last["parts"]
        except (OSError, ValueError, KeyError, TypeError):
            return "never executed"
        changed = [name for name, digest in inputs.parts.items() if parts.get(name) != digest]
        return (", ".join(changed) + " changed") if changed else "cache entry removed"

    def _read(self, path: Path) -> Entry | None:
        try:
            record = json.loads(path.read_bytes())
            body = record["body"]
            if record.get("digest") != sha256(_json_bytes(body)):
                return None
            if body.get("format") != ENTRY_FORMAT:
                return None
            reads = dict(body["reads"])
            artifacts = {
                name: base64.b64decode(text, validate=True)
                for name, text in body["artifacts"].items()
            }
            return Entry(body["notebook"], reads, artifacts)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def store(
        self,
        inputs: RunInputs,
        notebook: dict,
        reads: list[str] | None,
        hashes: dict[str, str],
        artifacts: dict[str, bytes],
    ) -> None:
        if not self.enabled:
            return
        body = {
            "format": ENTRY_FORMAT,
            "run": inputs.run,
            "reads": _reads_hashes(reads, hashes),
            "notebook": notebook,
            "artifacts": {
                name: base64.b64encode(data).decode("ascii")
                for name, data in sorted(artifacts.items())
            },
        }
        record = {"digest": sha256(_json_bytes(body)), "body": body}
        try:
            _write_atomic(self._entry_path(inputs), _json_bytes(record))
            _write_atomic(
                self._run_path(inputs), _json_bytes({"run": inputs.run, "parts": inputs.parts})
            )
        except OSError as error:
            self.off_reason = f"{self.directory} cannot be written ({error.strerror or error})"


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)
