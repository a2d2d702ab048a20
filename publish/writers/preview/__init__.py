"""The preview `publish serve` shows: the EPUB's reading view as plain files in a folder.

The same templates and CSS as the EPUB (writers/xhtml.py), one XHTML page per article and
the 目录 as the index; images and fonts are not copied but served from where they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...model import Book
from ..theme import load_theme
from ..xhtml import article_file, article_page, font_face_css, font_stacks, link_targets, nav_sections, sections_of


@dataclass(frozen=True)
class Preview:
    pages: dict[str, str]  # file name in the preview folder → its text
    files: dict[str, Path]  # URL path → a file served from where it is (images, fonts)


def preview(book: Book) -> Preview:
    pub = book.publication
    theme = load_theme(pub.root)
    owners = link_targets(book.rendered)
    sections = sections_of(pub)
    pages = {"style.css": font_face_css((f, f"fonts/{f.file_name}") for f in book.faces) + "\n"
             + font_stacks(theme.css("epub.css"), book.faces)}
    contents = nav_sections(pub)
    pages["index.xhtml"] = theme.render("epub/nav.xhtml", pub=pub, lang=pub.language, sections=contents, pages=[],
                                        bodymatter=contents[0]["href"] if contents else "index.xhtml")
    for item in book.rendered:
        pages[article_file(item.name)] = article_page(theme, pub, item, sections[item.name], owners)
    files = {f"/{info.asset.href}": info.asset.source for info in book.images.values()}
    files.update({f"/fonts/{face.file_name}": face.path for face in book.faces})
    return Preview(pages, files)
