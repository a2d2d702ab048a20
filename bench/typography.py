"""Measure the Chinese typesetting and the page design of a built PDF (default: the sample
issue's screen PDF, with the grid of the project in the current folder, or -C DIR).

    python bench/typography.py [-C DIR] [build/wlcb-2020-02.pdf]

Prints the flush-line rate of justified body lines, 禁则 violations, the widest punctuation pair,
the 中西文 gaps, the indents and widows/orphans; then the frame grid's figures: body lines in
columns, characters a full line, lines on the grid, pages less than half full.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from gridmetrics import measure_grid
from typometrics import measure

from publish import load


def main() -> None:
    args = sys.argv[1:]
    root = Path(args.pop(1)) if args[:1] == ["-C"] and args.pop(0) == "-C" else Path(".")
    path = Path(args[0]) if args else root / "build" / "wlcb-2020-02.pdf"
    publication, _ = load(root)
    grid = publication.page.grid if publication else None
    r = measure(path, grid.size_pt if grid else 10.0)
    print(f"{path}: {r.lines} body lines")
    print(f"justified lines flush within 0.5 pt: {r.flush}/{r.justified_lines} ({r.flush_rate:.2%}), "
          f"worst {r.worst_shortfall:.2f} pt")
    for page, short, tail in r.ragged[:10]:
        print(f"  ragged p.{page}: {short} pt short, ends '{tail}'")
    print(f"禁则 violations: {len(r.kinsoku)} {r.kinsoku[:5]}")
    if r.pair_widths:
        print(f"consecutive punctuation: {r.pairs} pairs, widest {max(r.pair_widths):.3f} em; "
              f"over 1.5 em: {len(r.wide_pairs)} {r.wide_pairs[:8]}")
    if r.latin_gaps:
        print(f"中西文 gaps: {len(r.latin_gaps)}, {min(r.latin_gaps):.3f}–{max(r.latin_gaps):.3f} em")
    if r.indents:
        print(f"first-line indents: {len(r.indents)}, {min(r.indents):.3f}–{max(r.indents):.3f} em")
    print(f"widows/orphans: {len(r.widows)} {r.widows[:5]}")
    if publication is not None and grid is not None:
        top = publication.page.margins_mm()[0] * 72 / 25.4
        g = measure_grid(path, grid.size_pt, grid.pitch_pt, top, grid.width_pt)
        pitches = set().union(*g.pitches.values()) if g.pitches else set()
        print(f"grid: {grid.columns} × {grid.chars} characters, {grid.lines} lines of {grid.pitch_pt:g}pt; "
              f"{g.lines} body lines, {g.column_rate:.2%} in columns, median {g.median_chars:g} characters a full "
              f"line, {g.grid_rate:.2%} on the grid (pitches seen: {sorted(pitches)})")
        print(f"pages: {g.pages}, less than half full: {len(g.under_half)} {g.under_half[:10]}")


if __name__ == "__main__":
    main()
