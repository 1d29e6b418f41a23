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

import concurrent.futures
import contextlib
import hashlib
import json
import logging
import os
import queue
import shutil
import subprocess
import sys
import threading
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


class Renderers:
    """PDF renderings of a build, each in a long-lived Python process of its own.

    WeasyPrint is CPU-bound Python (threads would not help), and a new process pays ~1 s to
    import it and set up fontconfig before its first page: these processes pay that once, in
    the background (`start`, while the notebooks execute), then render one PDF after another
    as the build hands them over (`submit`, as soon as each HTML is assembled). They are
    `python -m policyreport.build.pdf --serve` rather than multiprocessing workers, which
    would re-import the caller's main module. A rendering takes one of `slots` (the build's
    --jobs, shared with the notebook runs) while it runs, so runs and renderings together keep
    to --jobs. A PDF is taken from cache_dir when its HTML and the renderer are unchanged."""

    def __init__(
        self, workers: int, cache_dir: Path | None = None, slots: threading.Semaphore | None = None
    ) -> None:
        self.workers = max(1, workers)
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.slots = slots
        self._idle: queue.SimpleQueue = queue.SimpleQueue()
        self._processes: list[subprocess.Popen] = []
        self._lock = threading.Lock()
        self._closed = False
        self._pool = concurrent.futures.ThreadPoolExecutor(self.workers, thread_name_prefix="pdf")

    def start(self, count: int | None = None) -> None:
        """Start (up to `workers`) renderer processes now, so that they are ready when the
        first HTML is."""
        for _ in range(min(self.workers, count if count is not None else self.workers)):
            with self._lock:
                if len(self._processes) >= self.workers:
                    return
                self._idle.put(self._spawn())

    def submit(self, html: Path, target: Path) -> concurrent.futures.Future:
        """Render `html` (a file) into `target`; the future's result is the seconds the
        rendering took, None when the PDF came from the cache."""
        return self._pool.submit(self._render, Path(html), Path(target))

    def close(self) -> None:
        """Stop every renderer process (those still rendering are killed)."""
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            processes, self._processes = self._processes, []
        for process in processes:  # idle, or rendering for a build that stopped: no waiting
            process.kill()
            process.wait()
            with contextlib.suppress(OSError):
                process.stdin.close()
                process.stdout.close()

    def __enter__(self) -> Renderers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _spawn(self) -> subprocess.Popen:
        command = [sys.executable, "-m", "policyreport.build.pdf", "--serve"]
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # the answers say what went wrong
            text=True,
            encoding="utf-8",
        )
        self._processes.append(process)
        return process

    def _borrow(self) -> subprocess.Popen:
        with self._lock:
            if self._idle.empty() and len(self._processes) < self.workers:
                return self._spawn()
        return self._idle.get()

    def _give_back(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            self._idle.put(process)
            return
        with self._lock:  # a dead renderer: the next rendering starts a new one
            if process in self._processes:
                self._processes.remove(process)

    def _render(self, html: Path, target: Path) -> float | None:
        if self._closed:
            raise BuildError(step="pdf", reason="the build stopped")
        cached = None
        if self.cache_dir is not None:
            cached = self.cache_dir / f"{cache_key(html.read_bytes())}.pdf"
            if cached.is_file():
                shutil.copyfile(cached, target)
                return None
        if self.slots is not None:
            self.slots.acquire()
        try:
            process = self._borrow()
            started = time.monotonic()
            answer = _ask(process, html, target)
            seconds = time.monotonic() - started
            self._give_back(process)
        finally:
            if self.slots is not None:
                self.slots.release()
        if "error" in answer:
            raise BuildError(step="pdf", reason=f"{html.name}: {answer['error']}")
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_name(f".{cached.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            shutil.copyfile(target, tmp)
            os.replace(tmp, cached)
        return seconds


def _ask(process: subprocess.Popen, html: Path, target: Path) -> dict:
    """One request to a `--serve` process: its answer, {"seconds": …} or {"error": …}."""
    try:
        process.stdin.write(json.dumps([str(html), str(target)]) + "\n")
        process.stdin.flush()
        line = process.stdout.readline()
    except OSError:
        line = ""
    if not line:
        process.kill()
        return {"error": f"the PDF renderer stopped (exit status {process.wait()})"}
    return json.loads(line)


def render_pdfs(
    pairs: list[tuple[Path, Path]], max_workers: int = 2, cache_dir: Path | None = None
) -> list[float | None]:
    """Render each (html file, pdf file) pair at once (Renderers); the seconds each took, in
    order, None for a PDF taken from cache_dir."""
    with Renderers(min(max_workers, len(pairs)) or 1, cache_dir) as renderers:
        futures = [renderers.submit(html, pdf) for html, pdf in pairs]
        return [future.result() for future in futures]


def serve() -> int:
    """`python -m policyreport.build.pdf --serve`: render the [html, pdf] pair of each line of
    stdin, answering each with one JSON line on stdout; ends at the end of stdin."""
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # whatever a library prints must not mix with the answers
    sys.stdout = sys.stderr
    # pay the imports and fontconfig's set-up now, before the first report arrives
    render_pdf('<html lang="en"><head><title>warm-up</title></head><body><p>.</p></body></html>')
    for line in sys.stdin:
        try:
            html, target = json.loads(line)
            answer = {"seconds": _render_file(Path(html), Path(target))}
        except BuildError as error:
            answer = {"error": error.reason}
        except Exception as error:  # reported to the build, which names the file
            answer = {"error": f"{type(error).__name__}: {error}"}
        answers.write(json.dumps(answer) + "\n")
        answers.flush()
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m policyreport.build.pdf REPORT.html REPORT.pdf`: one rendering;
    `--serve`: a renderer process of the build (Renderers)."""
    args = sys.argv[1:] if argv is None else argv
    if args == ["--serve"]:
        return serve()
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
