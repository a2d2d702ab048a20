"""Embed PNG images in the PDF without decoding and re-encoding them.

WeasyPrint 70 decodes every PNG it draws and compresses it again, twice: RasterImage
converts palette and 1-bit images to RGB and saves them as a new PNG, then get_x_object
decodes that PNG and saves it once more only to pull out its IDAT chunks. For the
sample manuscript's 43 palette PNGs of 2100 px this is about 10 s of a 25 s PDF build,
for each PDF variant. Yet the IDAT data of a non-interlaced PNG already is what a PDF
FlateDecode image with a PNG predictor (/DecodeParms << /Predictor 15 ... >>) expects,
and a PNG palette maps onto an /Indexed colour space, so such files can be copied into
the PDF as they are (img2pdf does the same for lossless embedding).

`install()` replaces `weasyprint.images.RasterImage`, which `get_image_from_uri` looks
up at call time, by a subclass that does this for the PNGs where the copy is exact and
leaves every other image (JPEG, alpha, tRNS, 16 bit, interlaced, EXIF orientation,
optimize_images, jpeg_quality, dpi downscaling) to WeasyPrint's own code. It touches
WeasyPrint internals: the version is pinned in pyproject.toml and
tests/pdf/test_png_passthrough.py fails if an upgrade breaks it.
"""

from __future__ import annotations

import struct
import zlib
from io import BytesIO
from typing import Any

from .engine import check_version

SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Colour type -> PDF colour components; only the types without an alpha channel.
_COLORS = {0: 1, 2: 3, 3: 1}
# 16 bit would copy as well (PNG and PDF are both big-endian), but stays with stock code,
# which writes 16-bit gray wrongly (declared 8-bit RGB): fixing that is a decision of its own.
_DEPTHS = {0: (1, 2, 4, 8), 2: (8,), 3: (1, 2, 4, 8)}
_installed = False


def _hex(data: bytes) -> bytes:
    # pydyf.String would write a literal string, where a bare CR in a palette entry is
    # read back as LF (PDF 32000 7.3.4.2); pydyf writes bytes in an array verbatim.
    return b"<" + data.hex().encode() + b">"


def parse(data: bytes) -> dict | None:
    """IHDR fields, palette and IDAT bytes of a PNG that can be copied as is, else None."""
    if not data.startswith(SIGNATURE):
        return None
    pos, header, palette, idat = len(SIGNATURE), None, None, []
    while pos + 12 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, pos)
        body = data[pos + 8:pos + 8 + length]
        crc = data[pos + 8 + length:pos + 12 + length]
        # A damaged file goes to Pillow, which knows how to be lenient with it.
        if len(body) != length or len(crc) != 4 or zlib.crc32(kind + body) != struct.unpack(">I", crc)[0]:
            return None
        if header is None and kind != b"IHDR":
            return None
        if kind == b"IHDR":
            if header is not None or length != 13:
                return None
            header = dict(zip(("width", "height", "depth", "colour", "compression", "filter", "interlace"),
                              struct.unpack(">IIBBBBB", body)))
        elif kind == b"PLTE":
            palette = body
        elif kind == b"IDAT":
            idat.append(body)
        elif kind in (b"tRNS", b"eXIf"):
            # Transparency needs a soft mask, EXIF may rotate the image: WeasyPrint's job.
            return None
        elif kind == b"IEND":
            break
        pos += 12 + length
    else:
        return None
    if (header is None or not idat or header["colour"] not in _COLORS
            or header["depth"] not in _DEPTHS[header["colour"]]
            or (header["compression"], header["filter"], header["interlace"]) != (0, 0, 0)
            or not header["width"] or not header["height"]):
        return None
    if header["colour"] == 3 and (palette is None or not 3 <= len(palette) <= 768 or len(palette) % 3):
        return None
    header["palette"] = palette if header["colour"] == 3 else None
    header["idat"] = b"".join(idat)
    return header


def install() -> None:
    """Patch WeasyPrint once per process; idempotent."""
    global _installed
    if _installed:
        return
    import pydyf
    import weasyprint
    from PIL import Image
    from weasyprint import images

    check_version("PNG passthrough")

    stock: Any = images.RasterImage

    class PassthroughImage(stock):
        def __init__(self, pillow_image, image_id, image_data, filename=None, cache=None,
                     orientation="none", options=weasyprint.DEFAULT_OPTIONS):
            png = None
            if (image_data is not None and orientation in ("none", "from-image")
                    and not options["optimize_images"] and options["jpeg_quality"] is None
                    # Pillow also takes EXIF from text chunks and transparency from tRNS.
                    and "exif" not in pillow_image.info and "transparency" not in pillow_image.info):
                png = parse(image_data)
            if png is None:
                self._png = None
                super().__init__(pillow_image, image_id, image_data, filename, cache, orientation, options)
                return
            # Not the IDAT bytes: they are read again from image_data when the PDF is written,
            # so that the file (which WeasyPrint may keep only as a path) is not held twice.
            del png["idat"]
            self._png = png
            self._stock_arguments = (image_id, filename, cache, orientation, options)
            self.id = image_id
            self._cache = {} if cache is None else cache
            self._jpeg_quality = None
            self._dpi = options["dpi"]
            # The mode stock code would have given the image: Pillow opens 1-bit gray as "1", which
            # WeasyPrint converts to RGB like a palette.
            self.mode = "L" if png["colour"] == 0 and png["depth"] > 1 else "RGB"
            self.width, self.height = png["width"], png["height"]
            self.ratio = self.width / self.height
            self.optimize = False
            self.invert_colors = False
            self.format = "PNG"
            self.image_data = self.cache_image_data(image_data, filename)

        def get_x_object(self, interpolate, dpi_ratio):
            data = None if self._png is None else self.image_data.data
            png = None if data is None else parse(data)
            # Downscaling decodes anyway; and a file rewritten since layout is not to be trusted.
            if data is not None and (dpi_ratio != 1 or png is None
                                     or any(png[key] != value for key, value in (self._png or {}).items())):
                # Become a stock image, as if never patched.
                image_id, filename, cache, orientation, options = self._stock_arguments
                self._png = None
                stock.__init__(self, Image.open(BytesIO(data)), image_id, data, filename, cache, orientation,
                               options)
            if self._png is None or png is None:
                return super().get_x_object(interpolate, dpi_ratio)
            colors = _COLORS[png["colour"]]
            if png["palette"] is not None:
                palette = png["palette"]
                color_space = pydyf.Array(("/Indexed", "/DeviceRGB", len(palette) // 3 - 1, _hex(palette)))
            else:
                color_space = "/DeviceGray" if colors == 1 else "/DeviceRGB"
            extra = pydyf.Dictionary({
                "Type": "/XObject",
                "Subtype": "/Image",
                "Width": self.width,
                "Height": self.height,
                "ColorSpace": color_space,
                "BitsPerComponent": png["depth"],
                "Interpolate": "true" if interpolate else "false",
                "Filter": "/FlateDecode",
                # Predictor 15: each row starts with its own PNG filter type byte, as in IDAT.
                "DecodeParms": pydyf.Dictionary({
                    "Predictor": 15, "Colors": colors, "BitsPerComponent": png["depth"], "Columns": self.width,
                }),
            })
            return pydyf.Stream([self.cache_image_data(png["idat"], slot="stream")], extra)

    images.RasterImage = PassthroughImage
    _installed = True
