"""A run laid out before its first page number is known (an engine extension for runbuild.py).

A run starts where the run before it ends, so laid out in book order the runs keep one core
busy. But a run's pages depend on its start only through the page counter (its folios, drawn
in margin boxes) and the side of each page (left or right: the page margins). WeasyPrint 70
lays every page's content out first and adds the margin boxes in a second pass
(`layout_document`); `install()` patches `make_all_pages`, so that within `deferring(settle)`
the content of a run is laid out from a guessed start, `settle(page count)` is asked for the
real one (a worker waits there while the runs before are laid out on the other core), and the
pages are then brought to it before the margin boxes are made: the page counter shifted, and
when the side changes, each page box made again for its new side with its content moved
across by the difference of the margins.

A run whose pages cannot be moved so is laid out again from its real start (`Moved`): one with
a blank page or a forced break to a left or right page (the side decides where its pages
break), or one whose left and right pages differ in more than the horizontal margins.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator

from .engine import check_version

Settle = Callable[[int, bool], int]  # (page count, sided) → the real start
_settle: contextvars.ContextVar[Settle | None] = contextvars.ContextVar("publish_settle", default=None)
_guess: contextvars.ContextVar[int] = contextvars.ContextVar("publish_guessed_start", default=1)


class Moved(Exception):
    """The run's pages cannot be brought to its real start: lay it out from there."""


@contextlib.contextmanager
def deferring(guess: int, settle: Settle) -> Iterator[None]:
    """Within the block, a run laid out from page `guess` is moved to the start `settle(pages,
    sided)` gives; `sided`: its page count holds only on the same side (`Moved` otherwise)."""
    tokens = _settle.set(settle), _guess.set(guess)
    try:
        yield
    finally:
        _settle.reset(tokens[0])
        _guess.reset(tokens[1])


def install() -> None:
    """Patch WeasyPrint once per process; idempotent."""
    from weasyprint import layout

    if getattr(layout.make_all_pages, "publish_deferred", False):
        return
    check_version("run start")
    stock = layout.make_all_pages

    def make_all_pages(context, root_box, html, pages):
        settle = _settle.get()
        if settle is None or getattr(context, "publish_settled", False):
            yield from stock(context, root_box, html, pages)
            return
        made = list(stock(context, root_box, html, pages))
        context.publish_settled = True  # a repagination loop keeps the pages where they were put
        others = {kind: _other_box(context, html, page) for kind, page in {p.page_type: p for p in made}.items()}
        sided = _sided(context, made) or not all(_same_area(page, others[page.page_type]) for page in made)
        shift = settle(len(made), sided) - _guess.get()
        if shift:
            made = _moved(context, made, shift, sided, others)
        yield from made

    make_all_pages.publish_deferred = True  # type: ignore[attr-defined]
    layout.make_all_pages = make_all_pages


def _moved(context, pages: list, shift: int, sided: bool, others: dict) -> list:
    """`pages` (laid out, without margin boxes) as they are `shift` pages later in the book."""
    flip = shift % 2 == 1
    makers = context.page_maker
    if flip and sided:
        raise Moved("a blank page, a break to a side, or left and right pages of other sizes")
    for index, (resume_at, next_page, right, state, remake) in enumerate(makers):
        counters = state[1]
        if "page" in counters:
            counters["page"] = [value + shift for value in counters["page"]]
        makers[index] = (resume_at, next_page, (not right) if flip else right, state, remake)
    return [_moved_across(page, others[page.page_type]) for page in pages] if flip else pages


def _sided(context, pages: list) -> bool:
    """Whether the side decides where the pages break: a blank page, a break to a side."""
    return any(page.page_type.blank for page in pages) or breaks_to_a_side(context)


def breaks_to_a_side(context) -> bool:
    """Whether a page of the layout so far breaks to a left or right page."""
    return any(entry[1]["break"] in ("left", "right", "recto", "verso") for entry in context.page_maker)


def _other_box(context, html, page):
    """An empty page box of `page`'s other side."""
    from weasyprint.layout.page import PageType

    old = page.page_type
    page_type = PageType("left" if old.side == "right" else "right", old.blank, old.name, old.index, old.groups)
    return page_box(context, html, page_type, page.style["overflow"])


def page_box(context, html, page_type, overflow, styled: bool = False):
    """An empty page box of `page_type`, as WeasyPrint's make_page makes one (`styled`: the
    page type's styles are computed already)."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import page as pages
    from weasyprint.layout.percent import resolve_percentages

    if not styled:
        pages.set_page_type_computed_styles(page_type, html, context.style_for)
    style = context.style_for(page_type)
    style["overflow"] = overflow
    box = boxes.PageBox(page_type, style)
    size = box.style["size"]
    resolve_percentages(box, size)
    box.position_x = box.position_y = 0
    pages.page_width(box, context, size[0])
    pages.page_height(box, context, size[1])
    return box


def area(page) -> tuple[float, ...]:
    """Where a page's content goes, but for its side margins: the page size, the content area
    and its height on the page."""
    return (page.width, page.height, page.content_box_y(), page.margin_width(), page.margin_height())


def _same_area(page, other) -> bool:
    """Whether the content laid out on `page` fits `other` as it is."""
    return area(other) == area(page)


def _moved_across(page, empty):
    """A copy of `empty` (the other side's page box) holding `page`'s content, moved across."""
    other = empty.copy()
    shift = other.content_box_x() - page.content_box_x()
    for child in page.children:
        child.translate(shift, 0)
    other.children = page.children
    other.fixed_boxes = page.fixed_boxes
    return other
