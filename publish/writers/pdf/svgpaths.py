"""An SVG path's data turned into PDF operators once, not at each drawing.

WeasyPrint draws an SVG image by walking its tree every time the image is painted, and a
`<path>` by parsing its `d` attribute again with regular expressions (svg/path.py): a
formula (math.py draws each as an SVG of glyph outlines, ~9 paths of ~50 segments each) is
parsed again at each occurrence and in each run, and a code line's continuation mark (a
background SVG of the theme) at every code line. On the 655-page real book that parsing
was 9.5 s of 100 s of layout and painting (14,000 paths, 3,200 distinct).

`install()` keeps, per process, the bytes a path's drawing appended to the PDF stream and the
vertices it recorded (for markers), keyed by what the drawing reads: the path data, the font
size and the viewport (percentages); a path drawn again gets them replayed. The bytes are the
same by construction (tests/writers/pdf/test_svgpaths.py compares PDFs with and without).
"""

from __future__ import annotations

from typing import Any

from .engine import check_version

LIMIT = 50_000  # distinct paths kept (a few KB each): a book's formulas are ~5,000
_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    from weasyprint import svg

    check_version("SVG paths parsed once")
    stock = svg.TAGS["path"]
    drawn: dict[tuple, tuple[list[bytes], list[Any]]] = {}

    def path(image: Any, node: Any, font_size: float) -> None:
        key = (node.get("d", ""), font_size, image.inner_width, image.inner_height)
        known = drawn.get(key)
        chunks = image.stream.stream  # pydyf: each operator appends its bytes to this list
        if known is not None:
            chunks.extend(known[0])
            node.vertices.extend(known[1])
            return
        start, marked = len(chunks), len(node.vertices)
        stock(image, node, font_size)  # a PointError leaves it half drawn, as in stock; not kept
        if len(drawn) < LIMIT:
            drawn[key] = (chunks[start:], list(node.vertices)[marked:])

    svg.TAGS["path"] = path
    _installed = True
