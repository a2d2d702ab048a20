"""The Word reader: a .docx manuscript, as editors receive them from authors.

    read    python-docx: the document properties → title (else the first heading), authors,
            subtitle (the subject), lang; the body is kept as the file's digest, so that the
            memo knows when the file changed (the text itself is read when rendering)
    render  mammoth → HTML (convert.py) → the markup contract (markup.py); the pictures are
            written to build/.cache/docx/<digest>.<ext> and used from there like any image
    text    body, footnotes and endnotes, one paragraph a line, for the glyph check

Images are extracted to files rather than carried as bytes: an Asset is a file, and so the
checks, both writers and the memo treat a picture of a .docx like one of a Markdown article
(the file is named by its content, so extracting it again is a no-op, and a damaged or
cleaned cache is only a miss).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ...diagnostics import Report, codes
from ...model import Article, Asset, RenderedArticle, SourceText
from ...source import schema
from ...source.sandbox import OutsideProject, read_bytes
from ...store import write_bytes
from ..images import asset_href
from ..readers import RenderContext
from .meta import NotADocx, authors, caption_styles, document_text, heading_styles, properties

EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/svg+xml": ".svg"}
CACHE = Path("build") / ".cache" / "docx"


def first_heading(path: Path) -> str | None:
    """The text of the document's first heading (a Heading/outline-level or Title paragraph)."""
    import docx

    levels = heading_styles(path)
    for paragraph in docx.Document(str(path)).paragraphs:
        name = paragraph.style.name if paragraph.style is not None else ""
        if (name in levels or name == "Title" or re.fullmatch(r"Heading [1-9]", name)) and paragraph.text.strip():
            return paragraph.text.strip()
    return None


class DocxReader:
    """`.docx` files: Word's structure and document properties."""

    def read(self, root: Path, name: str, path: Path, section: str | None, report: Report) -> Article | None:
        try:
            data = read_bytes(root, path)
            found = properties(path)
            heading = None if found.get("title") else first_heading(path)
            title = found.get("title") or heading
        except OutsideProject as exc:
            report.add(codes.OUTSIDE_PROJECT, str(exc), path, 1, 1, "copy the file into the project")
            return None
        except NotADocx as exc:
            report.add(codes.UNREADABLE, str(exc), path, 1, 1, "open it in Word or WPS and save it as .docx")
            return None
        if not title:
            # A manuscript from an author is often titled only by its file name ("第三章 城市传播.docx"),
            # its title set as bold text rather than a heading; Word's own test files are so too.
            title = path.stem.strip()
            report.add(codes.TITLE_FROM_FILE_NAME, f"the document has no title in its properties and no heading: "
                       f"titled by its file name, '{title}'", path, 1, 1,
                       "give the document a title (File › Info › Title) or begin it with a Heading 1 paragraph")
        language = found.get("language")
        try:
            lang = schema.lang(language) if language else None
        except schema.Invalid:
            lang = None
        digest = hashlib.sha256(data).hexdigest()
        return Article(name=name, title=title, body=SourceText(f"docx sha256:{digest}", path, 1),
                       authors=authors(found.get("author")), subtitle=found.get("subject"), lang=lang,
                       section=section, title_from_heading=heading is not None)

    def render(self, article: Article, context: RenderContext) -> RenderedArticle:
        from lxml import etree

        from .convert import convert
        from .markup import Markup, serialise

        converted = convert(article.path, heading_styles(article.path), caption_styles(article.path))
        assets: dict[Path, Asset] = {}

        def image(key: str) -> tuple[Asset | None, str]:
            picture = converted.pictures.get(key)
            if picture is None:
                return None, ""
            if not picture.alt:
                context.report.add(codes.NO_ALT_TEXT, "image without alt text", article.path, 1, 1,
                                   "in Word: right-click the picture › Edit Alt Text")
            extension = EXTENSIONS.get(picture.content_type)
            if extension is None:
                context.report.add(codes.WORD_NOT_CARRIED, f"a picture of type {picture.content_type or 'unknown'} "
                                   "cannot be shown: its alt text is printed instead", article.path, 1, 1,
                                   "in Word, replace it with a PNG or JPEG copy (EMF and WMF are Windows formats)")
                return None, picture.alt
            source = context.root / CACHE / (hashlib.sha256(picture.data).hexdigest()[:32] + extension)
            if not source.is_file():
                write_bytes(source, picture.data)
            asset = assets.setdefault(source, Asset(source, asset_href(context.root, source), article.path, 1))
            return asset, picture.alt

        if converted.removed:
            context.report.add(codes.SANITIZED_HTML, f"the document's HTML was sanitized: removed "
                               f"{', '.join(converted.removed)}", article.path, 1, 1,
                               "links may go to http(s) and mailto addresses, or inside the publication")
        for lost in converted.lost:
            context.report.add(codes.WORD_NOT_CARRIED, f"{lost} left out", article.path, 1, 1,
                               "publish reads text, headings, lists, tables, footnotes and pictures of a .docx")
        headings = [s for s in converted.plain_styles if re.search(r"(?i)heading|title|标题", s)]
        if headings:
            context.report.add(codes.WORD_NOT_CARRIED, f"the paragraph style{'s' if len(headings) > 1 else ''} "
                               f"{', '.join(headings[:5])} look{'' if len(headings) > 1 else 's'} like headings but "
                               "ha{} no outline level: printed as body text".format("ve" if len(headings) > 1
                                                                                      else "s"), article.path, 1, 1,
                               "in Word, give the style an outline level (Paragraph › Outline level), or use the "
                               "Heading 1–6 styles")
        tree = etree.fromstring(f"<div>{converted.html}</div>")
        markup = Markup(article.name, article.title, context.first_figure, image)
        markup.transform(tree)
        marked = markup.marked
        marked.ids.add(article.name)
        return RenderedArticle(article, serialise(tree), tuple(marked.figures), tuple(assets.values()),
                               frozenset(marked.ids), tuple(marked.links), marked.has_notes)

    def text(self, article: Article) -> str:
        return document_text(article.path)
