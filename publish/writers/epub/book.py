"""EPUB 3 assembly (ebooklib): one XHTML per article, nav + NCX, subset fonts, reproducible zip.

    metadata → cover → title page → images → articles (page breaks inserted) → navigation
    → stylesheet (its @font-face rules name the subsets made from the documents above)
    → ebooklib's package → container.reproducible_zip

ebooklib assembles the package (OPF, NCX, container); every XHTML document comes from the
theme's templates (writers/xhtml.py), so ebooklib never rewrites our markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...diagnostics import Report
from ...model import Book, PageMark
from ..images.epub import EpubImage, epub_images, renamed
from ..target import WriterOptions
from ..theme import Theme, accent_colour
from ..xhtml import article_file, article_page, font_stacks, link_targets, nav_sections, sections_of
from .accessibility import accessibility_metadata
from .container import APPLE_OPTIONS, write_package
from .cover import draw_cover
from .fonts import embedded_fonts, font_face_css
from .pagelist import insert_pagebreaks, marker
from .vertical import metadata as vertical_metadata
from .vertical import tate_chu_yoko


@dataclass
class _Package:
    """The book being assembled, and the XHTML documents in it (for the font subsets)."""

    epub: Any  # the ebooklib module
    book: Any  # its EpubBook
    theme: Theme
    source: Book
    documents: list[bytes] = field(default_factory=list)
    vertical: bool = False  # the vertical edition (vertical.py)
    copies: dict[str, EpubImage] = field(default_factory=dict)  # the images' EPUB copies, by the articles' href

    def page(self, uid: str, file_name: str, template: str, xhtml: str | None = None, **context: Any) -> Any:
        pub = self.source.publication
        if xhtml is None:
            xhtml = self.theme.render(template, pub=pub, lang=pub.language, **context)
        if self.vertical:
            xhtml = tate_chu_yoko(xhtml)
        item = self.epub.EpubItem(uid=uid, file_name=file_name, media_type="application/xhtml+xml",
                                  content=xhtml.encode("utf-8"))
        if "<math" in xhtml:  # EPUB 3: a document with MathML says so in the manifest
            item.properties = ["mathml"]
        self.book.add_item(item)
        self.documents.append(item.content)
        return item


def build_epub(source: Book, theme: Theme, options: WriterOptions, pages: tuple[PageMark, ...] = (),
               on_font: Callable[[int, int], None] = lambda number, total: None, vertical: bool = False,
               report: Report | None = None) -> bytes:
    """The EPUB's bytes; `pages`: the print layout's page marks, for the page-list; `vertical`:
    the vertical edition (also when the publication's `writing_mode` is vertical); `report` gets
    the images that stay over their size (W242)."""
    from ebooklib import epub

    vertical = vertical or source.publication.writing_mode == "vertical"
    package = _Package(epub, epub.EpubBook(), theme, source, vertical=vertical)
    _metadata(package, bool(pages))
    if vertical:
        vertical_metadata(package.book)
    # Each image as the EPUB carries it: upright, sRGB, within the stores' limits (writers/images/).
    package.copies, cover = epub_images(source, options.cache, report)
    cover_page = package.page("cover", "cover.xhtml", "epub/cover.xhtml", cover_href=_cover(package, options, cover))
    title_page = package.page("titlepage", "title.xhtml", "epub/title.xhtml")
    for copy in package.copies.values():
        package.book.add_item(epub.EpubItem(uid="img-" + re.sub(r"[^A-Za-z0-9]", "-", copy.href[7:]),
                                            file_name=copy.href, media_type=copy.media_type, content=copy.data))
    chapters = _articles(package, pages)
    nav = _navigation(package, pages)
    package.book.spine = [cover_page, title_page, nav, *chapters]
    _stylesheet(package, options, on_font)
    return write_package(package.book, source.publication.language, options.modified)


def _metadata(package: _Package, has_page_list: bool) -> None:
    pub, book = package.source.publication, package.book
    book.set_identifier(pub.identifier)
    book.set_title(pub.title)
    book.set_language(pub.language)
    # Each creator and contributor has its own id (ebooklib gives every author the id "creator":
    # two authors were EPUBCheck's RSC-005) and its MARC relator role, refining that id.
    people = [("creator", "aut", name) for name in pub.authors] + \
        [("contributor", "edt", name) for name in pub.editors] + \
        [("contributor", "trl", name) for name in pub.translators]
    for number, (element, role, name) in enumerate(people, 1):
        uid = f"{element}-{number}"
        book.add_metadata("DC", element, name, {"id": uid})
        book.add_metadata(None, "meta", role, {"refines": f"#{uid}", "property": "role", "scheme": "marc:relators"})
    if pub.publisher:
        book.add_metadata("DC", "publisher", pub.publisher)
    if pub.rights:
        book.add_metadata("DC", "rights", pub.rights)
    if pub.date:
        book.add_metadata("DC", "date", pub.date.isoformat())
    description = " ".join(x for x in (pub.edition, pub.number) if x)
    if description:
        book.add_metadata("DC", "description", description)
    if has_page_list:
        book.add_metadata("DC", "source", f"{pub.title} {pub.edition or ''} 印刷版 ({pub.identifier})".strip())
        book.add_metadata(None, "meta", f"{pub.identifier}", {"property": "pageBreakSource"})
    for prop, value in accessibility_metadata(pub, package.source.rendered, has_page_list):
        book.add_metadata(None, "meta", value, {"property": prop})


def _cover(package: _Package, options: WriterOptions, cover: EpubImage | None) -> str:
    """The cover image: the publication's (as the stores want it), or one drawn from the masthead. Returns its href."""
    pub = package.source.publication
    if cover is not None:
        data, href, media_type = cover.data, cover.href, cover.media_type
    else:
        sans = {face.weight: face for face in package.source.faces if face.family == "Publish Sans"}
        accent = accent_colour(package.theme.css("epub.css"))
        data = draw_cover(pub, sans[700], sans[400], options.cache / "cover", accent)
        href, media_type = "images/cover.png", "image/png"
    image = package.epub.EpubItem(uid="cover-image", file_name=href, media_type=media_type, content=data)
    image.properties = ["cover-image"]
    package.book.add_item(image)
    package.book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})
    return href


def _articles(package: _Package, pages: tuple[PageMark, ...]) -> list[Any]:
    pub, rendered = package.source.publication, package.source.rendered
    owners = link_targets(rendered)
    sections = sections_of(pub)
    marks_by_article: dict[str, list[PageMark]] = {}
    for mark in pages:
        marks_by_article.setdefault(mark.article, []).append(mark)
    chapters = []
    for item in rendered:
        marks = marks_by_article.get(item.name, [])
        # A page that begins with the article's opener gets its marker before the header.
        opening = "".join(marker(m) for m in marks if m.element == item.name)
        body = insert_pagebreaks(renamed(item.html, package.copies), [m for m in marks if m.element != item.name])
        xhtml = article_page(package.theme, pub, item, sections[item.name], owners, body, opening)
        chapters.append(package.page(f"a-{item.name}", article_file(item.name), "", xhtml=xhtml))
    return chapters


def _navigation(package: _Package, pages: tuple[PageMark, ...]) -> Any:
    """nav.xhtml (EPUB 3) and toc.ncx (EPUB 2 readers), both grouped by section."""
    epub, book = package.epub, package.book
    sections = nav_sections(package.source.publication)
    ncx: list[Any] = []
    for section in sections:
        links = [epub.Link(e["href"], e["title"], f"ncx-{Path(e['href']).stem}") for e in section["entries"]]
        if section["title"]:
            ncx.append((epub.Section(section["label"], section["href"]), links))
        else:
            ncx.extend(links)
    page_entries = [{"href": f"{article_file(m.article)}#{m.anchor}", "label": m.label} for m in pages]
    rendered = package.source.rendered
    nav = package.page("nav", "nav.xhtml", "epub/nav.xhtml", sections=sections, pages=page_entries,
                       bodymatter=article_file(rendered[0].name) if rendered else "title.xhtml")
    nav.properties = ["nav"]
    book.toc = ncx
    book.add_item(epub.EpubNcx())
    return nav


def _stylesheet(package: _Package, options: WriterOptions, on_font: Callable[[int, int], None]) -> None:
    """The theme's CSS, after the @font-face rules of the subsets made for the documents so far."""
    epub, book, faces = package.epub, package.book, package.source.faces
    css = font_stacks(package.theme.css("epub.css"), faces)
    if package.vertical:
        css += "\n" + package.theme.css("epub-vertical.css")
    if options.embed_fonts and faces:
        pub = package.source.publication
        languages = {pub.language} | {a.lang for a in pub.articles if a.lang}
        fonts = embedded_fonts(package.documents, faces, options.cache / "fonts", languages, on_font)
        for font in fonts:
            book.add_item(epub.EpubItem(uid=f"font-{Path(font.face.file_name).stem}", file_name=font.href,
                                        media_type="font/otf", content=font.data))
        css = font_face_css(fonts) + "\n" + css
        book.add_item(epub.EpubItem(file_name="META-INF/com.apple.ibooks.display-options.xml",
                                    content=APPLE_OPTIONS.encode(), manifest=False))
    book.add_item(epub.EpubItem(uid="style", file_name="style.css", media_type="text/css", content=css.encode()))
