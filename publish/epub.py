"""EPUB 3 writer (ebooklib): one XHTML per article, nav + NCX, subset fonts, reproducible zip.

Input is the whole rendered publication; output is the EPUB's bytes. ebooklib
assembles the package (OPF, NCX, container); every XHTML document comes from the
theme's templates, so ebooklib never rewrites our markup. The zip is then
rewritten with fixed entry order and timestamps so the same manuscript gives the
same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from markupsafe import Markup

from .accessibility import accessibility_metadata
from .assets import ImageInfo
from .cover import draw_cover
from .epubfonts import embedded_fonts, font_face_css
from .fonts import FontFace
from .model import Publication, RenderedArticle
from .pagelist import PageMark, insert_pagebreaks, marker
from .theme import Theme
from .typography import typeset

APPLE_OPTIONS = """<?xml version="1.0" encoding="utf-8"?>
<display_options>
<platform name="*">
<option name="specified-fonts">true</option>
</platform>
</display_options>
"""
_HREF = re.compile(r'href="#([^"]+)"')


@dataclass(frozen=True)
class EpubOptions:
    embed_fonts: bool = True
    modified: dt.datetime = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
    font_cache: Path | None = None


def _cjk(value) -> Markup:
    return Markup(typeset(str(value)))


def article_file(name: str) -> str:
    return f"{name}.xhtml"


def build_epub(pub: Publication, rendered: tuple[RenderedArticle, ...], images: dict[str, ImageInfo],
               faces: tuple[FontFace, ...], theme: Theme, options: EpubOptions,
               pages: tuple[PageMark, ...] = (),
               on_font: Callable[[int, int], None] = lambda number, total: None) -> bytes:
    from ebooklib import epub

    theme.env.filters["cjk"] = _cjk
    lang = pub.language
    book = epub.EpubBook()
    book.set_identifier(pub.identifier)
    book.set_title(pub.title)
    book.set_language(lang)
    for author in pub.authors:
        book.add_author(author)
    for editor in pub.editors:
        book.add_metadata("DC", "contributor", editor)
    if pub.publisher:
        book.add_metadata("DC", "publisher", pub.publisher)
    if pub.rights:
        book.add_metadata("DC", "rights", pub.rights)
    if pub.date:
        book.add_metadata("DC", "date", pub.date.isoformat())
    description = " ".join(x for x in (pub.edition, pub.number) if x)
    if description:
        book.add_metadata("DC", "description", description)
    if pages:
        book.add_metadata("DC", "source", f"{pub.title} {pub.edition or ''} 印刷版 ({pub.identifier})".strip())
        book.add_metadata(None, "meta", f"{pub.identifier}", {"property": "pageBreakSource"})
    for prop, value in accessibility_metadata(pub, rendered, bool(pages)):
        book.add_metadata(None, "meta", value, {"property": prop})

    # Which file each element id lives in, so links between articles can point to the right file.
    owner = {anchor: article_file(item.name) for item in rendered for anchor in item.ids}

    def link_fix(html: str, here: str) -> str:
        def repl(match: re.Match) -> str:
            target = match.group(1)
            where = owner.get(target, here)
            return f'href="#{target}"' if where == here else f'href="{where}#{target}"'
        return _HREF.sub(repl, html)

    documents: list[bytes] = []  # every XHTML document, for the font subsets at the end

    # Cover: the given image, or one drawn from the masthead.
    if pub.cover is not None:
        cover_bytes = pub.cover.read_bytes()
        cover_href = "images/cover" + pub.cover.suffix.lower()
        cover_type = "image/png" if pub.cover.suffix.lower() == ".png" else "image/jpeg"
    else:
        sans = {face.weight: face for face in faces if face.family == "Publish Sans"}
        cover_bytes = draw_cover(pub, sans[700], sans[400],
                                 options.font_cache.parent / "cover" if options.font_cache else None)
        cover_href, cover_type = "images/cover.png", "image/png"
    cover_image = epub.EpubItem(uid="cover-image", file_name=cover_href, media_type=cover_type, content=cover_bytes)
    cover_image.properties = ["cover-image"]
    book.add_item(cover_image)
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})

    def page(uid: str, file_name: str, template: str, **context) -> epub.EpubItem:
        xhtml = theme.render(template, pub=pub, lang=lang, **context)
        item = epub.EpubItem(uid=uid, file_name=file_name, media_type="application/xhtml+xml",
                             content=xhtml.encode("utf-8"))
        book.add_item(item)
        documents.append(item.content)
        return item

    cover_page = page("cover", "cover.xhtml", "epub/cover.xhtml", cover_href=cover_href)
    title_page = page("titlepage", "title.xhtml", "epub/title.xhtml")

    for info in images.values():
        book.add_item(epub.EpubItem(uid="img-" + re.sub(r"[^A-Za-z0-9]", "-", info.asset.href[7:]),
                                    file_name=info.asset.href, media_type=info.media_type,
                                    content=info.asset.source.read_bytes()))

    marks_by_article: dict[str, list[PageMark]] = {}
    for mark in pages:
        marks_by_article.setdefault(mark.article, []).append(mark)

    chapters = []
    for item in rendered:
        here = article_file(item.name)
        marks = marks_by_article.get(item.name, [])
        # A page that begins with the article's opener gets its marker before the header.
        opening = Markup("".join(marker(m) for m in marks if m.element == item.name))
        body = insert_pagebreaks(item.html, [m for m in marks if m.element != item.name])
        section = next(s for s in pub.sections if item.article in s.articles)
        chapters.append(page(f"a-{item.name}", here, "epub/article.xhtml", article=item.article,
                             section_label=section.label, page_start=opening, body=Markup(link_fix(body, here))))

    # Navigation: nav.xhtml (EPUB 3) and toc.ncx (EPUB 2 readers), both grouped by section.
    nav_sections, ncx = [], []
    for section in pub.sections:
        entries = [{"href": article_file(a.name), "title": a.title} for a in section.articles]
        if not entries:
            continue
        nav_sections.append({"title": section.title, "label": section.label, "href": entries[0]["href"],
                             "entries": entries})
        links = [epub.Link(e["href"], e["title"], f"ncx-{Path(e['href']).stem}") for e in entries]
        if section.title:
            ncx.append((epub.Section(section.label, entries[0]["href"]), links))
        else:
            ncx.extend(links)
    page_entries = [{"href": f"{article_file(m.article)}#{m.anchor}", "label": m.label} for m in pages]
    nav = page("nav", "nav.xhtml", "epub/nav.xhtml", sections=nav_sections, pages=page_entries,
               bodymatter=article_file(rendered[0].name) if rendered else "title.xhtml")
    nav.properties = ["nav"]
    book.toc = ncx
    book.add_item(epub.EpubNcx())
    book.spine = [cover_page, title_page, nav, *chapters]

    # The stylesheet last: its @font-face rules name the subsets made from the documents above.
    css = theme.css("epub.css")
    if options.embed_fonts and faces:
        fonts = embedded_fonts(documents, faces, options.font_cache or pub.root / "build" / ".cache" / "fonts",
                               on_font)
        for font in fonts:
            book.add_item(epub.EpubItem(uid=f"font-{font.face.path.stem}", file_name=font.href,
                                        media_type="font/otf", content=font.data))
        css = font_face_css(fonts) + "\n" + css
        book.add_item(epub.EpubItem(file_name="META-INF/com.apple.ibooks.display-options.xml",
                                    content=APPLE_OPTIONS.encode(), manifest=False))
    book.add_item(epub.EpubItem(uid="style", file_name="style.css", media_type="text/css", content=css.encode()))

    raw = io.BytesIO()
    # ebooklib's own zip is only read back by reproducible_zip: no use compressing it twice.
    _writer(epub)(raw, book, {"mtime": options.modified, "epub3_pages": False, "epub2_guide": False,
                              "compresslevel": 0},
                  lang=lang).write()
    return reproducible_zip(raw.getvalue(), options.modified)


def _writer(epub):
    """ebooklib's writer, plus xml:lang on <package> (readers and Ace need the book's language there)."""

    class Writer(epub.EpubWriter):
        def __init__(self, name, book, options, lang: str):
            super().__init__(name, book, options)
            self.lang = lang

        def _write_opf_file(self, root):
            root.set("{http://www.w3.org/XML/1998/namespace}lang", self.lang)
            super()._write_opf_file(root)

    return Writer


def reproducible_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite a zip with mimetype first and stored, fixed timestamps and permissions."""
    stamp = max(when.astimezone(dt.timezone.utc).timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    order = ["mimetype"] + [n for n in names if n != "mimetype"]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(name), compresslevel=9 if name != "mimetype" else None)
    return out.getvalue()
