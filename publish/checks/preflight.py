"""The preflight a printer runs, as far as it can be run before the PDF exists: each image's
resolution at the size it will print (from the page's frame grid: a column, or the whole 版心
for a picture across the columns), and its colours against the output intent. `publish check`
and every build report the same; what only the laid-out pages show (text in the safe area,
bleed, fonts) is checked after the print layout (writers/pdf/preflight.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ..diagnostics import Report, codes
from ..model import PT_PER_MM, ImageInfo, Publication, RenderedArticle

_FIGURE = re.compile(r'<figure id="[^"]*" class="([^"]*)"><img src="([^"]*)"')
# As the print theme has them (print.css: figure img, figure.span img): a figure is as wide as
# its column, and no taller than this.
MAX_HEIGHT_MM, MAX_HEIGHT_SPAN_MM = 150.0, 110.0
WIDE = 1.6  # writers/pdf/grid.py: a picture this much wider than tall goes across the columns


def printed_width_mm(pub: Publication, info: ImageInfo, classes: Iterable[str], columns: int,
                     one_column: bool = False) -> float:
    """How wide the figure of `info` prints: the column's width or the grid's, less if its height
    is capped; `one_column`: an article set in one column against the grid's (`columns: 1`)."""
    grid = pub.page.grid
    wide = bool(info.width and info.height and info.width / info.height >= WIDE)
    spans = columns >= 2 and ("span" in classes or (wide and "column" not in classes))
    width_mm = (grid.width_pt if columns < 2 or spans else grid.size_pt * grid.chars) / PT_PER_MM
    cap = MAX_HEIGHT_SPAN_MM if spans or one_column else MAX_HEIGHT_MM
    if info.width and info.height:
        width_mm = min(width_mm, cap * info.width / info.height)
    return width_mm


def preflight(pub: Publication, rendered: Iterable[RenderedArticle], images: Mapping[str, ImageInfo],
              report: Report, cover: ImageInfo | None = None) -> None:
    """W209 for images under images: print_ppi at their printed size; W241 for CMYK without a profile."""
    least = pub.images.print_ppi
    widest: dict[str, float] = {}
    for item in rendered:
        columns = item.article.columns or pub.page.grid.columns
        for classes, href in _FIGURE.findall(item.html):
            info = images.get(href)
            if info is not None and info.width:
                widest[href] = max(widest.get(href, 0.0), printed_width_mm(pub, info, classes.split(), columns,
                                                                           item.article.columns == 1))
    if cover is not None and cover.width:
        widest[cover.asset.href] = pub.page.width_mm + 2 * pub.page.bleed_mm
        images = {**images, cover.asset.href: cover}
    for href, width_mm in widest.items():
        info = images[href]
        assert info.width is not None
        ppi = info.width / (width_mm / 25.4)
        if ppi < least:
            height_mm = width_mm * (info.height or 0) / info.width
            report.add(codes.LOW_RESOLUTION, f"{info.asset.source.name} is {info.width}×{info.height} px, printed at "
                       f"{width_mm:.0f}×{height_mm:.0f} mm: {ppi:.0f} ppi, under {least}", info.asset.used_in,
                       info.asset.line, 1, f"supply at least {round(width_mm / 25.4 * least)} px wide")
    for info in images.values():
        if info.mode == "CMYK" and not info.profile:
            report.add(codes.CMYK_WITHOUT_PROFILE, f"{info.asset.source.name} is CMYK without an ICC profile: its "
                       "colours are a guess on screen and in the EPUB" + ("" if pub.page.output_profile else
                                                                         ", and in print"),
                       info.asset.used_in, info.asset.line, 1,
                       "export it with its profile embedded, or as RGB; the print PDF takes it as the printer's CMYK")
