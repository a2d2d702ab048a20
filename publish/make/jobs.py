"""Running jobs: one after another in this process (-j 1), or in worker processes (-j N).

WeasyPrint is CPU-bound and holds the GIL, so parallel jobs need processes, not threads.
Workers are spawned (not forked: the parent may run rich's refresh thread) before the
manuscript is checked, and are sent each job with the checked Book pickled; each writes its
own outputs atomically and reports back what the parent needs to record them. A worker
whose parent has died stops instead of writing: on Linux the kernel kills it the moment the
parent dies, even by SIGKILL (PR_SET_PDEATHSIG), elsewhere it finds out at its next event.
So after a crash at any moment the last good outputs are whole and unchanged, and the next
run removes the temporaries left.
"""

from __future__ import annotations

import os
import signal
import traceback
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .. import store
from ..diagnostics import PublishError, Report
from ..model import Book
from ..store import DiskFull, die_with
from ..writers import heap
from ..writers.registry import BY_NAME, PROVISIONS
from ..writers.target import Event, Job, Provided, Result, Sink, WriterOptions, load
from .faults import disk_full

KEPT = 48 * 2**20  # bytes a job process keeps after a job without giving them back


class WorkerError(Exception):
    """A job failed in a worker process; `details` is the worker's traceback (shown with --verbose)."""

    def __init__(self, message: str, details: str = ""):
        super().__init__(message)
        self.details = details


def run_job(job: Job, builder: str, book: Book, options: WriterOptions, sink: Sink) -> Iterator[Result]:
    """Run `builder` ("module:attr") for `job`, first making what the job needs and was not given
    (each provision's standalone builder), and yield what they produce."""
    needs = dict(job.needs)
    targets = [BY_NAME[name] for name, _ in job.outputs if name in BY_NAME]
    for need in sorted({n for t in targets for n in t.needs}):
        if needs.get(need) is None:
            for result in load(PROVISIONS[need].standalone)(book, job, options, sink):
                if isinstance(result, Provided):
                    needs[result.name] = result.value
                yield result
    yield from load(builder)(book, Job(job.name, job.outputs, needs, job.expected_pages), options, sink)


class SerialRunner:
    """-j 1: jobs run in this process, in the order they are started."""

    def __init__(self, jobs: int, sink: Sink):
        self.sink = sink
        self.queue: deque[tuple[Job, str]] = deque()
        self.current: Iterator[Result] | None = None

    def prestart(self, builders: list[str]) -> None:
        """Nothing to start ahead: this process imports what a job needs when it runs it."""

    def ready(self, book: Book, options: WriterOptions) -> None:
        self.book, self.options = book, options

    @property
    def running(self) -> int:
        return len(self.queue) + (self.current is not None)

    def start(self, job: Job, builder: str) -> None:
        self.queue.append((job, builder))

    def next_result(self) -> Result | None:
        """The next result (None: a job has finished)."""
        if self.current is None:
            job, builder = self.queue.popleft()
            self.current = run_job(job, builder, self.book, self.options, self.sink)
        try:
            return next(self.current)
        except StopIteration:
            self.current = None
            return None
        except BaseException:
            self.current = None
            raise

    def __enter__(self) -> SerialRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.queue.clear()
        if self.current is not None:
            self.current.close()  # type: ignore[attr-defined]


@dataclass
class _Slot:
    """A worker process, its end of the pipe, what it preloaded and the job it runs (None: idle)."""

    process: Any
    pipe: Any
    module: str
    job: str | None = None


class ProcessRunner:
    """-j N: jobs in spawned worker processes, each talking to this one through a pipe of its own.

    The processes are started before the manuscript is checked (`prestart`), each importing
    what its first job's builder needs (the module's PRELOAD), so that WeasyPrint loads while
    this process checks; a process whose job has finished takes the next job (the EPUB's
    after its fonts' warmup). One pipe per worker, not a shared Queue: a worker killed while
    writing to a shared queue would leave its lock taken and stall every other worker.

    `kept` (publish watch): the runner serves build after build; at the end of each, its
    processes are stopped and fresh ones started for the next build's first jobs, to import
    their modules while the editor types. Fresh, not the ones that ran the jobs: nothing a
    job left in a process's memory reaches the next build.
    """

    def __init__(self, jobs: int, sink: Sink, kept: bool = False):
        import multiprocessing  # here: a no-op build does not pay for importing it

        self.jobs, self.sink, self.kept = jobs, sink, kept
        self.context = multiprocessing.get_context("spawn")
        self.slots: list[_Slot] = []
        self.builders: list[str] = []  # the last prestart's: what the next build likely starts with

    def prestart(self, builders: list[str]) -> None:
        """Start a process for each builder ("module:attr") of the first jobs, up to -j."""
        if builders:
            self.builders = list(builders)
        for builder in builders[:self.jobs - len(self.slots)]:
            self._spawn(builder.partition(":")[0])

    def ready(self, book: Book, options: WriterOptions) -> None:
        self.book, self.options = book, options

    @property
    def running(self) -> int:
        return sum(slot.job is not None for slot in self.slots)

    def _spawn(self, module: str) -> _Slot:
        mine, theirs = self.context.Pipe(duplex=True)
        process = self.context.Process(target=_serve, name=f"publish {module}", daemon=True,
                                       args=(theirs, os.getpid(), module))
        process.start()
        theirs.close()  # the worker's end: the pipe reads EOF once the worker is gone
        slot = _Slot(process, mine, module)
        self.slots.append(slot)
        return slot

    def start(self, job: Job, builder: str) -> None:
        module = builder.partition(":")[0]
        idle = [slot for slot in self.slots if slot.job is None]
        slot = next((s for s in idle if s.module == module), idle[0] if idle else None)
        if slot is None:
            slot = self._spawn(module)
        try:
            slot.pipe.send((job, builder, self.book, self.options))
        except (BrokenPipeError, EOFError, OSError):  # died while idle (out of memory): another one
            self._forget(slot)
            slot = self._spawn(module)
            slot.pipe.send((job, builder, self.book, self.options))
        slot.job = job.name

    def next_result(self) -> Result | None:
        """The next result (None: a job has finished)."""
        from multiprocessing.connection import wait

        while True:
            busy = {id(slot.pipe): slot for slot in self.slots if slot.job is not None}
            ready: list[Any] = wait([slot.pipe for slot in busy.values()])
            for pipe in ready:
                slot = busy[id(pipe)]
                name = slot.job
                try:
                    kind, payload = pipe.recv()
                except EOFError:  # gone without a last word: killed (kill -9, out of memory)
                    code = self._forget(slot)
                    raise WorkerError(f"{name}: the worker process died (exit code {code})") from None
                if kind == "event":
                    self.sink(payload)
                    continue
                if kind == "damaged":  # cache files the worker found damaged and made again
                    for path in payload:
                        store.note_damaged(path)
                    continue
                if kind == "result":
                    return payload
                slot.job = None  # the job is over: the process takes the next one
                if kind == "finished":
                    return None
                if kind == "diagnostics":
                    raise PublishError(Report(list(payload)))
                summary, details = payload
                raise WorkerError(f"{name}: {summary}", details)

    def _forget(self, slot: _Slot) -> int | None:
        self.slots.remove(slot)
        slot.pipe.close()
        slot.process.join()
        return slot.process.exitcode

    def __enter__(self) -> ProcessRunner:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self.stop()
        if self.kept and (kind is None or issubclass(kind, Exception)):  # not when interrupted
            self.prestart(self.builders)

    def stop(self) -> None:
        """Stop every process. Done, interrupted or failed: SIGTERM makes a busy worker delete
        its temporary file. An idle one has nothing to clean up: SIGKILL spares the 0.2 s its
        interpreter's shutdown takes (freeing WeasyPrint's objects), and stops one still
        importing at once."""
        for slot in self.slots:
            if slot.job is None:
                slot.process.kill()
            else:
                slot.process.terminate()
        for slot in list(self.slots):
            self._forget(slot)


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through store.write_bytes, which removes its temporary file


def _serve(pipe: Any, parent: int, module: str) -> None:
    """A worker process's main: import what `module`'s jobs need, then run the jobs it is sent,
    one at a time, until the pipe closes."""
    if not die_with(parent):
        return
    heap.one_arena()
    signal.signal(signal.SIGTERM, _stop)
    try:
        preload(module)
        while True:
            try:
                job, builder, book, options = pipe.recv()
            except EOFError:
                return
            _work(job, builder, book, options, pipe, parent)
            # Idle, or the next job: a book's EPUB job held 108 MB while the PDF was joined, and
            # its warmup's process 74 MB (41 given back) while the PDF was laid out.
            heap.give_back(above=KEPT)
    except (KeyboardInterrupt, SystemExit, BrokenPipeError):
        pass  # interrupted, or the parent is gone: it says so, or nobody is listening


def preload(module: str) -> None:
    """Import the builder's module and what it names in PRELOAD (a job imports them anyway:
    one that fails to import fails there, with its message)."""
    import importlib

    try:
        for name in (module, *getattr(importlib.import_module(module), "PRELOAD", ())):
            importlib.import_module(name)
    except Exception:  # the job imports them again and fails there, with its message
        pass


def _work(job: Job, builder: str, book: Book, options: WriterOptions, pipe: Any, parent: int) -> None:
    """Run one job: send its events, each result and the outcome through `pipe`."""

    def sink(event: Event) -> None:
        if os.getppid() != parent:  # the publish that started us is gone (killed): do not write
            raise SystemExit(1)
        pipe.send(("event", event))

    try:
        for result in run_job(job, builder, book, options, sink):
            pipe.send(("result", result))
        outcome: tuple[str, Any] = ("finished", None)
    except PublishError as exc:
        outcome = ("diagnostics", tuple(exc.report.items))
    except DiskFull as exc:
        outcome = ("diagnostics", (disk_full(exc),))
    except Exception as exc:  # reported to the parent, which shows it as E303
        outcome = ("failed", (f"{exc.__class__.__name__}: {exc}", traceback.format_exc()))
    if store.damaged:
        pipe.send(("damaged", list(store.damaged)))
        store.damaged.clear()  # told: the next job in this process reports its own
    pipe.send(outcome)
