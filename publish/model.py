"""The document model: what a publication is, independent of any file format.

Frozen dataclasses, built once by the stages (source.load → render → checks) and then only
read by the writers. No I/O here.

    Publication (sections → Articles with SourceText)      source/
    RenderedArticle (XHTML fragment, Figures, Assets, ids)  render/
    Book (all of it, checked: ImageInfo, FontFace)          checks/
    PageMark (where the printed pages begin)                writers/pdf → writers/epub
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Suppression


@dataclass(frozen=True)
class SourceText:
    """A Markdown body and where it starts in its file, for line numbers in diagnostics."""

    text: str
    path: Path
    first_line: int  # 1-based line of the body's first line in `path`


@dataclass(frozen=True)
class Article:
    name: str  # file stem, ASCII; also the EPUB file name and the HTML id prefix
    title: str
    body: SourceText
    kicker: str | None = None
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    author_note: str | None = None
    source: str | None = None
    summary: str | None = None
    date: dt.date | None = None
    lang: str | None = None
    columns: int | None = None  # the PDF body's columns, if not the grid's
    section: str | None = None  # title of the section (栏目) it belongs to
    # The title is the text's first heading, whose lines the reader blanked in `body`: links to
    # that heading (`other.md#<its slug>`) mean the article itself.
    title_from_heading: bool = False

    @property
    def path(self) -> Path:
        return self.body.path


@dataclass(frozen=True)
class Section:
    title: str | None  # None: articles listed at the top level of `contents`
    title_en: str | None
    articles: tuple[Article, ...]
    run_on: bool = False  # its articles follow one another on the page, not each on a new one
    new_page: bool = True  # its first article starts a new page

    @property
    def label(self) -> str:
        if self.title and self.title_en:
            return f"{self.title} {self.title_en}"
        return self.title or ""


PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class Grid:
    """The 版心 as a frame grid, the way Chinese and Japanese layout specs give it: columns of
    `chars` characters a line and `lines` lines, `gap` characters apart, at a body size and a
    line pitch. Every line of body text sits on the grid; the margins follow from it."""

    columns: int = 1
    chars: int = 49
    lines: int = 39
    gap: float = 2.0  # characters between columns
    size_pt: float = 10.0  # the body size: one character
    pitch_pt: float = 17.5  # from one line's top to the next's

    @property
    def width_pt(self) -> float:
        return self.size_pt * (self.columns * self.chars + (self.columns - 1) * self.gap)

    @property
    def height_pt(self) -> float:
        return self.pitch_pt * self.lines


@dataclass(frozen=True)
class PageGeometry:
    width_mm: float = 210.0
    height_mm: float = 285.0
    bleed_mm: float = 3.0
    recto_openers: bool = False
    output_profile: Path | None = None  # the printer's ICC profile for the PDF/X output intent
    kind: str = "book"  # "magazine" or "book": the theme's defaults
    grid: Grid = field(default_factory=Grid)

    def margins_mm(self) -> tuple[float, float, float, float]:
        """(top, inner, bottom, outer): the grid centred a little high and a little in, as books are."""
        free_x = self.width_mm - self.grid.width_pt / PT_PER_MM
        free_y = self.height_mm - self.grid.height_pt / PT_PER_MM
        return free_y * 0.46, free_x * 0.45, free_y * 0.54, free_x * 0.55


@dataclass(frozen=True)
class ImageOptions:
    """How the images are made for each output (publication.yaml `images:`; the reasons are in
    docs/manuscript-format.md): the EPUB's within the stores' limits, the screen PDF's at a
    screen's resolution, the print PDF's as delivered, converted only to the printer's colours."""

    epub_pixels: int = 4_000_000  # Apple Books: about 4 MP an image
    epub_bytes: int = 1024 * 1024  # per photo; Kobo refuses images over 5 MB
    jpeg_quality: int = 85  # of the derivatives (the print PDF's originals are never re-encoded for size)
    cover_width: int = 1600  # Kindle and Apple: 1600 × 2560, 1:1.6
    cover_height: int = 2560
    screen_ppi: int = 150  # the screen PDF's images, at their printed size
    print_ppi: int = 300  # under this at printed size: W209
    total_ink: int = 300  # % of C+M+Y+K a printer accepts on coated paper (ISO Coated v2: 300-330)
    max_pixels: int = 250_000_000  # the decompression-bomb guard, in pixels, not bytes


@dataclass(frozen=True)
class Publication:
    root: Path  # the project directory
    title: str
    identifier: str
    slug: str
    language: str
    sections: tuple[Section, ...]
    subtitle: str | None = None
    edition: str | None = None
    number: str | None = None
    date: dt.date | None = None
    running_head: str | None = None
    authors: tuple[str, ...] = ()
    editors: tuple[str, ...] = ()
    translators: tuple[str, ...] = ()
    publisher: str | None = None
    rights: str | None = None
    cover: Asset | None = None  # the cover image, as publication.yaml names it
    page: PageGeometry = field(default_factory=PageGeometry)
    suppress: tuple[Suppression, ...] = ()  # warnings the project has accepted
    fonts: tuple[FallbackFont, ...] = ()  # fonts the project adds, in the order they are tried
    # Languages (cjk/locale.py): label overrides, the EPUB's writing mode, and the edition's
    # conversion (OpenCC) from the manuscript's script, with the project's phrase table.
    labels: tuple[tuple[str, str], ...] = ()
    writing_mode: str = "horizontal"  # or "vertical": the EPUB only
    convert: str | None = None  # "zh-Hant-TW", "zh-Hant-HK", "zh-Hans"
    phrases: tuple[tuple[str, str], ...] = ()
    images: ImageOptions = field(default_factory=ImageOptions)

    @property
    def manuscript(self) -> Path:
        return self.root / "manuscript"

    @property
    def articles(self) -> tuple[Article, ...]:
        return tuple(a for s in self.sections for a in s.articles)

    @property
    def head(self) -> str:
        """The verso running head: publication and edition."""
        if self.running_head:
            return self.running_head
        return " ".join(x for x in (self.title, self.edition) if x)


@dataclass(frozen=True)
class Asset:
    """A file the output embeds: `href` is its path inside the EPUB and the PDF's virtual root."""

    source: Path
    href: str  # e.g. "images/p03-meeting.png"
    used_in: Path = field(default=Path(), compare=False)  # first article that uses it, for diagnostics
    line: int = field(default=1, compare=False)


@dataclass(frozen=True)
class Figure:
    number: int  # 图N, counted across the whole publication
    id: str
    alt: str
    caption: str  # plain text
    credit: str | None
    asset: Asset | None  # None when the image could not be used (remote, missing)


@dataclass(frozen=True)
class Link:
    """An internal link, checked once every article is rendered."""

    target: str  # an element id
    line: int
    written: str = ""  # the link as the manuscript has it, for the message


@dataclass(frozen=True)
class RenderedArticle:
    """An article as an XHTML fragment (the body only), with what the writers need to know of it."""

    article: Article
    html: str
    figures: tuple[Figure, ...]
    assets: tuple[Asset, ...]
    ids: frozenset[str]
    links: tuple[Link, ...]
    has_notes: bool

    @property
    def name(self) -> str:
        return self.article.name


@dataclass(frozen=True)
class FontFace:
    """A font file of the project (fonts/) or of publish, under the family name the themes use."""

    path: Path
    family: str  # "Publish Serif", "Publish Sans"; a fallback's own: "Publish Serif Fallback 1"
    weight: int
    backs: str | None = None  # a fallback: the theme's family it backs up, for what that one lacks

    @property
    def file_name(self) -> str:
        """Its name inside the outputs: a fallback's names the family it serves, since one file
        may back several (and gets a subset of its own for each in the EPUB)."""
        if self.backs is None:
            return self.path.name
        return self.family.replace(" ", "-") + "-" + self.path.name


@dataclass(frozen=True)
class FallbackFont:
    """A font the project adds (publication.yaml `fonts: fallback:`) for characters the bundled
    fonts lack: rare characters, another script."""

    path: Path
    families: tuple[str, ...]  # the theme's families it backs: "Publish Serif", "Publish Sans" …
    weight: int = 400


@dataclass(frozen=True)
class ImageInfo:
    """An image the articles use, examined: a real image of a kind the outputs can carry."""

    asset: Asset
    media_type: str
    width: int | None  # pixels, as shown (EXIF orientation applied); None for SVG
    height: int | None
    mode: str = ""  # Pillow's: RGB, L, CMYK, RGBA, P, I;16 …
    orientation: int = 1  # EXIF: 1 upright, 6 and 8 a quarter turn, …
    profile: str = ""  # the embedded ICC profile's colour space ("RGB", "CMYK", "GRAY"), "" if none
    alpha: bool = False  # transparent pixels (alpha channel or tRNS)


@dataclass(frozen=True)
class PageMark:
    """Where a printed page begins: the print layout provides these, the EPUB's page-list uses them."""

    label: str  # the printed page number, plain arabic
    article: str  # article name
    element: str  # id of the block element at the top of the page
    offset: int  # characters of that element's text before the page starts

    @property
    def anchor(self) -> str:
        return f"page-{self.label}"


@dataclass(frozen=True)
class Book:
    """Everything the writers need, built and checked before any of them runs. Picklable, for -j N."""

    publication: Publication
    rendered: tuple[RenderedArticle, ...]
    images: Mapping[str, ImageInfo]  # by href
    faces: tuple[FontFace, ...]
    cover: ImageInfo | None = None  # the publication's cover image, examined
