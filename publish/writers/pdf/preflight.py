"""The print preflight on the laid-out pages, what a printer's checks look at that only the
layout knows: text inside the safe area (at least 3 mm in from the trim, where the trimmer's
tolerance cannot cut it), bleed wherever an image reaches the trim, and every font embedded.
checks/preflight.py has the rest (resolution at printed size, colour spaces, total ink)."""

from __future__ import annotations

import re
from typing import Any

from ...diagnostics import Report, codes
from ...model import Publication

SAFE_MM = 3.0
PX_PER_MM = 96 / 25.4
MAX_REPORTED = 10  # pages named one by one; the rest are counted
_FONT_DESCRIPTOR = re.compile(rb"/Type\s*/FontDescriptor")
_FONT_NAME = re.compile(rb"/FontName\s*/([^\s/<>\[\]()]+)")
_unembedded: list[str] = []


def after_layout(document: Any, pub: Publication, report: Report, first: int = 1) -> None:
    """W254 for pages with text nearer than 3 mm to the trim, W253 for images that reach the trim
    but stop there (a hairline of paper shows if the trimmer is off by a little)."""
    from weasyprint.formatting_structure import boxes

    safe, bleed = SAFE_MM * PX_PER_MM, pub.page.bleed_mm * PX_PER_MM
    outside: list[tuple[int, str]] = []
    short: list[tuple[int, str]] = []
    for number, page in enumerate(document.pages, first):  # `first`: a run's first page in the book
        texts: list[str] = []
        images: list[str] = []
        _walk(page._page_box, boxes, (page.width, page.height), safe, bleed, texts, images)
        if texts:
            outside.append((number, texts[0]))
        short.extend((number, src) for src in images)
    where = pub.manuscript / "publication.yaml"
    for number, text in outside[:MAX_REPORTED]:
        report.add(codes.OUTSIDE_SAFE_AREA, f"page {number}: text within {SAFE_MM:g} mm of the trim (“{text}”)",
                   where, 1, 1, "keep text inside the page's margins (styles/print.css)")
    if len(outside) > MAX_REPORTED:
        report.add(codes.OUTSIDE_SAFE_AREA, f"and {len(outside) - MAX_REPORTED} more pages with text within "
                   f"{SAFE_MM:g} mm of the trim", where, 1, 1)
    for number, src in short[:MAX_REPORTED]:
        report.add(codes.NO_BLEED, f"page {number}: {src or 'an image'} reaches the trim but not the "
                   f"{pub.page.bleed_mm:g} mm bleed beyond it", where, 1, 1,
                   "let it run on into the bleed (negative margins), or keep it inside the page")


def _walk(box: Any, boxes: Any, size: tuple[float, float], safe: float, bleed: float, texts: list[str],
          images: list[str]) -> None:
    """The page's text nearer than `safe` to its edges, and its images at an edge but short of the bleed."""
    width, height = size
    if isinstance(box, boxes.TextBox) and box.text.strip() and not texts:
        x, y = box.position_x, box.position_y
        if x < safe or y < safe or x + box.width > width - safe or y + box.height > height - safe:
            texts.append(box.text.strip()[:20])
    if isinstance(box, boxes.ReplacedBox) and box.width and box.height:
        x, y = box.border_box_x(), box.border_box_y()
        edges = [(x, 0.0, -1), (y, 0.0, -1), (x + box.border_width(), width, 1), (y + box.border_height(), height, 1)]
        # An edge at the trim (or beyond it) must run on for the whole bleed.
        at_trim = [(at - trim) * outward for at, trim, outward in edges if (at - trim) * outward > -0.5]
        if bleed and at_trim and any(distance < bleed - 0.5 for distance in at_trim):
            images.append(str(box.element.get("src", "")) if box.element is not None else "")
    for child in getattr(box, "children", ()):
        _walk(child, boxes, size, safe, bleed, texts, images)


def painted(pdf: Any) -> None:
    """After painting: the fonts whose descriptor has no embedded file (the painted objects are
    kept as their bytes by variants._serialise_once, before they are compressed)."""
    _unembedded.clear()
    for item in pdf.objects:
        data = item.__dict__.get("data") if not hasattr(item, "__slots__") else getattr(item, "data", None)
        if isinstance(data, bytes) and _FONT_DESCRIPTOR.search(data) and b"/FontFile" not in data:
            name = _FONT_NAME.search(data)
            _unembedded.append(name.group(1).decode("latin-1") if name else "?")


def report_fonts(pub: Publication, report: Report, names: list[str] | None = None) -> None:
    """W251 for the fonts `painted` found (or `names`: those the assembly found, assemble.py)."""
    for name in _unembedded if names is None else names:
        report.add(codes.FONT_NOT_EMBEDDED, f"font {name} is not embedded in the print PDF",
                   pub.manuscript / "publication.yaml", 1, 1, "a printer's RIP would substitute another font")
    _unembedded.clear()
