"""Render facing pages of a PDF as spreads (verso left, recto right), for looking at a layout
and for the README's pictures: `python scripts/spreads.py build/wlcb-2020-02.pdf 2 4 10 --dpi 60`
writes build/spreads/spread-002-003.png and so on (each number is the verso of its spread).

pdftoppm (poppler-utils) draws the pages; Pillow puts them side by side.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

from PIL import Image


def spread(pdf: Path, verso: int, dpi: int, out: Path) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(verso), "-l", str(verso + 1), "-png",
                        str(pdf), f"{tmp}/p"], check=True)
        pages = [Image.open(p).convert("RGB") for p in sorted(Path(tmp).glob("p-*.png"))]
    width, height = pages[0].size
    margin = max(4, dpi // 10)
    sheet = Image.new("RGB", (2 * width + 2 * margin, height + 2 * margin), (128, 128, 128))
    for i, page in enumerate(pages):
        sheet.paste(page, (margin + i * width, margin))
    target = out / f"spread-{verso:03d}-{verso + 1:03d}.png"
    # A palette PNG keeps a spread of mostly text a tenth of its RGB size.
    sheet.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", type=Path)
    parser.add_argument("versos", type=int, nargs="+", help="the left page of each spread (an even page)")
    parser.add_argument("--dpi", type=int, default=60)
    parser.add_argument("--out", type=Path, default=Path("build/spreads"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for verso in args.versos:
        print(spread(args.pdf, verso, args.dpi, args.out))


if __name__ == "__main__":
    main()
