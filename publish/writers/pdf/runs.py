"""The PDF laid out run by run: the unit of layout is the run of content between forced page
breaks (the cover, the 目录, each article that starts a page with the run-on articles after it).

A run's pages depend on its own HTML, the stylesheets, and where it starts: its first page's
number (the folios) and side (left/right pages differ). So each run is its own WeasyPrint
document, laid out with that number and side, and its written PDFs (print and screen, painted
once for both) are cached by a hash of all of that (runcache.py). assemble.py joins the runs'
PDFs into one. What depends on other runs' page numbers is only the 目录 (its page numbers,
given to it as attributes) and, through the start numbers, the folios and sides of later
runs: a run's margin boxes are made apart from its body (furniture.py), so a run whose start
changes keeps its body and gets new margin boxes.

    split(html) → Run* → lay_out_run(run, start) → RunResult (meta JSON + PDF bytes) → assemble
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ...diagnostics import Report
from ...model import Book, PageMark
from .pagemap import page_marks

# The template's top-level blocks of <body>: the cover, the contents, the articles. An article
# carrying `run-on` follows the one before it on the page; every other block starts a page.
# (Only these: an article's body has blocks of its own at the start of a line, its footnotes'
# <section> among them.)
_TOP = re.compile(r'^<(section|nav|article) class="(?:cover|toc|article)\b[^>]*>', re.M)
_CLASS = re.compile(r'\bclass="([^"]*)"')
_TOC_LINK = re.compile(r'<a href="#([^"]+)"')
# The theme's page numbers of the contents: replaced by the numbers the runs found (data-page).
_TARGET_COUNTER = re.compile(r"target-counter\(\s*attr\(href\)\s*,\s*page\s*\)")
TOC_PAGE_ATTRIBUTE = "data-publish-page"
PLACEHOLDER = "000"


@dataclass(frozen=True)
class Run:
    index: int
    body: str  # the run's blocks, as in the whole document
    toc: bool  # holds the contents: its page numbers come from the other runs


@dataclass(frozen=True)
class Split:
    head: str  # everything up to the first block
    tail: str  # </body></html>
    runs: tuple[Run, ...]

    def document(self, run: Run, numbers: dict[str, int] | None = None) -> str:
        body = run.body
        if run.toc and numbers is not None:
            # An entry not known yet (a cold build) gets a number of three digits: laid out with
            # none, the contents may take fewer lines, and every run after them would move.
            def numbered(match: re.Match) -> str:
                return f'{match.group(0)} {TOC_PAGE_ATTRIBUTE}="{numbers.get(match.group(1), PLACEHOLDER)}"'

            body = _TOC_LINK.sub(numbered, body)
        return self.head + body + self.tail


def split(html: str) -> Split:
    """The runs of the book's HTML; their bodies joined give back the whole <body>."""
    starts = [m for m in _TOP.finditer(html)]
    if not starts:
        raise ValueError("no top-level blocks in the print HTML")
    end = html.rindex("</body>")
    cuts: list[int] = []
    tocs: list[bool] = []
    for match in starts:
        found = _CLASS.search(match.group(0))
        classes = found.group(1).split() if found else []
        if match.group(1) == "article" and "run-on" in classes and cuts and not tocs[-1] and len(cuts) > 1:
            continue  # flows on after the article before it (not after the cover or the contents)
        cuts.append(match.start())
        tocs.append(match.group(1) == "nav" and "toc" in classes)
    runs = tuple(Run(i, html[start:stop], toc) for i, (start, stop, toc)
                 in enumerate(zip(cuts, cuts[1:] + [end], tocs)))
    return Split(html[:cuts[0]], html[end:], runs)


def toc_targets(run: Run) -> list[str]:
    """The anchors the contents link to."""
    return _TOC_LINK.findall(run.body)


def toc_css(css: tuple[str, ...]) -> tuple[str, ...]:
    """The stylesheets with the contents' page numbers read from the attribute runs.py sets."""
    return tuple(_TARGET_COUNTER.sub(f"attr({TOC_PAGE_ATTRIBUTE})", text) for text in css)


# What a run laid out alone cannot get right: the book's page count, a page number or text of
# another run (other than the contents' numbers, which toc_css rewrites), the book's n-th or
# first page.
_WHOLE_BOOK = (
    (re.compile(r"counters?\(\s*pages\b"), "counter(pages)"),
    (re.compile(r"target-(?:counters?|text)\("), "target-counter() or target-text()"),
    (re.compile(r":nth\((?![^)]*\bof\b)"), "@page :nth() without a page group"),
    (re.compile(r"@page\s*:first"), "@page :first"),
)


def needs_whole_book(css: tuple[str, ...]) -> str | None:
    """Why the stylesheets (after toc_css) need the book laid out as one document, or None."""
    for pattern, what in _WHOLE_BOOK:
        if any(pattern.search(text) for text in css):
            return what
    return None


def start_css(start: int) -> str:
    """The folios of a run that starts at page `start` (a touched page counter is not also
    incremented on that page: WeasyPrint 70, layout/page.py)."""
    return f"@page :first {{ counter-reset: page {start}; }}"


# -- the side of the first page --------------------------------------------------------------

_side: contextvars.ContextVar[bool | None] = contextvars.ContextVar("publish_first_page_right", default=None)
_across: contextvars.ContextVar[bool] = contextvars.ContextVar("publish_links_across_runs", default=False)


def install() -> None:
    """WeasyPrint starts a document on a right page, and ignores a forced break before its first
    block. Within `starting_on`, a document starts on the side given, and a `break-before:
    right/left` on its first block adds the blank page the whole book would have there; and
    links to anchors of other runs are kept (WeasyPrint drops links to anchors it has not laid
    out): they name their target, which the assembled PDF's destinations hold."""
    from weasyprint import layout, pdf

    if getattr(layout.initialize_page_maker, "publish_runs", False):
        return
    resolve_links = pdf.resolve_links

    def resolve_links_across(pages):
        if not _across.get():
            yield from resolve_links(pages)
            return
        for page, (_, anchors) in zip(pages, resolve_links([_without_links(page) for page in pages])):
            yield list(page.links), anchors

    pdf.resolve_links = resolve_links_across
    original = layout.initialize_page_maker

    def initialize_page_maker(context, root_box):
        original(context, root_box)
        right = _side.get()
        if right is None:
            return
        resume_at, next_page, _, page_state, remake_state = context.page_maker[0]
        side = _first_break(root_box)
        if side is not None:
            next_page = dict(next_page, **{"break": side})
            if side in ("left", "right") and (side == "right") != right:
                # A blank first page keeps the resume point it was given, and WeasyPrint takes
                # None after a page for the end of the document: {0: None} is the start too.
                resume_at = {0: None}
        context.page_maker[0] = (resume_at, next_page, right, page_state, remake_state)

    initialize_page_maker.publish_runs = True  # type: ignore[attr-defined]
    layout.initialize_page_maker = initialize_page_maker


class _without_links:
    """A page seen without its links (for WeasyPrint's anchor list alone)."""

    def __init__(self, page) -> None:
        self.anchors, self.links = page.anchors, ()


def _first_break(root_box) -> str | None:
    box = root_box
    for _ in range(3):  # html → body → the first block
        children = [child for child in getattr(box, "children", ()) if getattr(child, "style", None) is not None]
        if not children:
            return None
        box = children[0]
        value = box.style["break_before"]
        if value in ("left", "right", "recto", "verso"):
            return value
    return None


@contextlib.contextmanager
def linking_across() -> Iterator[None]:
    """Within the block, a run's PDF keeps its links to other runs' anchors."""
    token = _across.set(True)
    try:
        yield
    finally:
        _across.reset(token)


@contextlib.contextmanager
def starting_on(start: int) -> Iterator[None]:
    token = _side.set(start % 2 == 1)  # odd pages are right pages (left-to-right books)
    try:
        yield
    finally:
        _side.reset(token)


# -- one run ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class RunResult:
    """A run laid out and written: what the assembly and the EPUB need, as JSON-able values."""

    key: str
    start: int
    pages: int
    heights: tuple[float, ...]  # CSS px, for the outline's coordinates
    bookmarks: tuple[tuple[tuple[int, str, tuple[float, float], str], ...], ...]  # per page
    anchors: dict[str, int]  # id → the run's page index
    marks: tuple[PageMark, ...]
    diagnostics: tuple[tuple[str, str, str | None, int | None, int | None, str | None], ...]
    fonts: dict[str, dict[str, Any]]  # resource name → what the assembly needs to merge it
    # The body's PDFs are those of `body` (a key: the run's own, or the same content's laid out
    # at another start); with `furnished`, its margin boxes are drawn from its own furniture PDF
    # (else they are in the body), made from `plan` (furniture.py), over pages whose body moves
    # across by `dx` (CSS px).
    body: str = ""
    furnished: bool = False
    plan: dict[str, Any] | None = None
    dx: tuple[float, ...] = ()
    # The screen PDF is the print PDF's painting but for these objects (its images' screen
    # copies: writer.PdfResult.replaces); None: painted on its own (assemble.py joins it apart).
    screen_replaces: tuple[int, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "start": self.start, "pages": self.pages, "heights": list(self.heights),
                "bookmarks": [[list(b[:2]) + [list(b[2]), b[3]] for b in page] for page in self.bookmarks],
                "anchors": self.anchors,
                "marks": [[m.label, m.article, m.element, m.offset] for m in self.marks],
                "diagnostics": [list(d) for d in self.diagnostics], "fonts": self.fonts,
                "body": self.body, "furnished": self.furnished, "plan": self.plan, "dx": list(self.dx),
                "screen_replaces": None if self.screen_replaces is None else list(self.screen_replaces)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunResult:
        return cls(data["key"], data["start"], data["pages"], tuple(data["heights"]),
                   tuple(tuple((b[0], b[1], (b[2][0], b[2][1]), b[3]) for b in page) for page in data["bookmarks"]),
                   dict(data["anchors"]), tuple(PageMark(*m) for m in data["marks"]),
                   tuple(tuple(d) for d in data["diagnostics"]), data["fonts"],
                   str(data["body"]), bool(data["furnished"]), data["plan"], tuple(float(v) for v in data["dx"]),
                   None if data.get("screen_replaces") is None else tuple(int(n) for n in data["screen_replaces"]))

    def moved(self, key: str, start: int, fonts: dict[str, dict[str, Any]], dx: tuple[float, ...]) -> RunResult:
        """This run's body at `start`, under the furniture made for it there (`fonts`: its fonts)."""
        shift = start - self.start
        bookmarks = tuple(tuple((level, label, (x + move, y), state) for level, label, (x, y), state in page)
                          for page, move in zip(self.bookmarks, dx))
        marks = tuple(PageMark(str(int(m.label) + shift), m.article, m.element, m.offset) for m in self.marks)
        return RunResult(key, start, self.pages, self.heights, bookmarks, self.anchors, marks, self.diagnostics,
                         {**self.fonts, **fonts}, self.body, True, self.plan, dx, self.screen_replaces)


def laid_out_meta(document: Any, book: Book, key: str, start: int, report: Report) -> RunResult:
    """What a run's layout tells the others, taken before it is written (and freed)."""
    from . import preflight

    anchors: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, index)
    if document.pages and document.pages[0].bleed and any(document.pages[0].bleed.values()):
        preflight.after_layout(document, book.publication, report, first=start)
    marks = tuple(page_marks(document, {r.name for r in book.rendered}, first=start))
    diagnostics = tuple((d.code, d.message, str(d.path) if d.path else None, d.line, d.col, d.hint)
                        for d in report.items)
    return RunResult(key, start, len(document.pages), tuple(float(p.height) for p in document.pages),
                     tuple(tuple((level, label, (float(x), float(y)), state)
                                 for level, label, (x, y), state in page.bookmarks) for page in document.pages),
                     anchors, marks, diagnostics, {}, body=key)


@contextlib.contextmanager
def fonts_recorded(fonts: dict[str, dict[str, Any]], originals: set[str]) -> Iterator[None]:
    """Within the block, each font WeasyPrint embeds is recorded (before it is subset): the
    assembly merges a face's subsets of all runs into one from the same original file. A face
    whose original the assembly has (`originals`: fingerprints) is not subset here at all: the
    run's PDF gets a stub of its program (its first bytes, which tell OpenType from TrueType),
    which the assembly always replaces."""
    from weasyprint.pdf.fonts import Font

    original = Font.clean

    def clean(self, to_unicode, hinting):
        item = {"fingerprint": fingerprint(self.file_content), "index": self.index,
                "missing": bool(self.missing), "variable": "fvar" in self.tables,
                "bitmap": bool(self.bitmap), "hinting": bool(hinting), "stub": False}
        fonts[self.hash] = item
        if item["fingerprint"] in originals and not (item["missing"] or item["variable"] or item["bitmap"]):
            item["stub"] = True
            self.file_content = self.file_content[:4]
            return None
        return original(self, to_unicode, hinting)

    Font.clean = clean
    try:
        yield
    finally:
        Font.clean = original


def originals(faces) -> dict[str, Any]:
    """The project's font files by fingerprint (for the assembly's subsets)."""
    from pathlib import Path

    found = {}
    for face in faces:
        path = Path(face.path)
        with path.open("rb") as file:
            size = path.stat().st_size
            head = file.read(65536)
            file.seek(max(0, size - 65536))
            tail = file.read(65536)
        found[fingerprint_parts(size, head, tail)] = path
    return found


def fingerprint(data: bytes) -> str:
    """A font file's identity, cheaply: its length and a hash of its first and last 64 KB."""
    return fingerprint_parts(len(data), data[:65536], data[-65536:])


def fingerprint_parts(size: int, head: bytes, tail: bytes) -> str:
    import hashlib

    return hashlib.sha256(size.to_bytes(8, "big") + head + tail).hexdigest()[:32]


def toc_numbers(split: Split, results: list[RunResult]) -> dict[str, int]:
    """The page number of every anchor the 目录 links to."""
    anchors: dict[str, int] = {}
    for result in results:
        for name, page in result.anchors.items():
            anchors.setdefault(name, result.start + page)
    wanted = {name for run in split.runs if run.toc for name in toc_targets(run)}
    return {name: anchors[name] for name in sorted(wanted) if name in anchors}
