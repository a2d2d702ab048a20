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
    return theme.render("epub/article.xhtml", pub=pub, lang=item.article.lang or pub.language,
                        article=item.article,
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


_FAMILY = re.compile(r'"(Publish (?:Serif|Sans|Mono))"')
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}", re.I)


def font_stacks(css: str, faces: Iterable[FontFace]) -> str:
    """`css` with each family the project adds fallbacks for followed by them, wherever it is
    named ("Publish Serif" → "Publish Serif", "Publish Serif Fallback 1"): an engine falls back
    per character along a family list (WeasyPrint ignores unicode-range for that)."""
    after: dict[str, list[str]] = {}
    for face in faces:
        if face.backs is not None and face.family not in after.setdefault(face.backs, []):
            after[face.backs].append(face.family)
    if not after:
        return css

    def extend(match: re.Match) -> str:
        return ", ".join(f'"{name}"' for name in [match.group(1), *after.get(match.group(1), [])])

    kept = [m.group(0) for m in _FONT_FACE.finditer(css)]  # @font-face names one family: leave it
    parts = _FONT_FACE.split(css)
    return "".join(_FAMILY.sub(extend, part) + (kept[i] if i < len(kept) else "") for i, part in enumerate(parts))


def font_face_css(faces: Iterable[tuple[FontFace, str]]) -> str:
    """@font-face rules for (face, URL of its file) pairs: the families and weights the themes use."""
    return "\n".join(f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; '
                     f'font-style: normal; src: url("{href}"); }}' for face, href in faces)
