"""中西文间距 and 标点挤压 in the PDF as Pango attributes, not inline boxes.

typography.typeset puts the quarter em between Han and a Latin run as a margin on a span
(`as-l`, `as-r`), and gives the marks of a punctuation run but the last the OpenType `halt`
feature on a span. In the EPUB that is what a reading system needs. In WeasyPrint, though,
every span is an inline box that splits its paragraph into more text boxes, each shaped and
line-broken on its own: the sample's 2,163 such spans cost about a third of its layout time.
So for the PDF:
- `to_attributes(html)` unwraps those spans, putting a zero-width space (U+200B), the carrier,
  on each spaced side of a Latin run. Pango draws it as no glyph, so the PDF's text stays the
  manuscript's, and a line may break after it just as it could beside the span.
- `install()` patches `Layout.set_text`, which makes the Pango layout of every text box, to give
  each carrier a letter spacing of a quarter em (Pango puts half before it and half after),
  and each mark followed by another mark (typeset's rule) the `halt` feature.
The widths and glyph positions are the spans' (tests/pdf/test_autospace.py); justify.py hangs
a carrier's trailing half past the end of a justified line (the quarter em is no space at a
line's edge), and puts no justification after the second mark of a pair, where a span's edge
kept it out.
"""

from __future__ import annotations

import re

from ...cjk.chars import FULLWIDTH_PUNCT
from ...cjk.typography import SPAN_CLASSES
from .engine import check_version

CARRIER = "\u200b"
QUARTER_EM = 0.25
# Exactly the markup typeset() writes; the text inside is escaped text, never markup.
_SPAN = re.compile('<span class="(' + "|".join(SPAN_CLASSES) + ')">([^<]*)</span>')
# As typeset(): in a run of full-width marks, each but the last is half-width.
HALT = re.compile(f"[{FULLWIDTH_PUNCT}](?=[{FULLWIDTH_PUNCT}])")
_installed = False


def to_attributes(html: str) -> str:
    """The HTML with typeset()'s spans unwrapped, a carrier on each spaced side of a Latin run."""

    def unwrap(match: re.Match) -> str:
        kind, text = match.group(1), match.group(2)
        if kind == "halt":
            return text
        return (CARRIER if "as-l" in kind else "") + text + (CARRIER if "as-r" in kind else "")

    return _SPAN.sub(unwrap, html)


def carrier_spacing(text: str, font_size: float) -> list[tuple[int, int, float]]:
    """(start, end, letter spacing in CSS px) for every carrier of `text`, a text box's text.

    Pango gives a run's letter spacing half before and half after it, but drops the half that
    falls outside the layout: a carrier at either end of the text gets twice as much.
    """
    gap = QUARTER_EM * font_size
    last = len(text) - 1
    return [(m.start(), m.end(), gap * (2 if m.start() in (0, last) else 1)) for m in re.finditer(CARRIER, text)]


def install() -> None:
    """Patch WeasyPrint once per process; idempotent."""
    global _installed
    if _installed:
        return
    from weasyprint.text import line_break
    from weasyprint.text.ffi import ffi, pango

    check_version("CJK spacing attributes")
    original_set_text = line_break.Layout.set_text
    to_units = line_break.TO_UNITS

    def set_text(self, text, justify=False):
        original_set_text(self, text, justify)
        text = self.text
        if CARRIER not in text and not HALT.search(text):
            return
        attr_list = pango.pango_layout_get_attributes(self.layout)
        if attr_list == ffi.NULL:
            attr_list = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        offsets = byte_offsets(text)
        # WeasyPrint 70 draws an empty glyph, such as the carrier, `width / font_size` thousandths
        # of an em on, without the 1000 / 1024 (1000 × FROM_UNITS) it applies to every other
        # glyph's width (draw/text.py), so a drawn carrier came out 2.4 % wide. set_text is given
        # justify=True only for drawing: there the spacing is pre-scaled to draw as laid out.
        units = to_units * (1000 * line_break.FROM_UNITS if justify else 1)
        for start, end, spacing in carrier_spacing(text, self.style["font_size"]):
            attr = pango.pango_attr_letter_spacing_new(int(spacing * units))
            attr.start_index, attr.end_index = offsets[start], offsets[end]
            pango.pango_attr_list_change(attr_list, attr)
        for match in HALT.finditer(text):
            # Inserted, not changed: `change` would cut short a font-features attribute of the box.
            attr = pango.pango_attr_font_features_new(b"halt")
            attr.start_index, attr.end_index = offsets[match.start()], offsets[match.end()]
            pango.pango_attr_list_insert(attr_list, attr)
        pango.pango_layout_set_attributes(self.layout, attr_list)

    line_break.Layout.set_text = set_text
    _installed = True


def byte_offsets(text: str) -> list[int]:
    """UTF-8 offset of every character of `text`, and of its end (Pango indexes bytes)."""
    offsets, position = [], 0
    for char in text:
        offsets.append(position)
        position += len(char.encode())
    offsets.append(position)
    return offsets
