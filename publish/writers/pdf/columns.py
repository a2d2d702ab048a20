"""Multi-column layout without laying every column out twice (an engine extension).

WeasyPrint 70's `columns_layout` finds the columns' height by laying them out (at the full
height, then, to balance, at growing heights), and then lays them out once more, at the
height it found, to keep. The last measuring pass was made with the same content, skip
stack, space and `page_is_empty` as the keeping one, at the first column's left: its boxes
are the kept ones, moved right. On the sample this was half of the PDF's layout time.

`install()` wraps the column boxes' `block_box_layout` while a `columns_layout` runs: each
measuring call's result is kept with what it was laid out from, and a keeping call made from
the same is given that result, translated. A call whose layout left a mark on the context
that the measuring pass takes back (a float's excluded shape, a footnote, a running element,
an absolutely positioned box, a box broken out of flow) is not reused, and is laid out as
before.
"""

from __future__ import annotations

import contextvars
from typing import Any

from .engine import check_version

# The measuring results of the innermost columns_layout running: key → (result, measured x).
_measured: contextvars.ContextVar[dict | None] = contextvars.ContextVar("columns", default=None)
_installed = False
reused = [0, 0]  # (reused, laid out) keeping calls: tests and the benchmark read it


def _marks(context) -> tuple[int, ...]:
    """What a layout can register in the context beyond its boxes (and a measuring pass undoes)."""
    area = context.current_footnote_area
    return (len(context.excluded_shapes), len(context.footnotes), len(context.reported_footnotes),
            len(area.children) if area is not None else 0, len(context.broken_out_of_flow),
            sum(len(pages) for names in context.running_elements.values() for pages in names.values()))


def _key(box, bottom_space, skip_stack, page_is_empty) -> tuple:
    return (bottom_space, repr(skip_stack), bool(page_is_empty), box.position_y, box.width,
            tuple(id(child) for child in box.children))


def install() -> None:
    """Patch WeasyPrint once per process; idempotent."""
    global _installed
    if _installed:
        return
    from weasyprint.layout import block

    check_version("columns")
    stock_columns, stock_block = block.columns_layout, block.block_box_layout

    def columns_layout(*args: Any, **kwargs: Any):
        token = _measured.set({})
        try:
            return stock_columns(*args, **kwargs)
        finally:
            _measured.reset(token)

    def block_box_layout(context, box, bottom_space, skip_stack, containing_block, page_is_empty,
                         absolute_boxes, fixed_boxes, adjoining_margins, *args: Any, **kwargs: Any):
        measured = _measured.get()
        if measured is None or not getattr(box, "is_column", False) or box.style["direction"] == "rtl":
            return stock_block(context, box, bottom_space, skip_stack, containing_block, page_is_empty,
                               absolute_boxes, fixed_boxes, adjoining_margins, *args, **kwargs)
        key = _key(box, bottom_space, skip_stack, page_is_empty)
        if adjoining_margins is None:  # the keeping pass (the measuring one passes a list)
            kept = measured.pop(key, None)
            if kept is not None and kept[2] == _marks(context):
                result, x = kept[0], kept[1]
                if result[0] is not None:
                    result[0].translate(box.position_x - x, 0)
                reused[0] += 1
                return result
            reused[1] += 1
            return stock_block(context, box, bottom_space, skip_stack, containing_block, page_is_empty,
                               absolute_boxes, fixed_boxes, adjoining_margins, *args, **kwargs)
        before = _marks(context)
        result = stock_block(context, box, bottom_space, skip_stack, containing_block, page_is_empty,
                             absolute_boxes, fixed_boxes, adjoining_margins, *args, **kwargs)
        if _marks(context) == before and not absolute_boxes and not fixed_boxes:
            measured[key] = (result, box.position_x, before)
        else:
            measured.pop(key, None)
        return result

    block.columns_layout = columns_layout
    block.block_box_layout = block_box_layout
    _installed = True
