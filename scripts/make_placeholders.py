#!/usr/bin/env python3
"""Draw the placeholder images of the sample manuscript.

    python scripts/make_placeholders.py

The photos of the printed issue are not available.  Every figure of the
manuscript points at ``images/<article>-<n>-<W>x<H>.png``; this script draws,
for each such file referenced by an article, a neutral placeholder: a light
grey frame on white with the word 图片 and the aspect ratio ("4:3").  The
images are small palette PNGs (RGB palette, a few KB), 2100 px wide:
300 dpi at the full 178 mm measure of the printed page, so that the print PDF's
resolution check passes, and e-readers get the RGB PNGs they expect.
"""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
MANUSCRIPT = ROOT / "manuscript"
WIDTH = 2100
SCALE = WIDTH / 900  # the drawing below was designed at 900 px
FONTS = [
    (ROOT / "fonts" / "NotoSansCJKPublish-Regular.otf", 0),
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 2),
]
REF_RE = re.compile(r"\]\((?:\.\./)?images/([a-z0-9-]+-(\d+)x(\d+)\.png)\)")


def font(size: int) -> ImageFont.ImageFont:
    for path, index in FONTS:
        if path.exists():
            return ImageFont.truetype(str(path), size, index=index)
    return ImageFont.load_default()


def placeholder(w_ratio: int, h_ratio: int) -> Image.Image:
    height = round(WIDTH * h_ratio / w_ratio)
    img = Image.new("L", (WIDTH, height), 255)
    d = ImageDraw.Draw(img)
    k = SCALE
    d.rectangle([0, 0, WIDTH - 1, height - 1], fill=244, outline=200, width=round(6 * k))
    d.rectangle([round(24 * k), round(24 * k), WIDTH - round(25 * k), height - round(25 * k)], outline=215,
                width=round(2 * k))
    big, small = font(min(round(96 * k), height // 4)), font(min(round(44 * k), height // 8))
    label, ratio = "图片", f"{w_ratio}:{h_ratio}"
    bw = d.textbbox((0, 0), label, font=big)
    sw = d.textbbox((0, 0), ratio, font=small)
    total = (bw[3] - bw[1]) + round(24 * k) + (sw[3] - sw[1])
    y = (height - total) // 2
    d.text(((WIDTH - (bw[2] - bw[0])) // 2 - bw[0], y - bw[1]), label, font=big, fill=150)
    y += bw[3] - bw[1] + round(24 * k)
    d.text(((WIDTH - (sw[2] - sw[0])) // 2 - sw[0], y - sw[1]), ratio, font=small, fill=150)
    # 16 grey levels in an RGB palette: a few KB, and still the RGB colour space e-readers expect
    return img.convert("RGB").convert("P", palette=Image.ADAPTIVE, colors=16)


def main() -> int:
    images = MANUSCRIPT / "images"
    images.mkdir(parents=True, exist_ok=True)
    wanted: dict[str, tuple[int, int]] = {}
    for md in sorted((MANUSCRIPT / "articles").glob("*.md")):
        for name, w, h in REF_RE.findall(md.read_text(encoding="utf-8")):
            wanted[name] = (int(w), int(h))
    cache: dict[tuple[int, int], Image.Image] = {}
    for name, ratio in sorted(wanted.items()):
        img = cache.setdefault(ratio, placeholder(*ratio))
        img.save(images / name, optimize=True)
    stale = [p for p in images.glob("*.png") if p.name not in wanted]
    for p in stale:
        p.unlink()
    print(f"{len(wanted)} placeholders written, {len(stale)} stale removed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
