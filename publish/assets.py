"""Check the images the articles use: real images, not too big, safe SVG, print resolution."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Report
from .model import Asset, RenderedArticle

MAX_BYTES = 20 * 1024 * 1024
MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif"}
_SVG_DANGER = re.compile(rb"<!DOCTYPE|<!ENTITY|xlink:href\s*=\s*[\"'](?!#|data:)|href\s*=\s*[\"'](?:https?:|file:|//)"
                         rb"|<script|<foreignObject", re.I)


@dataclass(frozen=True)
class ImageInfo:
    asset: Asset
    media_type: str
    width: int | None  # pixels; None for SVG
    height: int | None


def inspect(rendered: tuple[RenderedArticle, ...], report: Report) -> dict[str, ImageInfo]:
    """One ImageInfo per distinct image, keyed by its href; bad images become diagnostics."""
    from PIL import Image, UnidentifiedImageError

    found: dict[str, ImageInfo] = {}
    for item in rendered:
        for asset in item.assets:
            if asset.href in found:
                continue
            path, line = asset.used_in, asset.line
            size = asset.source.stat().st_size
            if size > MAX_BYTES:
                report.error("E203", f"image {asset.source.name} is {size / 1e6:.1f} MB, over the "
                             f"{MAX_BYTES // 1024 // 1024} MB limit", path, line, 1, "resize or recompress it")
                continue
            data = asset.source.read_bytes()
            if asset.source.suffix.lower() == ".svg":
                if _SVG_DANGER.search(data):
                    report.error("E210", f"SVG {asset.source.name} has a DOCTYPE, entities, scripts or external "
                                 "references", path, line, 1, "export a plain SVG, or a PNG")
                    continue
                found[asset.href] = ImageInfo(asset, "image/svg+xml", None, None)
                continue
            try:
                with Image.open(asset.source) as image:
                    image.load()
                    kind, width, height = image.format, image.width, image.height
            except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
                report.error("E202", f"{asset.source.name} is not a readable image ({exc.__class__.__name__})",
                             path, line, 1, "the file may be truncated or not an image at all")
                continue
            if kind not in MEDIA_TYPES:
                report.error("E202", f"{asset.source.name} is {kind}; use PNG, JPEG, GIF or SVG", path, line, 1)
                continue
            found[asset.href] = ImageInfo(asset, MEDIA_TYPES[kind], width, height)
    return found


def source_path(info: ImageInfo, root: Path) -> str:
    try:
        return str(info.asset.source.relative_to(root))
    except ValueError:
        return str(info.asset.source)
