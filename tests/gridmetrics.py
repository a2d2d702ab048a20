"""Measure a PDF's page design from glyph positions (pdfplumber): columns, characters a line,
lines on the frame grid, page fill. Used by the tests on fixtures and by bench/typography.py."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from typometrics import FULLWIDTH, _han, body_lines


@dataclass
class GridReport:
    lines: int = 0
    in_columns: int = 0  # body lines set in a column narrower than half the page's text width
    chars_full: list[int] = field(default_factory=list)  # CJK characters (Han and marks) of each full line
    on_grid: int = 0
    off_grid: list = field(default_factory=list)
    pitches: dict = field(default_factory=dict)  # page → the pitches seen between its lines
    pages: int = 0
    under_half: list = field(default_factory=list)

    @property
    def column_rate(self) -> float:
        return self.in_columns / self.lines if self.lines else 0.0

    @property
    def grid_rate(self) -> float:
        return self.on_grid / self.lines if self.lines else 0.0

    @property
    def median_chars(self) -> float:
        return statistics.median(self.chars_full) if self.chars_full else 0.0


def measure_grid(path, size: float, pitch: float, origin: float, text_width: float,
                 tolerance: float = 0.35) -> GridReport:
    """`origin`: the top of the 版心 in PDF points from the page top; body lines should start
    at origin + k × pitch (plus the one offset from a line's top to its glyphs' tops)."""
    import pdfplumber

    report = GridReport()
    lines = body_lines(path, size)
    report.lines = len(lines)
    residues = [((line.top - origin) % pitch) for line in lines]
    # The glyphs' offset below the line top: the most common residue (to 0.1 pt).
    offset = statistics.mode(round(r, 1) for r in residues) if residues else 0.0
    by_page: dict[int, list] = {}
    for line, residue in zip(lines, residues):
        by_page.setdefault(line.page, []).append(line)
        distance = min(abs(residue - offset), pitch - abs(residue - offset))
        if distance <= tolerance:
            report.on_grid += 1
        else:
            report.off_grid.append((line.page, round(distance, 2), line.text[:8]))
        width = line.x1 - line.x0
        if width < text_width / 2:
            report.in_columns += 1
    for page, page_lines in by_page.items():
        tops = sorted({round(l.top, 1) for l in page_lines})
        steps = {round(b - a, 1) for a, b in zip(tops, tops[1:]) if b - a < pitch * 1.5}
        report.pitches[page] = steps
    # Characters on a full line: lines that reach the column's right edge (the median right edge
    # of lines that start at the same x).
    by_column: dict[tuple[int, float], list] = {}
    for line in lines:
        by_column.setdefault((line.page, round(line.x0 / 5)), []).append(line)
    for (page, _), column in by_column.items():
        right = statistics.median(l.x1 for l in column)
        for line in column:
            cjk = sum(1 for c in line.chars if _han(c["text"]) or c["text"] in FULLWIDTH)
            if abs(line.x1 - right) < size and cjk > 5:
                report.chars_full.append(cjk)
    with pdfplumber.open(path) as pdf:
        report.pages = len(pdf.pages)
        for number, page in enumerate(pdf.pages, start=1):
            height = page.height
            content = [o for o in page.chars if origin - 5 < o["top"] < height - 40] + list(page.images)
            if not content:
                report.under_half.append((number, 0.0))
                continue
            middle = page.width / 2
            fills = []
            for left in (True, False):
                column = [o for o in content if (o["x1"] <= middle + 5) == left or (o["x0"] < middle - 5
                                                                                   and o["x1"] > middle + 5)]
                fills.append((max(o["bottom"] for o in column) - origin) / (height - origin - 40) if column else 0.0)
            fill = sum(fills) / 2
            if fill < 0.5:
                report.under_half.append((number, round(fill, 2)))
    return report
