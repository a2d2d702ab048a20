"""The EPUB writer: the book's reading edition (book.py), with the print edition's page-list."""

from __future__ import annotations

import time
from collections.abc import Iterator

from ...diagnostics import Report
from ...model import Book, PageMark
from ...store import write_bytes
from ..target import Event, Job, Result, Sink, WriterOptions, Written
from ..theme import load_theme

# What a worker process of make imports before its job arrives (make/jobs.py): the EPUB's
# modules, and ebooklib, lxml, fontTools and HarfBuzz through them.
PRELOAD = ("publish.writers.epub.book", "publish.writers.epub.fonts", "publish.writers.epub.cover",
           "publish.writers.epub.pagelist")


def build(book: Book, job: Job, options: WriterOptions, sink: Sink) -> Iterator[Result]:
    """The EPUB, with the page-list of the print layout's page marks (job.needs)."""
    from .book import build_epub

    started = time.perf_counter()
    path = job.output("epub")
    sink(Event(path.name, "assembling EPUB"))
    report = Report()
    data = build_epub(book, load_theme(book.publication.root), options, job.needs["page-marks"],
                      on_font=lambda number, total: sink(Event(path.name, "subsetting fonts", number, total)),
                      report=report)
    sink(Event(path.name, "writing"))
    write_bytes(path, data)
    yield Written("epub", len(data), None, time.perf_counter() - started, tuple(report.items))


def build_vertical(book: Book, job: Job, options: WriterOptions, sink: Sink) -> Iterator[Result]:
    """The vertical edition beside the horizontal one (vertical.py): build/<slug>-vertical.epub."""
    from .book import build_epub

    started = time.perf_counter()
    path = job.output("epub-vertical")
    sink(Event(path.name, "assembling vertical EPUB"))
    data = build_epub(book, load_theme(book.publication.root), options, job.needs["page-marks"],
                      on_font=lambda number, total: sink(Event(path.name, "subsetting fonts", number, total)),
                      vertical=True)
    write_bytes(path, data)
    yield Written("epub-vertical", len(data), None, time.perf_counter() - started)


def warm_fonts(book: Book, job: Job, options: WriterOptions, sink: Sink) -> Iterator[Result]:
    """Build the EPUB without its page breaks and keep only what it leaves in the font cache.

    One stand-in page mark gives it the page-list navigation, so that the characters, and so
    the cached subsets, are those of the real EPUB (page labels are digits, always included).
    In idle time (idle.py): the PDF's layout, which it waits for, comes first."""
    from ..idle import in_idle_time
    from .book import build_epub

    if not options.embed_fonts:
        return
    pub = book.publication
    probe = (PageMark("1", pub.articles[0].name, "", 0),) if pub.articles else ()
    sink(Event("EPUB fonts", "waiting for idle time"))
    in_idle_time(lambda: build_epub(book, load_theme(pub.root), options, probe,
                                    on_font=lambda number, total: sink(Event("EPUB fonts", "subsetting fonts",
                                                                             number, total))))
    yield from ()


__all__ = ["build", "build_vertical", "warm_fonts"]
