"""Chinese typographic rules shared by the EPUB and the PDF.

Markup only, never new characters: the extracted text of the output stays the
text of the manuscript.
- 中西文间距: a Latin or digit run touching a Han character gets a class that
  puts a quarter-em margin on that side (`as-l`, `as-r`).
- 标点挤压: in a run of consecutive full-width punctuation every mark but the
  last is wrapped in `halt`, which the CSS maps to the OpenType `halt` feature
  (half-width advance), so "。”" or "）。" take 1.5 em instead of 2.
The EPUB keeps this markup; the PDF turns it into Pango attributes (pdf/autospace.py).
"""

from __future__ import annotations

import re
from html import escape

from .chars import FULLWIDTH_PUNCT, has_han, is_han

# The only spans typeset() writes (render/contract.py): the PDF rewrites exactly these.
SPAN_CLASSES = ("as-l", "as-r", "as-l as-r", "halt")

# A Latin run: letters and digits, with the joiners that stay inside words, numbers and names.
_LATIN = r"[A-Za-z0-9](?:[A-Za-z0-9.,:/%&'+\-]*[A-Za-z0-9%])?(?: [A-Za-z0-9](?:[A-Za-z0-9.,:/%&'+\-]*[A-Za-z0-9%])?)*"
_PUNCT_RUN = f"[{FULLWIDTH_PUNCT}]{{2,}}"
# A single space between Han and a Latin run is the manuscript's way of spacing them: it is
# replaced by the same quarter-em margin, so "2019 年" and "2019年" print alike.
_PIECES = re.compile(f"(?P<lsp> )?(?P<latin>{_LATIN})(?P<rsp> )?|(?P<punct>{_PUNCT_RUN})")


def typeset(text: str, before: str = "", after: str = "") -> str:
    """Escape `text` for XHTML and add the spacing and compression markup.

    `before` and `after` are the characters just outside the text (from neighbouring
    inline tokens), so that a run at a token's edge is still judged correctly.
    """
    if not text:
        return ""
    if not has_han(text) and not (before and is_han(before[-1])) and not (after and is_han(after[0])):
        return escape(text, quote=False)
    out: list[str] = []
    pos = 0
    for match in _PIECES.finditer(text):
        out.append(escape(text[pos:match.start()], quote=False))
        piece = match.group(0)
        if match.group("latin"):
            latin = match.group("latin")
            left = text[match.start() - 1] if match.start() > 0 else (before[-1:] or "")
            right = text[match.end()] if match.end() < len(text) else (after[:1] or "")
            han_left, han_right = bool(left) and is_han(left), bool(right) and is_han(right)
            # Keep a space that does not sit between Han and Latin (e.g. after a comma).
            lead = " " if match.group("lsp") and not han_left else ""
            trail = " " if match.group("rsp") and not han_right else ""
            classes = [c for c, ok in (("as-l", han_left), ("as-r", han_right)) if ok]
            if classes:
                out.append(f'{lead}<span class="{" ".join(classes)}">{escape(latin, quote=False)}</span>{trail}')
            else:
                out.append(escape(piece, quote=False))
        else:
            out.append("".join(f'<span class="halt">{c}</span>' for c in piece[:-1]) + piece[-1])
        pos = match.end()
    out.append(escape(text[pos:], quote=False))
    return "".join(out)
