"""A line of text laid out once a page's columns, not once a pass (an engine extension).

WeasyPrint 70 finds a page's columns by laying their content out again and again: at the full
height, then, to balance the last page of an article, at growing heights, and each column's
next box once more to measure it. Every pass lays out the same lines of the same paragraphs,
from the same break, at the same width: on the sample, 14,358 lines were laid out for 5,974
different ones. Where no float is in the way, a line's content does not depend on where it
is placed; only its position does.

`install()` wraps `get_next_linebox`: within one page's columns (one `columns_layout`), a line
laid out from a given line box, break (skip stack) and width is kept, and the next call for
the same gets a copy of it, moved to its place. Outside columns a line is laid out once (but
the one a page ends with, laid out again on the next page), and keeping a copy of each would
cost more than it saves. Not kept: a line laid out beside a float, one holding an
inline block (laid out with the page's remaining space), an absolutely positioned or floated
box, a footnote call or a running element (marks on the context a copy would not make
again), one with a ::first-letter or ::first-line style, or one set right to left. Each
columns_layout starts empty: content that changes between pages (page counters, a 目录's page
numbers when a page is made again) is never served from an earlier page.
"""

from __future__ import annotations

import contextvars
from typing import Any

from .engine import check_version

# The lines of the columns being laid out: key → (the line box laid out from, line, resume_at, x, y).
_lines: contextvars.ContextVar[dict | None] = contextvars.ContextVar("lines", default=None)
_installed = False
counts = [0, 0]  # (copied, laid out) lines: tests and the benchmark read it


def _copyable(line: Any) -> bool:
    """Whether a copy of `line` is all a layout of it would make: no inline block (laid out with
    the page's remaining space), no out-of-flow box, no footnote call."""
    from weasyprint.formatting_structure import boxes

    stack = [line]
    while stack:
        box = stack.pop()
        if isinstance(box, (boxes.InlineBlockBox, boxes.InlineFlexBox, boxes.InlineGridBox, boxes.InlineTableBox)):
            return False
        if box is not line and (box.is_floated() or box.is_absolutely_positioned() or box.is_running()
                                or box.is_footnote() or getattr(box, "footnote", None) is not None):
            return False
        stack.extend(getattr(box, "children", ()))
    return True


def _marks(context: Any) -> tuple[int, ...]:
    """What laying a line out can register in the context beyond its boxes."""
    return (len(context.excluded_shapes), len(context.footnotes), len(context.broken_out_of_flow),
            sum(len(pages) for names in context.running_elements.values() for pages in names.values()))


def _copied(skip: Any) -> Any:
    """A skip stack (nested dicts of indexes) of its own."""
    return None if skip is None else {index: _copied(inner) for index, inner in skip.items()}


def install() -> None:
    """Patch WeasyPrint once per process; idempotent. Before grid.install(): the grid moves a
    line's position before it is looked up here."""
    global _installed
    if _installed:
        return
    from weasyprint.layout import block, inline

    check_version("line memo")
    stock_line, stock_columns = inline.get_next_linebox, block.columns_layout

    def columns_layout(*args: Any, **kwargs: Any):
        token = _lines.set({})
        try:
            return stock_columns(*args, **kwargs)
        finally:
            _lines.reset(token)

    def get_next_linebox(context, linebox, position_y, bottom_space, skip_stack, containing_block,
                         absolute_boxes, fixed_boxes, first_letter_style, first_line_style):
        lines = _lines.get()
        if (lines is None or context.excluded_shapes or first_letter_style or first_line_style
                or containing_block.style["direction"] == "rtl"):  # as columns.py: not tried right to left
            return stock_line(context, linebox, position_y, bottom_space, skip_stack, containing_block,
                              absolute_boxes, fixed_boxes, first_letter_style, first_line_style)
        key = (id(linebox), repr(skip_stack), containing_block.width, linebox.text_indent)
        x = containing_block.content_box_x()
        kept = lines.get(key)
        if kept is not None and kept[0] is linebox:  # `is`: the box holds its id while kept
            _, line, resume_at, kept_x, kept_y = kept
            copy = line.deepcopy()
            copy.translate(x - kept_x, position_y - kept_y)
            copy.position_y = position_y  # exactly, as the stock layout sets it
            linebox.position_x, linebox.position_y = x + linebox.margin_left, position_y
            linebox.width, linebox.height = copy.width, copy.height
            counts[0] += 1
            return copy, _copied(resume_at)
        before = _marks(context), len(absolute_boxes), len(fixed_boxes)
        line, resume_at = stock_line(context, linebox, position_y, bottom_space, skip_stack, containing_block,
                                     absolute_boxes, fixed_boxes, first_letter_style, first_line_style)
        counts[1] += 1
        if (line is not None and (_marks(context), len(absolute_boxes), len(fixed_boxes)) == before
                and _copyable(line)):
            # A copy, before the caller (leaders, text-align of the block) changes the line.
            lines[key] = (linebox, line.deepcopy(), _copied(resume_at), x, position_y)
        return line, resume_at

    inline.get_next_linebox = get_next_linebox
    block.columns_layout = columns_layout
    _installed = True
