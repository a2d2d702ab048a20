"""Measure the Chinese typesetting of a built PDF (default: the sample issue's screen PDF).

    python bench/typography.py [build/wlcb-2020-02.pdf]

Prints the flush-line rate of justified body lines, 禁则 violations, the widest punctuation pair,
the 中西文 gaps, the indents and widows/orphans, as the tests measure them on the fixture.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from typometrics import measure


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "build/wlcb-2020-02.pdf")
    r = measure(path)
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


if __name__ == "__main__":
    main()
