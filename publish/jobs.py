"""Running targets: one after another in this process (-j 1), or in worker processes (-j N).

WeasyPrint is CPU-bound and holds the GIL, so parallel PDFs need processes, not threads.
Workers are spawned (not forked: the parent may run rich's refresh thread) and get the
checked model pickled; each writes its own output atomically and reports back what the
parent needs to record it. A worker whose parent has died stops instead of writing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import tempfile
import time
import traceback
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .diagnostics import Diagnostic, PublishError, Report
from .pagelist import PageMark
from .progress import Event, Sink, observe_layout


@dataclass(frozen=True)
class Task:
    """Outputs built together: the EPUB, or one or both PDF variants from a single layout."""

    outputs: tuple[tuple[str, Path], ...]  # (target, output file): ("epub", …), ("pdf-print", …), ("pdf-screen", …)
    marks: tuple[PageMark, ...] | None = None  # EPUB: the page breaks; None: lay out the print PDF for them
    expected_pages: int | None = None  # last build's page count, for the progress bar

    @property
    def name(self) -> str:
        return self.outputs[0][0]


@dataclass(frozen=True)
class WriterOptions:
    embed_fonts: bool
    modified: dt.datetime  # dcterms:modified of the EPUB
    font_cache: Path


LAYOUT = "layout"  # the target of the Done that reports a finished print layout and its page marks
# A task with no output of its own: make the EPUB's font subsets (into the cache) while the print
# layout, which the EPUB waits for, runs in another process. The EPUB then only assembles.
FONTS = "epub-fonts"


@dataclass(frozen=True)
class Done:
    target: str  # an output's target, or LAYOUT: the print layout is done, its page marks known
    size: int
    pages: int | None
    marks: tuple[PageMark, ...] | None  # the print layout's page marks (LAYOUT only)
    seconds: float
    diagnostics: tuple[Diagnostic, ...]


class WorkerError(Exception):
    """A target failed in a worker process; `details` is the worker's traceback (shown with --verbose)."""

    def __init__(self, message: str, details: str = ""):
        super().__init__(message)
        self.details = details


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a file,
    and an interrupted build leaves the last good output in place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def run_task(task: Task, model, options: WriterOptions, sink: Sink) -> Iterator[Done]:
    """Build a task's outputs from the checked model, yielding a Done for each as soon as it is
    written (after, for a print layout, a LAYOUT Done with its page marks: the EPUB can start
    then). Raises PublishError on diagnostics."""
    from .theme import load_theme

    started = time.perf_counter()
    theme = load_theme(model.publication.root)  # per task: the writers install their own Jinja filters
    if task.name == FONTS:
        yield _warm_fonts(model, theme, options, sink, started)
    elif task.name.startswith("pdf-"):
        yield from _pdfs(task, model, theme, sink, started)
    else:
        yield from _epub(task, model, theme, options, sink, started)


def _pdfs(task: Task, model, theme, sink: Sink, started: float) -> Iterator[Done]:
    """One layout, then the task's PDF variants written from it (painted once for both)."""
    from .pdf.writer import lay_out

    report = Report()
    targets = dict(task.outputs)
    with observe_layout(task.outputs[0][1].name, sink, task.expected_pages):
        layout = lay_out(model.publication, model.rendered, model.images, model.faces, theme, report,
                         bleed="pdf-print" in targets)
    if report.errors:
        raise PublishError(report)
    if layout.bleed:
        yield Done(LAYOUT, 0, layout.pages, layout.marks, time.perf_counter() - started, tuple(report.items))
        report = Report()
    # The print PDF first: it is what the EPUB's page-list points to.
    order = sorted(targets, key=lambda t: t != "pdf-print")
    for target in order:
        sink(Event(targets[target].name, "writing PDF"))
    written = layout.write_all(tuple(target[4:] for target in order))
    for target in order:
        path, data = targets[target], written[target[4:]].data
        sink(Event(path.name, "writing"))
        write_atomic(path, data)
        yield Done(target, len(data), layout.pages, None, time.perf_counter() - started, tuple(report.items))
        report = Report()


def _epub(task: Task, model, theme, options: WriterOptions, sink: Sink, started: float) -> Iterator[Done]:
    """The EPUB, with the page-list of the given page marks (or of a print layout made for it)."""
    from .epub import build_epub

    report = Report()
    pub = model.publication
    path = dict(task.outputs)["epub"]
    page_marks = task.marks
    if page_marks is None:
        # No print layout to take the page-list from: make one (and hand its marks back for the cache).
        from .pdf.writer import lay_out

        with observe_layout(f"{path.name} (page-list)", sink, task.expected_pages):
            layout = lay_out(pub, model.rendered, model.images, model.faces, theme, report)
        page_marks = layout.marks
        yield Done(LAYOUT, 0, layout.pages, page_marks, time.perf_counter() - started, ())
    sink(Event(path.name, "assembling EPUB"))
    data = build_epub(pub, model.rendered, model.images, model.faces, theme,
                      _epub_options(options), page_marks,
                      on_font=lambda number, total: sink(Event(path.name, "subsetting fonts", number, total)))
    if report.errors:
        raise PublishError(report)
    sink(Event(path.name, "writing"))
    write_atomic(path, data)
    yield Done("epub", len(data), None, None, time.perf_counter() - started, tuple(report.items))


def _epub_options(options: WriterOptions):
    from .epub import EpubOptions

    return EpubOptions(options.embed_fonts, options.modified, options.font_cache)


def _warm_fonts(model, theme, options: WriterOptions, sink: Sink, started: float) -> Done:
    """Build the EPUB without its page breaks and keep only what it leaves in the font cache.

    One stand-in page mark gives it the page-list navigation, so that the characters, and so
    the cached subsets, are those of the real EPUB (page labels are digits, always included)."""
    from .epub import build_epub

    pub = model.publication
    probe = (PageMark("1", pub.articles[0].name, "", 0),) if pub.articles else ()
    build_epub(pub, model.rendered, model.images, model.faces, theme,
               _epub_options(options), probe,
               on_font=lambda number, total: sink(Event("EPUB fonts", "subsetting fonts", number, total)))
    return Done(FONTS, 0, None, None, time.perf_counter() - started, ())


class SerialRunner:
    """-j 1: tasks run in this process, in the order they are started."""

    def __init__(self, model, options: WriterOptions, sink: Sink):
        self.model, self.options, self.sink = model, options, sink
        self.queue: deque[Task] = deque()
        self.current: Iterator[Done] | None = None

    @property
    def running(self) -> int:
        return len(self.queue) + (self.current is not None)

    def start(self, task: Task) -> None:
        self.queue.append(task)

    def next_done(self) -> Done | None:
        """The next output done (None: a task has finished)."""
        if self.current is None:
            self.current = run_task(self.queue.popleft(), self.model, self.options, self.sink)
        try:
            return next(self.current)
        except StopIteration:
            self.current = None
            return None
        except BaseException:
            self.current = None
            raise

    def __enter__(self) -> "SerialRunner":
        return self

    def __exit__(self, *exc) -> None:
        self.queue.clear()
        if self.current is not None:
            self.current.close()


class ProcessRunner:
    """-j N: each task in its own spawned process, talking to this one through a pipe of its own.

    One pipe per worker, not a shared Queue: a worker killed while writing to a shared queue
    would leave its lock taken and stall every other worker.
    """

    def __init__(self, model, options: WriterOptions, sink: Sink):
        import multiprocessing  # here: a no-op build does not pay for importing it

        self.model, self.options, self.sink = model, options, sink
        self.context = multiprocessing.get_context("spawn")
        self.processes: dict = {}  # target → its Process
        self.pipes: dict = {}  # target → the reading end of its pipe

    @property
    def running(self) -> int:
        return len(self.processes)

    def start(self, task: Task) -> None:
        reader, writer = self.context.Pipe(duplex=False)
        process = self.context.Process(target=_worker, name=f"publish {task.name}", daemon=True,
                                       args=(task, self.model, self.options, writer, os.getpid()))
        process.start()
        writer.close()  # the worker's end: the pipe reads EOF once the worker is gone
        self.processes[task.name], self.pipes[task.name] = process, reader

    def next_done(self) -> Done | None:
        """The next output done (None: a worker has finished)."""
        from multiprocessing.connection import wait

        while True:
            for pipe in wait(list(self.pipes.values())):
                target = next(t for t, p in self.pipes.items() if p is pipe)
                try:
                    kind, payload = pipe.recv()
                except EOFError:  # gone without a last word: killed (kill -9, out of memory)
                    code = self._forget(target)
                    raise WorkerError(f"{target}: the worker process died (exit code {code})") from None
                if kind == "event":
                    self.sink(payload)
                    continue
                if kind == "done":
                    return payload
                self._forget(target)
                if kind == "finished":
                    return None
                if kind == "diagnostics":
                    raise PublishError(Report(list(payload)))
                summary, details = payload
                raise WorkerError(f"{target}: {summary}", details)

    def _forget(self, target: str) -> int | None:
        self.pipes.pop(target).close()
        process = self.processes.pop(target)
        process.join()
        return process.exitcode

    def __enter__(self) -> "ProcessRunner":
        return self

    def __exit__(self, *exc) -> None:
        # Interrupted or failed: stop the others. SIGTERM makes a worker delete its temporary file.
        for process in self.processes.values():
            process.terminate()
        for target in list(self.processes):
            self._forget(target)


def _stop(signum, frame):
    raise SystemExit(128 + signum)  # unwinds through write_atomic, which removes its temporary file


def _worker(task: Task, model, options: WriterOptions, pipe, parent: int) -> None:
    """A worker process's main: run one task, send its events, each output done and the outcome through `pipe`."""

    signal.signal(signal.SIGTERM, _stop)

    def sink(event: Event) -> None:
        if os.getppid() != parent:  # the publish that started us is gone (killed): do not write
            raise SystemExit(1)
        pipe.send(("event", event))

    try:
        try:
            for done in run_task(task, model, options, sink):
                pipe.send(("done", done))
            outcome = ("finished", None)
        except PublishError as exc:
            outcome = ("diagnostics", tuple(exc.report.items))
        except Exception as exc:  # reported to the parent, which shows it as E303
            outcome = ("failed", (f"{exc.__class__.__name__}: {exc}", traceback.format_exc()))
        pipe.send(outcome)
    except (KeyboardInterrupt, SystemExit, BrokenPipeError):
        pass  # interrupted, or the parent is gone: it says so, or nobody is listening
