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

from .diagnostics import Diagnostic, PublishError, Report
from .pagelist import PageMark
from .progress import Event, Sink, observe_layout


@dataclass(frozen=True)
class Task:
    target: str  # "epub", "pdf-screen", "pdf-print"
    path: Path  # the output file
    marks: tuple[PageMark, ...] | None = None  # EPUB: the page breaks; None: lay out the print PDF for them
    expected_pages: int | None = None  # last build's page count, for the progress bar


@dataclass(frozen=True)
class WriterOptions:
    embed_fonts: bool
    modified: dt.datetime  # dcterms:modified of the EPUB
    font_cache: Path


@dataclass(frozen=True)
class Done:
    target: str
    size: int
    pages: int | None
    marks: tuple[PageMark, ...] | None  # the print layout's page marks, when this task made one
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


def run_task(task: Task, model, options: WriterOptions, sink: Sink) -> Done:
    """Build one target from the checked model and write it. Raises PublishError on diagnostics."""
    from .theme import load_theme

    started = time.perf_counter()
    report = Report()
    pub = model.publication
    theme = load_theme(pub.root)  # per task: the writers install their own Jinja filters
    name = task.path.name
    marks = None
    if task.target.startswith("pdf-"):
        from .pdf import pagerefs
        from .pdf.writer import build_pdf

        pagerefs.install()
        with observe_layout(name, sink, task.expected_pages):
            result = build_pdf(pub, model.rendered, model.images, model.faces, theme, task.target[4:], report)
        data, pages = result.data, result.pages
        marks = result.marks if task.target == "pdf-print" else None
    else:
        from .epub import EpubOptions, build_epub

        page_marks = task.marks
        if page_marks is None:
            # No print layout to take the page-list from: make one (and hand its marks back for the cache).
            from .pdf import pagerefs
            from .pdf.writer import build_pdf

            pagerefs.install()
            with observe_layout(f"{name} (page-list)", sink, task.expected_pages):
                marks = build_pdf(pub, model.rendered, model.images, model.faces, theme, "print", report).marks
            page_marks = marks
        sink(Event(name, "assembling EPUB"))
        data = build_epub(pub, model.rendered, model.images, model.faces, theme,
                          EpubOptions(options.embed_fonts, options.modified, options.font_cache), page_marks,
                          on_font=lambda number, total: sink(Event(name, "subsetting fonts", number, total)))
        pages = None
    if report.errors:
        raise PublishError(report)
    sink(Event(name, "writing"))
    write_atomic(task.path, data)
    return Done(task.target, len(data), pages, marks, time.perf_counter() - started, tuple(report.items))


class SerialRunner:
    """-j 1: tasks run in this process, in the order they are started."""

    def __init__(self, model, options: WriterOptions, sink: Sink):
        self.model, self.options, self.sink = model, options, sink
        self.queue: deque[Task] = deque()

    @property
    def running(self) -> int:
        return len(self.queue)

    def start(self, task: Task) -> None:
        self.queue.append(task)

    def next_done(self) -> Done:
        return run_task(self.queue.popleft(), self.model, self.options, self.sink)

    def __enter__(self) -> "SerialRunner":
        return self

    def __exit__(self, *exc) -> None:
        self.queue.clear()


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
        process = self.context.Process(target=_worker, name=f"publish {task.target}", daemon=True,
                                       args=(task, self.model, self.options, writer, os.getpid()))
        process.start()
        writer.close()  # the worker's end: the pipe reads EOF once the worker is gone
        self.processes[task.target], self.pipes[task.target] = process, reader

    def next_done(self) -> Done:
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
                self._forget(target)
                if kind == "done":
                    return payload
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


def _worker(task: Task, model, options: WriterOptions, pipe, parent: int) -> None:
    """A worker process's main: run one task, send its events and outcome through `pipe`."""

    def stop(signum, frame):
        raise SystemExit(128 + signum)  # unwinds through write_atomic, which removes its temporary file

    signal.signal(signal.SIGTERM, stop)

    def sink(event: Event) -> None:
        if os.getppid() != parent:  # the publish that started us is gone (killed): do not write
            raise SystemExit(1)
        pipe.send(("event", event))

    try:
        try:
            outcome = ("done", run_task(task, model, options, sink))
        except PublishError as exc:
            outcome = ("diagnostics", tuple(exc.report.items))
        except Exception as exc:  # reported to the parent, which shows it as E303
            outcome = ("failed", (f"{exc.__class__.__name__}: {exc}", traceback.format_exc()))
        pipe.send(outcome)
    except (KeyboardInterrupt, SystemExit, BrokenPipeError):
        pass  # interrupted, or the parent is gone: it says so, or nobody is listening
