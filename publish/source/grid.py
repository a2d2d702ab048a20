"""The frame grid (版心) from publication.yaml's `kind` and `grid`, or a clear error when it does
not fit the page. What is not given follows from the kind and the page size."""

from __future__ import annotations

from dataclasses import replace

from ..diagnostics import Report, codes
from ..model import PT_PER_MM, Grid, PageGeometry
from . import schema
from .yamlsource import YamlDoc

# Per kind: columns, gap, body size and pitch, and how much of the page's width and height the
# grid takes when its characters and lines are not given (大16开 magazines set two columns of
# about 23 characters; books one of about 40-49).
KINDS = {
    "magazine": {"columns": 2, "gap": 2.0, "size": 9.5, "pitch": 16.5, "width": 0.77, "height": 0.86},
    "book": {"columns": 1, "gap": 2.0, "size": 10.0, "pitch": 17.5, "width": 0.83, "height": 0.86},
}
MIN_MARGIN_MM = 10.0  # room for running heads, folios and the printer's trim tolerance


def grid_for(page: PageGeometry, kind: str, declared: dict, doc: YamlDoc, path, report: Report) -> PageGeometry:
    """`page` with its kind and grid: the declared values, the rest from the kind's defaults."""
    spec = KINDS[kind]
    size, pitch = declared.get("size", spec["size"]), declared.get("pitch")
    pitch = pitch if pitch is not None else size * spec["pitch"] / spec["size"]
    columns, gap = declared.get("columns", spec["columns"]), declared.get("gap", spec["gap"])
    chars = declared.get("chars")
    if chars is None:
        chars = int((page.width_mm * spec["width"] * PT_PER_MM / size - (columns - 1) * gap) // columns)
    lines = declared.get("lines") or int(page.height_mm * spec["height"] * PT_PER_MM // pitch)
    grid = Grid(columns, chars, lines, gap, size, pitch)
    width, height = grid.width_pt / PT_PER_MM, grid.height_pt / PT_PER_MM
    room_x, room_y = page.width_mm - 2 * MIN_MARGIN_MM, page.height_mm - 2 * MIN_MARGIN_MM
    if width > room_x or height > room_y:
        line, col = doc.mark(("grid",))
        report.add(codes.WRONG_VALUE, f"the grid ({columns} × {chars} characters of {size:g}pt, {lines} lines of "
                   f"{pitch:g}pt) needs {width:.0f} × {height:.0f} mm, but a {page.width_mm:g} × "
                   f"{page.height_mm:g} mm page leaves {room_x:.0f} × {room_y:.0f} mm for it", path, line, col,
                   "fewer characters or lines, a smaller size or pitch, or a bigger page")
        return replace(page, kind=kind)
    return replace(page, kind=kind, grid=grid)


def check_grid(doc: YamlDoc, path, report: Report) -> dict:
    return schema.check(doc, ("grid",), schema.GRID, report, path, what="grid")
