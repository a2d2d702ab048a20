"""A manuscript with the images a production team hands over, made at test time (a few hundred
KB): a 16-bit grey scan, a CMYK JPEG with its profile, an EXIF-rotated camera JPEG, a
transparent PNG, a TIFF and an SVG chart with Chinese labels; optionally the printer's CMYK
profile as the output intent."""

from __future__ import annotations

import shutil
from pathlib import Path

from PIL import Image, ImageCms, ImageDraw

GHOSTSCRIPT_CMYK = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
NAMES = ("scan16.png", "cmyk.jpg", "rotated.jpg", "logo.png", "plate.tif", "chart.svg")
# Where the rotated JPEG's red marker ends up once shown upright (orientation 6: a quarter turn
# clockwise): its stored top-left corner goes to the top right.
ROTATED_STORED = (900, 600)

SVG = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" width="600" height="300" viewBox="0 0 600 300">
  <rect width="600" height="300" fill="#ffffff"/>
  <rect x="60" y="80" width="80" height="180" fill="#961e28"/>
  <rect x="200" y="140" width="80" height="120" fill="#1e5096"/>
  <text x="300" y="40" font-family="Microsoft YaHei, SimHei" font-size="28" text-anchor="middle">网民规模增长图</text>
  <text x="100" y="290" font-family="SimSun" font-size="20" text-anchor="middle">城镇</text>
  <text x="240" y="290" style="font-family: Arial; font-size: 20px" text-anchor="middle">农村</text>
</svg>
"""


def gradient16(size=(640, 400)) -> Image.Image:
    """A 16-bit grey ramp, left to right, with a dark band across its lower third (a scanner's
    output): the band is what a wrong stream length loses first."""
    width, height = size
    data = bytearray()
    for y in range(height):
        for x in range(width):
            value = round(65535 * x / (width - 1))
            if y > height * 2 // 3 and (x // 40) % 2:
                value //= 4
            data += value.to_bytes(2, "little")
    return Image.frombytes("I;16", size, bytes(data))


def expected_grey(x: int, y: int, size=(640, 400)) -> int:
    """The 8-bit value of gradient16 at (x, y)."""
    width, height = size
    value = round(65535 * x / (width - 1))
    if y > height * 2 // 3 and (x // 40) % 2:
        value //= 4
    return value >> 8


def photo(size, seed: int = 0) -> Image.Image:
    """A smooth colour picture (JPEG compresses it as it does a photo)."""
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(0, height, 4):
        draw.rectangle((0, y, width, y + 4), fill=(40 + (y * 180 // height), 120 + seed * 20, 200 - (y * 150 // height)))
    draw.ellipse((width // 3, height // 4, width * 2 // 3, height * 3 // 4), fill=(230, 180, 40))
    return image


def make_project(root: Path, cmyk_profile: Path | None = None) -> Path:
    images = root / "manuscript" / "images"
    (root / "manuscript" / "articles").mkdir(parents=True)
    images.mkdir()
    gradient16().save(images / "scan16.png")
    rotated = photo(ROTATED_STORED, 1)
    ImageDraw.Draw(rotated).rectangle((0, 0, 120, 120), fill=(255, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6
    rotated.save(images / "rotated.jpg", quality=92, exif=exif)
    logo = Image.new("RGBA", (500, 300), (0, 0, 0, 0))
    ImageDraw.Draw(logo).ellipse((50, 20, 450, 280), fill=(20, 110, 60, 255))
    logo.save(images / "logo.png")
    photo((700, 500), 2).save(images / "plate.tif", compression="tiff_lzw")
    (images / "chart.svg").write_text(SVG, encoding="utf-8")
    profile_line = ""
    if cmyk_profile is not None:
        shutil.copy(cmyk_profile, root / "manuscript" / "printer.icc")
        profile_line = "  output_profile: printer.icc\n"
        source = photo((800, 560), 3)
        transform = ImageCms.buildTransform(ImageCms.createProfile("sRGB"), ImageCms.getOpenProfile(str(cmyk_profile)),
                                            "RGB", "CMYK")
        ImageCms.applyTransform(source, transform).save(images / "cmyk.jpg", quality=90,
                                                         icc_profile=cmyk_profile.read_bytes())
    figures = "\n\n".join(f"![图{i}](../images/{name})\n\n图{i}说明。" for i, name in enumerate(NAMES, 1)
                          if (images / name).exists())
    (root / "manuscript" / "articles" / "pictures.md").write_text(
        f"---\ntitle: 图片\n---\n\n正文。\n\n{figures}\n", encoding="utf-8")
    (root / "manuscript" / "publication.yaml").write_text(
        "title: 图片测试\nlanguage: zh-CN\nslug: pictures\npage:\n  width: 210mm\n  height: 285mm\n"
        f"{profile_line}contents:\n  - pictures\n", encoding="utf-8")
    return root
