"""Writing data files so that a reader never sees half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same directory and a rename:
    a reader sees the old file or the new one, never half of one."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_together(contents: dict[Path, bytes]) -> None:
    """Create several new files as one step: each is written under a temporary name first,
    and only when all are written are they renamed into place; on a failure none is left.
    The caller has made sure that none of the paths exists yet."""
    temporaries: dict[Path, str] = {}
    renamed: list[Path] = []
    try:
        for path, data in contents.items():
            handle, temporary = tempfile.mkstemp(
                dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
            )
            temporaries[path] = temporary
            with os.fdopen(handle, "wb") as out:
                out.write(data)
        for path, temporary in temporaries.items():
            os.replace(temporary, path)
            renamed.append(path)
    except BaseException:
        for temporary in temporaries.values():
            Path(temporary).unlink(missing_ok=True)
        for path in renamed:
            path.unlink(missing_ok=True)
        raise
