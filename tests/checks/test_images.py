"""Images as delivered: every production format and size accepted (under a guard in pixels),
safe SVG with or without a DOCTYPE, what each image is (orientation, mode, profile), and the
pieces of the copies: orientation by transform, 16-bit grey, colour conversions and their measures."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from image_fixture import GHOSTSCRIPT_CMYK, SVG, gradient16
from PIL import Image, ImageCms, ImageOps

from publish.checks import images
from publish.model import Asset, FontFace, ImageInfo
from publish.writers.images import colour, svg
from publish.writers.pdf import rasters


def png_header_only(path: Path, width: int, height: int) -> None:
    """A PNG claiming `width` × `height` pixels, with one IDAT row: a decompression bomb's header."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(b"\0" * (width + 1))) + chunk(b"IEND", b""))


@pytest.mark.parametrize(("suffix", "kind", "media"), [(".tif", "TIFF", "image/tiff"), (".webp", "WEBP", "image/webp"),
                                                       (".gif", "GIF", "image/gif"), (".jpg", "JPEG", "image/jpeg")])
def test_production_formats_are_accepted(tmp_path, suffix, kind, media):
    path = tmp_path / f"x{suffix}"
    Image.new("RGB", (30, 20), (200, 10, 10)).save(path, format=kind)
    assert images.examine(path)[:3] == (media, 30, 20)


def test_the_guard_is_in_pixels_not_bytes(tmp_path):
    big = tmp_path / "big.png"
    png_header_only(big, 20_000, 20_000)  # 400 MP claimed, a few bytes on disk
    with pytest.raises(images.ImageProblem) as refused:
        images.examine(big)
    assert refused.value.code.code == "E203" and "400 MP" in refused.value.message
    camera = tmp_path / "camera.jpg"
    Image.new("RGB", (9000, 6800), (90, 90, 90)).save(camera, quality=50)  # a 61 MP camera file
    assert images.examine(camera)[1:3] == (9000, 6800)
    with pytest.raises(images.ImageProblem):
        images.examine(camera, max_pixels=60_000_000)


def test_many_images_examined_in_threads_answer_as_one_by_one(tmp_path, monkeypatch):
    """inspect examines new images in threads; the answers, the diagnostics (a truncated file
    among sound ones, at each article using it) and Pillow's switches afterwards are as when
    each is examined alone, even with Pillow told to accept truncated files (as WeasyPrint does)."""
    from PIL import ImageFile

    from publish.diagnostics import Report

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    guard = Image.MAX_IMAGE_PIXELS  # Pillow's default, or what an earlier import set
    assets = []
    for index in range(12):
        path = tmp_path / f"p{index}.jpg"
        Image.new("RGB", (40 + index, 30), (index * 20, 90, 90)).save(path)
        assets.append(Asset(path, f"images/{path.name}", tmp_path / f"a{index}.md", index + 1))
    broken = tmp_path / "broken.png"
    Image.new("RGB", (300, 300), (9, 9, 9)).save(broken)
    broken.write_bytes(broken.read_bytes()[:150])
    assets[5:5] = [Asset(broken, "images/broken.png", tmp_path / "x.md", 3)]
    assets.append(Asset(broken, "images/broken.png", tmp_path / "y.md", 7))
    report = Report()
    found = images.inspect(assets, report)
    assert sorted(found) == sorted(f"images/p{i}.jpg" for i in range(12))
    for asset in assets:
        if asset.source != broken:
            assert (found[asset.href].width, found[asset.href].height) == images.examine(asset.source)[1:3]
    assert [(d.code, d.path.name, d.line) for d in report.items] == [("E202", "x.md", 3), ("E202", "y.md", 7)]
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True and guard == Image.MAX_IMAGE_PIXELS


def test_exif_orientation_profile_and_transparency_are_known(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new("RGB", (90, 60)).save(tmp_path / "r.jpg", exif=exif)
    assert images.examine(tmp_path / "r.jpg")[1:] == (60, 90, "RGB", 6, "", False)  # shown portrait
    gradient16().save(tmp_path / "g.png")
    assert images.examine(tmp_path / "g.png")[3] == "I;16"
    Image.new("RGBA", (10, 10)).save(tmp_path / "a.png")
    assert images.examine(tmp_path / "a.png")[-1] is True
    rgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.new("RGB", (10, 10)).save(tmp_path / "p.jpg", icc_profile=rgb)
    assert images.examine(tmp_path / "p.jpg")[5] == "RGB"


def test_svg_with_a_doctype_is_accepted_but_not_with_entities(tmp_path):
    (tmp_path / "ok.svg").write_text(SVG, encoding="utf-8")
    assert images.examine(tmp_path / "ok.svg")[0] == "image/svg+xml"
    (tmp_path / "bad.svg").write_text(SVG.replace('svg11.dtd">', 'svg11.dtd" [<!ENTITY x "y">]>'), encoding="utf-8")
    with pytest.raises(images.ImageProblem) as refused:
        images.examine(tmp_path / "bad.svg")
    assert refused.value.code.code == "E210"


def test_svg_fonts_are_mapped_to_the_bundled_families_and_its_doctype_dropped():
    faces = (FontFace(Path("s.otf"), "Publish Sans", 400), FontFace(Path("r.otf"), "Publish Serif", 400))
    out = svg.for_output(SVG.encode(), faces).decode()
    assert "DOCTYPE" not in out and "YaHei" not in out and "SimSun" not in out and "Arial" not in out
    assert "font-family=\"'Publish Sans'\"" in out  # YaHei, SimHei: sans
    assert "font-family=\"'Publish Serif'\"" in out  # SimSun: 宋体, a serif
    assert "font-family: 'Publish Sans'" in out  # in a style attribute


def test_svg_text_is_in_the_glyph_check_at_its_line_and_column(tmp_path):
    path = tmp_path / "c.svg"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg">\n  <text>增长</text>\n</svg>', encoding="utf-8")
    info = ImageInfo(Asset(path, "images/c.svg"), "image/svg+xml", None, None)
    text = images.svg_texts([info])[path]
    assert text.split("\n")[1].index("增") == 8 and set(text) <= {" ", "\n", "增", "长"}


@pytest.mark.parametrize("orientation", range(1, 9))
def test_the_orientation_transform_shows_what_exif_transpose_shows(orientation):
    """Each stored pixel's centre, through the unit-square transform, lands where Pillow puts it."""
    stored = Image.new("L", (3, 2))
    stored.putdata([10, 20, 30, 40, 50, 60])
    exif = Image.Exif()
    exif[0x0112] = orientation
    stored.info["exif"] = exif.tobytes()
    shown = ImageOps.exif_transpose(stored)
    a, b, c, d, e, f = rasters.matrix(orientation)
    for row in range(2):
        for column in range(3):
            u, v = (column + 0.5) / 3, 1 - (row + 0.5) / 2  # image space: the first row at the top
            x, y = a * u + c * v + e, b * u + d * v + f
            at = (int(x * shown.width), int((1 - y) * shown.height))
            assert shown.getpixel(at) == stored.getpixel((column, row)), (orientation, row, column)


def test_16_bit_grey_keeps_its_high_byte():
    eight = colour.eight_bit(gradient16())
    assert eight.mode == "L" and eight.getpixel((639, 10)) == 255 and eight.getpixel((320, 10)) == 128
    assert eight.getpixel((60, 390)) < eight.getpixel((20, 390)) + 5  # the dark band of the lower third


def cmyk_profile() -> bytes:
    if not GHOSTSCRIPT_CMYK.is_file():
        pytest.skip(f"no CMYK ICC profile at {GHOSTSCRIPT_CMYK} (apt-get install ghostscript)")
    return GHOSTSCRIPT_CMYK.read_bytes()


def test_saturated_rgb_loses_much_in_cmyk_and_greys_do_not():
    target = cmyk_profile()
    green = Image.new("RGB", (64, 64), (0, 255, 0))
    assert colour.conversion_loss(green, None, colour.to_cmyk(green, None, target), target) > 0.9
    grey = Image.new("RGB", (64, 64), (128, 128, 128))
    assert colour.conversion_loss(grey, None, colour.to_cmyk(grey, None, target), target) == 0


def test_total_ink_of_a_rich_black_is_W252_material():
    rich = Image.new("CMYK", (100, 100), (255, 230, 230, 255))  # 100/90/90/100: 380 %
    assert colour.total_ink(rich) == pytest.approx(380, abs=1)
    assert colour.total_ink(Image.new("CMYK", (10, 10), (0, 0, 0, 255))) == pytest.approx(100)


def test_the_press_profile_limits_ink_and_the_preflight_says_so(tmp_path):
    """A rich black delivered as device CMYK passes as it is (W252); converted from RGB it does not."""
    from publish.writers.images.cache import ImageCache
    from publish.writers.images.raster import print_raster

    target = cmyk_profile()
    rich = tmp_path / "rich.jpg"
    Image.new("CMYK", (200, 200), (255, 230, 230, 255)).save(rich, quality=95)
    info = ImageInfo(Asset(rich, "images/rich.jpg"), "image/jpeg", 200, 200, "CMYK")
    raster = print_raster(info, target, ImageCache(tmp_path / "cache"), 300)
    assert raster.main.path == str(rich)  # device CMYK is the printer's: passed through
    assert [code for code, _ in raster.notes] == ["W252"]
    black = tmp_path / "black.png"
    Image.new("RGB", (200, 200), (0, 0, 0)).save(black)
    info = ImageInfo(Asset(black, "images/black.png"), "image/png", 200, 200, "RGB")
    converted = print_raster(info, target, ImageCache(tmp_path / "cache"), 300)
    assert converted.main.colour == "CMYK" and not converted.notes


def test_theme_colours_in_cmyk_text_black_as_k100(tmp_path):
    cmyk_profile()
    css = "html { color: #111; } .x { background: #961e28; border: 1pt solid rgb(85, 85, 85); } #id { color: #fff }"
    out = colour.css_in_cmyk(css, GHOSTSCRIPT_CMYK)
    assert "html { color: device-cmyk(0 0 0 1); }" in out
    assert "#961e28" not in out and "device-cmyk(0 0 0 0.667)" in out and "#id" in out
    assert colour.css_in_cmyk(css, None) == css
