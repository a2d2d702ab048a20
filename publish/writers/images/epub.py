"""The EPUB's copy of each image: upright (EXIF orientation applied: many readers ignore it),
sRGB (from CMYK or any embedded profile: readers show device values), at most
`images: epub_megapixels` (Apple Books' guidance is about 4 MP; readers decode every image to a
bitmap) and, for photos, `epub_kilobytes` (a book of photos must download; Kobo refuses images
over 5 MB), JPEG for photos and PNG for line art and transparency. The cover as the stores ask:
a JPEG in sRGB within 1600 × 2560."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ...diagnostics import Report, codes
from ...model import Book, ImageInfo, ImageOptions
from .cache import ImageCache
from .colour import to_srgb
from .decode import fit, is_photo, open_image
from .svg import for_output

QUALITY_FLOOR = 55  # below this JPEG artefacts show on a tablet; the size is brought down instead
MEDIA = {"jpeg": "image/jpeg", "png": "image/png", "svg": "image/svg+xml", "gif": "image/gif"}


@dataclass(frozen=True)
class EpubImage:
    href: str  # inside the EPUB; the original's, or with .jpg/.png added when the format changed
    media_type: str
    data: bytes
    over: bool = False  # still over epub_kilobytes at the lowest quality


def epub_image(info: ImageInfo, options: ImageOptions, cache: ImageCache,
               cmyk: bytes | None = None, cover: bool = False) -> EpubImage:
    """The EPUB's copy of `info` (made, or taken from the cache); `cmyk`: the printer's profile,
    for CMYK images without their own."""
    source = info.asset.source
    if info.media_type == "image/svg+xml":
        # As it is, but for a DOCTYPE: a reading system shows an SVG image with its own fonts, not
        # the book's, so mapping its font names (as the PDF's copy does) would change nothing.
        data = source.read_bytes()
        if b"<!DOCTYPE" in data:
            data = for_output(data, None)
        return EpubImage(info.asset.href, MEDIA["svg"], data)
    if _fit_as_it_is(info, options, cover):  # nothing to change: the original, byte for byte
        return EpubImage(info.asset.href, info.media_type, source.read_bytes())
    box = (options.cover_width, options.cover_height) if cover else None
    parameters = [options.epub_pixels, options.epub_bytes, options.jpeg_quality, box, cmyk is not None and
                  cache.digest_bytes(cmyk)]
    stem = cache.name(source, "cover" if cover else "epub", parameters)
    known = cache.read(stem)
    if known is None:
        data, fmt, over = _make(info, options, box, cmyk, cover)
        known = cache.write(stem, {"format": fmt, "over": over}, {"." + ("jpg" if fmt == "jpeg" else fmt): data})
    fmt = known["format"]
    data = cache.path(known["files"][0], "").read_bytes()
    return EpubImage(_href(info.asset.href, fmt), MEDIA[fmt], data, bool(known.get("over")))


def _fit_as_it_is(info: ImageInfo, options: ImageOptions, cover: bool) -> bool:
    """Whether the original already is what the EPUB wants: a PNG, JPEG or GIF without a profile,
    upright, within the pixels and bytes (the cover: a JPEG within the stores' size)."""
    if info.media_type not in (("image/jpeg",) if cover else ("image/png", "image/jpeg", "image/gif")):
        return False
    if info.orientation != 1 or info.profile or info.mode not in ("RGB", "L", "P", "RGBA", "LA", "1"):
        return False
    width, height = info.width or 0, info.height or 0
    if cover and (width > options.cover_width or height > options.cover_height):
        return False
    return width * height <= options.epub_pixels and info.asset.source.stat().st_size <= options.epub_bytes


def _href(href: str, fmt: str) -> str:
    suffixes = {"jpeg": (".jpg", ".jpeg"), "png": (".png",)}[fmt]
    if PurePosixPath(href).suffix.lower() in suffixes:
        return href
    return f"{href}{suffixes[0]}"  # scan.tif → scan.tif.jpg: unique as the original's href is


def _make(info: ImageInfo, options: ImageOptions, box: tuple[int, int] | None, cmyk: bytes | None,
          cover: bool) -> tuple[bytes, str, bool]:
    from PIL import Image

    stored = (info.width or 1, info.height or 1) if info.orientation < 5 else (info.height or 1, info.width or 1)
    target = fit(stored, options.epub_pixels, box[::-1] if box and info.orientation >= 5 else box)
    colour, alpha, icc, kind = open_image(info, target)
    colour = to_srgb(colour, icc, cmyk)
    size = fit(colour.size, options.epub_pixels, box)
    photo = cover or (alpha is None and is_photo(kind, colour))
    if alpha is not None and cover:  # the stores want an opaque JPEG cover: flattened on white
        white = Image.new(colour.mode, colour.size, 255 if colour.mode == "L" else (255, 255, 255))
        colour, alpha = Image.composite(colour, white, alpha), None
    if colour.size != size:
        colour = colour.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        alpha = alpha.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0) if alpha is not None else None
    if not photo:
        if alpha is not None:
            colour = Image.merge("LA" if colour.mode == "L" else "RGBA", (*colour.split(), alpha))
        out = io.BytesIO()
        colour.save(out, format="PNG", compress_level=6)  # 9 took 4× as long for 3 % less
        return out.getvalue(), "png", False
    quality = options.jpeg_quality
    while True:
        out = io.BytesIO()
        colour.save(out, format="JPEG", quality=quality, optimize=True, progressive=True)
        data = out.getvalue()
        if len(data) <= options.epub_bytes:
            return data, "jpeg", False
        if quality > QUALITY_FLOOR:
            quality = max(QUALITY_FLOOR, quality - 10)
        elif colour.width * colour.height > 1_000_000:
            colour = colour.resize(fit(colour.size, round(colour.width * colour.height * 0.7)),
                                   Image.Resampling.LANCZOS)
        else:
            return data, "jpeg", True


def epub_images(book: Book, cache_folder: Path, report: Report | None = None
                ) -> tuple[dict[str, EpubImage], EpubImage | None]:
    """Every image's EPUB copy by the href the articles use, and the cover's (None: none given);
    W242 into `report` for those that stay over images: epub_kilobytes."""
    from .colour import press_cmyk

    pub = book.publication
    cache = ImageCache(cache_folder / "images")
    cmyk = press_cmyk(pub.page.output_profile.read_bytes() if pub.page.output_profile is not None else None)
    copies = {href: epub_image(info, pub.images, cache, cmyk) for href, info in book.images.items()}
    cover = epub_image(book.cover, pub.images, cache, cmyk, cover=True) if book.cover else None
    if report is not None:
        for href, copy in copies.items():
            if copy.over:
                info = book.images[href]
                report.add(codes.EPUB_IMAGE_OVER, f"{info.asset.source.name} is {len(copy.data) / 1024:.0f} KiB in the "
                           f"EPUB even at JPEG quality {QUALITY_FLOOR}, over images: epub_kilobytes "
                           f"({pub.images.epub_bytes // 1024})", info.asset.used_in, info.asset.line, 1,
                           "simplify the picture, or allow more (images: epub_kilobytes)")
    return copies, cover


def renamed(html: str, copies: dict[str, EpubImage]) -> str:
    """The article's img src attributes pointing to the copies whose href changed (scan.tif → scan.tif.jpg)."""
    for href, copy in copies.items():
        if copy.href != href:
            html = html.replace(f'src="{href}"', f'src="{copy.href}"')
    return html
