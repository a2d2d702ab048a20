"""Measure Chinese typesetting in a PDF from glyph positions (pdfplumber).

Used by the tests on a fixture and by bench/typography.py on the sample issue. Body text is
the serif face at the body size; lines are rebuilt from glyph positions, split into columns
at wide gaps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

OPENING = "（《「『【〔〈“‘"
CLOSING = "，。、；：？！）》」』】〕〉”’…"
FULLWIDTH = "（《「『【〔〈“‘，。、；：？！）》」』】〕〉”’"


@dataclass
class Line:
    page: int
    top: float
    chars: list  # pdfplumber char dicts, left to right

    @property
    def x0(self) -> float:
        return self.chars[0]["x0"]

    @property
    def x1(self) -> float:
        return self.chars[-1]["x1"]

    @property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)


@dataclass
class Report:
    size: float
    lines: int = 0
    justified_lines: int = 0
    flush: int = 0
    worst_shortfall: float = 0.0
    ragged: list = field(default_factory=list)
    kinsoku: list = field(default_factory=list)
    pairs: int = 0
    pair_widths: list = field(default_factory=list)
    latin_gaps: list = field(default_factory=list)
    indents: list = field(default_factory=list)
    widows: list = field(default_factory=list)
    wide_pairs: list = field(default_factory=list)

    @property
    def flush_rate(self) -> float:
        return self.flush / self.justified_lines if self.justified_lines else 0.0


def body_lines(path, size: float = 10.0, font: str = "Publish-Serif") -> list[Line]:
    import pdfplumber

    lines: list[Line] = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            chars = [c for c in page.chars if font in c["fontname"] and "Bold" not in c["fontname"]
                     and abs(c["size"] - size) < 0.2 and c["text"].strip()]
            rows: dict[float, list] = {}
            for char in chars:
                key = next((k for k in rows if abs(k - char["top"]) < size * 0.4), char["top"])
                rows.setdefault(key, []).append(char)
            for top in sorted(rows):
                row = sorted(rows[top], key=lambda c: c["x0"])
                segment = [row[0]]
                for char in row[1:]:
                    if char["x0"] - segment[-1]["x1"] > 1.2 * size:  # a column gap (7 mm ≈ 2 em)
                        lines.append(Line(number, top, segment))
                        segment = []
                    segment.append(char)
                lines.append(Line(number, top, segment))
    return lines


def measure(path, size: float = 10.0, indent: float = 2.0, closing: str = CLOSING) -> Report:
    """`indent`: the paragraphs' first-line indent in em (Chinese 2, Japanese 1); `closing`: the
    characters no line may start with (Japanese adds small kana and ー)."""
    report = Report(size)
    lines = body_lines(path, size)
    report.lines = len(lines)
    by_page: dict[int, list[Line]] = {}
    for line in lines:
        by_page.setdefault(line.page, []).append(line)
    for page, page_lines in sorted(by_page.items()):
        # A paragraph's left edge L is where some line starts while another starts at L + 2 em
        # (its indented first line); lines starting elsewhere (list items, bullets) are not
        # body paragraphs.
        starts = {round(l.x0, 1) for l in page_lines}
        lefts = sorted(x for x in starts if any(abs(y - x - indent * size) < 0.5 for y in starts))
        for left in lefts:
            column = sorted((l for l in page_lines if abs(l.x0 - left) < 0.5 or abs(l.x0 - left - indent * size) < 0.5),
                            key=lambda l: l.top)
            justified = []
            for index, line in enumerate(column):
                following = column[index + 1] if index + 1 < len(column) else None
                if line.text[0] in closing:
                    report.kinsoku.append((page, "starts", line.text[:12]))
                if line.text[-1] in OPENING:
                    report.kinsoku.append((page, "ends", line.text[-12:]))
                if abs(line.x0 - left - indent * size) < 0.5:
                    report.indents.append((line.x0 - left) / size)
                if (following is not None and abs(following.x0 - left) < 0.5
                        and 0 < following.top - line.top < size * 2.5):
                    justified.append(line)
            if not justified:
                continue
            # The measure: the median right edge of the lines that must be flush.
            ends = sorted(l.x1 for l in justified)
            right = ends[len(ends) // 2]
            for line in justified:
                report.justified_lines += 1
                shortfall = right - line.x1
                if line.text[-1] in CLOSING:
                    # A closing mark compressed with the next line's opening mark ("》《") has a
                    # half-em advance; its glyph box still reads one em.
                    half = right - (line.chars[-1]["x0"] + size / 2)
                    shortfall = min(shortfall, half, key=abs)
                if abs(shortfall) <= 0.5:
                    report.flush += 1
                else:
                    report.ragged.append((page, round(shortfall, 2), line.text[-10:]))
                report.worst_shortfall = max(report.worst_shortfall, abs(shortfall))
            # Widows and orphans: a paragraph's lone first line at the foot of the column, or
            # its lone last line at the head of one.
            last, first = column[-1], column[0]
            # (An indented full line at the foot is an orphan only if the paragraph goes on
            # overleaf: the next page's first line at this left edge is not indented.)
            overleaf = sorted((l for l in by_page.get(page + 1, []) if abs(l.x0 - left) < 0.5
                               or abs(l.x0 - left - indent * size) < 0.5), key=lambda l: l.top)
            goes_on = bool(overleaf) and abs(overleaf[0].x0 - left) < 0.5
            if len(column) > 1 and abs(last.x0 - left - indent * size) < 0.5 and last.x1 > right - size and goes_on:
                report.widows.append((page, "orphan", last.text[:10]))
            if len(column) > 1 and abs(first.x0 - left) < 0.5 and abs(column[1].x0 - left - indent * size) < 0.5 \
                    and first.x1 < right - size:
                report.widows.append((page, "widow", first.text[:10]))
    for line in lines:
        chars = line.chars
        for index, (a, b) in enumerate(zip(chars, chars[1:])):
            if a["text"] in FULLWIDTH and b["text"] in FULLWIDTH:
                # The room the pair takes on the line: from the end of the glyph before it to the
                # end of its second mark (a half-width opening mark is drawn shifted left, so its
                # own x0 is not where its room starts).
                start = chars[index - 1]["x1"] if index > 0 else line.x0
                width = (b["x1"] - start) / size
                report.pairs += 1
                report.pair_widths.append(width)
                if width > 1.51:
                    report.wide_pairs.append((line.page, a["text"] + b["text"], round(width, 2)))
            han_a, han_b = _han(a["text"]), _han(b["text"])
            if (han_a and b["text"].isascii() and b["text"].isalnum()) or \
                    (han_b and a["text"].isascii() and a["text"].isalnum()):
                report.latin_gaps.append((b["x0"] - a["x1"]) / size)
    return report


def _han(text: str) -> bool:
    return bool(text) and "\u4e00" <= text <= "\u9fff"
