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


def _repeated(box, heads: set[int]) -> bool:
    """A table's footer, or its header on a page after the first: not where the page begins."""
    return getattr(box, "is_footer", False) or (getattr(box, "is_header", False) and id(box.element) in heads)


def _first_text(box, heads: set[int], ancestors: tuple = ()):
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox) and box.text.strip():
        return box, ancestors
    for child in getattr(box, "children", ()):
        if _repeated(child, heads):
            continue
        found = _first_text(child, heads, ancestors + (box,))
        if found:
            return found
    return None


def page_marks(document, article_names: set[str], first: int = 1) -> Iterator[PageMark]:
    """One mark per page that starts inside an article's body; labels are the printed page numbers
    (`first`: the number of the document's first page, for a part laid out on its own: runs.py)."""
    consumed: dict[str, int] = {}  # element id → characters laid out on earlier pages
    texts: dict[str, str] = {}  # element id → its text, as the EPUB counts it
    heads: set[int] = set()  # the table headers counted (a header repeats on each page of its table)
    last: str | None = None  # the last element with an id laid out so far
    for number, page in enumerate(document.pages, start=first):
        mark = _mark(page, number, article_names, consumed, last, heads)
        if mark is not None:
            yield mark
        last = _count_page_text(page._page_box, consumed, texts, heads) or last


def _mark(page, number: int, article_names: set[str], consumed: dict[str, int],
          last: str | None, heads: set[int]) -> PageMark | None:
    found = _first_text(page._page_box, heads)
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


def _count_page_text(page_box, consumed: dict[str, int], texts: dict[str, str], heads: set[int]) -> str | None:
    """Add each element's text on this page to `consumed`; return the last element with an id.
    A table's header counts once, where it first is; its footer, repeated on each page above
    rows that come before it, never."""
    from weasyprint.formatting_structure import boxes

    seen: list[str] = []

    def walk(box, owner: str | None) -> None:
        element = getattr(box, "element", None)
        if _repeated(box, heads):
            return
        if getattr(box, "is_header", False):
            heads.add(id(element))
        ident = anchors.element_id(element) if element is not None else None
        if ident and element is not None and element.tag in BLOCKS and not isinstance(box, boxes.TextBox):
            owner = ident
            if owner not in texts:
                texts[owner] = "".join(element.itertext()).replace(CARRIER, "")
            if not seen or seen[-1] != owner:
                seen.append(owner)
        if isinstance(box, boxes.TextBox) and owner:
            consumed[owner] = advance(texts[owner], consumed.get(owner, 0), box.text.replace(CARRIER, ""))
            return
        for child in getattr(box, "children", ()):
            walk(child, owner)

    walk(page_box, None)
    return seen[-1] if seen else None


def advance(source: str, start: int, laid: str) -> int:
    """Where in `source` (an element's text) the text `laid` out from `start` ends. A line's
    text is not its source's: the space a line breaks at is dropped, white space collapses, a
    hyphen is added where a word breaks (the EPUB counts the source's characters)."""
    if source.startswith(laid, start):
        return start + len(laid)
    i = start
    for char in laid:
        if i < len(source) and source[i] == char:
            i += 1
            continue
        while i < len(source) and source[i].isspace() and source[i] != char:
            i += 1  # dropped or collapsed in the layout
        if i < len(source) and (source[i] == char or (not char.isspace() and char not in _ADDED)):
            i += 1  # the same character, or one the layout changed (text-transform)
    return min(i, len(source))


# What the layout adds at a line's end that the source has not: hyphens of hyphenation.
_ADDED = frozenset("-\u2010\u00ad")
