"""PNG passthrough (publish/pdf/images.py): eligible PNGs reach the PDF as their own IDAT bytes and
decode to the same pixels; every other image is written exactly as stock WeasyPrint writes it."""

from __future__ import annotations

import io
import random
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pikepdf
import pytest
import weasyprint
from PIL import Image, ImageOps
from weasyprint import images as weasyprint_images

from publish.writers.pdf import images

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def stock_class():
    return next(cls for cls in weasyprint_images.RasterImage.__mro__ if cls.__module__ == "weasyprint.images")


def chunks(data: bytes):
    pos = len(SIGNATURE)
    while pos < len(data):
        length, kind = struct.unpack_from(">I4s", data, pos)
        yield kind, data[pos + 8:pos + 8 + length]
        pos += 12 + length


def idat(path: Path) -> bytes:
    return b"".join(body for kind, body in chunks(path.read_bytes()) if kind == b"IDAT")


def noise(mode: str, size=(41, 23), values=256, seed=7):
    """Patterned noise: compressible, so deflate levels give different streams."""
    if mode == "1":
        return noise("L", size, 2, seed).point(lambda value: 255 * value).convert("1", dither=Image.Dither.NONE)
    rng = random.Random(seed)
    bands = len(Image.new(mode, (1, 1)).getbands())
    width = 2 if mode == "I;16" else 1
    return Image.frombytes(mode, size, b"".join(
        (rng.randrange(values) if (x // 3 + y) % 4 else (x * 5) % values).to_bytes(width, "little")
        for y in range(size[1]) for x in range(size[0]) for _ in range(bands)))


def palette(colours: list[tuple[int, int, int]], size=(41, 23)):
    image = noise("P", size, values=len(colours))
    image.putpalette([channel for colour in colours for channel in colour])
    return image


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def interlaced_gray(path: Path, source: Image.Image) -> None:
    """Pillow does not write Adam7 PNGs: build one (8-bit gray, filter 0 on every row)."""
    width, height = source.size
    pixels = source.load()
    raw = b""
    for x0, y0, dx, dy in ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
                           (0, 1, 1, 2)):
        for y in range(y0, height, dy):
            row = bytes(pixels[x, y] for x in range(x0, width, dx))
            if row:
                raw += b"\0" + row
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 1)
    path.write_bytes(SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


# Saved with deflate level 9, unlike the level 6 that WeasyPrint's re-encoding uses, so that a stream equal
# to the source IDAT can only have been copied. The 5-colour palette holds CR, "(" and "\" bytes, which a
# literal PDF string would mangle.
ELIGIBLE = {
    "palette8": lambda: palette([(i, 255 - i, (7 * i) % 256) for i in range(200)]),
    "palette4": lambda: palette([(0, 0, 0), (13, 13, 13), (255, 40, 92), (10, 200, 13), (92, 40, 41)]),
    "palette2": lambda: palette([(250, 250, 240), (30, 60, 90), (200, 10, 10)]),
    "palette1": lambda: palette([(255, 255, 255), (0, 90, 160)]),
    "gray8": lambda: noise("L"),
    "gray4": lambda: (noise("L"), {"bits": 4}),
    "gray1": lambda: noise("1"),
    "rgb8": lambda: noise("RGB"),
}


def save(tmp_path: Path, name: str, factory) -> Path:
    made = factory()
    image, extra = made if isinstance(made, tuple) else (made, {})
    path = tmp_path / f"{name}.png"
    image.save(path, compress_level=9, **extra)
    return path


def render(tmp_path: Path, file_name: str, *, stock=False, style="", monkeypatch=None, **options) -> bytes:
    images.install()
    if stock:
        monkeypatch.setattr(weasyprint_images, "RasterImage", stock_class())
    html = f'<style>@page {{ size: 200px; margin: 0 }}</style><img src="{file_name}" style="{style}">'
    try:
        return weasyprint.HTML(string=html, base_url=str(tmp_path)).write_pdf(**options)
    finally:
        if stock:
            monkeypatch.undo()


def embedded(pdf_bytes: bytes, decode=True):
    """The one image XObject of the PDF: (stream dictionary without /Length, raw bytes, decoded RGB)."""
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    (obj,) = [obj for obj in pdf.pages[0].Resources.XObject.values() if obj.Subtype == "/Image"]
    dictionary = {key: repr(value) for key, value in obj.stream_dict.items() if key != "/Length"}
    decoded = pikepdf.PdfImage(obj).as_pil_image().convert("RGB") if decode else None
    return dictionary, obj.read_raw_bytes(), decoded


def same_pixels(a: Image.Image, b: Image.Image) -> bool:
    return a.size == b.size and a.convert("RGB").tobytes() == b.convert("RGB").tobytes()


def test_install_is_idempotent_and_replaces_the_raster_image_class():
    images.install()
    installed = weasyprint_images.RasterImage
    images.install()
    assert weasyprint_images.RasterImage is installed
    assert installed.__module__ == images.__name__
    assert stock_class() in installed.__mro__


@pytest.mark.parametrize("name", ELIGIBLE)
def test_eligible_png_is_copied_and_decodes_to_the_source_pixels(tmp_path, monkeypatch, name):
    source = save(tmp_path, name, ELIGIBLE[name])
    header = dict(zip(("width", "height", "depth", "colour"),
                      struct.unpack(">IIBB", dict(chunks(source.read_bytes()))[b"IHDR"][:10])))
    dictionary, raw, decoded = embedded(render(tmp_path, source.name))
    assert raw == idat(source)
    assert dictionary["/BitsPerComponent"] == str(header["depth"])
    assert dictionary["/DecodeParms"].count("/Predictor") == 1
    if header["colour"] == 3:
        assert "/Indexed" in dictionary["/ColorSpace"]
    assert same_pixels(decoded, Image.open(source))
    # The stock code draws the same picture from a re-encoded stream: the equality above is a real test.
    _, stock_raw, stock_decoded = embedded(render(tmp_path, source.name, stock=True, monkeypatch=monkeypatch))
    assert stock_raw != raw
    assert same_pixels(stock_decoded, decoded)


def fallback_cases(tmp_path: Path) -> dict:
    """name -> (file, expected pixels or None, render options)."""
    cases = {}
    rgba = noise("RGBA")
    rgba.save(tmp_path / "rgba.png", compress_level=9)
    cases["rgba"] = ("rgba.png", Image.open(tmp_path / "rgba.png"), {})
    trns = palette([(0, 0, 0), (13, 13, 13), (255, 40, 92)])
    trns.save(tmp_path / "trns.png", transparency=1, compress_level=9)
    cases["palette-trns"] = ("trns.png", Image.open(tmp_path / "trns.png"), {})
    # WeasyPrint 70 declares Pillow's "I;16" mode as 8-bit RGB over 16-bit gray data, which does not even
    # decode; the passthrough leaves it so (only the identity with the stock output is checked).
    noise("I;16", values=65536).save(tmp_path / "gray16.png", compress_level=9)
    cases["gray16"] = ("gray16.png", None, {})
    interlaced_gray(tmp_path / "adam7.png", noise("L"))
    cases["interlaced"] = ("adam7.png", Image.open(tmp_path / "adam7.png"), {})
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    palette([(0, 0, 0), (200, 30, 30), (30, 200, 30)]).save(tmp_path / "exif.png", exif=exif, compress_level=9)
    cases["exif"] = ("exif.png", ImageOps.exif_transpose(Image.open(tmp_path / "exif.png")), {})
    save(tmp_path, "optimize", ELIGIBLE["palette4"])
    cases["optimize"] = ("optimize.png", Image.open(tmp_path / "optimize.png"), {"optimize_images": True})
    save(tmp_path, "quality", ELIGIBLE["rgb8"])
    cases["jpeg-quality"] = ("quality.png", Image.open(tmp_path / "quality.png"), {"jpeg_quality": 80})
    # 41 px drawn 20 px wide is about 197 dpi: with dpi=96 WeasyPrint downsamples it.
    save(tmp_path, "downscaled", ELIGIBLE["palette4"])
    cases["dpi"] = ("downscaled.png", None, {"dpi": 96, "style": "width: 20px"})
    Image.open(tmp_path / "optimize.png").convert("RGB").save(tmp_path / "photo.jpg", quality=95)
    cases["jpeg"] = ("photo.jpg", None, {})
    return cases


@pytest.mark.parametrize("name", ["rgba", "palette-trns", "gray16", "interlaced", "exif", "optimize",
                                  "jpeg-quality", "dpi", "jpeg"])
def test_other_images_are_written_as_stock_weasyprint_writes_them(tmp_path, monkeypatch, name):
    file_name, expected, options = fallback_cases(tmp_path)[name]
    decode = name != "gray16"
    dictionary, raw, decoded = embedded(render(tmp_path, file_name, **options), decode)
    stock_dictionary, stock_raw, _ = embedded(render(tmp_path, file_name, stock=True, monkeypatch=monkeypatch,
                                                     **options), decode=False)
    assert (dictionary, raw) == (stock_dictionary, stock_raw)
    if file_name.endswith(".png"):
        assert raw != idat(tmp_path / file_name)
    if expected is not None:
        assert same_pixels(decoded, expected)
    if name == "dpi":
        assert decoded.width < Image.open(tmp_path / file_name).width


@pytest.mark.parametrize("variant", ["pdf/ua-1", "pdf/x-4"])
def test_pdf_variants_pass_qpdf_and_poppler_decodes_the_palette(tmp_path, variant):
    for tool in ("qpdf", "pdfimages"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    source = save(tmp_path, "palette4", ELIGIBLE["palette4"])
    pdf = tmp_path / "out.pdf"
    pdf.write_bytes(render(tmp_path, source.name, pdf_variant=variant))
    check = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors" in check.stdout
    # Poppler, a decoder other than qpdf (under pikepdf), reads the same pixels.
    subprocess.run(["pdfimages", "-png", str(pdf), str(tmp_path / "extracted")], check=True)
    (extracted,) = tmp_path.glob("extracted-*.png")
    assert same_pixels(Image.open(extracted), Image.open(source))


def test_a_file_changed_after_layout_falls_back_instead_of_writing_a_stale_header(tmp_path):
    source = save(tmp_path, "changing", ELIGIBLE["palette4"])
    images.install()
    document = weasyprint.HTML(string=f'<img src="{source.name}">', base_url=str(tmp_path)).render()
    save(tmp_path, "changing", ELIGIBLE["rgb8"])  # same size, other colour type
    _, raw, decoded = embedded(document.write_pdf())
    assert raw != idat(source)
    assert decoded.size == Image.open(source).size


@pytest.mark.parametrize("name", ELIGIBLE)
def test_copied_images_describe_themselves_as_stock_images_do(tmp_path, name):
    source = save(tmp_path, name, ELIGIBLE[name])
    images.install()
    made = []
    for cls in (weasyprint_images.RasterImage, stock_class()):
        data = source.read_bytes()
        image = cls(Image.open(io.BytesIO(data)), "id", data, str(source), {}, "from-image",
                    weasyprint.DEFAULT_OPTIONS)
        made.append({attribute: getattr(image, attribute) for attribute in (
            "id", "width", "height", "ratio", "mode", "format", "optimize", "invert_colors", "_dpi",
            "_jpeg_quality")} | {"size": image.get_intrinsic_size(1, 16)})
    assert made[0] == made[1]
