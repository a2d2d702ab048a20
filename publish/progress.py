"""Progress of the long steps (PDF layout page by page, font subsetting), as events.

Targets report `Event`s to a sink, in this process or, with -j N, from worker processes
through a queue; the CLI decides how to show them: rich progress bars on a terminal, one
line per step with --verbose, nothing otherwise.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from dataclasses import dataclass
from typing import Callable, Iterator


@dataclass(frozen=True)
class Event:
    output: str  # the file being built, e.g. "wlcb-2020-02.pdf"
    step: str  # "laying out pages", "writing PDF", "subsetting fonts" …
    done: int = 0
    total: int | None = None  # None: not known (yet)


Sink = Callable[[Event], None]


def ignore(event: Event) -> None:
    """The sink for --quiet and for output that is not a terminal."""


class _LayoutObserver(logging.Handler):
    """Turns WeasyPrint's progress log ("Step 5 - Creating layout - Page 12") into events."""

    def __init__(self, output: str, sink: Sink, expected_pages: int | None):
        super().__init__(logging.INFO)
        self.output, self.sink, self.total = output, sink, expected_pages
        self.passes = 1
        self.seen = 0

    def emit(self, record: logging.LogRecord) -> None:
        # Exceptions from the sink (e.g. SystemExit when the parent process is gone) must reach
        # WeasyPrint's caller, so there is deliberately no handleError() here.
        message = str(record.msg)
        if message.startswith("Step 5 - Creating layout - Page"):
            page = int(record.args[0]) if record.args else self.seen + 1
            self.seen = max(self.seen, page)
            step = "laying out pages" if self.passes == 1 else f"laying out pages (pass {self.passes})"
            self.sink(Event(self.output, step, page, self.total))
        elif message.startswith("Step 5 - Creating layout - Repagination"):
            # Page-based counters (目录 page numbers) need another pass; now the total is known.
            self.passes += 1
            self.total = self.seen
        elif message.startswith("Step 6"):
            self.sink(Event(self.output, "writing PDF"))
        elif message.startswith(("Step 1", "Step 2", "Step 3", "Step 4")):
            self.sink(Event(self.output, "styling the document"))


@contextlib.contextmanager
def observe_layout(output: str, sink: Sink, expected_pages: int | None) -> Iterator[None]:
    """Within this block, WeasyPrint's layout progress goes to `sink` (and nowhere else)."""
    logger = logging.getLogger("weasyprint.progress")
    handler = _LayoutObserver(output, sink, expected_pages)
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.INFO)
    logger.propagate = False  # not on the console: the sink shows it
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


class StepLines:
    """For --verbose without a terminal: one line whenever an output enters a new step."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.last: dict[str, str] = {}

    def __call__(self, event: Event) -> None:
        if self.last.get(event.output) != event.step:
            self.last[event.output] = event.step
            print(f"{event.output}: {event.step}", file=self.stream, flush=True)


class Bars:
    """rich progress bars, one per output, on stderr; a context manager around the build."""

    def __init__(self):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, \
            TimeElapsedColumn

        # rich honours NO_COLOR (and TERM=dumb) by itself.
        self.progress = Progress(SpinnerColumn(), TextColumn("{task.fields[output]}"),
                                 TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=Console(stderr=True), transient=True)
        self.tasks: dict[str, int] = {}

    def __enter__(self) -> "Bars":
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

    def __call__(self, event: Event) -> None:
        task = self.tasks.get(event.output)
        if task is None:
            task = self.tasks[event.output] = self.progress.add_task(event.step, output=event.output,
                                                                     total=event.total)
        total = next(t.total for t in self.progress.tasks if t.id == task)
        if event.total is None and total:
            # A step after the layout (writing): the pages are all done, keep the bar full.
            self.progress.update(task, description=event.step, completed=total)
        else:
            self.progress.update(task, description=event.step, completed=event.done, total=event.total)
