"""Inter-character justification for Chinese in WeasyPrint.

WeasyPrint 70 justifies by widening spaces only (layout/inline.py counts U+0020 and
U+00A0), so a Chinese paragraph, which has none, stays ragged. This extension makes
the gap after every CJK character that is followed by another character in the same
text box expandable too:
- `count_expandable_spaces` counts those gaps, so `justify_line` spreads the line's
  slack over them and widens each text box accordingly;
- `Layout.set_text(justify=True)`, which runs when a justified box is drawn, gives
  each such character a Pango letter-spacing of the box's justification spacing,
  so the glyphs are drawn where the widened box expects them.
It touches WeasyPrint internals: the version is pinned in pyproject.toml and
tests/pdf/test_justify.py fails if an upgrade breaks it.
"""

from __future__ import annotations

import re

from ...cjk.chars import FULLWIDTH_PUNCT, WIDE
from . import autospace
from .autospace import CARRIER, byte_offsets
from .engine import check_version

_CJK = WIDE
_PUNCT = FULLWIDTH_PUNCT
# A CJK character followed by a character that is not a (justifiable) space and not a
# full-width mark: as in JIS X 4051, no expansion goes before punctuation, so a compressed
# pair such as "。”" keeps its 1.5 em.
# Dashes and ellipses take none either: Noto joins "——" into one glyph, and a letter-spacing
# attribute on either half would split it (and make the line overflow).
# Nor before autospace's carrier of a quarter em: the span it replaces ended the text box there.
# Nor after the second mark of a compressed pair ("”，当"): Pango would put half of it before
# that mark, inside the pair, where the halt span it replaces had a text box's edge.
GAP = re.compile(f"[{_CJK}](?<![{_PUNCT}][{_PUNCT}])(?=[^ \u00a0\n{CARRIER}{_PUNCT}])")
_installed = False


def expandable(text: str) -> int:
    return text.count(" ") + text.count("\u00a0") + len(GAP.findall(text))


def install() -> None:
    """Patch WeasyPrint once per process; idempotent."""
    global _installed
    if _installed:
        return
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline
    from weasyprint.text import line_break
    from weasyprint.text.ffi import ffi, pango
    from weasyprint.text.line_break import create_layout, line_size

    check_version("CJK justification")
    # First, so that the justification's letter spacing goes on top of autospace's attributes.
    autospace.install()

    def count_expandable_spaces(box):
        if isinstance(box, boxes.TextBox):
            return expandable(box.text)
        if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            return sum(count_expandable_spaces(child) for child in box.children)
        return 0

    original_set_text = line_break.Layout.set_text
    to_units = line_break.TO_UNITS

    def set_text(self, text, justify=False):
        original_set_text(self, text, justify)
        if not (justify and self.justification_spacing and self.text):
            return
        letter_spacing = self.style["letter_spacing"]
        base = 0 if letter_spacing == "normal" else int(letter_spacing * to_units)
        extra = int(self.justification_spacing * to_units)
        attr_list = pango.pango_layout_get_attributes(self.layout)
        if attr_list == ffi.NULL:
            attr_list = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        offsets = byte_offsets(self.text)
        for match in GAP.finditer(self.text):
            # Pango splits letter spacing around a glyph and drops the half before a layout's
            # first glyph: double it there so the box is as wide as the layout counted.
            attr = pango.pango_attr_letter_spacing_new(base + (2 * extra if match.start() == 0 else extra))
            attr.start_index = offsets[match.start()]
            attr.end_index = offsets[match.end()]
            pango.pango_attr_list_change(attr_list, attr)
        pango.pango_layout_set_attributes(self.layout, attr_list)

    def justify_line(context, line, extra_width):
        text = _last_text(line, boxes)
        if text is not None and text.text.endswith(CARRIER):
            # 中西文间距 is no space at the end of a line: Pango keeps the half of the carrier's
            # quarter em that comes before it, so the line hangs that much past the measure, unseen.
            layout = create_layout(text.text[:-1], text.style, context, None, 0)
            extra_width += max(0, text.width - line_size(layout.get_first_line()[0], text.style)[0])
        if (nb_spaces := count_expandable_spaces(line)):
            inline.add_word_spacing(context, line, extra_width / nb_spaces, 0)

    inline.count_expandable_spaces = count_expandable_spaces
    inline.justify_line = justify_line
    line_break.Layout.set_text = set_text
    _installed = True


def _last_text(box, boxes):
    """The line's last text box, if its last in-flow box is text."""
    while isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        children = [c for c in box.children if c.is_in_normal_flow()]
        if not children:
            return None
        box = children[-1]
    return box if isinstance(box, boxes.TextBox) else None
