"""PDF writer (WeasyPrint): the whole publication as one paged HTML document.

Two variants from one layout: `screen` (tagged, PDF/UA-1) and `print` (trim, bleed,
crop marks, PDF/X-4). The layout also yields the page map the EPUB's page-list uses.

    lay_out(...) → Layout (WeasyPrint document + page marks) → Layout.write_all(variants) → PdfResults
                                                                  (painted once: variants.py)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...diagnostics import Report, codes
from ...model import Book, FontFace, PageMark, Publication
from ..images.colour import css_in_cmyk
from ..theme import Theme
from ..xhtml import font_face_css, font_stacks, sections_of
from . import (
    anchors,
    autospace,
    columns,
    fontfiles,
    grid,
    justify,
    leaders,
    linememo,
    math,
    pagerefs,
    pagestyles,
    preflight,
    rasters,
    ruby,
    shortlines,
    spanners,
    struts,
    svgpaths,
    variants,
    wrapmarks,
)
from . import images as pngs
from .fetcher import ConfinedFetcher
from .pagemap import page_marks

VARIANTS = ("screen", "print")
# Without a printer's profile (page.output_profile), the intent is sRGB: fine for digital
# presses that take RGB PDF/X-4, while offset printers will ask for their CMYK profile.
_COMPONENTS = {b"RGB ": "r, g, b", b"CMYK": "c, m, y, k", b"GRAY": "k"}  # ICC header colour space; comma-separated
_SRGB = Path(str(__import__("weasyprint").__file__)).parent / "pdf" / "sRGB2014.icc"


@dataclass(frozen=True)
class PdfResult:
    data: bytes
    pages: int
    # A screen PDF written from the print PDF's painting: the numbers of the print PDF's objects
    # it replaces (its images' screen copies). None: painted on its own, or not the screen PDF.
    replaces: tuple[int, ...] | None = None


def page_css(pub: Publication, bleed: bool) -> str:
    geometry = pub.page
    rules = [f"@page {{ size: {geometry.width_mm}mm {geometry.height_mm}mm; }}"]
    if bleed:
        # The PDF/X output intent: WeasyPrint takes the profile declared here.
        components = _COMPONENTS.get((pub.page.output_profile or _SRGB).read_bytes()[16:20], "r g b")
        rules.append('@color-profile --output-intent { src: url("profiles/output-intent.icc"); '
                     f"components: {components}; }}")
        rules.append(f"@page {{ bleed: {geometry.bleed_mm}mm; marks: crop; }}")
        rules.append(f"@page cover {{ bleed: {geometry.bleed_mm}mm; marks: crop; }}")
        # The masthead's colour touches the trim on three sides: it must run on into the bleed, or a
        # trim a hair off leaves a white edge. A border as wide as the bleed keeps its text in place.
        rules.append(f".cover .masthead {{ margin: -{geometry.bleed_mm}mm -{geometry.bleed_mm}mm 0; "
                     f"border: {geometry.bleed_mm}mm solid var(--accent); border-bottom: none; }}")
        # The cover picture runs on into the bleed, as a printer needs it (preflight W253).
        rules.append(f".cover-image {{ display: block; max-width: none; margin: -{geometry.bleed_mm}mm; "
                     f"width: {geometry.width_mm + 2 * geometry.bleed_mm}mm; "
                     f"height: {geometry.height_mm + 2 * geometry.bleed_mm}mm; }}")
    if geometry.recto_openers:
        rules.append(".article { break-before: right; }")
    return "\n".join(rules)


def font_css(faces: tuple[FontFace, ...]) -> str:
    return font_face_css((face, f"fonts/{face.file_name}") for face in faces)


@dataclass(frozen=True)
class Layout:
    """One WeasyPrint layout of the publication. Laid out with the print page (bleed, crop
    marks, output intent) it serves both variants: the screen PDF is the same pages written
    without what lies outside the trim, so both variants always break pages alike and the
    layout, the slowest step, is done once."""

    pub: Publication
    document: Any  # weasyprint.Document
    bleed: bool
    marks: tuple[PageMark, ...]

    @property
    def pages(self) -> int:
        return len(self.document.pages)

    def write(self, variant: str) -> PdfResult:
        """The PDF of one variant: `screen` (tagged, PDF/UA-1) or `print` (PDF/X-4; needs a bleed layout)."""
        return self.write_all((variant,))[variant]

    def write_all(self, wanted: tuple[str, ...]) -> dict[str, PdfResult]:
        """The PDFs of the wanted variants. The pages are painted once for both where they can be
        (variants.py): the print PDF, then the screen PDF from the same painting."""
        if "print" in wanted and not self.bleed:
            raise ValueError("the print PDF needs a layout with bleed")
        replaced: list[int] = []
        with few_full_collections():
            results, shared = self._write(wanted, replaced)
        return {variant: PdfResult(results[variant], self.pages,
                                   tuple(replaced) if shared and variant == "screen" else None)
                for variant in wanted}

    def _write(self, wanted: tuple[str, ...], replaced: list[int]) -> tuple[dict[str, bytes], bool]:
        """The variants' bytes, and whether the screen PDF's are the print PDF's painting."""
        results, shared = {}, False
        if "print" in wanted:
            # Reproducible: an XMP DocumentID from the identifier (PDF/X otherwise has a random UUID).
            document_id = f"xmp.did:{uuid.uuid5(uuid.NAMESPACE_URL, f'{self.pub.identifier}#print')}".encode()
            intent = (self.pub.page.output_profile or _SRGB).read_bytes()
            painted = variants.paint(self.document, document_id, {"--output-intent": intent})
            preflight.painted(painted)  # fonts embedded? (reported by the job, pdf/__init__.py)
            results["print"] = variants.write_print(painted, self.document.pages, cmyk=intent[16:20] == b"CMYK")
            if "screen" in wanted and variants.shares_painting(self.document):
                results["screen"] = variants.write_screen(painted, self.document, replaced)
                shared = True
            del painted
        if "screen" in wanted and "screen" not in results:
            results["screen"] = variants.paint_screen(self.document, self.bleed)
        return results, shared


@dataclass(frozen=True)
class Sources:
    """What a layout reads, in plain values: the book's HTML (after the engine's rewrites), the
    stylesheets' text, and the files the fetcher may serve (href → path). runs.py lays parts of
    the same HTML out with the same sources, in this process or another."""

    html: str
    css: tuple[str, ...]
    files: tuple[tuple[str, str], ...]
    bleed: bool


def sources(book: Book, theme: Theme, report: Report, bleed: bool = True, cache: Path | None = None) -> Sources:
    """The HTML and CSS of the publication's print layout (`cache`: the drawn formulas and the
    images' print copies; `report`: what making those copies finds, W240 and W252)."""
    pub, rendered, images, faces = book.publication, book.rendered, book.images, book.faces
    files = {info.asset.href: info.asset.source for info in images.values()}
    files.update({f"fonts/{face.file_name}": face.path for face in faces})  # fallbacks too
    files["profiles/output-intent.icc"] = pub.page.output_profile or _SRGB
    cover_href = None
    if pub.cover is not None:
        cover_href = pub.cover.href
        files[cover_href] = pub.cover.source
    # Each image's copy for the print and the screen PDF (rasters.py); SVGs in the bundled fonts.
    files.update(rasters.declare(book, ConfinedFetcher({}).base_url, cache or pub.root / "build" / ".cache", report))
    sections = sections_of(pub)
    keywords = "、".join(s.title for s in pub.sections if s.title)
    html_text = theme.render("print/book.html", pub=pub, articles=rendered, sections=sections,
                             cover_href=cover_href, keywords=keywords)
    html_text = math.to_svg(grid.spanning(html_text, images, pub.page.grid.columns), faces, cache)
    html_text = ruby.prepare(html_text)  # per-character ruby, emphasis dots (issue 15)
    html_text = anchors.linked_anchors(autospace.to_attributes(html_text))
    theme_css = font_stacks(theme.css("print.css"), faces)  # the fallbacks the project adds
    if bleed:  # with a printer's CMYK profile, the theme's colours in it, text in pure black (K100)
        theme_css = css_in_cmyk(theme_css, pub.page.output_profile)
    css = (font_css(faces), grid.grid_css(pub), theme_css, page_css(pub, bleed))
    return Sources(html_text, css, tuple((href, str(path)) for href, path in files.items()), bleed)


def install_extensions() -> None:
    fontfiles.install()  # the faces linked into WeasyPrint's font folder, not copied per process
    justify.install()  # and autospace's attributes, which its spans become (to_attributes below)
    pngs.install()  # PNGs into the PDF as they are, not decoded and re-encoded
    pagerefs.install()  # a tagged PDF written in linear time
    pagestyles.install()  # and page styles computed in it
    shortlines.install()  # a line broken from a line and a half of text, not four
    struts.install()  # a style's line height and baseline found once
    linememo.install()  # a line laid out once a page's columns, not once a balancing pass
    grid.install()  # body lines on the frame grid (after linememo: it moves lines before)
    columns.install()  # columns laid out once, not measured and laid out again
    spanners.install()  # blocks across the columns kept at a page break
    leaders.install()  # a 目录's dotted leader drawn once a line, not once a dot
    svgpaths.install()  # an SVG path (formulas, the code lines' marks) parsed once a process
    wrapmarks.install()  # a code line's continuation marks painted only where it wraps


class Renderer:
    """Lays out HTML with `sources`' stylesheets. One per process: its font configuration and
    parsed stylesheets serve every layout it makes (the fonts are loaded once)."""

    def __init__(self, src: Sources) -> None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        install_extensions()
        self.sources = src
        self.fetcher = ConfinedFetcher({href: Path(path) for href, path in src.files})
        # Like fonts, @color-profile rules are honoured only through one shared registry.
        self.font_config = FontConfiguration()
        self.color_profiles: dict[str, Any] = {}
        self.shared = {"font_config": self.font_config, "color_profiles": self.color_profiles,
                       "url_fetcher": self.fetcher, "base_url": self.fetcher.base_url}
        self.stylesheets = [CSS(string=text, **self.shared) for text in src.css]

    def render(self, html_text: str, pub: Publication, extra_css: str = "") -> Any:
        from weasyprint import CSS, HTML

        stylesheets = self.stylesheets + ([CSS(string=extra_css, **self.shared)] if extra_css else [])
        html = HTML(string=html_text, base_url=self.fetcher.base_url, url_fetcher=self.fetcher)
        intent = {"output_intent": "--output-intent"} if self.sources.bleed else {}
        with few_full_collections(), grid.laid_out_on(pub):
            return html.render(stylesheets=stylesheets, font_config=self.font_config,
                               color_profiles=self.color_profiles, presentational_hints=True, **intent)

    def refused(self, pub: Publication, report: Report) -> None:
        for url in self.fetcher.refused:
            report.add(codes.REMOTE_RESOURCE, f"not fetched during the PDF build: {url}", pub.root / "styles", 1, 1)
        self.fetcher.refused.clear()


def dated(document: Any, modified: dt.datetime) -> None:
    """Reproducible: dates from SOURCE_DATE_EPOCH or the publication date (PDF/X otherwise takes
    the clock); the document ID is made in Layout.write_all."""
    document.metadata.created = document.metadata.modified = modified.strftime("%Y-%m-%dT%H:%M:%SZ")


def lay_out(book: Book, theme: Theme, report: Report, modified: dt.datetime, bleed: bool = True,
            cache: Path | None = None) -> Layout:
    """Lay the publication out (with the print page's bleed unless only a screen PDF is wanted);
    `modified` is the date the PDFs carry (never the clock, for reproducible files); `cache`
    keeps what is slow to make again (the drawn formulas)."""
    pub = book.publication
    src = sources(book, theme, report, bleed, cache)
    renderer = Renderer(src)
    document = renderer.render(src.html, pub)
    marks = tuple(page_marks(document, {r.name for r in book.rendered}))
    if bleed:
        preflight.after_layout(document, pub, report)
    dated(document, modified)
    renderer.refused(pub, report)
    return Layout(pub, document, bleed, marks)


class _Collecting:
    """few_full_collections' blocks open (a worker's runs interleave) and the thresholds before."""

    open = 0
    thresholds: tuple[int, int, int] = (0, 0, 0)


@contextlib.contextmanager
def few_full_collections():
    """No full garbage collection within: a layout keeps every page it has made alive, and each
    full pass of the collector walks them all again (at 10× the sample, 21 passes took 13 s of
    a 125 s layout and painting; without them it took 7 s less CPU and 130 MB more memory).
    The young generations still free short-lived cycles; the thresholds, process-wide, are
    restored when the last block open leaves (a worker's runs overlap: runwork.py)."""
    if _Collecting.open == 0:
        _Collecting.thresholds = gc.get_threshold()
        gc.set_threshold(_Collecting.thresholds[0], _Collecting.thresholds[1], 1_000_000)
    _Collecting.open += 1
    try:
        yield
    finally:
        _Collecting.open -= 1
        if _Collecting.open == 0:
            gc.set_threshold(*_Collecting.thresholds)
