"""The PDF writer: the publication laid out run by run (runbuild.py: the parts between forced
page breaks, each laid out on its own, cached, in parallel with -j, and joined into one PDF), or
as one WeasyPrint layout (writer.py) when its stylesheets or template need the whole
(runs.needs_whole_book) or with PUBLISH_PDF_RUNS=0; either way written as the screen PDF
(tagged, PDF/UA-1) and the print PDF (trim, bleed, crop marks, PDF/X-4), painted once for both
(variants.py). The print layout provides the page marks of the EPUB's page-list.

The engine extensions, each pinned to WeasyPrint 70 (engine.py) and tested on its own:
autospace and justify (Chinese typography as Pango attributes), anchors, pagestyles and
pagerefs (three steps that were quadratic in the page count), columns (columns laid out once),
spanners (blocks across the columns kept at a page break),
grid (the frame grid), images and rasters (each variant's copy of the images; JPEGs and PNGs
copied as they are), variants (one painting, two files), runs and runstart (a run's first page
and side, given or found after its layout), furniture (a moved run's margin boxes), leaders
(a dot leader as one text box) and cdefs (WeasyPrint's C declarations as compiled tables).
preflight checks the laid-out print pages (safe area, bleed, fonts).
"""

from __future__ import annotations

import time
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING

from ...diagnostics import PublishError, Report
from ...model import Book
from ...store import write_bytes
from ..registry import BY_NAME
from ..target import Event, Job, Provided, Result, Sink, WriterOptions, Written
from ..theme import load_theme
from . import cdefs, preflight
from .progress import observe_layout

if TYPE_CHECKING:
    from . import runbuild

cdefs.install()  # before any module of this package imports WeasyPrint

# What a worker process of make imports before its job arrives (make/jobs.py): WeasyPrint and
# the engine extensions, the run-by-run layout and pikepdf for the joins.
PRELOAD = ("publish.writers.pdf.writer", "publish.writers.pdf.runbuild", "publish.writers.pdf.runwork",
           "publish.writers.pdf.assemble", "publish.writers.pdf.furniture")


def build(book: Book, job: Job, options: WriterOptions, sink: Sink) -> Iterator[Result]:
    """One layout, then the job's PDF variants written from it (painted once for both)."""
    from .writer import lay_out

    started = time.perf_counter()
    report = Report()
    targets = dict(job.outputs)
    from . import runbuild

    if runbuild.enabled():
        whole = yield from _build_runs(book, job, options, sink, started)
        if whole is None:
            return
        sink(Event(job.outputs[0][1].name, f"laid out as one document: {whole.reason}"))
    with observe_layout(job.outputs[0][1].name, sink, job.expected_pages):
        layout = lay_out(book, load_theme(book.publication.root), report, options.modified,
                         bleed="pdf-print" in targets, cache=options.cache)
    if report.errors:
        raise PublishError(report)
    if layout.bleed:
        yield Provided("page-marks", layout.marks, layout.pages, time.perf_counter() - started, tuple(report.items))
        report = Report()
    # The print PDF first: it is what the EPUB's page-list points to.
    order = sorted(targets, key=lambda t: t != "pdf-print")
    for target in order:
        sink(Event(targets[target].name, "writing PDF"))
    variants = {target: BY_NAME[target].variant or "" for target in order}
    written = layout.write_all(tuple(variants.values()))
    if "pdf-print" in targets:
        preflight.report_fonts(book.publication, report)
    for target in order:
        path, data = targets[target], written[variants[target]].data
        sink(Event(path.name, "writing"))
        write_bytes(path, data)
        yield Written(target, len(data), layout.pages, time.perf_counter() - started, tuple(report.items))
        report = Report()


def _build_runs(book: Book, job: Job, options: WriterOptions, sink: Sink,
                started: float) -> Generator[Result, None, runbuild.Whole | None]:
    """The same, laid out run by run and cached (runbuild.py); a `Whole` (and nothing written)
    when the stylesheets need the book laid out at once."""
    from . import runbuild

    report = Report()
    targets = dict(job.outputs)
    name = job.outputs[0][1].name
    variants = {target: BY_NAME[target].variant or "" for target in sorted(targets, key=lambda t: t != "pdf-print")}
    by_variant = {variant: target for target, variant in variants.items()}
    outcome = runbuild.build(book, load_theme(book.publication.root), report, options.modified,
                             tuple(sorted(set(variants.values()))), options.cache, options.jobs,
                             lambda text: sink(Event(name, text)),
                             lambda variant: sink(Event(targets[by_variant[variant]].name, "writing PDF")))
    if isinstance(outcome, runbuild.Whole):
        return outcome
    moved = f", {outcome.moved} moved (new page numbers only)" if outcome.moved else ""
    sink(Event(name, f"{outcome.laid_out} of {outcome.runs} runs laid out{moved}, the others from the cache"))
    if "pdf-print" in targets:  # before the joins: the EPUB is made while they run
        yield Provided("page-marks", outcome.marks, outcome.pages, time.perf_counter() - started, tuple(report.items))
        report = Report()
    for variant, data in outcome.join(report):
        target = by_variant[variant]
        path = targets[target]
        sink(Event(path.name, "writing"))
        write_bytes(path, data)
        yield Written(target, len(data), outcome.pages, time.perf_counter() - started, tuple(report.items))
        report = Report()
    return None


def page_marks(book: Book, job: Job, options: WriterOptions, sink: Sink) -> Iterator[Result]:
    """Only the print layout's page marks, for an EPUB built without a print PDF to take them from."""
    from .writer import lay_out

    started = time.perf_counter()
    with observe_layout(f"{job.outputs[0][1].name} (page-list)", sink, job.expected_pages):
        layout = lay_out(book, load_theme(book.publication.root), Report(), options.modified, cache=options.cache)
    yield Provided("page-marks", layout.marks, layout.pages, time.perf_counter() - started)
