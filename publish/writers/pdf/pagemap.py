"""Where each printed page begins in the source: the block element and the character offset.

Verified on WeasyPrint 70: a page's box tree, walked depth-first, reaches the first
TextBox on the page; its nearest ancestor whose element has an id (or a data-id:
anchors.py) names the
paragraph, and the text laid out before it in that element is on earlier pages.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import PageMark
from ...render.contract import BLOCKS
from . import anchors
from .autospace import CARRIER


def _first_text(box, ancestors: tuple = ()):
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox) and box.text.strip():
        return box, ancestors
    for child in getattr(box, "children", ()):
        found = _first_text(child, ancestors + (box,))
        if found:
            return found
    return None


def page_marks(document, article_names: set[str], first: int = 1) -> Iterator[PageMark]:
    """One mark per page that starts inside an article's body; labels are the printed page numbers
    (`first`: the number of the document's first page, for a part laid out on its own: runs.py)."""
    consumed: dict[str, int] = {}  # element id → characters laid out on earlier pages
    last: str | None = None  # the last element with an id laid out so far
    for number, page in enumerate(document.pages, start=first):
        mark = _mark(page, number, article_names, consumed, last)
        if mark is not None:
            yield mark
        last = _count_page_text(page._page_box, consumed) or last


def _mark(page, number: int, article_names: set[str], consumed: dict[str, int],
          last: str | None) -> PageMark | None:
    found = _first_text(page._page_box)
    if found is None:
        return None
    _, ancestors = found
    element_id, article = None, None
    for box in reversed(ancestors):
        element = getattr(box, "element", None)
        if element is None:
            continue
        ident = anchors.element_id(element)
        if ident and element_id is None and element.tag in BLOCKS:
            element_id = ident
        if ident in article_names and element.tag == "article":
            article = ident
            break
    if article is None:
        return None
    if element_id is None or not element_id.startswith(article + "-"):
        # The page starts in something without an id (a table cell, a caption …): mark it
        # at the end of the last identified element before it, or at the article's start.
        if last is not None and last.startswith(article + "-"):
            return PageMark(str(number), article, last, consumed.get(last, 0))
        return PageMark(str(number), article, article, 0)
    return PageMark(str(number), article, element_id, consumed.get(element_id, 0))


def _count_page_text(page_box, consumed: dict[str, int]) -> str | None:
    """Add each element's text on this page to `consumed`; return the last element with an id."""
    from weasyprint.formatting_structure import boxes

    seen: list[str] = []

    def walk(box, owner: str | None) -> None:
        element = getattr(box, "element", None)
        ident = anchors.element_id(element) if element is not None else None
        if ident and element is not None and element.tag in BLOCKS and not isinstance(box, boxes.TextBox):
            owner = ident
            if not seen or seen[-1] != owner:
                seen.append(owner)
        if isinstance(box, boxes.TextBox) and owner:
            # The EPUB's text has no carriers of the quarter em (autospace.py).
            consumed[owner] = consumed.get(owner, 0) + len(box.text) - box.text.count(CARRIER)
            return
        for child in getattr(box, "children", ()):
            walk(child, owner)

    walk(page_box, None)
    return seen[-1] if seen else None
