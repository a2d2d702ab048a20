"""Images an article refers to: found inside the project, named for the outputs (any reader)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..diagnostics import Report, codes
from ..model import Asset
from ..source.sandbox import OutsideProject, Unusable, find_file, is_remote, real


def find_image(root: Path, src: str, article: Path, line: int, report: Report) -> Asset | None:
    """The Asset for `src` as written in `article` (relative to it, or to manuscript/), or a diagnostic."""
    if is_remote(src):
        report.add(codes.REMOTE_RESOURCE, f"remote image not fetched: {src}", article, line, 1,
                   "download it into manuscript/images/ and link the local copy")
        return None
    try:
        source = find_file(root, (article.parent, root / "manuscript"), src)
    except OutsideProject as exc:
        report.add(codes.OUTSIDE_PROJECT, str(exc), article, line, 1)
        return None
    except Unusable as exc:
        report.add(codes.MISSING_FILE, f"image not found: {src}" if str(exc).startswith("file not found")
                   else f"image {src!r}: {exc}", article, line, 1,
                   "paths are relative to the article file (../images/x.png) or to manuscript/")
        return None
    return Asset(source, asset_href(root, source), article, line)


def asset_href(root: Path, source: Path) -> str:
    """Where an image lives inside the outputs: images/<name>, ASCII-safe and unique per source file.

    A name that had to be changed (图一.png, 图二.png → __.png) or that comes from outside
    manuscript/images/ gets a short hash of its path, so two files never share an href.
    """
    images = real(root / "manuscript" / "images")
    inside_images = images in source.parents
    relative = source.relative_to(images) if inside_images else source.relative_to(real(root))
    name = "-".join(relative.parts)
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    if safe != name or not inside_images:
        stem, dot, suffix = Path(source.name).stem, ".", source.suffix.lower().lstrip(".")
        digest = hashlib.sha256(relative.as_posix().encode()).hexdigest()[:8]
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", stem) + f"-{digest}" + (dot + suffix if suffix else "")
    return f"images/{safe}"
