"""Laying one run out and writing its PDFs, in this process or in a worker process.

A worker is `python -m publish.writers.pdf.runwork`, started by runbuild.py with pipes (not
multiprocessing: the PDF job may itself run in a daemonic worker of make, which may not have
children of its own). Messages are length-prefixed pickles between publish's own processes
(nothing pickled is ever read from disk). A worker says how many pages a run has as soon as it
is laid out, before it is painted and written, so that the next run (which starts after it)
can be laid out on the other core meanwhile; a worker holds up to `HELD` runs, those beyond
the one it computes waiting for their start.
"""

from __future__ import annotations

import gc
import os
import pickle
import queue
import struct
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NoReturn

from ...diagnostics import Report
from ...model import Book
from ..heap import give_back, one_arena
from . import furniture, rasters, runs, runstart, variants
from .writer import Layout, Renderer, Sources, dated

# A run's layout is collected and given back as soon as it is written (a book's memory stays
# flat), unless it is this short: what it leaves is a few MB, and a collection of this
# process's heap costs 50 ms, a twentieth of an edit's build (the collector's own passes free
# it later).
COLLECT_FROM = 16  # pages
# The runs a worker holds at once: each laid out and waiting for its start keeps its pages, so
# at most HELD_PAGES of them. With 2 runs, the x10 manuscript's workers sat idle 5.2 core-s of
# its layout (one waiting for the start of its next runs while the other laid out a long one);
# with 4, 3.1, and the build took 37.7 s instead of 41.2 s, in the same memory.
HELD = 4
HELD_PAGES = 80

@dataclass(frozen=True)
class Context:
    """What every run of a build shares (sent once to each worker)."""

    book: Book
    sources: Sources
    wanted: tuple[str, ...]  # the variants written: "print", "screen"
    modified: Any  # datetime
    directory: Path  # the run cache

    def slim(self) -> Context:
        """What a worker process is sent: without the book's whole HTML and its articles' (the
        runs bring theirs; a worker needs the articles' names). For the 655-page book the whole
        context pickled is 11.7 MB, 8.1 million characters of it the book's HTML."""
        import dataclasses

        rendered = tuple(dataclasses.replace(article, html="") for article in self.book.rendered)
        book = dataclasses.replace(self.book, rendered=rendered)
        return dataclasses.replace(self, book=book, sources=dataclasses.replace(self.sources, html=""))


@dataclass(frozen=True)
class Task:
    index: int
    html: str
    start: int  # a guess, when `deferred`
    key: str  # "" when `deferred`: it has the start in it
    deferred: bool = False  # laid out before its start is known (runstart.py)
    empty: str = ""  # the document with an empty body its margin boxes are made in (furniture.py)
    # Laid out for its page count only, not written nor kept: a cold build's first 目录, without
    # its page numbers, is laid out again with them (runbuild.py).
    counted: bool = False


Settle = Callable[[], tuple[int, str]]  # (the real start, the key) of the deferred run, once known


class Worker:
    """Lays runs out with one renderer (fonts and stylesheets loaded once)."""

    def __init__(self, context: Context) -> None:
        runs.install()
        runstart.install()
        furniture.install()
        self.context = context
        self.renderer = Renderer(context.sources)
        # The images' print and screen copies are registered per process (rasters.py): a worker
        # registers them too (made already, found in the cache by digest), or its runs would carry
        # the originals as WeasyPrint decodes them.
        rasters.declare(context.book, self.renderer.fetcher.base_url, context.directory.parent, Report())
        self.originals = set(runs.originals(context.book.faces))

    def run(self, task: Task, laid: Callable[[int, int | None], None], settle: Settle | None = None) -> runs.RunResult:
        """Lay the run out, tell `laid` its page count, write its PDFs. A deferred run tells its
        page count from the guessed start (None if its side can change it: runstart.py) and asks
        `settle` for its real start."""
        context, pub = self.context, self.context.book.publication
        report = Report()
        start, key, told = task.start, task.key, False
        document = None
        if task.deferred:
            assert settle is not None

            def moved(pages: int, sided: bool) -> int:
                nonlocal start, key, told
                told = not sided
                laid(task.index, pages if told else None)
                start, key = settle()
                return start

            try:
                with runs.starting_on(task.start), runstart.deferring(task.start, moved), \
                        furniture.recording() as recorder:
                    document = self.renderer.render(task.html, pub, runs.start_css(task.start))
            except runstart.Moved:
                document = None
        if document is None:
            with runs.starting_on(start), furniture.recording() as recorder:
                document = self.renderer.render(task.html, pub, runs.start_css(start))
        dated(document, context.modified)
        self.renderer.refused(pub, report)
        meta = runs.laid_out_meta(document, context.book, key, start, report)
        if not told:
            laid(task.index, meta.pages)
        if task.counted:
            return meta
        fonts: dict[str, dict[str, Any]] = {}
        token = variants.OBJECT_STREAMS.set(False)
        try:
            with runs.fonts_recorded(fonts, self.originals), runs.linking_across():
                written = Layout(pub, document, context.sources.bleed, meta.marks).write_all(context.wanted)
        finally:
            variants.OBJECT_STREAMS.reset(token)
        del document
        if meta.pages >= COLLECT_FROM:
            give_back()  # the run's layout is freed, and handed back, before the next one is made
        plan = recorder.plan()
        pdfs = {variant: written[variant].data for variant in context.wanted}
        result = runs.RunResult(**{**meta.__dict__, "fonts": fonts, "plan": plan.to_json() if plan else None,
                                   "screen_replaces": written["screen"].replaces if "screen" in written else None})
        if plan is not None:
            made, found_fonts, dx = self.furnish(plan, task.empty, start, 0)
            pdfs["furniture"] = made
            result = runs.RunResult(**{**result.__dict__, "fonts": {**fonts, **found_fonts}, "furnished": True,
                                       "dx": dx})
        from .runcache import store

        store(context.directory, result, pdfs)
        return result

    def furnish(self, plan: furniture.Plan, empty: str, start: int, shift: int
                ) -> tuple[bytes, dict[str, dict[str, Any]], tuple[float, ...]]:
        """The PDF of `plan`'s margin boxes `shift` pages on, at `start`; its fonts; the body's moves."""
        pub = self.context.book.publication
        fonts: dict[str, dict[str, Any]] = {}
        with runs.starting_on(start), furniture.furnishing(plan, shift) as found:
            document = self.renderer.render(empty, pub, runs.start_css(start))
        dated(document, self.context.modified)
        with runs.fonts_recorded(fonts, self.originals):
            data = document.write_pdf(pdf_identifier=False, pdf_tags=False)
        return data, fonts, tuple(found.dx)

    def moved(self, body: runs.RunResult, empty: str, key: str, start: int) -> runs.RunResult:
        """The run laid out as `body` (at another start), with its furniture made at `start`."""
        assert body.plan is not None
        data, fonts, dx = self.furnish(furniture.Plan.from_json(body.plan), empty, start, start - body.start)
        result = body.moved(key, start, fonts, dx)
        from .runcache import store

        store(self.context.directory, result, {"furniture": data})
        return result


# -- the pipe protocol -----------------------------------------------------------------------

def send(stream: IO[bytes], message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack(">Q", len(data)) + data)
    stream.flush()


def receive(stream: IO[bytes]) -> Any:
    header = stream.read(8)
    if len(header) < 8:
        raise EOFError
    (length,) = struct.unpack(">Q", header)
    data = stream.read(length)
    if len(data) < length:  # the other end stopped mid-message (interrupted)
        raise EOFError
    return pickle.loads(data)  # from our own parent process, never from a file


# One run computes at a time in a process (its workers' threads and the pool's own runs):
# WeasyPrint, Pango and the engine extensions' patches are not thread-safe, and a run's bytes do
# not depend on when it ran.
BATON = threading.Lock()


def main() -> None:
    one_arena()  # the runs' threads take turns (the baton): one arena, no memory kept in others
    inbox, outbox = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write into the pipe
    try:
        worker = Worker(receive(inbox))
        # What a worker process holds now lives as long as it (WeasyPrint, the fonts, the book):
        # out of the collector's sight, a run's collection (give_back) walks the run's own
        # objects. Not in the PDF job's own worker, whose process serves build after build
        # (publish watch): what it froze would never be collected.
        gc.collect()
        gc.freeze()
        serve(inbox, outbox, worker, _gone)
    except (KeyboardInterrupt, BrokenPipeError, EOFError):
        # Ctrl-C reaches the whole process group, and the parent, interrupted too, stops
        # listening: it reports the interruption and cleans up; a worker only stops.
        _gone()


def _gone() -> NoReturn:
    """The parent stopped listening (interrupted): a worker process only stops."""
    sys.stderr.flush()
    os._exit(130)


def serve(inbox: IO[bytes], outbox: IO[bytes], worker: Worker, gone: Callable[[], NoReturn]) -> None:
    """Tasks from `inbox`, each run in a thread of its own that holds the baton while it
    computes: a deferred run waiting for its start gives the baton up, so that the process lays
    the next run out meanwhile instead of sitting idle (a worker of a cold x10 build waited
    12-17 s of 73 so). `gone` stops when the other end stops listening."""
    baton, sending = BATON, threading.Lock()
    starts: dict[int, queue.Queue] = {}  # a run's index → its ("start", index, start, key), once sent
    threads: list[threading.Thread] = []

    def say(message: Any) -> None:
        with sending:
            send(outbox, message)

    try:
        say(("ready", -1, None))  # its renderer made: a run sent now is laid out at once
    except BrokenPipeError:
        gone()

    def run(task: Task) -> None:
        def settle() -> tuple[int, str]:
            baton.release()
            try:
                message = starts[task.index].get()
            finally:
                baton.acquire()
            if message is None:  # the parent stopped listening
                raise EOFError
            _, _, start, key = message
            return start, key

        outcome: tuple[str, int, Any]
        with baton:
            try:
                outcome = ("done", task.index, worker.run(task, lambda index, pages: say(("laid", index, pages)),
                                                          settle))
            except (BrokenPipeError, EOFError):
                gone()
            except Exception as error:  # reported by the parent, with the run
                import traceback

                outcome = ("failed", task.index, f"{type(error).__name__}: {error}\n{traceback.format_exc()}")
            try:
                say(outcome)
            except BrokenPipeError:
                gone()

    while True:
        try:
            message = receive(inbox)
        except EOFError:
            for waiting in starts.values():
                waiting.put(None)
            break
        if isinstance(message, tuple):  # ("start", index, start, key) of a run waiting for it
            starts[message[1]].put(message)
        else:  # a Task (of this module as the parent imports it: not __main__'s class)
            starts[message.index] = queue.Queue()
            thread = threading.Thread(target=run, args=(message,), name=f"run {message.index}", daemon=True)
            thread.start()
            threads.append(thread)
    for thread in threads:
        thread.join()


class InProcess:
    """A worker in this process, beside the worker processes: threads serving the same pipes,
    which the pool uses as it uses a process's (stdin, stdout, poll, wait). With -j 2 the PDF
    job lays runs out itself instead of waiting on two worker processes: on the 655-page book
    a worker process holds ~90 MB before its first run and ~200 MB after (WeasyPrint, fonts,
    stylesheets, Pango's caches), one fewer of them is that much less memory."""

    def __init__(self, worker: Worker) -> None:
        inbox, stdin = os.pipe()
        stdout, outbox = os.pipe()
        self.stdin, self.stdout = os.fdopen(stdin, "wb"), os.fdopen(stdout, "rb")
        self.returncode: int | None = None
        self._thread = threading.Thread(target=self._serve, args=(worker, os.fdopen(inbox, "rb"),
                                                                  os.fdopen(outbox, "wb")),
                                        name="layout worker", daemon=True)
        self._thread.start()

    def _serve(self, worker: Worker, inbox: IO[bytes], outbox: IO[bytes]) -> None:
        try:
            serve(inbox, outbox, worker, _stop_thread)
        finally:
            self.returncode = 0  # before the pipe closes: the pool's listener sees a worker that ended
            inbox.close()
            outbox.close()

    def poll(self) -> int | None:
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        """Done at once unless a run is being computed (an interrupted build does not wait for it:
        its thread dies with the process, a cache entry is written whole or not at all)."""
        self._thread.join(timeout=0 if timeout is None else min(timeout, 0.1))
        return self.returncode

    def kill(self) -> None:
        pass  # a thread cannot be stopped from outside; it is a daemon


def _stop_thread() -> NoReturn:
    raise SystemExit  # ends this thread of the process, silently


if __name__ == "__main__":
    main()
