"""A style's strut (its line height and baseline) found once per style, not once per box
(an engine extension).

Inline layout asks `strut(style)` for every line box, every inline box and every text box
it splits: ~2.4 times a line. WeasyPrint 70 caches the answer per font configuration, but
finding it in that cache costs more than the answer: two imports inside the function and a
key made by formatting fourteen of the style's values into a string, each call (3% of the
×10 manuscript's layout time). A computed style does not change once its values are
computed (WeasyPrint copies a style to change it), so the answer is kept on the style object
itself; the first call per style is WeasyPrint's own.
"""

from __future__ import annotations

from typing import Any

from .engine import check_version

_SLOT = "_publish_strut"
_installed = False


def install() -> None:
    """Patch WeasyPrint once per process; idempotent."""
    global _installed
    if _installed:
        return
    from weasyprint.layout import inline

    check_version("struts")
    stock = inline.strut

    def strut(style: Any) -> tuple[float, float]:
        kept = style.__dict__
        found = kept.get(_SLOT)
        if found is None:
            found = kept[_SLOT] = stock(style)
        return found

    inline.strut = strut  # the name inline.py calls it by
    _installed = True
