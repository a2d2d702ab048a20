"""The PDFs' copy of each raster image, as parts a PDF image XObject is made of.

The print PDF gets the original as it is wherever the press can take it: a JPEG's DCT data
(its EXIF orientation applied by the drawing's transform, not by re-encoding), a PNG's IDAT
(8 or 16 bits), with the embedded ICC profile. With a printer's CMYK profile
(`page.output_profile`), what is not in it yet is converted to it (ImageCms, the source
profile's intent, black point compensation): photos as JPEG at quality 92, line art as Flate.
The screen PDF gets a copy in sRGB at `images: screen_ppi` at the size it is shown.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass, field

from ...diagnostics import codes
from ...model import ImageInfo
from .cache import ImageCache
from .colour import conversion_loss, space, to_cmyk, to_srgb, total_ink
from .decode import fit, is_photo, open_image
from .png import parse

# A converted photo for the press: no visible loss, chroma at half resolution as the camera's own
# JPEG has it (4:4:4 at 95 made a 24 MP photo 34 MB, three times the camera's file; this 10 MB).
PRINT_QUALITY = 92
LOSS_SHARE = 0.15  # W240 when this share of the pixels moves by more than ΔE 10


@dataclass(frozen=True)
class Part:
    """One image stream: `kind` jpeg (DCT data), png (IDAT, predictor 15) or flate (raw samples)."""

    kind: str
    path: str
    width: int
    height: int
    colour: str  # "RGB", "L", "CMYK"
    bits: int = 8
    invert: bool = False  # Adobe's CMYK JPEG (APP14): stored inverted


@dataclass(frozen=True)
class Raster:
    main: Part
    mask: Part | None = None  # the soft mask (alpha), grey
    icc: bytes | None = None  # the profile its colours are in (ICCBased); None: device colours
    orientation: int = 1  # EXIF, applied by the transform that draws it
    notes: tuple[tuple[str, str], ...] = field(default=())  # (code, message) for the preflight


def _jpeg_header(path) -> tuple[str, int, int, bytes | None, bool]:
    from PIL import Image

    with Image.open(path) as image:
        return image.mode, image.width, image.height, image.info.get("icc_profile") or None, \
            "APP14" in getattr(image, "app", {})


def _ink_note(info: ImageInfo, ink: float, limit: int) -> tuple[tuple[str, str], ...]:
    if round(ink) <= limit:
        return ()
    return ((codes.TOO_MUCH_INK.code, ink_message(info, ink, limit)),)


def ink_message(info: ImageInfo, ink: float, limit: int) -> str:
    return f"{info.asset.source.name} lays down up to {ink:.0f}% ink, over the {limit}% the press takes"


def print_raster(info: ImageInfo, intent: bytes | None, cache: ImageCache, total: int) -> Raster:
    """The print PDF's copy of `info` under the output intent's profile `intent` (None: sRGB)."""
    cmyk = space(intent) == "CMYK"
    source = info.asset.source
    if info.media_type == "image/jpeg":
        mode, width, height, icc, app14 = _jpeg_header(source)
        if mode in ("L", "RGB", "CMYK") and (not cmyk or mode == "L" or (mode == "CMYK" and icc in (None, intent))):
            notes: tuple[tuple[str, str], ...] = ()
            if mode == "CMYK":
                notes = _ink_note(info, _cached_ink(info, cache), total)
            keep = icc if space(icc) == {"L": "GRAY"}.get(mode, mode) and not (cmyk and mode == "CMYK") else None
            return Raster(Part("jpeg", str(source), width, height, mode, 8, mode == "CMYK" and app14), None, keep,
                          info.orientation, notes)
    elif info.media_type == "image/png":
        png = parse(source.read_bytes())
        if png is not None and (not cmyk or png["colour"] == 0):
            colour = "L" if png["colour"] == 0 else "RGB"
            icc = png["icc"] if space(png["icc"]) == {"L": "GRAY"}.get(colour, colour) and not cmyk else None
            return Raster(Part("png", str(source), png["width"], png["height"], colour, png["depth"]), None, icc)
    return _converted(info, intent if cmyk else None, cache, total)


def _cached_ink(info: ImageInfo, cache: ImageCache) -> float:
    stem = cache.name(info.asset.source, "ink", [])
    known = cache.read(stem)
    if known is None:
        colour, _, _, _ = open_image(info, (256, 256), upright=False)
        known = cache.write(stem, {"ink": total_ink(colour)}, {})
    return float(known["ink"])


def _converted(info: ImageInfo, cmyk: bytes | None, cache: ImageCache, total: int) -> Raster:
    """Decoded, and made again: in the printer's CMYK if `cmyk`, else as it is (8 bits, alpha apart)."""
    stem = cache.name(info.asset.source, "print", [cache.digest_bytes(cmyk) if cmyk else None])
    known = cache.read(stem)
    if known is None:
        known = _convert(info, cmyk, cache, stem, total)
    return _raster(cache, known)


def _raster(cache: ImageCache, known: dict) -> Raster:
    def part(entry: dict | None) -> Part | None:
        if entry is None:
            return None
        return Part(entry["kind"], str(cache.path(entry["file"], "")), entry["width"], entry["height"],
                    entry["colour"], entry.get("bits", 8), entry.get("invert", False))

    icc = cache.path(known["icc"], "").read_bytes() if known.get("icc") else None
    main = part(known["main"])
    assert main is not None
    return Raster(main, part(known.get("mask")), icc, known.get("orientation", 1),
                  tuple((code, message) for code, message in known.get("notes", ())))


def _encode(image, photo: bool, quality: int) -> tuple[str, bytes, str]:
    """(kind, data, suffix) of an L/RGB/CMYK image: JPEG for photos, else PNG (L, RGB) or Flate (CMYK)."""
    out = io.BytesIO()
    if photo:
        image.save(out, format="JPEG", quality=quality, subsampling=2)
        return "jpeg", out.getvalue(), ".jpg"
    if image.mode == "CMYK":
        return "flate", zlib.compress(image.tobytes(), 6), ".cmyk.z"
    image.save(out, format="PNG", compress_level=6)
    return "png", out.getvalue(), ".png"


def _convert(info: ImageInfo, cmyk: bytes | None, cache: ImageCache, stem: str, total: int) -> dict:
    from PIL import Image

    colour, alpha, icc, kind = open_image(info, upright=info.media_type != "image/jpeg")
    orientation = info.orientation if info.media_type == "image/jpeg" else 1
    notes: list[tuple[str, str]] = []
    keep_icc = None
    if cmyk is not None and colour.mode in ("RGB", "CMYK"):
        converted = to_cmyk(colour, icc, cmyk)
        loss = conversion_loss(colour, icc, converted, cmyk, alpha)
        if loss > LOSS_SHARE:
            notes.append((codes.LOSSY_CONVERSION.code, f"{info.asset.source.name}: converting it to the printer's "
                          f"CMYK moves {loss:.0%} of its colours by more than ΔE 10 (out of the press's gamut)"))
        colour = converted
    elif colour.mode in ("RGB", "CMYK", "L") and space(icc) == {"L": "GRAY"}.get(colour.mode, colour.mode):
        keep_icc = icc
    if colour.mode == "CMYK":
        ink = total_ink(colour)
        if round(ink) > total:
            notes.append((codes.TOO_MUCH_INK.code, ink_message(info, ink, total)))
    photo = alpha is None and is_photo(kind, colour if colour.mode != "CMYK" else colour.convert("RGB"))
    kind_out, data, suffix = _encode(colour, photo, PRINT_QUALITY)
    files = {suffix: data}
    mask = None
    if alpha is not None:
        _, mask_data, _ = _encode(alpha, False, PRINT_QUALITY)
        files[".mask.png"] = mask_data
        mask = {"kind": "png", "file": f"{stem}.mask.png", "width": alpha.width, "height": alpha.height,
                "colour": "L"}
    if keep_icc:
        files[".icc"] = keep_icc
    assert isinstance(colour, Image.Image)
    description = {"main": {"kind": kind_out, "file": f"{stem}{suffix}", "width": colour.width,
                            "height": colour.height, "colour": colour.mode,
                            "invert": kind_out == "jpeg" and colour.mode == "CMYK" and _adobe(data)},
                   "mask": mask, "icc": f"{stem}.icc" if keep_icc else None, "orientation": orientation,
                   "notes": notes}
    return cache.write(stem, description, files)


def _adobe(data: bytes) -> bool:
    """Whether a JPEG has Adobe's APP14 marker (its CMYK is then stored inverted)."""
    return b"\xff\xeeAdobe" in data[:4096] or b"\xff\xee\x00\x0eAdobe" in data[:4096]


def screen_raster(info: ImageInfo, shown_px: float, ppi: int, quality: int, cache: ImageCache,
                  cmyk: bytes | None) -> Raster:
    """The screen PDF's copy of `info`, shown `shown_px` CSS pixels wide: sRGB, at most `ppi` at
    that size, in the original's orientation (the drawing's transform turns it, as in print)."""
    from PIL import Image

    wanted = max(1, round(shown_px / 96 * ppi))  # pixels across, as shown
    stored = (info.width or 1, info.height or 1) if info.orientation < 5 else (info.height or 1, info.width or 1)
    shown_width = info.width or 1
    scale = min(1.0, wanted / shown_width)
    size = (max(1, round(stored[0] * scale)), max(1, round(stored[1] * scale)))
    jpeg = info.media_type == "image/jpeg"
    stem = cache.name(info.asset.source, "screen", [size, quality, cache.digest_bytes(cmyk) if cmyk else None])
    known = cache.read(stem)
    if known is None:
        colour, alpha, icc, kind = open_image(info, size, upright=not jpeg)
        orientation = info.orientation if jpeg else 1
        colour = to_srgb(colour, icc, cmyk)
        box = size if jpeg or info.orientation < 5 else size[::-1]  # decoded upright unless a JPEG
        target = fit(colour.size, box=box)
        if colour.size != target:
            colour = colour.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
            alpha = alpha.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0) if alpha is not None else None
        photo = alpha is None and is_photo(kind, colour)
        kind_out, data, suffix = _encode(colour, photo, quality)
        files = {suffix: data}
        mask = None
        if alpha is not None:
            files[".mask.png"] = _encode(alpha, False, quality)[1]
            mask = {"kind": "png", "file": f"{stem}.mask.png", "width": alpha.width, "height": alpha.height,
                    "colour": "L"}
        known = cache.write(stem, {"main": {"kind": kind_out, "file": f"{stem}{suffix}", "width": colour.width,
                                            "height": colour.height, "colour": colour.mode},
                                   "mask": mask, "orientation": orientation}, files)
    return _raster(cache, known)
