"""WeasyPrint's progress log ("Step 5 - Creating layout - Page 12") as publish's events."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from ..target import Event, Sink


class _LayoutObserver(logging.Handler):
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
            page = int(record.args[0]) if record.args else self.seen + 1  # type: ignore[index, call-overload]
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
