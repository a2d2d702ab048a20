"""Images into the PDF as publish makes them: the manuscript's by rasters.py (each variant's
copy, writers/images/), and any other PNG without decoding and re-encoding it.

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

from io import BytesIO
from typing import Any

from ..images.png import COLORS as _COLORS
from ..images.png import parse as png_parse
from . import rasters
from .engine import check_version

# Images the build did not declare (none in a manuscript's pages; a test's) keep the stock 16-bit path.
_DEPTHS = {0: (1, 2, 4, 8), 2: (8,), 3: (1, 2, 4, 8)}
_installed = False


def _hex(data: bytes) -> bytes:
    # pydyf.String would write a literal string, where a bare CR in a palette entry is
    # read back as LF (PDF 32000 7.3.4.2); pydyf writes bytes in an array verbatim.
    return b"<" + data.hex().encode() + b">"


def parse(data: bytes) -> dict | None:
    """A PNG that can be copied as is, and that the stock path would have written as 8 bits."""
    png = png_parse(data)
    return png if png is not None and png["depth"] in _DEPTHS[png["colour"]] else None


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
            self._declared = rasters.declared(image_id)
            if self._declared is not None:  # an image of the manuscript: its copies are writers/images/'
                rasters.set_up(self, image_id, self._declared, cache)
                self._png = None
                return
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

        def draw(self, stream, concrete_width, concrete_height, style):
            if self._declared is None:
                return super().draw(stream, concrete_width, concrete_height, style)
            return rasters.draw(self, stream, concrete_width, concrete_height, style)

        def get_x_object(self, interpolate, dpi_ratio):
            if self._declared is not None:
                return rasters.x_object(self, interpolate)
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
    rasters.install()
    _installed = True
