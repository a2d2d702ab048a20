"""Colour management for the images' copies, with Pillow's ImageCms (LittleCMS): any embedded
profile or CMYK → sRGB for the screens, sRGB or the embedded profile → the printer's CMYK for
the press, and two measures a printer's preflight makes: how far a conversion moves colours
(out of gamut) and the total ink of a CMYK image."""

from __future__ import annotations

import functools
import io
import math
import re
from typing import Any

SAMPLE = 48  # pixels a side of the thumbnails the measures look at: coarse, as a preflight is


@functools.lru_cache(maxsize=1)
def srgb() -> Any:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@functools.lru_cache(maxsize=1)
def _lab() -> Any:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB", 6500))


@functools.lru_cache(maxsize=16)
def profile(data: bytes) -> Any:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(io.BytesIO(data))


@functools.lru_cache(maxsize=4)
def convertible(icc: bytes) -> bool:
    """Whether LittleCMS can convert sRGB to the profile and back (a profile of a header and a
    name only, as some PDF/X tools make, names a colour space but cannot convert into it)."""
    from PIL import ImageCms

    try:
        _transform(None, icc, ("RGB", "CMYK"), int(ImageCms.Intent.PERCEPTUAL))
        _transform(icc, None, ("CMYK", "RGB"), int(ImageCms.Intent.PERCEPTUAL))
    except (ImageCms.PyCMSError, OSError, ValueError):
        return False
    return True


def press_cmyk(icc: bytes | None) -> bytes | None:
    """The printer's profile, if it is a CMYK one that converts: what the copies are made in."""
    return icc if icc is not None and space(icc) == "CMYK" and convertible(icc) else None


def space(icc: bytes | None) -> str:
    """The colour space an ICC profile's header names: "RGB", "CMYK", "GRAY" ("" if none)."""
    return icc[16:20].decode("latin-1").strip() if icc and len(icc) >= 20 else ""


@functools.lru_cache(maxsize=64)
def _transform(source: bytes | None, target: bytes | None, modes: tuple[str, str], intent: int) -> Any:
    from PIL import ImageCms

    flags = ImageCms.Flags.BLACKPOINTCOMPENSATION
    return ImageCms.buildTransform(profile(source) if source else srgb(), profile(target) if target else srgb(),
                                   modes[0], modes[1], renderingIntent=ImageCms.Intent(intent), flags=flags)


def _intent(icc: bytes | None) -> int:
    """The rendering intent the source profile asks for (perceptual if it says nothing)."""
    from PIL import ImageCms

    if not icc:
        return int(ImageCms.Intent.PERCEPTUAL)
    try:
        return int(ImageCms.getDefaultIntent(profile(icc)))
    except ImageCms.PyCMSError:
        return int(ImageCms.Intent.PERCEPTUAL)


def eight_bit(image: Any) -> Any:
    """16-bit grey ("I;16", "I") in 8 bits, each sample's high byte (Pillow's convert("L") clips at 255)."""
    from PIL import Image

    if image.mode in ("I;16", "I;16L", "I;16N", "I;16B", "I"):
        if image.mode != "I;16":
            image = image.convert("I;16") if image.mode != "I" else image.point(lambda v: v).convert("I;16")
        return Image.frombytes("L", image.size, image.tobytes("raw", "I;16"), "raw", "L;16")
    if image.mode == "F":
        return image.convert("L")
    return image


def split_alpha(image: Any) -> tuple[Any, Any | None]:
    """(colour, alpha or None) in modes the outputs carry: RGB, L or CMYK, with an L mask."""
    image = eight_bit(image)
    if image.mode == "P" or image.mode == "1":
        image = image.convert("RGBA" if "transparency" in image.info else ("L" if image.mode == "1" else "RGB"))
    if image.mode in ("L", "RGB") and "transparency" in image.info:
        image = image.convert("LA" if image.mode == "L" else "RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        alpha = image.getchannel("A")
        colour = image.convert("L" if image.mode in ("LA", "La") else "RGB")
        if alpha.getextrema()[0] == 255:  # an alpha channel that hides nothing
            alpha = None
        return colour, alpha
    if image.mode not in ("L", "RGB", "CMYK"):
        image = image.convert("RGB")
    return image, None


def to_srgb(image: Any, icc: bytes | None, cmyk_fallback: bytes | None = None) -> Any:
    """An L/RGB/CMYK image in sRGB (L stays grey): from its profile, or for CMYK without one, from
    `cmyk_fallback` (the printer's profile) or Pillow's generic rule."""
    if image.mode == "L":
        return image
    source = icc if space(icc) == {"RGB": "RGB", "CMYK": "CMYK"}[image.mode] else None
    if image.mode == "CMYK" and source is None:
        if cmyk_fallback is None:
            return image.convert("RGB")
        source = cmyk_fallback
    if source is None:
        return image  # RGB without a profile: sRGB by convention
    from PIL import ImageCms

    return ImageCms.applyTransform(image, _transform(source, None, (image.mode, "RGB"), _intent(source)))


def to_cmyk(image: Any, icc: bytes | None, target: bytes) -> Any:
    """An RGB or CMYK image (its profile `icc`, sRGB if none) in the printer's CMYK `target`."""
    from PIL import ImageCms

    source = icc if space(icc) == {"RGB": "RGB", "CMYK": "CMYK"}.get(image.mode) else None
    if image.mode == "CMYK" and source is None:
        return image  # device CMYK: taken as the printer's already
    return ImageCms.applyTransform(image, _transform(source, target, (image.mode, "CMYK"), _intent(source)))


@functools.lru_cache(maxsize=16)
def _to_lab(icc: bytes | None, mode: str) -> Any:
    from PIL import ImageCms

    return ImageCms.buildTransform(profile(icc) if icc else srgb(), _lab(), mode, "LAB",
                                   renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)


def _lab_of(image: Any, icc: bytes | None) -> list[tuple[float, float, float]]:
    from PIL import ImageCms

    lab: Any = ImageCms.applyTransform(image, _to_lab(icc, image.mode))
    # Pillow's LAB: L 0-255 for 0-100, a and b as signed bytes stored unsigned.
    return [(px[0] * 100 / 255, (px[1] + 128) % 256 - 128, (px[2] + 128) % 256 - 128)
            for px in lab.get_flattened_data()]


def conversion_loss(image: Any, icc: bytes | None, converted: Any, target: bytes, alpha: Any = None) -> float:
    """The share of the visible pixels (0-1) that the conversion moves by more than ΔE 10 (CIE76):
    colours the press cannot print, seen on a thumbnail. Both sides are seen relative to their
    white and with black point compensation, as the conversion made them, so that paper white
    and the press's black count as no loss."""
    from PIL import ImageCms

    size = (SAMPLE, max(1, round(SAMPLE * image.height / image.width)))
    source = icc if space(icc) == {"RGB": "RGB", "CMYK": "CMYK"}.get(image.mode) else None
    before = _lab_of(image.resize(size), source)
    back = ImageCms.applyTransform(converted.resize(size), _transform(target, source if image.mode == "RGB" else None,
                                                                      ("CMYK", "RGB"), _intent(source)))
    after = _lab_of(back, source if image.mode == "RGB" else None)
    shown = list(alpha.resize(size).get_flattened_data()) if alpha is not None else [255] * len(before)
    visible = [(x, y) for x, y, a in zip(before, after, shown) if a >= 128]
    far = sum(1 for x, y in visible if math.dist(x, y) > 10)
    return far / max(1, len(visible))


def total_ink(image: Any) -> float:
    """The most ink (C+M+Y+K, in %) of a CMYK image over any small area (a thumbnail's pixel)."""
    size = (SAMPLE * 4, max(1, round(SAMPLE * 4 * image.height / image.width)))
    small = image.resize(size, reducing_gap=2.0) if image.width > size[0] else image
    return max((sum(px) for px in small.get_flattened_data()), default=0) * 100 / 255


# Custom properties too: the theme's colours are --accent, --tint, --paper (theme/print.css).
_DECLARATION = re.compile(r"(?<![\w-])((?:--[\w-]+|[\w-]*(?:color|background|border|outline|fill|stroke|shadow|"
                          r"decoration)[\w-]*)\s*:\s*)([^;{}]+)", re.I)
_COLOUR = re.compile(r"#([0-9a-f]{6}|[0-9a-f]{3})\b"
                     r"|\brgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)\s*(?:[,/]\s*([\d.]+%?)\s*)?\)",
                     re.I)
_NAMED = {"black": (0, 0, 0), "white": (255, 255, 255)}
TEXT_BLACK = 0x33  # neutral greys as dark as this are text black: K100, never a rich black


def cmyk_of(rgb: tuple[int, int, int], target: bytes) -> tuple[float, float, float, float]:
    """An sRGB colour in the printer's CMYK (0-1 each); neutral greys in black ink alone."""
    from PIL import Image, ImageCms

    if rgb[0] == rgb[1] == rgb[2]:
        return (0.0, 0.0, 0.0, 1.0 if rgb[0] <= TEXT_BLACK else round(1 - rgb[0] / 255, 3))
    relative = int(ImageCms.Intent.RELATIVE_COLORIMETRIC)
    pixel = ImageCms.applyTransform(Image.new("RGB", (1, 1), rgb), _transform(None, target, ("RGB", "CMYK"), relative))
    return tuple(round(v / 255, 3) for v in pixel.getpixel((0, 0)))  # type: ignore[return-value,union-attr]


def colours_in_cmyk(value: str, target: bytes) -> str:
    """A CSS or SVG value with its sRGB colours (#hex, rgb(), black, white) as device-cmyk()."""
    def colour(match: re.Match) -> str:
        if match.group(1):
            digits = match.group(1)
            digits = "".join(c * 2 for c in digits) if len(digits) == 3 else digits
            rgb = (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))
            alpha = None
        else:
            rgb = (int(match.group(2)), int(match.group(3)), int(match.group(4)))
            alpha = match.group(5)
        c, m, y, k = cmyk_of(rgb, target)
        return f"device-cmyk({c:g} {m:g} {y:g} {k:g}{' / ' + alpha if alpha else ''})"

    value = _COLOUR.sub(colour, value)
    return re.sub(r"\b(black|white)\b", lambda m: colour(_COLOUR.match(  # type: ignore[arg-type]
        "#{:02x}{:02x}{:02x}".format(*_NAMED[m.group(1)]))), value)


@functools.lru_cache(maxsize=256)
def cmyk_to_srgb(cmyk: tuple[float, ...], source: bytes) -> tuple[float, float, float]:
    """A colour of the printer's CMYK (0-1 each) as sRGB (0-1 each), as a proof on screen shows it."""
    from PIL import Image, ImageCms

    if not any(cmyk[:3]):  # black ink alone, as text is: a grey on screen, black as black
        return (1 - cmyk[3],) * 3
    pixel = Image.new("CMYK", (1, 1), tuple(round(v * 255) for v in cmyk))
    rgb = ImageCms.applyTransform(pixel, _transform(source, None, ("CMYK", "RGB"),
                                                    int(ImageCms.Intent.RELATIVE_COLORIMETRIC)))
    return tuple(v / 255 for v in rgb.getpixel((0, 0)))  # type: ignore[return-value,union-attr]


def css_in_cmyk(css: str, profile_path: Any) -> str:
    """The theme's CSS with its colours in the printer's CMYK (device-cmyk()), when the output
    intent is a CMYK profile: a press prints no RGB, and text must be one ink (K), or the four
    plates' registration shows around every letter."""
    if profile_path is None:
        return css
    target = press_cmyk(profile_path.read_bytes())
    if target is None:
        return css

    def declaration(match: re.Match) -> str:
        return match.group(1) + colours_in_cmyk(match.group(2), target)

    return _DECLARATION.sub(declaration, css)
