"""The printed edition's page breaks, carried into the EPUB as a page-list.

The print layout reports, for each printed page, the block element at its top and how many
characters of that element were on the previous page (writers/pdf/pagemap.py); here those
positions become `epub:type="pagebreak"` markers inside the article's XHTML.

This module is also the codec of the `page-marks` provision (registry.py): how make keeps
the marks in the memo, and brings remembered ones up to date with an edited book.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from ...model import Book, PageMark

_ENTITY = re.compile(r"&[#A-Za-z0-9]+;")
_CELL = re.compile(r"\s*<t[dh](?:\s[^>]*)?>")  # a table row holds only cells: a marker goes in one


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
    cell = _CELL.match(html, i)
    return cell.end() if cell else i


# -- the codec of the page-marks provision --------------------------------------------------------

def encode(marks: tuple[PageMark, ...]) -> list[list[Any]]:
    return [[m.label, m.article, m.element, m.offset] for m in marks]


def decode(data: Any) -> tuple[PageMark, ...]:
    """TypeError or ValueError for data that are no page marks."""
    return tuple(PageMark(str(label), str(article), str(element), int(offset))
                 for label, article, element, offset in data)


def refresh(marks: tuple[PageMark, ...], book: Book) -> tuple[PageMark, ...]:
    """The marks whose element still exists: an edit since the layout may have removed some."""
    ids = {item.name: item.ids for item in book.rendered}
    return tuple(m for m in marks if m.element in ids.get(m.article, ()))
