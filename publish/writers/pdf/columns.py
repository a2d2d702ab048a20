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

Balancing grows the columns' height 1 px a pass while a column can place nothing at all (a
block that must not break, a paragraph held by its orphans): on the sample, passes of 200
layouts for one figure's page. Whether a column can place something depends on its height
alone, and more height never places less, so a column that failed at one height fails at
every lower one: after two such failures in a row the extension looks ahead (heights doubling,
then halved back) for the lowest height that places something, and answers the passes below
it with the failure already seen, without laying the column out. The stock loop still makes
every pass, at the same heights, and ends at the same one.
"""

from __future__ import annotations

import contextvars
from math import inf
from typing import Any

from .engine import check_version

# The measuring results of the innermost columns_layout running: key → (result, measured x).
_measured: contextvars.ContextVar[dict | None] = contextvars.ContextVar("columns", default=None)
_failures: contextvars.ContextVar[_Failures | None] = contextvars.ContextVar("failures", default=None)
_installed = False
reused = [0, 0]  # (reused, laid out) keeping calls: tests and the benchmark read it
known_failures = [0]  # balancing passes answered from a failure seen at more height: tests read it


def _marks(context) -> tuple[int, ...]:
    """What a layout can register in the context beyond its boxes (and a measuring pass undoes)."""
    area = context.current_footnote_area
    return (len(context.excluded_shapes), len(context.footnotes), len(context.reported_footnotes),
            len(area.children) if area is not None else 0, len(context.broken_out_of_flow),
            sum(len(pages) for names in context.running_elements.values() for pages in names.values()))


def _along(box, skip_stack, page_is_empty) -> tuple:
    """What a column is laid out from, but its height."""
    return (repr(skip_stack), bool(page_is_empty), box.position_y, box.width,
            tuple(id(child) for child in box.children))


class _Failures:
    """A columns_layout's columns that placed nothing: by what they were laid out from (all but
    the height): the most height each failed at (as the least bottom space), the failure, and the
    context's marks then."""

    def __init__(self) -> None:
        self.seen: dict[tuple, tuple[float, tuple, tuple[int, ...]]] = {}

    def known(self, key: tuple, bottom_space: float, marks: tuple[int, ...]) -> tuple | None:
        entry = self.seen.get(key)
        if entry is None or bottom_space < entry[0] or entry[2] != marks:
            return None
        _, _, next_page, _, *rest = entry[1]  # the failure, its mutable parts fresh
        return (None, None, dict(next_page) if next_page else next_page, [], *rest)

    def laid_out(self, key: tuple, bottom_space: float, marks: tuple[int, ...], result: tuple, probe) -> None:
        """Note a column laid out at `bottom_space`; after its second failure in a row, look ahead
        with `probe` (a layout at another bottom space, its boxes thrown away)."""
        if result[0] is not None:
            self.seen.pop(key, None)
            return
        entry = self.seen.get(key)
        least = bottom_space
        if entry is not None and entry[2] == marks:
            try:
                least = self._ahead(bottom_space, probe)
            except _Unsure:
                self.seen.pop(key, None)
                return
        self.seen[key] = (least, result, marks)

    @staticmethod
    def _ahead(failed: float, probe) -> float:
        """The least bottom space (most height) a column is seen to fail at, from `failed`: the
        height doubled while it fails, then the gap to the first success halved (a success's
        boxes are thrown away, as the stock loop throws away each pass's)."""
        step, succeeded = 2.0, None
        while failed - step >= 0:
            if probe(failed - step):
                succeeded = failed - step
                break
            failed -= step
            step *= 2
        if succeeded is None:
            return failed
        while failed - succeeded > 1:
            middle = failed - (failed - succeeded) // 2
            if not probe(middle):
                failed = middle
            else:
                succeeded = middle
        return failed


class _Unsure(Exception):
    """A look-ahead layout left a mark on the context: the failures are not known after all."""


def install() -> None:
    """Patch WeasyPrint once per process; idempotent."""
    global _installed
    if _installed:
        return
    from weasyprint.layout import block
    from weasyprint.layout.block import remove_placeholders

    check_version("columns")
    stock_columns, stock_block = block.columns_layout, block.block_box_layout

    def columns_layout(*args: Any, **kwargs: Any):
        token, failed = _measured.set({}), _failures.set(_Failures())
        try:
            return stock_columns(*args, **kwargs)
        finally:
            _measured.reset(token)
            _failures.reset(failed)

    def block_box_layout(context, box, bottom_space, skip_stack, containing_block, page_is_empty,
                         absolute_boxes, fixed_boxes, adjoining_margins, *args: Any, **kwargs: Any):
        measured = _measured.get()
        if measured is None or not getattr(box, "is_column", False) or box.style["direction"] == "rtl":
            return stock_block(context, box, bottom_space, skip_stack, containing_block, page_is_empty,
                               absolute_boxes, fixed_boxes, adjoining_margins, *args, **kwargs)
        along = _along(box, skip_stack, page_is_empty)
        key = (bottom_space, *along)
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
        failures = _failures.get()
        if failures is not None and bottom_space != inf:
            known = failures.known(along, bottom_space, before)
            if known is not None:
                known_failures[0] += 1
                return known
        result = stock_block(context, box, bottom_space, skip_stack, containing_block, page_is_empty,
                             absolute_boxes, fixed_boxes, adjoining_margins, *args, **kwargs)
        if _marks(context) == before and not absolute_boxes and not fixed_boxes:
            measured[key] = (result, box.position_x, before)
            if failures is not None and bottom_space != inf:

                def probe(space: float) -> bool:
                    shapes = len(context.excluded_shapes)
                    found = stock_block(context, box, space, skip_stack, containing_block, page_is_empty,
                                        [], [], [], *args, **kwargs)[0]
                    if found is not None:
                        remove_placeholders(context, [found], [], [])
                    del context.excluded_shapes[shapes:]
                    if _marks(context) != before:
                        raise _Unsure
                    return found is not None

                failures.laid_out(along, bottom_space, before, result, probe)
        else:
            measured.pop(key, None)
        return result

    block.columns_layout = columns_layout
    block.block_box_layout = block_box_layout
    _installed = True
