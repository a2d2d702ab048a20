"""The printed edition's page breaks, carried into the EPUB as a page-list.

The PDF writer reports, for each printed page, the block element at its top and
how many characters of that element were on the previous page; here those
positions become `epub:type="pagebreak"` markers inside the article's XHTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class PageMark:
    label: str  # the printed page number, plain arabic
    article: str  # article name
    element: str  # id of the block element at the top of the page
    offset: int  # characters of that element's text before the page starts

    @property
    def anchor(self) -> str:
        return f"page-{self.label}"


_ENTITY = re.compile(r"&[#A-Za-z0-9]+;")


def marker(mark: PageMark) -> str:
    label = escape(mark.label)
    return (f'<span epub:type="pagebreak" role="doc-pagebreak" id="{mark.anchor}" '
            f'aria-label="{label}" title="{label}"></span>')


def insert_pagebreaks(html: str, marks: list[PageMark]) -> str:
    """Insert each mark's marker at its character offset inside its element (later marks first)."""
    positions = []
    for mark in marks:
        start = html.find(f'id="{mark.element}"')
        if start == -1:
            continue
        tag_end = html.find(">", start) + 1
        positions.append((_text_position(html, tag_end, mark.offset), mark))
    for position, mark in sorted(positions, key=lambda p: p[0], reverse=True):
        html = html[:position] + marker(mark) + html[position:]
    return html


def _text_position(html: str, start: int, offset: int) -> int:
    """Index in `html` after `offset` text characters from `start`, never inside a tag or entity."""
    i, seen = start, 0
    while i < len(html) and seen < offset:
        if html[i] == "<":
            i = html.find(">", i) + 1
            continue
        entity = _ENTITY.match(html, i)
        i = entity.end() if entity else i + 1
        seen += 1
    # Do not split "…</span>" pairs needlessly: a marker before a closing tag reads the same.
    return i
