"""A leader drawn as one text box, not one per dot.

WeasyPrint fills a `leader()` by copying its text box (". " for `dotted`) once per repetition,
each positioned on its own (layout/leader.py); every copy is then a Pango layout set up and
drawn on its own. The 目录's dotted leaders were 2,600 text boxes a page and most of the time
its run took to lay out and paint (0.9 s, laid out again after each edit that moves a page
number). `install()` keeps WeasyPrint's placement and then joins the copies, which are
contiguous and equal, into one box of the text repeated, shaped once: the same glyphs at the
same advances, so the dots are where they were (tests/writers/pdf/test_leaders.py).
"""

from __future__ import annotations

from typing import Any

from .engine import check_version

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    from weasyprint.layout import inline, leader

    check_version("leaders as one text box")
    stock = leader.handle_leader

    def handle_leader(context: Any, line: Any, containing_block: Any) -> None:
        stock(context, line, containing_block)
        _join(context, line)

    inline.handle_leader = handle_leader  # the name inline.py calls it by
    _installed = True


def _join(context: Any, line: Any) -> None:
    from weasyprint.layout import leader
    from weasyprint.text.line_break import split_first_line

    index, box = leader.leader_index(line)
    if index is None or len(box.children) < 2:
        return
    copies = box.children
    first = min(copies, key=lambda child: child.position_x)
    if any(child.text != first.text for child in copies):
        return
    text = first.text * len(copies)
    layout, length, _, width, _, _ = split_first_line(
        text, first.style, context, None, first.justification_spacing, is_line_start=False)
    if length <= 0 or layout.text != text:  # not one line of the text as it is: leave the copies
        return
    joined = first.copy_with_text(text)
    joined.pango_layout = layout
    joined.width = width
    box.children = (joined,)
