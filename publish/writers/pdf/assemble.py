"""The runs' PDFs joined into one (pikepdf), as WeasyPrint would have written the whole book.

Each run's PDF is complete on its own (runs.py); joining them:
- pages appended in order; the first run's catalog (metadata, output intent, language) kept;
- the tag trees joined under one Document element, the parent tree renumbered (pages by their
  place in the book, then the annotations);
- the named destinations of all runs in one name tree, so links between runs resolve (runs.py
  keeps links whose anchor another run holds);
- the outline built again from the runs' bookmarks with WeasyPrint's own nesting, since a
  section's bookmark (in one run) is the parent of its articles' (in the next ones);
- each run's margin boxes (furniture.py) drawn over its pages;
- each face embedded once (fontmerge.py): its subsets in the runs replaced by one subset of the
  original file to the union of their glyphs.
A run's PDF is opened, copied and closed before the next one, so that the join holds the
book being made, not also every run it was made of. Saved with a deterministic file
identifier: the same runs make the same bytes.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from . import fontmerge
from .fontmerge import Subsetter, merge_fonts, subset
from .fontmerge import unembedded as unembedded_fonts
from .fromprint import as_screen, copied
from .profiles import Profiles
from .runs import RunResult


def assemble(parts: Sequence[tuple[Path, Path | None]], results: Sequence[RunResult],
             originals: Mapping[str, Path], subsetter: Subsetter | None = None, variant: str = "screen",
             unembedded: list[str] | None = None, memo: dict | None = None, late: Late | None = None) -> bytes:
    """One PDF of the runs' PDFs `parts` (in book order: a body's PDF in `variant`, and its
    furniture's or None); `originals`: font fingerprint → file; `subsetter` makes a face's
    merged program (default: `subset`, uncached); `unembedded` gets the names of the fonts
    without an embedded program (for the preflight: reading them from the PDF written took
    2 s on a 650-page book); `memo` keeps the faces' merged widths and ToUnicode entries for
    the next variant (the same runs' fonts: parsing them is half a second of an edit); `late`:
    a run joined last."""
    with _joined(parts, results, originals, subsetter, variant, unembedded, memo, late) as (base, _):
        return _saved(base, str(base.pdf_version))


def derivable(results: Sequence[RunResult]) -> bool:
    """Whether the screen PDF can be made from the joined print PDF (`both`): every run's
    screen PDF is its print PDF's painting (an RGB output intent: variants.py)."""
    return all(result.screen_replaces is not None for result in results)


def both(results: Sequence[RunResult], parts: Callable[[RunResult, str], tuple[Path, Path | None]],
         originals: Mapping[str, Path], subsetter: Subsetter | None = None, unembedded: list[str] | None = None,
         late: Late | None = None) -> Generator[tuple[str, bytes], None, None]:
    """The print PDF joined (as `assemble`; `parts` finds a run's PDFs in a variant), then the
    screen PDF made from it in place (fromprint.py; the runs must be `derivable`): ("print",
    bytes), then ("screen", bytes)."""
    with _joined([parts(result, "print") for result in results], results, originals, subsetter, "print",
                 unembedded, None, late) as (base, join):
        yield "print", _saved(base, str(base.pdf_version))
        screen = [parts(result, "screen")[0] for result in join.results]
        images = [(screen[run], number, target) for run, number, target in join.images]
        version = as_screen(base, join.cropped, images, screen[0], join.profiles)
        yield "screen", _saved(base, version)


def _saved(base, version: str) -> bytes:
    import pikepdf

    out = io.BytesIO()
    base.save(out, deterministic_id=True, compress_streams=True, recompress_flate=False,
              object_stream_mode=pikepdf.ObjectStreamMode.generate, min_version=version)
    return out.getvalue()


class Cancelled(Exception):
    """The late run did not come (`Late`): the join is given up."""


@dataclass(frozen=True)
class Late:
    """A run joined last, though its pages are not the last (the 目录 laid out again while the
    others are joined: joins.py): `arrive` waits for its result (None: it will not come), which
    must have the page count of the one the join was given."""

    index: int
    arrive: Callable[[], RunResult | None]
    parts: Callable[[RunResult, str], tuple[Path, Path | None]]  # as `both`'s


@contextlib.contextmanager
def _joined(parts: Sequence[tuple[Path, Path | None]], results: Sequence[RunResult], originals: Mapping[str, Path],
            subsetter: Subsetter | None, variant: str, unembedded: list[str] | None,
            memo: dict | None, late: Late | None = None) -> Iterator[tuple[Any, _Join]]:
    """The runs joined into the first run's PDF (open within the block), and what the join kept."""
    import pikepdf

    parts, results = list(parts), list(results)
    offsets = [sum(result.pages for result in results[:index]) for index in range(len(results))]
    base = pikepdf.open(parts[0][0])
    try:
        join = _Join(base, sum(result.pages for result in results), variant == "print")

        def add(index: int, at: int) -> None:
            # A run at a time, closed once copied: qpdf keeps all it read of an open PDF (a run's
            # tag tree is ~1,400 objects a 5 pages), and the copies read their streams from the
            # file without it. The same bytes; the real book's screen join 423 → 220 MB.
            (body, furniture), result = parts[index], results[index]
            source = base if index == 0 else pikepdf.open(body)
            try:
                join.add(source, furniture, result, offsets[index], at, index)
            finally:
                if source is not base:
                    source.close()

        at = 0
        for index in range(len(parts)):
            if late is None or index != late.index:
                add(index, at)
                at += results[index].pages
        if late is not None:
            fontmerge.prepare(base, join.parsed)  # while the late run is awaited
            result = late.arrive()
            if result is None:
                raise Cancelled
            assert result.pages == results[late.index].pages, "a late run with another page count"
            parts[late.index], results[late.index] = late.parts(result, variant), result
            add(late.index, offsets[late.index])
        join.finish()
        join.results = results
        _outline(base, results)
        fonts = merge_fonts(base, results, originals, subsetter or subset, {} if memo is None else memo, join.parsed)
        if unembedded is not None:
            unembedded.extend(unembedded_fonts(fonts))
        yield base, join
    finally:
        base.close()


class _Join:
    """The book's PDF `base` (the first run's) grown run by run: pages, margin boxes, tags and
    named destinations gathered as each run comes, made into the book's arrays at `finish`."""

    def __init__(self, base, total: int, marked: bool) -> None:
        self.base, self.marked = base, marked
        self.moves: dict = {}  # page object → its body's move across, in PDF units
        # Per run (the runs may come in any order: `Late`), made into PDF arrays once in the
        # book's order (a pikepdf Array grown item by item is slow).
        self.total = total  # the parent tree's keys after the pages': the annotations'
        self.kids: dict[int, list] = {}
        self.nums: list = []  # the pages' entries: key, value, …
        self.annotations: dict[int, list[tuple[int, Any]]] = {}  # run → (its own key, value)
        self.names: dict[int, dict[str, Any]] = {}
        self.crops: dict[int, list[bool]] = {}
        self.root = base.Root.get("/StructTreeRoot")
        self.document: Any = self.root.K[0] if self.root is not None else None
        self.shared = (base.make_stream(b"q\n"), base.make_stream(b"\nQ\n"))  # by the pages
        # For the screen PDF made from this one (fromprint.py): per page, whether its first
        # content stream is the crop marks; the images whose screen copies replace them (the
        # run, the object's number in its PDFs, its copy here).
        self.images: list[tuple[int, int, Any]] = []
        self.profiles = Profiles(base)
        self.results: list[RunResult] = []  # the runs joined, in the book's order (at the end)
        self.parsed: fontmerge.Parsed = {}  # the font dictionaries read (fontmerge.prepare)

    @property
    def cropped(self) -> list[bool]:
        return [marks for run in sorted(self.crops) for marks in self.crops[run]]

    def add(self, source, furniture: Path | None, result: RunResult, offset: int, at: int, run: int) -> None:
        """The run `run` added: its first page is the book's `offset`, and goes where the pages
        already joined have `at` before it."""
        import pikepdf

        if self.marked:  # a print run's pages: [the marks, the body] (variants.py)
            self.crops[run] = [isinstance(page.obj.Contents, pikepdf.Array) and len(page.obj.Contents) > 1
                               for page in source.pages]
        for number in result.screen_replaces or ():
            # The copy made with the pages (qpdf copies an object of a source once), or a new one.
            self.images.append((run, number, self.base.copy_foreign(source.get_object(number, 0))
                                if source is not self.base else source.get_object(number, 0)))
        if source is not self.base:
            with warnings.catch_warnings():
                # The named destinations are joined below (_destinations).
                warnings.simplefilter("ignore", getattr(pikepdf, "PageCopyWarning", Warning))
                if at == len(self.base.pages):
                    self.base.pages.extend(source.pages)
                else:
                    for index, page in enumerate(source.pages):
                        self.base.pages.insert(at + index, page)
        if furniture is not None:
            with pikepdf.open(furniture) as furnishing:
                self.moves.update(_furnished(self.base, furnishing, result, offset, at, self.marked, self.shared))
        for index in range(at, at + len(source.pages)):
            self.profiles.share(self.base.pages[index].obj.get("/Resources"))
        if self.root is not None:
            self._tags(source, offset, run)
        self._destinations(source, run)

    def finish(self) -> None:
        import pikepdf

        base = self.base
        if self.root is not None:
            for index, page in enumerate(base.pages):
                if "/StructParents" in page.obj:
                    page.obj.StructParents = index
            self.document.K = pikepdf.Array([kid for run in sorted(self.kids) for kid in self.kids[run]])
            # A number tree's keys in ascending order: the pages', then the annotations' in the
            # book's order.
            pairs = sorted(zip(self.nums[::2], self.nums[1::2]), key=lambda pair: pair[0])
            key = self.total
            for run in sorted(self.annotations):
                for own, value in self.annotations[run]:
                    _renumber_annotation(value, own, key)
                    pairs.append((key, value))
                    key += 1
            self.root.ParentTree = base.make_indirect(pikepdf.Dictionary(
                Nums=pikepdf.Array([item for pair in pairs for item in pair])))
            self.root.ParentTreeNextKey = key
        names: dict[str, Any] = {}
        for run in sorted(self.names):  # the first anchor of a name wins, in the book's order
            for name, target in self.names[run].items():
                names.setdefault(name, target)
        if names:
            flat = pikepdf.Array()
            for name in sorted(names):
                flat.extend([pikepdf.String(name), names[name]])
            if "/Names" not in base.Root:
                base.Root.Names = pikepdf.Dictionary()
            base.Root.Names.Dests = base.make_indirect(pikepdf.Dictionary(Names=flat))

    def _tags(self, source, offset: int, run: int) -> None:
        """The run's tag tree under the book's Document element; its parent tree renumbered
        (pages by their place in the book, then the annotations)."""
        import pikepdf

        base = self.base
        source_root = source.Root.get("/StructTreeRoot")
        if source_root is None:
            return
        # One copy of the indirect objects each (what they refer to comes along, mapped to the
        # pages already copied).
        source_document = copied(base, source, source_root.K[0])
        tree = copied(base, source, source_root.ParentTree)
        kids = self.kids[run] = []
        for kid in source_document.K:
            if isinstance(kid, pikepdf.Dictionary):
                kid.P = self.document
            kids.append(kid)
        pages = len(source.pages)
        entries = list(tree.Nums)
        annotations = self.annotations[run] = []
        for i in range(0, len(entries), 2):
            key, value = int(entries[i]), entries[i + 1]
            if key < pages:
                self.nums += [offset + key, value]
            else:
                annotations.append((key, value))

    def _destinations(self, source, run: int) -> None:
        """The run's named destinations, moved with their page's body (the first anchor of a
        name wins), so that links between runs resolve."""
        import pikepdf

        tree = source.Root.get("/Names")
        dests = tree.get("/Dests") if tree is not None else None
        if dests is None:
            return
        entries = copied(self.base, source, dests.Names)
        moves, names = self.moves, self.names.setdefault(run, {})
        for i in range(0, len(entries), 2):
            target = entries[i + 1]
            if moves and isinstance(target, pikepdf.Array) and len(target) > 2 and \
                    target[0].objgen in moves and target[1] == pikepdf.Name.XYZ:
                target = pikepdf.Array([target[0], target[1], float(target[2]) + moves[target[0].objgen],
                                        *list(target)[3:]])
            names.setdefault(str(entries[i]), target)


def _furnished(base, furnishing, result: RunResult, offset: int, at: int, marked: bool, shared: tuple) -> dict:
    """A run's margin boxes drawn over its pages (a form XObject each, marked as an artifact:
    running heads and folios are not the text), its body moved across where the page changed
    side (`marked`: the page's first content stream is the crop marks, which stay; `shared`:
    the streams that open and close an unmoved body). Returns the pages moved: page object →
    the move, in PDF units."""
    import pikepdf

    moves: dict = {}
    opening, closing = shared
    for index, source in enumerate(furnishing.pages):
        page = base.pages[at + index]
        xobject = source.as_form_xobject()
        xobject.BBox = source.mediabox  # not the trim box qpdf takes: a margin box may reach the bleed
        form = base.copy_foreign(xobject)
        # A name of its own, not pikepdf's random one: the same runs make the same bytes. (A
        # run's pages may share one resource dictionary: each page's name differs.)
        name = pikepdf.Name(f"/PublishFurniture{offset + index}")
        resources = page.obj.Resources
        if "/XObject" not in resources:
            resources.XObject = pikepdf.Dictionary()
        resources.XObject[name] = form
        dx = result.dx[index] * 0.75 if index < len(result.dx) else 0.0
        contents = page.obj.Contents
        streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        kept = streams[:1] if marked and len(streams) > 1 else []
        body = streams[len(kept):]
        # The body's painting leaves its transformation (WeasyPrint's y axis downwards) in
        # place: it is closed before the furniture, which sets up its own.
        moved = abs(dx) > 1e-6
        body = [base.make_stream(f"q 1 0 0 1 {dx:.6f} 0 cm\n".encode()) if moved else opening] + body + [closing]
        if moved:
            moves[page.obj.objgen] = dx
            for annotation in page.obj.get("/Annots") or ():
                rect = [float(v) for v in annotation.Rect]
                annotation.Rect = pikepdf.Array([rect[0] + dx, rect[1], rect[2] + dx, rect[3]])
        page.obj.Contents = pikepdf.Array(kept + body + [
            base.make_stream(b"q /Artifact BMC " + str(name).encode() + b" Do EMC Q\n")])
    return moves


def _renumber_annotation(value, old: int, new: int) -> None:
    """The annotation the parent tree's entry points to (an OBJR's parent element) gets `new`."""
    import pikepdf

    kids = value.get("/K")
    items = kids if isinstance(kids, pikepdf.Array) else [kids]
    for item in items:
        if isinstance(item, pikepdf.Dictionary) and item.get("/Type") == "/OBJR":
            annotation = item.Obj
            if int(annotation.get("/StructParent", -1)) == old:
                annotation.StructParent = new
                return


def _outline(base, results: Sequence[RunResult]) -> None:
    """The outline, nested as WeasyPrint nests the whole book's bookmarks."""
    import pikepdf
    from weasyprint.document import Document

    pages = [SimpleNamespace(bookmarks=list(marks), height=height)
             for result in results for marks, height in zip(result.bookmarks, result.heights)]
    tree = Document.make_bookmark_tree(SimpleNamespace(pages=pages), 0.75, transform_pages=True)
    if "/Outlines" in base.Root:
        del base.Root["/Outlines"]
    if not tree:
        return
    page_objects = [page.obj for page in base.pages]

    def add(items, parent) -> tuple[list, int]:
        count = len(items)
        made: list = []
        for title, (page, x, y), children, state in items:
            outline = base.make_indirect(pikepdf.Dictionary(
                Title=pikepdf.String(title), Dest=pikepdf.Array([page_objects[page], pikepdf.Name.XYZ, x, y, 0])))
            kids, kids_count = add(children, outline)
            outline.Count = -kids_count if state == "closed" else kids_count
            if state != "closed":
                count += kids_count
            if made:
                outline.Prev = made[-1]
                made[-1].Next = outline
            if kids:
                outline.First, outline.Last = kids[0], kids[-1]
            outline.Parent = parent
            made.append(outline)
        return made, count

    root = base.make_indirect(pikepdf.Dictionary())
    items, count = add(tree, root)
    root.Count, root.First, root.Last = count, items[0], items[-1]
    base.Root.Outlines = root


TRIM_FROM = 200  # pages of a book from which its assemblies' memory is given back between them


def given_back(pages: int) -> None:
    """The memory qpdf took for one assembly given back before the next (glibc keeps freed
    memory otherwise: two assemblies of a 645-page book held 1.2 GB, each alone 0.7 GB). Not
    for a small book, where it is a few MB and the collection costs 0.1 s of an edit's 2."""
    from ..heap import give_back

    if pages >= TRIM_FROM:
        give_back()
