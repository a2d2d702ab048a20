"""The PDFs of a book laid out run by run (runs.py), cached (runcache.py), in one or more
processes (runwork.py), joined (assemble.py).

Runs are laid out in book order, since each starts where the one before ended: the cover,
the 目录 (with the page numbers of the last build, or none), the articles. A run whose key is
in the cache is not laid out; with workers, run n+1 is laid out while run n is painted and
written. When the 目录's page numbers differ from those it was laid out with, it is laid
out again (a small run; in a cold build the first one is only counted), while the other
runs are joined (joins.py). A run whose start changed since the last build (an earlier run's page
count did) keeps the body it was laid out with and gets margin boxes for its new start
(furniture.py), unless its pages cannot be moved so.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from ...diagnostics import Diagnostic, PublishError, Report, codes
from ...model import Book, PageMark
from ..theme import Theme
from . import runcache, runs
from .joins import Joins
from .runwork import BATON, Context, InProcess, Task, Worker, receive, send

ENVIRONMENT = "PUBLISH_PDF_RUNS"  # "0": lay the whole book out as one document (the default: run by run)


# The characters of HTML to lay out from which worker processes pay for their start (~1.5 s
# each): the sample has 50 times as much, a test case a tenth of it.
WORKERS_FROM = 40_000


def enabled() -> bool:
    return os.environ.get(ENVIRONMENT, "") != "0"


@dataclass
class LaidOut:
    """The book's runs laid out (or from the cache), not joined yet: its page marks are known
    now, so the EPUB's page-list need not wait for the joins."""

    results: list[runs.RunResult]
    pages: int
    marks: tuple[PageMark, ...]
    laid_out: int  # runs laid out in this build (the others came from the cache)
    runs: int
    moved: int  # runs not laid out again though their start changed: new margin boxes only
    finish: Callable[[Report], Iterator[tuple[str, bytes]]]

    def join(self, report: Report) -> Iterator[tuple[str, bytes]]:
        """Each variant's assembled PDF, in the order asked for; the print PDF's preflight
        reports to `report` (the cache's index is written once the last is joined)."""
        return self.finish(report)

    def joined(self) -> dict[str, bytes]:
        return dict(self.join(Report()))


@dataclass(frozen=True)
class Whole:
    """The book must be laid out as one document: its stylesheets or template need it (why)."""

    reason: str


def build(book: Book, theme: Theme, report: Report, modified: Any, wanted: tuple[str, ...], cache: Path,
          jobs: int = 1, progress: Callable[[str], None] | None = None,
          writing: Callable[[str], None] = lambda variant: None) -> LaidOut | Whole:
    """The PDFs (`wanted`: variants) laid out run by run, to be joined; `progress` hears the
    steps, `writing` each variant as its PDF is assembled."""
    from .writer import sources

    directory = cache / "pdf-runs"
    index_path = directory / "index.json"
    try:
        last = json.loads(index_path.read_text(encoding="utf-8"))
        numbers: dict[str, int] = dict(last.get("numbers", {}))
        known = {str(content) for content in last.get("contents", [])}
        bodies = {str(content): str(body) for content, body in dict(last.get("bodies", {})).items()}
    except (OSError, ValueError, AttributeError, TypeError):
        numbers, known, bodies = {}, set(), {}
    # A cold build of a book worth the workers starts them now, so that they load WeasyPrint
    # while this process makes the sources (~1 s of each build's start).
    text = sum(len(article.html) for article in book.rendered)  # most of what is laid out
    early = jobs - 1 if jobs > 1 and not known and text >= WORKERS_FROM else 0  # and this process
    pool = _Pool(jobs, progress, bodies, early)
    joins = Joins(book, directory, wanted, jobs, progress, writing)
    try:
        bleed = "print" in wanted
        src = sources(book, theme, report, bleed, cache)
        src = replace(src, css=runs.toc_css(src.css))
        whole = runs.needs_whole_book(src.css)
        if whole is not None:
            return Whole(f"the stylesheets use {whole}")
        try:
            split = runs.split(src.html)
        except ValueError:  # a theme's own print template, without the blocks a run starts with
            return Whole("a print template without the top-level blocks runs start at (runs.py)")
        # The runs have their own copies now: the whole HTML (16 MB for the 655-page book) is
        # not kept through the layout.
        src = replace(src, html="")
        identity = (str(modified), book.publication.identifier, f"bleed={bleed}", "\n".join(src.css))
        pool.begin(Context(book, src, wanted, modified, directory))
        toc = next((run.index for run in split.runs if run.toc), -1)
        results: list[runs.RunResult] = []
        for _ in range(4):  # the 目录 laid out again at most thrice
            # The 目录 laid out again in a worker process while the others are joined here (joins.py).
            before = results
            aside = bool(before) and pool.processes() and joins.begin(before, toc)
            results = pool.lay_out(split, numbers, identity, known, away=aside)
            found = runs.toc_numbers(split, results)
            if aside:
                kept = found == numbers and results[toc].pages == before[toc].pages and all(
                    new.key == old.key for index, (new, old) in enumerate(zip(results, before)) if index != toc)
                joins.settle(results[toc] if kept else None)
            if found == numbers and not pool.counted:
                break
            numbers = found
            known |= set(pool.contents)  # laid out now: in the cache at their start
        else:
            return Whole("a 目录 whose page numbers do not settle when it is laid out on its own")
    finally:
        pool.close()
        joins.settle(None)  # a join begun and not given its late run (a failure) is given up
    for result in results:
        for code, message, path, line, col, hint in result.diagnostics:
            declared = codes.lookup(code)
            if declared is not None:
                report.keep(Diagnostic.of(declared, message, Path(path) if path else None, line, col, hint))
    if report.errors:
        raise PublishError(report)
    marks = tuple(mark for result in results for mark in result.marks)
    contents = list(pool.contents)

    def finish(report: Report) -> Iterator[tuple[str, bytes]]:
        yield from joins.made(results, report, toc)
        runcache.prune(directory, {key for r in results for key in (r.key, r.body)} | joins.subsets.used)
        from ...store import write_bytes

        bodies = {content: result.body for content, result in zip(contents, results)}
        write_bytes(index_path, json.dumps({"numbers": numbers, "contents": contents, "bodies": bodies},
                                           ensure_ascii=False, sort_keys=True).encode())

    return LaidOut(results, sum(r.pages for r in results), marks, len(pool.laid_out), len(results),
                   len(pool.moved - pool.laid_out), finish)


def _pipe(stream: IO[bytes] | None) -> IO[bytes]:
    assert stream is not None  # made with PIPE
    return stream


class _Pool:
    """Runs laid out in this process (jobs = 1) or in worker processes, in book order."""

    def __init__(self, jobs: int, progress: Callable[[str], None] | None = None,
                 bodies: dict[str, str] | None = None, early: int = 0) -> None:
        self.jobs, self.progress = max(1, jobs), progress
        self.bodies = dict(bodies or {})  # content key → the key its body was laid out at (the last build)
        self.moved: set[int] = set()  # the runs moved, not laid out again (furniture.py)
        self.local: Worker | None = None
        self.workers: list[Any] = []  # worker processes (subprocess.Popen) and at most one InProcess
        self.held: dict[Any, set[int]] = {}  # a worker → the runs sent to it, not done
        self.messages: queue.Queue = queue.Queue()
        self.laid_out: set[int] = set()  # the runs laid out (the others came from the cache)
        self.contents: list[str] = []  # the content keys of the runs of the last lay_out
        self.counted = False  # the last lay_out laid a run out for its page count only (runwork.Task)
        self.ready: set[int] = set()  # the worker processes (by id) that have said they are ready
        self.started = [self._spawn() for _ in range(min(early, self.jobs))]  # told the context in begin

    def begin(self, context: Context) -> None:
        """The build's context, for the runs laid out here and the workers (those started early too)."""
        self.context = context
        for process in self.started:
            self._enlist(process)
        self.started = []

    def lay_out(self, split: runs.Split, numbers: dict[str, int], identity: tuple[str, ...],
                known: set[str], away: bool = False) -> list[runs.RunResult]:
        """The runs laid out (or taken from the cache), in book order. With workers, a run whose
        start is not known yet is laid out from a guess and moved (runstart.py), unless it is the
        目录 or a run the last build laid out (`known`: content keys), which wait for their start:
        after an edit, they are in the cache when their start has not changed. `away`: in worker
        processes only (this one joins meanwhile: joins.py)."""
        directory, wanted, files = self.context.directory, self.context.wanted, self.context.sources.files
        count = len(split.runs)
        results: list[runs.RunResult | None] = [None] * count
        pages: list[int | None] = [None] * count
        starts: list[int | None] = [1] + [None] * (count - 1)
        documents = [split.document(run, numbers if run.toc else None) for run in split.runs]
        empty = split.head + split.tail  # where a run's margin boxes are made (furniture.py)
        contents = [runcache.key(identity, files, html) for html in documents]  # hashed once per build
        self.contents = contents
        self.counted = False
        # Laid out here, in this process, which has WeasyPrint loaded already (a worker loads it
        # and the fonts again, ~1.5 s): an edit (at most one run new since the last build; runs it
        # moves go to workers), and a book too small to pay for starting workers.
        new = [index for index in range(count) if contents[index] not in known]
        here = (self.jobs == 1 or len(new) <= 1
                or sum(len(split.runs[index].body) for index in new) < WORKERS_FROM)
        waiting: dict[int, subprocess.Popen] = {}  # deferred runs told their page count, waiting for their start
        pending = list(range(count))  # not dispatched yet, in book order
        deferred: set[int] = set()  # dispatched from a guessed start, not told their page count yet
        busy = 0

        def full_key(index: int) -> str:
            return runcache.at(contents[index], starts[index])  # type: ignore[arg-type]

        while pending or busy:
            for index in range(1, count):  # starts follow from the page counts known
                if starts[index] is None and starts[index - 1] is not None and pages[index - 1] is not None:
                    starts[index] = starts[index - 1] + pages[index - 1]  # type: ignore[operator]
            for index, worker in list(waiting.items()):
                if starts[index] is not None:
                    send(_pipe(worker.stdin), ("start", index, starts[index], full_key(index)))
                    del waiting[index]
            dispatched = False
            for index in list(pending):
                start = starts[index]
                if start is not None:
                    key = full_key(index)
                    cached = runcache.load(directory, key, wanted) or self._moved(index, contents[index], key,
                                                                                  start, empty)
                    if cached is not None:
                        results[index], pages[index] = cached, cached.pages
                        pending.remove(index)
                        dispatched = True
                        break  # the starts after it are known now
                    # A cold build's 目录 is laid out again with its numbers: first only counted.
                    counted = split.runs[index].toc and not known and bool(runs.toc_targets(split.runs[index]))
                    self.counted = self.counted or counted
                    task = Task(index, documents[index], start, key, empty=empty, counted=counted)
                elif self.jobs > 1 and not split.runs[index].toc and contents[index] not in known:
                    guess = 1 + sum(pages[i] or 1 for i in range(index))
                    task = Task(index, documents[index], guess, "", deferred=True, empty=empty)
                else:
                    continue
                if self.jobs == 1 or (here and not away and not task.deferred and not self.workers):
                    self.laid_out.add(index)
                    self._say(index, count)
                    local = self._worker()
                    with BATON:
                        result = local.run(task, lambda i, n: None)
                    results[index], pages[index] = result, result.pages
                    pending.remove(index)
                    dispatched = True
                    break
                free = self._free_worker(waiting, pages, away)
                if free is None:
                    break
                worker = free
                self.held[worker].add(index)
                self.laid_out.add(index)
                self._say(index, count)
                send(_pipe(worker.stdin), task)
                if task.deferred:
                    deferred.add(index)
                pending.remove(index)
                busy, dispatched = busy + 1, True
                break
            if dispatched:
                continue
            kind, number, value, worker = self.messages.get()
            if kind == "laid":
                if value is not None:
                    pages[number] = value
                if number in deferred:
                    waiting[number] = worker  # it waits for its start, known or not
                    deferred.discard(number)
            elif kind == "done":
                results[number], pages[number] = value, value.pages
                busy -= 1
                self.held[worker].discard(number)
            elif kind == "ready":
                pass  # a worker process that has loaded WeasyPrint and the fonts: it takes runs now
            else:
                raise RuntimeError(f"laying out part {number} of the PDF failed: {value}")
        done = [result for result in results if result is not None]
        self.bodies.update((content, result.body) for content, result in zip(contents, done))
        return done

    def _moved(self, index: int, content: str, key: str, start: int, empty: str) -> runs.RunResult | None:
        """The run's body as the last build laid it out at another start, with its margin boxes
        made at `start` (in this process: a furnishing is a fraction of a second), or None."""
        from .furniture import Plan, Unmovable

        body_key = self.bodies.get(content)
        body = runcache.load(self.context.directory, body_key, self.context.wanted) if body_key else None
        if body is None or body.plan is None or body.body != body.key or \
                not Plan.from_json(body.plan).movable(start - body.start):
            return None
        if self.progress:
            self.progress(f"moving part {index + 1}: its page numbers")
        local = self._worker()
        try:
            with BATON:
                moved = local.moved(body, empty, key, start)
        except Unmovable:
            return None
        self.moved.add(index)
        return moved

    def _ready(self, worker: Any) -> bool:
        return isinstance(worker, InProcess) or id(worker) in self.ready

    def processes(self) -> bool:
        """Whether a worker process is running (not only this process's own worker)."""
        return any(not isinstance(worker, InProcess) for worker in self.workers)

    def _say(self, index: int, count: int) -> None:
        if self.progress:
            self.progress(f"laying out pages: part {index + 1} of {count}")

    def _worker(self) -> Worker:
        if self.local is None:
            with BATON:  # an InProcess worker's runs may be computing
                self.local = Worker(self.context)
        return self.local

    def _free_worker(self, waiting: dict[int, Any], pages: Sequence[int | None], away: bool = False) -> Any:
        """A worker with nothing to do, else a new one (up to `jobs`), else one whose runs all
        wait for their start (runwork.HELD at most, and HELD_PAGES of `pages`): it lays the next
        run out meanwhile.
        `away`: an idle worker process only."""
        from .runwork import HELD, HELD_PAGES

        # A worker process still loading WeasyPrint is not given a run: one that others wait for
        # (the cover, the 目录: their page counts give every start) would wait with it, and this
        # process, holding runs laid out from a guess, sat idle (0.6 s of a cold x10 build).
        idle = [worker for worker in self.workers if not self.held[worker] and self._ready(worker)]
        if away:
            return next((worker for worker in idle if not isinstance(worker, InProcess)), None)
        if idle:
            return idle[0]
        if len(self.workers) < self.jobs:
            # Worker processes, and this process as the last (with -j 2: one process and this).
            if len(self.workers) < self.jobs - 1 or any(isinstance(w, InProcess) for w in self.workers):
                self._enlist(self._spawn())
                return None  # given runs once it is ready
            here = InProcess(self._worker())
            self._listened(here)
            return here
        waiting_only = [worker for worker in self.workers if len(self.held[worker]) < HELD and self._ready(worker)
                        and all(index in waiting for index in self.held[worker])
                        and sum(pages[index] or 0 for index in self.held[worker]) < HELD_PAGES]
        return min(waiting_only, key=lambda worker: len(self.held[worker]), default=None)

    @staticmethod
    def _spawn() -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "publish.writers.pdf.runwork"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def _enlist(self, process: subprocess.Popen) -> None:
        """A worker told the context and listened to; idle."""
        send(_pipe(process.stdin), self.context.slim())
        self._listened(process)

    def _listened(self, process: Any) -> None:
        self.workers.append(process)
        self.held[process] = set()
        threading.Thread(target=self._listen, args=(process,), daemon=True).start()

    def _listen(self, process: subprocess.Popen) -> None:
        while True:
            try:
                kind, number, value = receive(_pipe(process.stdout))
            except (EOFError, OSError, ValueError):
                if process.poll() is None or process.returncode:
                    self.messages.put(("failed", -1, f"worker exited ({process.returncode})", process))
                return
            if kind == "ready":
                self.ready.add(id(process))
            self.messages.put((kind, number, value, process))

    def close(self) -> None:
        for process in self.started + self.workers:
            try:
                process.stdin.close()
            except OSError:
                pass
        for process in self.started + self.workers:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
