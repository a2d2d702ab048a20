"""The manuscript's raster images in the PDFs, as writers/images/ makes them for each variant.

`declare` (before the layout) makes the print PDF's copy of every image the build uses and
registers it under the id WeasyPrint gives the image (a hash of its URL). images.py's image
class then takes its size from the examination (EXIF orientation applied), draws it with the
orientation as a transform (a JPEG goes in as its own DCT data, never re-encoded to turn it), and
writes its XObject from the copy: the print PDF's, or, within `screen()` or when `for_screen`
swaps them in a shared painting, the screen PDF's (sRGB, at images: screen_ppi as shown).
ICC profiles of images are added as ICCBased colour spaces, once per profile.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...diagnostics import Report, codes
from ...diagnostics.codes import lookup
from ...model import Book, ImageInfo
from ..images.cache import ImageCache
from ..images.colour import cmyk_to_srgb, press_cmyk, space
from ..images.png import COLORS, parse
from ..images.raster import Raster, print_raster, screen_raster
from ..images.svg import for_output

_SPACES = {"RGB": "/DeviceRGB", "L": "/DeviceGray", "CMYK": "/DeviceCMYK"}
_COMPONENTS = {"RGB": 3, "L": 1, "CMYK": 4}
# Where each EXIF orientation puts the stored image's (s, t) (right, down) when shown upright.
_SHOWN = {
    1: lambda s, t: (s, t), 2: lambda s, t: (1 - s, t), 3: lambda s, t: (1 - s, 1 - t), 4: lambda s, t: (s, 1 - t),
    5: lambda s, t: (t, s), 6: lambda s, t: (1 - t, s), 7: lambda s, t: (1 - t, 1 - s), 8: lambda s, t: (t, 1 - s),
}
_variant: contextvars.ContextVar[str] = contextvars.ContextVar("variant", default="print")


@dataclass
class Declared:
    info: ImageInfo
    raster: Raster  # the print PDF's copy
    cache: ImageCache
    ppi: int
    quality: int
    cmyk: bytes | None  # the printer's CMYK profile: for CMYK images without their own, on screen
    shown: float = 0.0  # widest it is drawn, in CSS px
    screens: dict[int, Raster] = field(default_factory=dict)

    def screen(self) -> Raster:
        wide = round(self.shown or (self.info.width or 1))
        if wide not in self.screens:
            made = screen_raster(self.info, wide, self.ppi, self.quality, self.cache, self.cmyk)
            # Line art downsampled is often no smaller (a 4-bit palette becomes 8-bit RGB): then the
            # original serves the screen too, where it is sRGB, grey or a palette already.
            if made.main.kind == "png" and self.raster.main.colour != "CMYK" and self.raster.icc is None and \
                    Path(made.main.path).stat().st_size >= Path(self.raster.main.path).stat().st_size:
                made = self.raster
            self.screens[wide] = made
        return self.screens[wide]


_registry: dict[str, Declared] = {}
_press: list[bytes | None] = [None]  # the printer's CMYK profile of the layout declared last


def image_id(url: str) -> str:
    """The id WeasyPrint's get_image_from_uri gives the image at `url`."""
    return hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()


def declare(book: Book, base_url: str, cache_folder: Path, report: Report) -> dict[str, Path]:
    """Make the print copies of the book's images (and the cover) and register them; the copies'
    preflight notes (W240 gamut, W252 ink) go into `report` at the image's first use. Returns the
    files to serve in place of the originals: the SVGs with their text in the bundled fonts."""
    from PIL import Image

    pub = book.publication
    Image.MAX_IMAGE_PIXELS = pub.images.max_pixels  # the guard checks/images.py applied, in this process too
    intent = pub.page.output_profile.read_bytes() if pub.page.output_profile is not None else None
    cmyk = press_cmyk(intent)
    _press[0] = cmyk
    cache = ImageCache(cache_folder / "images")
    if intent is not None and space(intent) == "CMYK" and cmyk is None:
        assert pub.page.output_profile is not None
        report.add(codes.WRONG_COLOUR_SPACE, f"the output profile {pub.page.output_profile.name} cannot convert "
                   "colours (it has no conversion tables): the images and the theme's colours stay as delivered",
                   pub.manuscript / "publication.yaml", 1, 1, "ask the printer for their full .icc profile")
    infos = list(book.images.values()) + ([book.cover] if book.cover is not None else [])
    _registry.clear()
    served = {}
    for info in infos:
        if info.media_type == "image/svg+xml":
            served[info.asset.href] = svg_copy(info, book, cache, cmyk)
            continue
        raster = print_raster(info, cmyk or (intent if space(intent) != "CMYK" else None), cache, pub.images.total_ink)
        for code, message in raster.notes:
            found = lookup(code)
            if found is not None:
                report.add(found, message, info.asset.used_in, info.asset.line, 1)
        if cmyk is None and raster.main.colour == "CMYK" and raster.icc is None:
            report.add(codes.WRONG_COLOUR_SPACE, f"{info.asset.source.name} goes into the print PDF as device CMYK "
                       "under an RGB output intent", info.asset.used_in, info.asset.line, 1,
                       "give the printer's CMYK profile as page: output_profile, or supply the image in RGB")
        _registry[image_id(base_url + info.asset.href)] = Declared(info, raster, cache, pub.images.screen_ppi,
                                                                    pub.images.jpeg_quality, cmyk)
    return served


def svg_copy(info: ImageInfo, book: Book, cache: ImageCache, cmyk: bytes | None) -> Path:
    """The PDF's SVG: text in the bundled fonts, colours in the printer's CMYK if one is given."""
    stem = cache.name(info.asset.source, "pdf-svg", [[f.family for f in book.faces],
                                                     cache.digest_bytes(cmyk) if cmyk else None])
    path = cache.path(stem, ".svg")
    if not path.is_file():
        cache.write(stem, {}, {".svg": for_output(info.asset.source.read_bytes(), book.faces, cmyk)})
    return path


def declared(identifier: str) -> Declared | None:
    return _registry.get(identifier)


def set_up(image: Any, identifier: str, found: Declared, cache: dict | None) -> None:
    """Give a WeasyPrint image what the rest of WeasyPrint asks of it, from the examination."""
    image.id = identifier
    image._cache = {} if cache is None else cache
    image._jpeg_quality, image._dpi = None, None
    image.width, image.height = found.info.width or 1, found.info.height or 1
    image.ratio = image.width / image.height
    image.mode, image.format = found.raster.main.colour, "JPEG" if found.raster.main.kind == "jpeg" else "PNG"
    image.optimize, image.invert_colors = False, False


def draw(image: Any, stream: Any, concrete_width: float, concrete_height: float, style: Any) -> None:
    if image.width <= 0 or image.height <= 0:
        return
    found: Declared = image._declared
    # The width as shown, in CSS px (WeasyPrint's ctm is in points).
    found.shown = max(found.shown, abs(concrete_width * stream.ctm[0][0]) * 4 / 3)
    name = stream.add_image(image, style["image_rendering"] == "auto", 1)
    stream.transform(concrete_width, 0, 0, -concrete_height, 0, concrete_height)
    orientation = found.raster.orientation
    if orientation != 1:
        stream.transform(*matrix(orientation))
    stream.draw_x_object(name)


def matrix(orientation: int) -> tuple[float, ...]:
    """The transform, in the unit square an image is drawn in (x right, y up), that shows the
    stored image as EXIF `orientation` says it is seen."""
    def shown(u: float, v: float) -> tuple[float, float]:
        x, y = _SHOWN[orientation](u, 1 - v)  # image space (u, v) is the stored (s, 1 - t)
        return x, 1 - y

    e, f = shown(0, 0)
    a, b = (p - q for p, q in zip(shown(1, 0), (e, f)))
    c, d = (p - q for p, q in zip(shown(0, 1), (e, f)))
    return a, b, c, d, e, f


def x_object(image: Any, interpolate: bool) -> Any:
    found: Declared = image._declared
    raster = found.raster if _variant.get() == "print" else found.screen()
    return stream_of(raster, interpolate)


def stream_of(raster: Raster, interpolate: bool) -> Any:
    import pydyf

    main = raster.main
    data = Path(main.path).read_bytes()
    extra = pydyf.Dictionary({
        "Type": "/XObject", "Subtype": "/Image", "Width": main.width, "Height": main.height,
        "ColorSpace": _SPACES[main.colour], "BitsPerComponent": main.bits,
        "Interpolate": "true" if interpolate else "false",
    })
    if main.kind == "jpeg":
        extra["Filter"] = "/DCTDecode"
        if main.invert:
            extra["Decode"] = pydyf.Array((1, 0) * 4)
    elif main.kind == "png":
        png = parse(data)
        if png is None:
            raise ValueError(f"{main.path} changed since it was examined")
        data = png["idat"]
        extra["Filter"] = "/FlateDecode"
        extra["BitsPerComponent"] = png["depth"]
        extra["DecodeParms"] = pydyf.Dictionary({"Predictor": 15, "Colors": COLORS[png["colour"]],
                                                 "BitsPerComponent": png["depth"], "Columns": main.width})
        if png["palette"] is not None:
            palette = png["palette"]
            extra["ColorSpace"] = pydyf.Array(("/Indexed", "/DeviceRGB", len(palette) // 3 - 1,
                                               b"<" + palette.hex().encode() + b">"))
    else:
        extra["Filter"] = "/FlateDecode"
    if raster.mask is not None:
        mask = stream_of(Raster(raster.mask), interpolate)
        extra["SMask"] = mask
    result = pydyf.Stream([data], extra)
    result._publish_icc = raster.icc if raster.icc and main.colour in _COMPONENTS and \
        "/Indexed" not in str(extra["ColorSpace"]) else None
    return result


@contextlib.contextmanager
def screen() -> Iterator[None]:
    """Within the block, images are written as the screen PDF's copies, and the colours the
    layout has in the printer's CMYK (the theme's, the SVGs') are painted in sRGB again."""
    from tinycss2.color5 import Color
    from weasyprint.pdf.stream import Stream

    token = _variant.set("screen")
    stock = Stream.set_color
    press = _press[0]

    def set_color(self, color, stroke=False):
        if press is not None and getattr(color, "space", None) == "device-cmyk":
            color = Color("srgb", cmyk_to_srgb(tuple(color.coordinates), press), color.alpha)
        return stock(self, color, stroke)

    Stream.set_color = set_color
    try:
        yield
    finally:
        Stream.set_color = stock
        _variant.reset(token)


@contextlib.contextmanager
def for_screen(pdf: Any) -> Iterator[list[int]]:
    """Within the block, the painting's image objects are the screen PDF's copies (a painting
    shared by both variants: variants.write_screen); then the print ones again. Yields the
    numbers of the objects replaced (assemble.py swaps the same ones in the joined PDF)."""
    swapped = []
    count = len(pdf.objects)
    try:
        for x_object, found, interpolate in getattr(pdf, "_publish_images", {}).values():
            number = x_object.number
            if number is None or found.raster == found.screen():
                continue
            fresh = stream_of(found.screen(), interpolate)
            if "SMask" in fresh.extra:
                pdf.add_object(fresh.extra["SMask"])
                fresh.extra["SMask"] = fresh.extra["SMask"].reference
            fresh.number, fresh.generation = number, 0
            swapped.append((number, pdf.objects[number]))
            pdf.objects[number] = fresh
        yield [number for number, _ in swapped]
    finally:
        for number, original in swapped:
            pdf.objects[number] = original
        del pdf.objects[count:]


def install() -> None:
    """Wrap WeasyPrint's _use_references, where image XObjects are added to the PDF: record the
    manuscript's (for `for_screen`) and give those with a profile their ICCBased colour space."""
    import pydyf
    from weasyprint import pdf as weasy_pdf

    stock = weasy_pdf._use_references

    def _use_references(pdf, resources, images, color_profiles):
        stock(pdf, resources, images, color_profiles)
        recorded = pdf.__dict__.setdefault("_publish_images", {})
        profiles = pdf.__dict__.setdefault("_publish_profiles", {})
        for key in resources.get("XObject", {}):
            entry = images.get(key)
            if not entry or entry.get("x_object") is None or getattr(entry["image"], "_declared", None) is None:
                continue
            x_object = entry["x_object"]
            if id(x_object) in recorded:
                continue
            recorded[id(x_object)] = (x_object, entry["image"]._declared, entry["interpolate"])
            icc = getattr(x_object, "_publish_icc", None)
            if icc:
                digest = hashlib.sha256(icc).hexdigest()
                if digest not in profiles:
                    stream = pydyf.Stream([icc], pydyf.Dictionary({"N": _COMPONENTS[space(icc).replace(
                        "GRAY", "L")]}), compress=True)
                    pdf.add_object(stream)
                    profiles[digest] = stream.reference
                x_object.extra["ColorSpace"] = pydyf.Array(("/ICCBased", profiles[digest]))

    weasy_pdf._use_references = _use_references
