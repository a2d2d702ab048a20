"""The PDFs of a book laid out run by run (runs.py), cached (runcache.py), in one or more
processes (runwork.py), joined (assemble.py).

Runs are laid out in book order, since each starts where the one before ended: the cover,
the 目录 (with the page numbers of the last build, or none), the articles. A run whose key is
in the cache is not laid out; with workers, run n+1 is laid out while run n is painted and
written. When the 目录's page numbers differ from those it was laid out with, it is laid
out again (a small run); if that changes its page count, the runs after it start elsewhere and
are laid out again as well.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ...diagnostics import Diagnostic, PublishError, Report, codes
from ...model import Book, PageMark
from ..theme import Theme
from . import runcache, runs
from .runwork import Context, Task, Worker, receive, send

ENVIRONMENT = "PUBLISH_PDF_RUNS"  # "1": lay the PDF out run by run (the default: the whole book at once)


def enabled() -> bool:
    return os.environ.get(ENVIRONMENT, "") not in ("", "0")


@dataclass(frozen=True)
class Outcome:
    pdfs: dict[str, bytes]  # variant → the assembled PDF
    pages: int
    marks: tuple[PageMark, ...]
    laid_out: int  # runs laid out in this build (the others came from the cache)
    runs: int


def build(book: Book, theme: Theme, report: Report, modified: Any, wanted: tuple[str, ...], cache: Path,
          jobs: int = 1, progress: Callable[[str], None] | None = None) -> Outcome:
    from .writer import sources

    bleed = "print" in wanted
    src = sources(book, theme, report, bleed, cache)
    src = type(src)(src.html, runs.toc_css(src.css), src.files, src.bleed)
    split = runs.split(src.html)
    directory = cache / "pdf-runs"
    index_path = directory / "index.json"
    try:
        numbers: dict[str, int] = json.loads(index_path.read_text(encoding="utf-8")).get("numbers", {})
    except (OSError, ValueError, AttributeError):
        numbers = {}
    context = Context(book, src, wanted, modified, directory)
    identity = (str(modified), book.publication.identifier, f"bleed={bleed}", "\n".join(src.css))
    pool = _Pool(context, jobs)
    try:
        for _ in range(4):  # the 目录 laid out again at most thrice
            results = pool.lay_out(split, numbers, identity)
            found = _numbers(split, results)
            if found == numbers:
                break
            numbers = found
        else:
            raise RuntimeError("the contents' page numbers do not settle")
    finally:
        pool.close()
    for result in results:
        for code, message, path, line, col, hint in result.diagnostics:
            known = codes.lookup(code)
            if known is not None:
                report.keep(Diagnostic.of(known, message, Path(path) if path else None, line, col, hint))
    if report.errors:
        raise PublishError(report)
    originals = runs.originals(book.faces)
    pdfs = {}
    from .assemble import assemble

    subsets = runcache.Subsets(directory)
    for variant in wanted:
        if progress:
            progress(f"joining {len(results)} runs ({variant})")
        pdfs[variant] = assemble([runcache.paths(directory, r.key, variant) for r in results], results, originals,
                                 subsets)
        _trimmed()
    runcache.prune(directory, {r.key for r in results} | subsets.used)
    from ...store import write_bytes

    write_bytes(index_path, json.dumps({"numbers": numbers}, ensure_ascii=False, sort_keys=True).encode())
    marks = tuple(mark for result in results for mark in result.marks)
    return Outcome(pdfs, sum(r.pages for r in results), marks, pool.laid_out, len(results))


def _numbers(split: runs.Split, results: list[runs.RunResult]) -> dict[str, int]:
    """The page number of every anchor the 目录 links to."""
    anchors: dict[str, int] = {}
    for result in results:
        for name, page in result.anchors.items():
            anchors.setdefault(name, result.start + page)
    wanted = {name for run in split.runs if run.toc for name in runs.toc_targets(run)}
    return {name: anchors[name] for name in sorted(wanted) if name in anchors}


def _trimmed() -> None:
    """The memory qpdf took for one assembly given back before the next (glibc keeps freed
    memory otherwise: two assemblies of a 645-page book held 1.2 GB, each alone 0.7 GB)."""
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    name = ctypes.util.find_library("c")
    if name and sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(name).malloc_trim(0)


def _pipe(stream: IO[bytes] | None) -> IO[bytes]:
    assert stream is not None  # made with PIPE
    return stream


class _Pool:
    """Runs laid out in this process (jobs = 1) or in worker processes, in book order."""

    def __init__(self, context: Context, jobs: int) -> None:
        self.context, self.jobs = context, max(1, jobs)
        self.local: Worker | None = None
        self.workers: list[subprocess.Popen] = []
        self.idle: list[subprocess.Popen] = []
        self.messages: queue.Queue = queue.Queue()
        self.laid_out = 0

    def lay_out(self, split: runs.Split, numbers: dict[str, int],
                identity: tuple[str, ...]) -> list[runs.RunResult]:
        directory, wanted = self.context.directory, self.context.wanted
        results: list[runs.RunResult | None] = [None] * len(split.runs)
        start, index, busy = 1, 0, 0
        waiting = False  # for the page count of the run dispatched last
        while index < len(split.runs) or busy:
            if index < len(split.runs) and not waiting:
                run = split.runs[index]
                html = split.document(run, numbers if run.toc else None)
                key = runcache.key(identity + (str(start),), self.context.sources.files, html)
                cached = runcache.load(directory, key, wanted)
                if cached is not None:
                    results[index] = cached
                    start, index = start + cached.pages, index + 1
                    continue
                self.laid_out += 1
                if self.jobs == 1:
                    results[index] = self._worker().run(Task(index, html, start, key), lambda i, n: None)
                    start, index = start + results[index].pages, index + 1  # type: ignore[union-attr]
                    continue
                worker = self._idle_worker()
                if worker is not None:
                    send(_pipe(worker.stdin), Task(index, html, start, key))
                    busy, waiting = busy + 1, True
                    continue
            kind, number, value, worker = self.messages.get()
            if kind == "laid":
                start, index, waiting = start + value, index + 1, False
            elif kind == "done":
                results[number] = value
                busy -= 1
                self.idle.append(worker)
            else:
                raise RuntimeError(f"laying out part {number} of the PDF failed: {value}")
        return [result for result in results if result is not None]

    def _worker(self) -> Worker:
        if self.local is None:
            self.local = Worker(self.context)
        return self.local

    def _idle_worker(self) -> subprocess.Popen | None:
        if self.idle:
            return self.idle.pop()
        if len(self.workers) >= self.jobs:
            return None
        process = subprocess.Popen([sys.executable, "-m", "publish.writers.pdf.runwork"],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        send(_pipe(process.stdin), self.context)
        self.workers.append(process)
        threading.Thread(target=self._listen, args=(process,), daemon=True).start()
        return process

    def _listen(self, process: subprocess.Popen) -> None:
        while True:
            try:
                kind, number, value = receive(_pipe(process.stdout))
            except (EOFError, OSError, ValueError):
                if process.poll() is None or process.returncode:
                    self.messages.put(("failed", -1, f"worker exited ({process.returncode})", process))
                return
            self.messages.put((kind, number, value, process))

    def close(self) -> None:
        for process in self.workers:
            try:
                process.stdin.close()  # type: ignore[union-attr]
            except OSError:
                pass
        for process in self.workers:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
