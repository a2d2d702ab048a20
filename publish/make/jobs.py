"""Running jobs: one after another in this process (-j 1), or in worker processes (-j N).

WeasyPrint is CPU-bound and holds the GIL, so parallel jobs need processes, not threads.
Workers are spawned (not forked: the parent may run rich's refresh thread) and get the
checked Book pickled; each writes its own outputs atomically and reports back what the
parent needs to record them. A worker whose parent has died stops instead of writing: on
Linux the kernel kills it the moment the parent dies, even by SIGKILL (PR_SET_PDEATHSIG),
elsewhere it finds out at its next event. So after a crash at any moment the last good
outputs are whole and unchanged, and the next run removes the temporaries left.
"""

from __future__ import annotations

import os
import signal
import traceback
from collections import deque
from collections.abc import Iterator
from typing import Any

from .. import store
from ..diagnostics import PublishError, Report
from ..model import Book
from ..store import DiskFull
from ..writers.registry import BY_NAME, PROVISIONS
from ..writers.target import Event, Job, Provided, Result, Sink, WriterOptions, load
from .faults import disk_full


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

    def __init__(self, book: Book, options: WriterOptions, sink: Sink):
        self.book, self.options, self.sink = book, options, sink
        self.queue: deque[tuple[Job, str]] = deque()
        self.current: Iterator[Result] | None = None

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


class ProcessRunner:
    """-j N: each job in its own spawned process, talking to this one through a pipe of its own.

    One pipe per worker, not a shared Queue: a worker killed while writing to a shared queue
    would leave its lock taken and stall every other worker.
    """

    def __init__(self, book: Book, options: WriterOptions, sink: Sink):
        import multiprocessing  # here: a no-op build does not pay for importing it

        self.book, self.options, self.sink = book, options, sink
        self.context = multiprocessing.get_context("spawn")
        self.processes: dict[str, Any] = {}  # job name → its Process
        self.pipes: dict[str, Any] = {}  # job name → the reading end of its pipe

    @property
    def running(self) -> int:
        return len(self.processes)

    def start(self, job: Job, builder: str) -> None:
        reader, writer = self.context.Pipe(duplex=False)
        process = self.context.Process(target=_worker, name=f"publish {job.name}", daemon=True,
                                       args=(job, builder, self.book, self.options, writer, os.getpid()))
        process.start()
        writer.close()  # the worker's end: the pipe reads EOF once the worker is gone
        self.processes[job.name], self.pipes[job.name] = process, reader

    def next_result(self) -> Result | None:
        """The next result (None: a worker has finished)."""
        from multiprocessing.connection import wait

        while True:
            ready: list[Any] = wait(list(self.pipes.values()))
            for pipe in ready:
                name = next(t for t, p in self.pipes.items() if p is pipe)
                try:
                    kind, payload = pipe.recv()
                except EOFError:  # gone without a last word: killed (kill -9, out of memory)
                    code = self._forget(name)
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
                self._forget(name)
                if kind == "finished":
                    return None
                if kind == "diagnostics":
                    raise PublishError(Report(list(payload)))
                summary, details = payload
                raise WorkerError(f"{name}: {summary}", details)

    def _forget(self, name: str) -> int | None:
        self.pipes.pop(name).close()
        process = self.processes.pop(name)
        process.join()
        return process.exitcode

    def __enter__(self) -> ProcessRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        # Interrupted or failed: stop the others. SIGTERM makes a worker delete its temporary file.
        for process in self.processes.values():
            process.terminate()
        for name in list(self.processes):
            self._forget(name)


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through store.write_bytes, which removes its temporary file


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with(parent: int) -> None:
    """Have the kernel SIGKILL this process when `parent` dies (Linux); stop at once if it already has.

    A signal, not a check now and then: a worker between writing an output's temporary file and
    renaming it would otherwise put a PDF in place after the publish that asked for it was
    killed, and nobody would record it."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the sink's check below is what there is
        pass
    if os.getppid() != parent:  # died before prctl took effect
        raise SystemExit(1)


def _worker(job: Job, builder: str, book: Book, options: WriterOptions, pipe: Any, parent: int) -> None:
    """A worker process's main: run one job, send its events, each result and the outcome through `pipe`."""

    _die_with(parent)
    signal.signal(signal.SIGTERM, _stop)

    def sink(event: Event) -> None:
        if os.getppid() != parent:  # the publish that started us is gone (killed): do not write
            raise SystemExit(1)
        pipe.send(("event", event))

    try:
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
        pipe.send(outcome)
    except (KeyboardInterrupt, SystemExit, BrokenPipeError):
        pass  # interrupted, or the parent is gone: it says so, or nobody is listening
