"""The frame grid in the PDF: its CSS (page margins, body size and pitch, columns) and the
engine extension that keeps every line of body text on it.

WeasyPrint has no baseline grid. A line box whose line height is the grid's pitch (body text,
and whatever else the theme sets at the pitch) is moved down to the next line of the grid
before it is laid out, so that after a heading, a figure, a list or a box of another leading
the text returns to the grid, and lines in neighbouring columns share baselines. A line made
taller than the pitch by an inline formula takes two lines of the grid, as in a frame grid.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import re
from collections.abc import Iterator, Mapping

from ...model import PT_PER_MM, ImageInfo, Publication
from .engine import check_version

PX_PER_PT = 96 / 72
_current: contextvars.ContextVar[tuple[float, float] | None] = contextvars.ContextVar("grid", default=None)
_installed = False


def grid_css(pub: Publication) -> str:
    """The grid as CSS: custom properties the theme uses (--size, --pitch, --gap, --columns), the
    page margins around the 版心, the body size and leading, and the columns of article bodies."""
    grid, page = pub.page.grid, pub.page
    top, inner, bottom, outer = page.margins_mm()
    rules = [
        f":root {{ --size: {grid.size_pt:g}pt; --pitch: {grid.pitch_pt:g}pt; --gap: {grid.gap * grid.size_pt:g}pt; "
        f"--columns: {grid.columns}; --measure: {grid.width_pt:g}pt; }}",
        f"@page {{ margin: {top:.3f}mm {outer:.3f}mm {bottom:.3f}mm {inner:.3f}mm; }}",
        f"@page :left {{ margin-left: {outer:.3f}mm; margin-right: {inner:.3f}mm; }}",
        f"@page :right {{ margin-left: {inner:.3f}mm; margin-right: {outer:.3f}mm; }}",
        f"html {{ font-size: {grid.size_pt:g}pt; line-height: {grid.pitch_pt:g}pt; }}",
    ]
    if grid.columns > 1:
        rules.append(f".article:not(.one-column) .body {{ columns: {grid.columns}; "
                     f"column-gap: {grid.gap * grid.size_pt:g}pt; }}")
    return "\n".join(rules)


_FIGURE = re.compile(r'<figure id="([^"]*)" class="([^"]*)"><img src="([^"]*)"')
_HEADING_BEFORE_SPAN = re.compile(r'<h[2-4] id="[^"]*">(?:(?!</h[2-4]>).)*</h[2-4]>\s*<figure id="[^"]*" '
                                  r'class="[^"]*\bspan\b.*?</figure>', re.S)
WIDE = 1.6  # a picture this much wider than tall goes across the columns (16:9 does, 4:3 does not)


def spanning(html: str, images: Mapping[str, ImageInfo], columns: int) -> str:
    """Figures of wide pictures across the columns (class "span"), unless the author placed them
    (`{ .span }` or `{ .column }` in the attribute list)."""
    if columns < 2:
        return html

    def place(match: re.Match) -> str:
        classes = match.group(2).split()
        info = images.get(match.group(3))
        if {"span", "column"} & set(classes) or info is None or not info.width or not info.height:
            return match.group(0)
        if info.width / info.height >= WIDE:
            classes.append("span")
        return f'<figure id="{match.group(1)}" class="{" ".join(classes)}"><img src="{match.group(3)}"'

    # A heading just before a figure across the columns goes across with it, in one block (a
    # photo essay's "## 雪中坚守" and its picture): WeasyPrint keeps no spanning element with the
    # next one, so a heading on its own would be left at a page's foot.
    return _HEADING_BEFORE_SPAN.sub(lambda m: f'<div class="span keep">{m.group(0)}</div>', _FIGURE.sub(place, html))


@contextlib.contextmanager
def laid_out_on(pub: Publication) -> Iterator[None]:
    """Within the block, WeasyPrint's layout snaps body lines to `pub`'s grid."""
    top, _, _, _ = pub.page.margins_mm()
    token = _current.set((top * PT_PER_MM * PX_PER_PT, pub.page.grid.pitch_pt * PX_PER_PT))
    try:
        yield
    finally:
        _current.reset(token)


def snapped(position_y: float, origin: float, pitch: float) -> float:
    """`position_y` moved down to the grid's next line (a hair above one counts as on it)."""
    steps = math.ceil((position_y - origin) / pitch - 1e-3)
    return origin + max(steps, 0) * pitch


def install() -> None:
    """Patch WeasyPrint once per process; idempotent."""
    global _installed
    if _installed:
        return
    from weasyprint.layout import inline
    from weasyprint.text.line_break import strut

    check_version("frame grid")
    stock = inline.get_next_linebox

    def get_next_linebox(context, linebox, position_y, *args, **kwargs):
        grid = _current.get()
        if grid is not None:
            origin, pitch = grid
            if position_y >= origin - 1e-3 and abs(strut(linebox.style)[0] - pitch) < 0.01:
                position_y = snapped(position_y, origin, pitch)
        return stock(context, linebox, position_y, *args, **kwargs)

    inline.get_next_linebox = get_next_linebox
    _installed = True
