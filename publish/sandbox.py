"""File access confined to the project: no path may leave it, symlinks included."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit


class OutsideProject(ValueError):
    pass


def is_remote(reference: str) -> bool:
    parts = urlsplit(reference)
    return bool(parts.scheme and parts.scheme != "file") or reference.startswith("//")


def resolve(root: Path, base: Path, reference: str) -> Path:
    """Resolve `reference` (relative to the folder `base`) and require it to stay inside `root`.

    Absolute paths and file: URLs are refused outright: a manuscript is portable only if it
    names its files relative to itself.
    """
    parts = urlsplit(reference)
    if parts.scheme == "file" or reference.startswith("/") or Path(unquote(parts.path)).is_absolute():
        raise OutsideProject(f"absolute path '{reference}' is not allowed; use a path inside the project")
    candidate = (base / unquote(parts.path)).resolve()
    real_root = root.resolve()
    if candidate != real_root and real_root not in candidate.parents:
        raise OutsideProject(f"'{reference}' points outside the project")
    return candidate


def read_bytes(root: Path, path: Path) -> bytes:
    real = path.resolve()
    real_root = root.resolve()
    if real_root not in real.parents:
        raise OutsideProject(f"'{path}' is outside the project (a symlink?)")
    return real.read_bytes()
