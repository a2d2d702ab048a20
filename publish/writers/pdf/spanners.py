"""Blocks across the columns (`column-span: all`) that meet a page break (an engine fix).

WeasyPrint 70's `columns_layout` loses or breaks content at such a break in two ways:

- Columns that balance to the full height left (their balancing gave up at the page's
  bottom) are taken for columns that overflow, and the layout stops. When they did hold all
  their content, the spanning block after them is dropped: the box is reported complete (a
  magazine's figure across the columns vanished when its article was the last on a page).
- A spanning block broken across pages resumes wrong: its resume point is added to its own
  index among the columns' children (so a block broken after its n-th child resumes at its
  n-th next sibling), and on the next page it is given its resume point one level too deep.
  A spanning block of several paragraphs lost text or stopped the layout (an assertion in
  make_page).

`install()` wraps `columns_layout`: a result reported complete with items not laid out
resumes at the first of them; a spanning block broken across pages resumes in it, from the
point its own layout gave (recorded by a wrapper of `block_level_layout`, which hands it back
to that block on the next page).
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field
from typing import Any

from .engine import check_version


@dataclass
class _Frame:
    """One columns_layout running: its box's spanning children, and what became of them."""

    spanners: dict[int, int]  # id(element) → index among the box's children
    resume: tuple[int, Any] | None  # (id(element), skip stack) a broken spanner resumes from
    broken: dict[int, tuple[Any, Any]] = field(default_factory=dict)  # id(element) → (box, resume_at)


_frame: contextvars.ContextVar[_Frame | None] = contextvars.ContextVar("spanners", default=None)
_installed = False


def _items(children: list, skip: int) -> list[tuple[int, bool]]:
    """What columns_layout lays out in turn, from child `skip`: (first index, is a spanner) for
    each run of column children and each spanning child."""
    items: list[tuple[int, bool]] = []
    for index, child in enumerate(children[skip:], start=skip):
        spans = child.style["column_span"] == "all"
        if spans or not items or items[-1][1]:
            items.append((index, spans))
    return items


def _laid(new_children: list) -> int:
    """How many items a result holds: each spanning block, and each run of columns."""
    count, in_columns = 0, False
    for child in new_children:
        column = getattr(child, "is_column", False)
        if not (column and in_columns):
            count += 1
        in_columns = column
    return count


def install() -> None:
    """Patch WeasyPrint once per process; idempotent."""
    global _installed
    if _installed:
        return
    from weasyprint.layout import block

    check_version("spanners")
    stock_columns, stock_level = block.columns_layout, block.block_level_layout

    def columns_layout(context, box, bottom_space, skip_stack, *args: Any, **kwargs: Any):
        children = box.children
        skip = next(iter(skip_stack)) if skip_stack else 0
        spanners = {id(child.element): index for index, child in enumerate(children)
                    if child.style["column_span"] == "all" and child.element is not None}
        resume = None
        if skip_stack and skip < len(children) and id(children[skip].element) in spanners:
            resume = (id(children[skip].element), skip_stack[skip])
        frame = _Frame(spanners, resume)
        token = _frame.set(frame)
        try:
            result = stock_columns(context, box, bottom_space, skip_stack, *args, **kwargs)
        finally:
            _frame.reset(token)
        new_box, resume_at = result[0], result[1]
        if new_box is None or not new_box.children:
            return result
        items = _items(children, skip)
        laid = _laid(new_box.children)
        last = new_box.children[-1]
        if resume_at is None and laid < len(items):
            resume_at = {items[laid][0]: None}
        elif resume_at is not None and not getattr(last, "is_column", False):
            broken = frame.broken.get(id(last.element))
            if broken is not None and broken[0] is last:
                resume_at = {frame.spanners[id(last.element)]: broken[1]}
        return (new_box, resume_at, *result[2:])

    def block_level_layout(context, box, bottom_space, skip_stack, *args: Any, **kwargs: Any):
        frame = _frame.get()
        # Called for every block: the cheap test first (a style lookup may compute the style).
        if frame is None or id(box.element) not in frame.spanners or box.style["column_span"] != "all":
            return stock_level(context, box, bottom_space, skip_stack, *args, **kwargs)
        if frame.resume is not None and frame.resume[0] == id(box.element) and skip_stack:
            # columns_layout hands a spanner {0: its resume point}: the point itself is meant
            skip_stack, frame.resume = frame.resume[1], None
        result = stock_level(context, box, bottom_space, skip_stack, *args, **kwargs)
        if result[0] is not None and result[1] is not None:
            frame.broken[id(box.element)] = (result[0], result[1])
        return result

    block.columns_layout = columns_layout
    block.block_level_layout = block_level_layout
    _installed = True
