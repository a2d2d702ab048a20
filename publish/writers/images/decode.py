"""Opening an original for a copy: decoded no larger than needed (a JPEG at 1/2, 1/4 or 1/8 of
its size straight from the DCT, which makes a 24 MP photo's 4 MP copy three times faster), in
modes the outputs carry, and whether it is a photograph (JPEG) or line art (PNG)."""

from __future__ import annotations

import warnings
from typing import Any

from ...model import ImageInfo
from .colour import split_alpha


def open_image(info: ImageInfo, largest: tuple[int, int] | None = None, upright: bool = True,
               max_pixels: int | None = None) -> tuple[Any, Any | None, bytes | None, str]:
    """(colour image, alpha or None, ICC profile, format) of `info`'s file; with `largest`
    (stored pixels), decoded at the smallest DCT scale still at least that big; `upright`: EXIF
    orientation applied."""
    from PIL import Image, ImageOps

    with warnings.catch_warnings():  # the decompression-bomb guard is checks/images.py's, in pixels
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        bound, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
        try:
            image = Image.open(info.asset.source)
        finally:
            Image.MAX_IMAGE_PIXELS = bound
    kind = image.format or ""
    icc = image.info.get("icc_profile") or None
    if kind in ("JPEG", "MPO") and largest is not None:
        image.draft(image.mode, largest)
    image.load()
    shown: Any = ImageOps.exif_transpose(image) if upright else image
    colour, alpha = split_alpha(shown if shown is not None else image)
    return colour, alpha, icc, kind


def is_photo(kind: str, image: Any) -> bool:
    """A photograph (JPEG for it) rather than line art, a chart or a screenshot (PNG): what came
    as JPEG, or what has more than 256 colours in a small thumbnail."""
    if kind in ("JPEG", "MPO"):
        return True
    small = image.copy()
    small.thumbnail((64, 64))
    return small.getcolors(256) is None


def fit(size: tuple[int, int], pixels: int | None = None, box: tuple[int, int] | None = None) -> tuple[int, int]:
    """`size` scaled down (never up) to at most `pixels` and within `box`."""
    width, height = size
    scale = 1.0
    if pixels is not None and width * height > pixels:
        scale = (pixels / (width * height)) ** 0.5
    if box is not None:
        scale = min(scale, box[0] / width, box[1] / height)
    return max(1, round(width * scale)), max(1, round(height * scale))
