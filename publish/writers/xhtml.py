"""The reading view's pages, as the EPUB and the preview both serve them: one XHTML document
per article from the theme's epub/ templates, links between articles pointed at the file
that has their target, the contents grouped by section, and the fonts' @font-face rules."""

from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup

from ..model import FontFace, Publication, RenderedArticle, Section
from .theme import Theme

_HREF = re.compile(r'href="#([^"]+)"')


def article_file(name: str) -> str:
    return f"{name}.xhtml"


def link_targets(rendered: Iterable[RenderedArticle]) -> dict[str, str]:
    """Element id → the file it lives in."""
    return {anchor: article_file(item.name) for item in rendered for anchor in item.ids}


def point_links(html: str, here: str, owners: dict[str, str]) -> str:
    """Internal links (href="#id") that lead to another article's file get that file's name."""
    def repl(match: re.Match) -> str:
        where = owners.get(match.group(1), here)
        return match.group(0) if where == here else f'href="{where}#{match.group(1)}"'
    return _HREF.sub(repl, html)


def sections_of(pub: Publication) -> dict[str, Section]:
    """Article name → its section."""
    return {a.name: s for s in pub.sections for a in s.articles}


def article_page(theme: Theme, pub: Publication, item: RenderedArticle, section: Section, owners: dict[str, str],
                 body: str | None = None, page_start: str = "") -> str:
    """The article's XHTML document; `body` is its fragment as the writer changed it (page breaks)."""
    here = article_file(item.name)
    return theme.render("epub/article.xhtml", pub=pub, lang=pub.language, article=item.article,
                        section_label=section.label, page_start=Markup(page_start),
                        body=Markup(point_links(item.html if body is None else body, here, owners)))


def nav_sections(pub: Publication) -> list[dict]:
    """The contents for epub/nav.xhtml: each section with its articles' files and titles."""
    found = []
    for section in pub.sections:
        entries = [{"href": article_file(a.name), "title": a.title} for a in section.articles]
        if entries:
            found.append({"title": section.title, "label": section.label, "href": entries[0]["href"],
                          "entries": entries})
    return found


def font_face_css(faces: Iterable[tuple[FontFace, str]]) -> str:
    """@font-face rules for (face, URL of its file) pairs: the families and weights the themes use."""
    return "\n".join(f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; '
                     f'font-style: normal; src: url("{href}"); }}' for face, href in faces)
