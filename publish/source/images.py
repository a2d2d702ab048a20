"""publication.yaml's `images:`: how the images are made for each output (model.ImageOptions)."""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import Report
from ..model import ImageOptions
from . import schema
from .yamlsource import YamlDoc


def image_options(meta: dict, doc: YamlDoc, path: Path, report: Report) -> ImageOptions:
    """The declared options over the defaults; wrong values are reported (and the default kept)."""
    if "images" not in meta:
        return ImageOptions()
    declared = schema.check(doc, ("images",), schema.IMAGES, report, path, what="images")
    defaults = ImageOptions()
    values = {
        "epub_pixels": round(declared.get("epub_megapixels", defaults.epub_pixels / 1e6) * 1e6),
        "epub_bytes": declared.get("epub_kilobytes", defaults.epub_bytes // 1024) * 1024,
        "max_pixels": round(declared.get("max_megapixels", defaults.max_pixels / 1e6) * 1e6),
    }
    for key in ("jpeg_quality", "cover_width", "cover_height", "screen_ppi", "print_ppi", "total_ink"):
        values[key] = declared.get(key, getattr(defaults, key))
    return ImageOptions(**values)
