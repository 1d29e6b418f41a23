"""The build manifest: answer a build whose inputs did not change from one file.

After a successful build, `<cache>/manifests/<out>.json` records a digest of everything the
build read — the spec, the command-line choices, every file under the notebook and data
directories of the spec, the package (code and templates), requirements.lock and the
Python version — and the sha256 of every file it published. The next build with the same
digest, whose published files are all still there and unchanged, is done: it imports
nothing heavy, starts no kernel and loads no data. Anything else (an edited fact, a deleted
PDF) falls through to the normal build, where the run cache decides what re-executes.

The manifest is a file of our own like a cache entry: it carries the digest of its own
content and is written by rename; one that does not check out is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from contextlib import suppress
from pathlib import Path

FORMAT = 1


def _digest_tree(digest, directory: Path) -> None:
    if directory.is_file():
        files = [directory]
    else:
        files = sorted(
            (p for p in directory.rglob("*") if p.is_file() and "__pycache__" not in p.parts),
            key=lambda p: p.as_posix(),
        )
    for path in files:
        digest.update(path.as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())


def build_digest(choices: dict, inputs: list[Path]) -> str:
    """choices: what the command line and spec decided (JSON-able); inputs: files or
    directories whose every file the build may read."""
    digest = hashlib.sha256()
    digest.update(sys.version.encode() + b"\0")
    digest.update(json.dumps(choices, sort_keys=True, ensure_ascii=False, default=str).encode())
    package = Path(__file__).resolve().parents[1]
    for path in [package, *sorted(set(inputs), key=lambda p: p.as_posix())]:
        if path.exists():
            _digest_tree(digest, path)
    return digest.hexdigest()


def manifest_path(cache_dir: Path, out_dir: Path) -> Path:
    name = hashlib.sha256(str(out_dir.resolve()).encode()).hexdigest()[:32]
    return cache_dir / "manifests" / f"{name}.json"


def _body_digest(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def up_to_date(path: Path, digest: str) -> list[Path] | None:
    """The published files when the manifest says the build is done, else None."""
    try:
        record = json.loads(path.read_bytes())
        body = record["body"]
        if record["digest"] != _body_digest(body) or body["format"] != FORMAT:
            return None
        if body["inputs"] != digest:
            return None
        files = []
        for name, expected in body["files"].items():
            file = Path(name)
            if hashlib.sha256(file.read_bytes()).hexdigest() != expected:
                return None
            files.append(file)
        return files
    except (OSError, ValueError, KeyError, TypeError):
        return None


def record(path: Path, digest: str, files: list[Path]) -> None:
    """Remember a successful build (best effort: an unwritable cache only costs speed)."""
    body = {
        "format": FORMAT,
        "inputs": digest,
        "files": {
            str(file.resolve()): hashlib.sha256(file.read_bytes()).hexdigest() for file in files
        },
    }
    data = json.dumps({"digest": _body_digest(body), "body": body}, sort_keys=True).encode()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        pass
    finally:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)
