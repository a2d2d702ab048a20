"""Showing a build's progress (writers/target.py's events): rich progress bars on a terminal,
one line per step with --verbose otherwise, nothing with --quiet."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from ..writers.target import Event


class StepLines:
    """For --verbose without a terminal: one line whenever an output enters a new step."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.last: dict[str, str] = {}

    def __call__(self, event: Event) -> None:
        if self.last.get(event.output) != event.step:
            self.last[event.output] = event.step
            print(f"{event.output}: {event.step}", file=self.stream, flush=True)


class Bars:
    """rich progress bars, one per output, on stderr; a context manager around the build."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        # rich honours NO_COLOR (and TERM=dumb) by itself.
        self.progress = Progress(SpinnerColumn(), TextColumn("{task.fields[output]}"),
                                 TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=Console(stderr=True), transient=True)
        self.tasks: dict[str, Any] = {}  # output → its rich TaskID

    def __enter__(self) -> Bars:
        self.progress.start()
        return self

    def __exit__(self, *exc: Any) -> None:
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
