"""A line broken from about a line and a half of its paragraph, not four (an engine extension).

WeasyPrint 70 finds a text box's first line by having Pango lay out a prefix of the rest of
its paragraph (`split_first_line`): `max_width / font_size * 4` characters, "a number that
almost always respects char_height / char_width > ratio". For Latin text that is about two
lines; for Chinese and Japanese, whose characters are an em wide, it is four, and Pango lays
all of them out (itemize, shape, break) for each line, and again for each balancing pass of
a page's columns. That layout was an eighth of the ×10 manuscript's layout time.

`install()` wraps `split_first_line` where inline layout calls it: the text is first cut to
about a line and a half by its estimated width (full-width characters an em, others half),
and WeasyPrint's function runs on that prefix. Its answer is the one for the whole text when
the prefix holds more than a line and a break opportunity after the first one: Pango breaks
greedily, so the first line's end depends only on the text up to the next opportunity, which
is what WeasyPrint itself relies on when it keeps its own prefix. Otherwise (the prefix fits
on one line, a long word or URL, soft hyphens, no wrapping) the whole text is split as before.
"""

from __future__ import annotations

from typing import Any

from .engine import check_version

LINES = 1.5  # the prefix's estimated width, in lines
MARGIN = 4  # characters beyond it
NARROW_EM = 0.5  # the estimated width of a character that is not full-width
_installed = False
counts = [0, 0]  # (split from a prefix, split whole after a prefix did not do): tests read it


def prefix_length(text: str, line_em: float) -> int:
    """How many characters of `text` to lay out for a line `line_em` ems wide: about LINES lines
    by the characters' estimated widths (in UTF-8 a CJK character takes three bytes, a Latin
    letter one); 0 where the whole text is that short."""
    wanted = line_em * LINES
    length = int(wanted) + MARGIN
    if length >= len(text):
        return 0
    for _ in range(3):  # a mixed text: longer, as its narrow characters make each line hold more
        prefix = text[:length]
        wide = (len(prefix.encode()) - length) / 2
        estimated = wide + NARROW_EM * (length - wide)
        if estimated >= wanted:
            return length
        length = int(length * wanted / max(estimated, 1.0)) + MARGIN
        if length >= len(text):
            return 0
    return length


def _breaks_after(attributes: Any, prefix: str, resume: int) -> bool:
    """Whether `prefix` has a line break opportunity after the second line's first character
    (`resume`: its UTF-8 offset) and two characters before its end, by its Pango `attributes`
    (the characters around each being the whole text's there, as WeasyPrint's own check reads them)."""
    start = len(prefix.encode()[:resume].decode()) + 1
    return any(attributes[index].is_line_break for index in range(start, len(prefix) - 2))


def install() -> None:
    """Patch WeasyPrint once per process; idempotent."""
    global _installed
    if _installed:
        return
    from weasyprint.layout import inline
    from weasyprint.text.line_break import get_log_attrs

    check_version("short lines")
    original = inline.split_first_line
    inf = float("inf")

    def split_first_line(text: str, style: Any, context: Any, max_width: float | None,
                         justification_spacing: float, is_line_start: bool = True,
                         minimum: bool = False) -> tuple:
        font_size = style["font_size"]
        if (max_width is not None and max_width != inf and font_size and max_width > 4 * font_size
                and style["white_space"] in ("normal", "pre-wrap", "pre-line") and "\xad" not in text):
            length = prefix_length(text, max_width / font_size)
            if length:
                prefix = text[:length]
                result = original(prefix, style, context, max_width, justification_spacing, is_line_start, minimum)
                resume = result[2]
                if resume is not None and _breaks_after(get_log_attrs(prefix, style["lang"]), prefix, resume):
                    counts[0] += 1
                    return result
                counts[1] += 1
        return original(text, style, context, max_width, justification_spacing, is_line_start, minimum)

    inline.split_first_line = split_first_line
    _installed = True
