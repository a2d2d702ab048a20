"""Both PDF variants from one painting of the pages.

Painting the pages (every line shaped again, every glyph drawn) is most of what writing a PDF
costs, and it is the same for both variants. So the laid-out pages are painted once, tagged,
into one pydyf document, which is written twice:

    paint (tagged, no marks) → compress its streams once
      → + crop marks, PDF/X-4 metadata, output intent  → the print PDF
      → boxes cut to the trim, PDF/UA-1 metadata        → the screen PDF

The print PDF keeps the tags (PDF/X-4 allows a tagged PDF) and draws its own crop marks, in a
content stream of their own, outside the bleed, where a trimmer expects them. The screen PDF
is the same objects with the page boxes at the trim and without the print-only ones.
Only for an RGB output intent: with a printer's CMYK profile, the transparency groups painted
for print blend in CMYK, so the screen PDF is then painted again, in RGB (`paint_screen`, as
for a screen-only layout).
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import re
import zlib

from . import rasters
from .engine import check_version

# Crop marks: 0.25 pt hairlines, 5 mm long, starting 3 mm from the trim or at the bleed's edge
# if the bleed is wider, so that no mark reaches into the bleed.
MARK_LENGTH_MM = 5.0
MARK_OFFSET_MM = 3.0
MARK_WEIGHT_PT = 0.25
PT_PER_MM = 72 / 25.4

PRINT_VARIANT, SCREEN_VARIANT = "pdf/x-4", "pdf/ua-1"


def options(variant: str) -> dict:
    """WeasyPrint's write_pdf options for `variant`, filled in as write_pdf does, tags on."""
    from weasyprint import DEFAULT_OPTIONS
    from weasyprint.pdf import VARIANTS

    result = dict(DEFAULT_OPTIONS, pdf_variant=variant, pdf_tags=True)
    for key, value in VARIANTS[variant][1].items():
        if result.get(key) is None:
            result[key] = value
    return result


def shares_painting(document) -> bool:
    """Whether the screen PDF can be written from the print PDF's painting (an RGB output intent)."""
    profile = document.color_profiles.get(document.output_intent)
    return profile is None or len(profile.components or ()) == 3


def paint(document, document_id: bytes, profiles: dict[str, bytes]):
    """The pages painted once into a pydyf document set up as the print PDF (PDF/X-4, tagged)
    but without crop marks, its XMP DocumentID `document_id` (WeasyPrint writes a random one).

    `profiles`: the ICC files of the document's colour profiles, by name, embedded as they are
    (WeasyPrint has LittleCMS write them out again, and its second copy differs from the first)."""
    from weasyprint.pdf import generate_pdf

    check_version("publish.pdf.variants")
    with _no_marks(document), _compressed_as_painted(document):
        pdf = generate_pdf(document, None, 1, **options(PRINT_VARIANT))
    for name, profile in document.color_profiles.items():
        if name in profiles and profile.pdf_reference is not None:
            _referenced(pdf, profile.pdf_reference).stream = [profiles[name]]
    stable_document_id(pdf, document_id)
    _compress_once(pdf)
    _serialise_once(pdf)
    return pdf


def write_print(pdf, pages, cmyk: bool = False) -> bytes:
    """The print PDF: the painting with crop marks outside the bleed and the media box around them
    (`cmyk`: the output intent is a printer's CMYK, and the marks are on every plate)."""
    settings = options(PRINT_VARIANT)
    page_dicts = _page_dicts(pdf)
    saved = [{key: page[key] for key in ("Contents", "MediaBox", "BleedBox")} for page in page_dicts]
    try:
        with _appended(pdf):
            for page_dict, page in zip(page_dicts, pages):
                _add_crop_marks(pdf, page_dict, page, cmyk)
            return _serialise(pdf, settings["pdf_version"], settings["pdf_identifier"])
    finally:
        for page_dict, boxes in zip(page_dicts, saved):
            page_dict.update(boxes)


def write_screen(pdf, document, replaced: list[int] | None = None) -> bytes:
    """The screen PDF from the same painting: pages cut at the trim, PDF/UA-1 metadata, no
    output intent. Leaves `pdf` as it was (it can be written as print again). `replaced` gets
    the numbers of the objects (images) the screen PDF has its own copies of."""
    import pydyf

    settings = options(SCREEN_VARIANT)
    saved_pages = [(page, {key: page[key] for key in ("MediaBox", "BleedBox", "TrimBox")})
                   for page in _page_dicts(pdf)]
    catalog, info = dict(pdf.catalog), dict(pdf.info)
    metadata = _referenced(pdf, pdf.catalog["Metadata"])
    saved_metadata = (metadata.stream, dict(metadata.extra), metadata.compress)
    try:
        for page, boxes in saved_pages:
            trim = boxes["TrimBox"]
            page["MediaBox"], page["BleedBox"] = pydyf.Array(trim), pydyf.Array(trim)
        pdf.catalog.pop("OutputIntents", None)
        pdf.info.pop("Trapped", None)
        # The metadata stream rewritten in place: a new object would leave the print one behind.
        scratch = pydyf.PDF()
        document.metadata.include_in_pdf(scratch, "ua", 1, conformance=None, compress=True)
        fresh = scratch.objects[-1]
        metadata.stream, metadata.extra, metadata.compress = fresh.stream, fresh.extra, fresh.compress
        with rasters.for_screen(pdf) as swapped:  # the screen PDF's copies of the images: sRGB, at a screen's ppi
            if replaced is not None:
                replaced.extend(swapped)
            return _serialise(pdf, settings["pdf_version"], bool(settings["pdf_identifier"]))
    finally:
        for page, boxes in saved_pages:
            page.update(boxes)
        pdf.catalog.clear()
        pdf.catalog.update(catalog)
        pdf.info.clear()
        pdf.info.update(info)
        metadata.stream, metadata.extra, metadata.compress = saved_metadata


def paint_screen(document, bleed: bool) -> bytes:
    """The screen PDF painted on its own: for a screen-only layout, or a print layout whose
    output intent is not RGB (painted here without the bleed, the marks and the intent)."""
    out = io.BytesIO()
    with _trimmed(document) if bleed else contextlib.nullcontext(), rasters.screen():
        document.write_pdf(out, pdf_variant=SCREEN_VARIANT)
    return out.getvalue()


def stable_document_id(pdf, document_id: bytes) -> None:
    """Replace the random xmpMM:DocumentID WeasyPrint writes into PDF/X metadata."""
    metadata = _referenced(pdf, pdf.catalog["Metadata"])
    metadata.stream = [re.sub(rb"xmp\.did:[0-9a-f-]{36}", document_id, chunk) if isinstance(chunk, bytes)
                       else chunk for chunk in metadata.stream]


@contextlib.contextmanager
def _trimmed(document):
    """Within this block, `document` (laid out with bleed) is painted as pages cut at the trim:
    no bleed area, no crop marks, no output intent or its profile."""
    bleeds = [(page, page.bleed) for page in document.pages]
    profiles, intent = document.color_profiles, document.output_intent
    try:
        for page, bleed in bleeds:
            page.bleed = dict.fromkeys(bleed, 0)  # the MediaBox is the page box
        document.color_profiles = {k: v for k, v in profiles.items() if k != "--output-intent"}
        document.output_intent = None
        with _no_marks(document):
            yield
    finally:
        for page, bleed in bleeds:
            page.bleed = bleed
        document.color_profiles, document.output_intent = profiles, intent


def _referenced(pdf, reference: bytes):
    return pdf.objects[_number(reference)]


def _page_dicts(pdf) -> list:
    kids = pdf.pages["Kids"]  # pydyf keeps them as number, 0, "R", number, 0, "R", …
    return [pdf.objects[number] for number in kids[::3]]


# Object streams make the file smaller, but a reader must unpack them all to read any object:
# the parts runs.py caches and assemble.py opens by the hundred are written without them.
OBJECT_STREAMS: contextvars.ContextVar[bool] = contextvars.ContextVar("publish_object_streams", default=True)


def _serialise(pdf, version: str, identifier: bool) -> bytes:
    out = io.BytesIO()
    pdf.current_position = 0  # pydyf counts the bytes it writes from where its last write ended
    with _appended(pdf):  # pydyf appends the info dictionary and object streams as it writes
        pdf.write(out, version, identifier, compress=OBJECT_STREAMS.get())
    return out.getvalue()


@contextlib.contextmanager
def _appended(pdf):
    """Objects added to `pdf` within the block are taken out again after it."""
    count = len(pdf.objects)
    try:
        yield
    finally:
        del pdf.objects[count:]


@contextlib.contextmanager
def _no_marks(document):
    """WeasyPrint would paint the crop marks into each page's background: they are drawn
    separately (`_add_crop_marks`), so that the screen PDF can go without them."""
    styles = [(page._page_box.style, page._page_box.style["marks"]) for page in document.pages]
    try:
        for style, _ in styles:
            style["marks"] = ()
        yield
    finally:
        for style, marks in styles:
            style["marks"] = marks


@contextlib.contextmanager
def _compressed_as_painted(document):
    """Each page's content stream compressed as soon as the page is painted: until then it is a
    long list of small operator strings, and a 1,500-page book's add up to hundreds of MB."""
    def compressing(paint):
        def paint_and_compress(stream, scale=1):
            paint(stream, scale)
            _compress(stream)  # nothing is drawn into a page's stream after its paint()
        return paint_and_compress

    for page in document.pages:
        page.paint = compressing(page.paint)
    try:
        yield
    finally:
        for page in document.pages:
            del page.paint


def _compress_once(pdf) -> None:
    """Compress every stream now, as pydyf would (zlib level 9), rather than at each write, and
    again for the file identifier's hash: the same bytes, compressed once instead of four times."""
    import pydyf

    for item in pdf.objects:
        if isinstance(item, pydyf.Stream):
            _compress(item)


def _serialise_once(pdf) -> None:
    """Every object the two variants share replaced by its bytes: pydyf serialises each object
    at each write and, for a file ID, once more (a tagged book is a million small objects)."""
    changing = set(pdf.pages["Kids"][::3])  # page boxes and contents
    changing |= {_number(pdf.catalog.reference), _number(pdf.catalog["Metadata"])}
    for number, item in enumerate(pdf.objects):
        if number and number not in changing and item.free == "n":
            pdf.objects[number] = _Serialised(item)


def _number(reference: bytes) -> int:
    return int(reference.split()[0])


class _Serialised:
    """A pydyf object as written: its number and bytes (what pydyf.PDF.write asks of objects)."""

    __slots__ = ("compressible", "data", "free", "generation", "number", "offset")

    def __init__(self, item):
        self.number, self.generation, self.free, self.offset = item.number, item.generation, item.free, 0
        self.data, self.compressible = item.data, item.compressible

    @property
    def indirect(self) -> bytes:
        return f"{self.number} {self.generation} obj\n".encode() + self.data + b"\nendobj"


def _compress(stream) -> None:
    import pydyf

    if stream.compress:
        data = b"\n".join(pydyf._to_bytes(chunk) for chunk in stream.stream)
        compressor = zlib.compressobj(level=9)
        stream.stream = [compressor.compress(data) + compressor.flush()]
        stream.extra = dict(stream.extra, Filter="/FlateDecode")
        stream.compress = False


def _add_crop_marks(pdf, page_dict, page, cmyk: bool = False) -> None:
    """Crop marks for a page laid out with bleed, as an artifact in a content stream of their own,
    before the page's (which leaves its coordinate system changed); the media box grows to hold them.
    Under a CMYK intent they are drawn in all four inks (1 1 1 1 K), so that each plate has them to
    register and trim by; RGB black would reach the plates only through the RIP's conversion."""
    import pydyf

    marks = tuple(page._page_box.style["marks"] or ())
    if "crop" not in marks:
        return
    left, bottom, right, top = (float(v) for v in page_dict["TrimBox"])
    bleed = max(page.bleed.values()) * 0.75  # CSS px to pt
    offset = max(MARK_OFFSET_MM * PT_PER_MM, bleed)
    reach = offset + MARK_LENGTH_MM * PT_PER_MM
    colour = "1 1 1 1 K" if cmyk else "0 0 0 RG"
    ops = [b"/Artifact BMC", b"q", f"{MARK_WEIGHT_PT} w 0 J [] 0 d {colour}".encode()]
    for x, outward_x in ((left, -1), (right, 1)):
        for y, outward_y in ((bottom, -1), (top, 1)):
            # A horizontal mark on the trim's horizontal edge, a vertical one on its vertical edge.
            ops.append(f"{x + outward_x * offset:.3f} {y:.3f} m {x + outward_x * reach:.3f} {y:.3f} l S".encode())
            ops.append(f"{x:.3f} {y + outward_y * offset:.3f} m {x:.3f} {y + outward_y * reach:.3f} l S".encode())
    ops += [b"Q", b"EMC"]
    stream = pydyf.Stream(ops, compress=True)
    pdf.add_object(stream)
    page_dict["Contents"] = pydyf.Array([stream.reference, page_dict["Contents"]])
    page_dict["MediaBox"] = pydyf.Array([left - reach, bottom - reach, right + reach, top + reach])
    page_dict["BleedBox"] = pydyf.Array([left - bleed, bottom - bleed, right + bleed, top + bleed])
