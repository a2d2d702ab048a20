"""The runs' PDFs joined into the book's (assemble.py) for runbuild.py; after a cold build,
the print PDF joined while the 目录 is laid out again.

A cold build lays the 目录 out twice: first without its page numbers, for its page count (the
runs after it start from it), then, once every run is laid out, with them. That second layout
needs every run's page numbers, so it came at the end of the layout, on one core (1.7 s for
the ×10 manuscript's 20 pages of contents), and the joins waited for it. With a worker process,
the print PDF is now joined meanwhile, in a thread of this process, from every other run's
PDF; the 目录 is laid out in the worker, and joined last, into its place (`assemble.Late`),
if it kept its page count and so the other runs their starts. Otherwise the join is given up
and made again once the runs have settled.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

from ...diagnostics import Report
from ...model import Book
from . import assemble, runcache, runs


class Joins:
    """The joins of one build: the faces' merged programs and what the print preflight needs,
    shared by the variants."""

    def __init__(self, book: Book, directory: Path, wanted: tuple[str, ...], jobs: int,
                 progress: Callable[[str], None] | None, writing: Callable[[str], None]) -> None:
        self.book, self.directory, self.wanted, self.jobs = book, directory, wanted, jobs
        self.progress, self.writing = progress, writing
        self.originals = runs.originals(book.faces)
        self.subsets = runcache.Subsets(directory)
        self.unembedded: list[str] = []
        self.fonts: dict = {}  # the faces' merged widths, parsed once for both variants
        self._aside: _Aside | None = None

    def parts(self, result: runs.RunResult, variant: str) -> tuple[Path, Path | None]:
        return runcache.parts(self.directory, result, variant)

    def begin(self, results: list[runs.RunResult], late: int) -> bool:
        """Join the print PDF of `results` (and make the screen PDF from it) in a thread now,
        the run `late` last, as `settle` gives it. False where it cannot be done so (one
        variant, a CMYK intent, the 目录 first)."""
        others = [result for index, result in enumerate(results) if index != late]
        if self.wanted != ("print", "screen") or late <= 0 or not assemble.derivable(others):
            return False
        self._aside = _Aside(self, list(results), late)
        return True

    def settle(self, result: runs.RunResult | None) -> None:
        """The late run as laid out again, with the page count it had; None: the join begun is
        given up (the runs moved), if it has not been given its late run already."""
        aside = self._aside
        if aside is None or aside.given:
            return
        aside.given = True
        aside.box.put(result)
        if result is None:
            aside.thread.join()
            self._aside = None

    def made(self, results: list[runs.RunResult], report: Report, toc: int) -> Iterator[tuple[str, bytes]]:
        """Each variant's PDF, in the order asked for; the print PDF's preflight reports to `report`.
        The 目录 (the run `toc`, if > 0) is joined last in every join, as when it is laid out
        again meanwhile: the same objects made in the same order, the same bytes with -j 1 and -j N."""
        from . import preflight

        pages = sum(result.pages for result in results)
        derived = self.wanted == ("print", "screen") and assemble.derivable(results)
        late = assemble.Late(toc, lambda: results[toc], self.parts) if toc > 0 else None
        aside = self._aside
        made: Generator[tuple[str, bytes], None, None]
        if aside is not None:
            made = (pair for pair in aside.wait())
        elif derived:
            made = assemble.both(results, self.parts, self.originals, self.subsets, self.unembedded, late)
        else:
            made = ((variant, assemble.assemble([self.parts(r, variant) for r in results], results, self.originals,
                                                self.subsets, variant, self.unembedded if variant == "print" else None,
                                                self.fonts, late))
                    for variant in self.wanted)
        for variant in self.wanted:
            self.writing(variant)
            if self.progress:
                self.progress("the screen PDF made from the print PDF" if derived and variant == "screen"
                              else f"joining {len(results)} runs ({variant})")
            made_variant, pdf = next(made)
            assert made_variant == variant
            if variant == self.wanted[-1]:
                made.close()  # the joined PDF closed before its memory is given back
            # Between two joins, what qpdf took for the first is given back; after the last, the
            # job's process gives back (make/jobs.py) unless this is the only process (-j 1).
            if (variant != self.wanted[-1] and not derived) or (variant == self.wanted[-1] and self.jobs == 1):
                assemble.given_back(pages)
            if variant == "print":
                preflight.report_fonts(self.book.publication, report, sorted(set(self.unembedded)))
            yield variant, pdf


class _Aside:
    """The print join (and the screen PDF made from it) in a thread, the late run last."""

    def __init__(self, joins: Joins, results: list[runs.RunResult], late: int) -> None:
        self.box: queue.Queue[runs.RunResult | None] = queue.Queue(maxsize=1)
        self.given = False
        self.made: list[tuple[str, bytes]] = []
        self.error: BaseException | None = None
        lateness = assemble.Late(late, self.box.get, joins.parts)

        def work() -> None:
            try:
                self.made = list(assemble.both(results, joins.parts, joins.originals, joins.subsets,
                                               joins.unembedded, lateness))
            except assemble.Cancelled:
                pass
            except BaseException as error:  # raised where the PDFs are asked for (`wait`)
                self.error = error

        self.thread = threading.Thread(target=work, name="print join", daemon=True)
        self.thread.start()

    def wait(self) -> list[tuple[str, bytes]]:
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.made
