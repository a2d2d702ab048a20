"""A background shown only where its box wraps: `--publish-background: wrapped`.

The theme marks a code line's continuations with a background of two SVG layers (print.css,
`pre.code .line`): a tile of the block's colour over the first line's place, and a mark
repeated down the hanging indent, so that only lines after the first show it. A line that
does not wrap shows neither, yet WeasyPrint paints both, each a group XObject and the mark a
tiling pattern: on the 655-page real book 11,600 SVG drawings and ~17,000 PDF objects a
variant (of 185,000 the joins copy), for the 5% of code lines that wrap.

A block whose style sets `--publish-background: wrapped` and that is laid out on at most one
line (on this page: a line continued on the next one has its own fragment there) gets no
background; one on two lines or more keeps it. What is shown is the same; fewer things drawn
(tests/writers/pdf/test_wrapmarks.py renders both to PNG and compares them).
"""

from __future__ import annotations

from typing import Any

from .engine import check_version

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import background

    check_version("backgrounds shown only where a block wraps")
    stock = background.layout_box_backgrounds

    def layout_box_backgrounds(page: Any, box: Any, get_image_from_uri: Any, layout_children: bool = True,
                               style: Any = None) -> None:
        stock(page, box, get_image_from_uri, layout_children, style)
        if style is None and box.background is not None and isinstance(box, boxes.BlockBox) \
                and _only_wrapped(box) and not _wraps(box, boxes):
            box.background = None

    background.layout_box_backgrounds = layout_box_backgrounds  # its recursion calls it by this name
    _installed = True


def _only_wrapped(box: Any) -> bool:
    # A custom property: WeasyPrint keeps its tokens under the name with "_" for "-" (inherited).
    return any(getattr(token, "value", None) == "wrapped" for token in box.style["__publish_background"] or ())


def _wraps(box: Any, boxes: Any) -> bool:
    """On more than one line, or holding blocks (whose lines are not counted here)."""
    children = box.children
    return sum(isinstance(child, boxes.LineBox) for child in children) > 1 or any(
        isinstance(child, boxes.BlockLevelBox) for child in children)
