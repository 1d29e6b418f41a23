"""Render the report's HTML to an accessible PDF (PDF/UA-1) with WeasyPrint, byte-identical
for identical HTML.

The PDF is WeasyPrint's `pdf/ua-1` variant: tagged (a structure tree a screen reader follows:
headings, lists, tables, figures with their alt text, links), document language from
<html lang>, title shown by the viewer (DisplayDocTitle), XMP metadata claiming PDF/UA-1; what
the variant leaves undone is done by policyreport.build.pdftags. Rendering fails on any
WeasyPrint warning (an ignored CSS rule, a missing alt text, a link to no anchor): the report's
HTML must render exactly as written.

The HTML carries everything the PDF needs: the print rules of its stylesheet (A4, "n / N" page
footer, table of contents with page numbers via target-counter, refs as superscript labels via
attr(data-label)), the embedded font subset, and SVG charts, which WeasyPrint draws as vectors.

Determinism: WeasyPrint writes no creation date of its own; the document's dates come from its
`dcterms.created` / `dcterms.modified` meta elements, which the assembler sets to the source's
date. The file identifier is the md5 of the PDF's own objects (pydyf's automatic identifier),
not a random value; the XMP metadata of PDF/UA-1 holds no random document id either. Nothing
is fetched: the URL fetcher refuses every URL but data: URIs.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import time
from pathlib import Path

from policyreport.errors import BuildError


def _fetcher():
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class DataOnlyFetcher(URLFetcher):
        """Fetch data: URIs only; anything else stops the rendering (offline, self-contained)."""

        def fetch(self, url, headers=None):
            if not url.startswith("data:"):
                raise FatalURLFetchingError(f"the report may load nothing from outside: {url}")
            return super().fetch(url, headers)

    return DataOnlyFetcher(allowed_protocols={"data"}, fail_on_errors=True)


PDF_VARIANT = "pdf/ua-1"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render_pdf(html: str, target: Path | None = None) -> bytes:
    """The PDF of `html`, as bytes (also written to `target` when given)."""
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError

    from policyreport.build import pdftags

    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        document = weasyprint.HTML(string=html, base_url=None, url_fetcher=_fetcher())
        with pdftags.recording() as origins:
            pdf = document.write_pdf(
                finisher=pdftags.finisher(document.etree_element, origins),
                pdf_variant=PDF_VARIANT,
                pdf_identifier=True,  # md5 of the content: stable, and a valid /ID
                uncompressed_pdf=False,
                custom_metadata=False,
                full_fonts=False,  # embed subsets of exactly the glyphs used
                hinting=False,
            )
    except FatalURLFetchingError as error:
        raise BuildError(step="pdf", reason=str(error)) from None
    finally:
        logger.removeHandler(handler)
    if handler.messages:
        raise BuildError(step="pdf", reason=f"WeasyPrint: {handler.messages[0]}")
    if target is not None:
        Path(target).write_bytes(pdf)
    return pdf


def _render_file(html_path: Path, pdf_path: Path) -> float:
    started = time.monotonic()
    render_pdf(Path(html_path).read_text(encoding="utf-8"), Path(pdf_path))
    return time.monotonic() - started


def cache_key(html: bytes) -> str:
    """Same HTML, same renderer and options, same PDF bytes: the key of a cached PDF."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    for name in ("weasyprint", "pydyf", "fonttools"):
        digest.update(f"{name}=={version(name)}\0".encode())
    digest.update(Path(__file__).read_bytes())
    digest.update((Path(__file__).parent / "pdftags.py").read_bytes())
    digest.update(html)
    return digest.hexdigest()


def render_pdfs(
    pairs: list[tuple[Path, Path]], max_workers: int = 2, cache_dir: Path | None = None
) -> list[float | None]:
    """Render each (html file, pdf file) pair; return the seconds each took, in order, None
    for a PDF taken from cache_dir (kept by the sha256 of its HTML and the renderer).

    With several pairs and workers, each renders in its own Python process (WeasyPrint is
    CPU-bound Python: threads would not help), started as `python -m policyreport.build.pdf`
    rather than by multiprocessing, which would re-import the caller's main module."""
    seconds: list[float | None] = [None] * len(pairs)
    keys = [cache_key(Path(html).read_bytes()) for html, _ in pairs]
    todo = []
    for index, (_, pdf) in enumerate(pairs):
        cached = Path(cache_dir) / f"{keys[index]}.pdf" if cache_dir is not None else None
        if cached is not None and cached.is_file():
            shutil.copyfile(cached, pdf)
        else:
            todo.append(index)
    if max_workers <= 1 or len(todo) <= 1:
        for index in todo:
            seconds[index] = _render_file(*pairs[index])
    else:
        _render_in_processes(pairs, todo, max_workers, seconds)
    if cache_dir is not None:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        for index in todo:
            cached = Path(cache_dir) / f"{keys[index]}.pdf"
            tmp = cached.with_name(f".{cached.name}.{os.getpid()}.tmp")
            shutil.copyfile(pairs[index][1], tmp)
            os.replace(tmp, cached)
    return seconds


def _render_in_processes(pairs, todo: list[int], max_workers: int, seconds: list) -> None:
    import subprocess
    import sys

    pending = list(todo)
    running: list[tuple[int, float, subprocess.Popen]] = []
    try:
        while pending or running:
            while pending and len(running) < max_workers:
                index = pending.pop(0)
                html, pdf = pairs[index]
                command = [sys.executable, "-m", "policyreport.build.pdf", str(html), str(pdf)]
                process = subprocess.Popen(
                    command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
                )
                running.append((index, time.monotonic(), process))
            index, started, process = running.pop(0)
            _, stderr = process.communicate()
            if process.returncode != 0:
                lines = stderr.strip().splitlines() or [f"exit status {process.returncode}"]
                raise BuildError(step="pdf", reason=f"{pairs[index][0].name}: {lines[-1]}")
            seconds[index] = time.monotonic() - started
    finally:
        for _, _, process in running:
            process.kill()
            process.wait()


def main(argv: list[str] | None = None) -> int:
    """`python -m policyreport.build.pdf REPORT.html REPORT.pdf`: one rendering (used by the build
    to render several languages at once)."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m policyreport.build.pdf REPORT.html REPORT.pdf", file=sys.stderr)
        return 2
    try:
        _render_file(Path(args[0]), Path(args[1]))
    except BuildError as error:
        print(f"{error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
