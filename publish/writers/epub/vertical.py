"""The vertical EPUB (縦書き, 竖排): the same book set top to bottom, columns right to left.

Chosen per publication (publication.yaml `writing_mode: vertical`: the EPUB is vertical) or
built next to the horizontal one (`publish epub-vertical` → build/<slug>-vertical.epub).

- the stylesheet: the theme's epub.css, then epub-vertical.css (`writing-mode: vertical-rl`,
  images, tables and code upright, 縦中横);
- the spine's `page-progression-direction="rtl"`, and Kindle's `primary-writing-mode` meta;
- 縦中横 (tate-chū-yoko, text-combine-upright) for numbers of two digits: "20" sits in one
  character's room across the column; longer numbers run sideways, as JIS X 4051 does;
- the font subsets keep `vert` and `vrt2` (fonts.FEATURES), which give the vertical forms of
  punctuation (。、「」 turned and moved).

The PDF stays horizontal: WeasyPrint 70 has no vertical writing mode (WeasyPrint #577), and
a PDF cannot reflow, so a vertical print edition would need its own layout engine.
"""

from __future__ import annotations

import re

_TEXT = re.compile(r"(<[^>]*>)")
_TWO_DIGITS = re.compile(r"(?<![0-9０-９.,])([0-9]{2})(?![0-9０-９.,])")
_SKIP = re.compile(r"<(pre|code|head|title|script|style|math|svg|rt)\b", re.I)


def tate_chu_yoko(xhtml: str) -> str:
    """Two-digit numbers of the text (not of markup, code, titles or ruby) in a 縦中横 span."""
    parts = _TEXT.split(xhtml)
    depth = 0  # inside an element whose text stays as it is
    skipped: list[str] = []
    for index, part in enumerate(parts):
        if index % 2:
            opening = _SKIP.match(part)
            if opening and not part.endswith("/>"):
                skipped.append(opening.group(1).lower())
                depth += 1
            elif skipped and part.lower().startswith(f"</{skipped[-1]}"):
                skipped.pop()
                depth -= 1
        elif depth == 0 and part:
            parts[index] = _TWO_DIGITS.sub(r'<span class="tcy">\1</span>', part)
    return "".join(parts)


def metadata(book: object) -> None:
    """The spine right to left; Kindle reads the writing mode from a meta of its own."""
    book.set_direction("rtl")  # type: ignore[attr-defined]
    book.add_metadata(None, "meta", "", {"name": "primary-writing-mode", "content": "vertical-rl"})  # type: ignore[attr-defined]
