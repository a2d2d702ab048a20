"""File access confined to the project: no path may leave it, symlinks included.

Paths are resolved with os.path.realpath, which follows every symlink and, unlike
Path.resolve, never raises on a symlink loop; whatever the result names must lie
inside the project.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit


class OutsideProject(ValueError):
    pass


class Unusable(ValueError):
    """A path that names no readable file: missing, a folder, a symlink loop, an impossible name."""


def is_remote(reference: str) -> bool:
    parts = urlsplit(reference)
    return bool(parts.scheme and parts.scheme != "file") or reference.startswith("//")


def real(path: Path) -> Path:
    """`path` with every symlink followed (no error for a loop: the looping path is returned)."""
    if "\x00" in str(path):
        raise Unusable("a file name cannot contain a NUL character")
    return Path(os.path.realpath(path))


def inside(root: Path, path: Path) -> bool:
    """Whether `path`, symlinks followed, lies inside the project `root`."""
    real_root, target = real(root), real(path)
    return target == real_root or real_root in target.parents


def resolve(root: Path, base: Path, reference: str) -> Path:
    """Resolve `reference` (relative to the folder `base`) and require it to stay inside `root`.

    Absolute paths and file: URLs are refused outright: a manuscript is portable only if it
    names its files relative to itself.
    """
    try:
        parts = urlsplit(reference)
    except ValueError as exc:  # e.g. "http://[" : an unbalanced IPv6 bracket
        raise Unusable(f"'{reference}' is not a valid path or URL ({exc})") from None
    local = unquote(parts.path)
    if parts.scheme == "file" or reference.startswith(("/", "\\")) or Path(local).is_absolute():
        raise OutsideProject(f"absolute path '{reference}' is not allowed; use a path inside the project")
    candidate = real(base / local)
    if not inside(root, candidate):
        written = Path(os.path.normpath(real(base) / local))
        if written == real(root) or real(root) in written.parents:
            raise OutsideProject(f"'{reference}' is a symlink to {candidate}, outside the project")
        raise OutsideProject(f"'{reference}' points outside the project")
    return candidate


def local_file(root: Path, base: Path, written: str) -> Path:
    """The file a plain path (no URL: `C#.md` and `a%20b.md` are file names) names, relative to
    `base`, inside `root`. Backslashes are folder separators, as Windows editors write them."""
    relative = written.strip().replace("\\", "/")
    if not relative:
        raise Unusable("the path is empty")
    if relative.startswith("/") or re.match(r"[A-Za-z]:/", relative):
        raise OutsideProject(f"absolute path '{written}' is not allowed; use a path inside the project")
    candidate = real(base / relative)
    if not inside(root, candidate):
        if os.path.lexists(base / relative) and inside(root, Path(os.path.normpath(base / relative))):
            raise OutsideProject(f"'{written}' is a symlink to {candidate}, outside the project")
        raise OutsideProject(f"'{written}' points outside the project")
    try:
        if candidate.is_file():
            return candidate
    except OSError as exc:
        raise Unusable(f"'{written}' cannot be opened: {exc.strerror}") from None
    raise Unusable(f"file not found: {written}")


def find_file(root: Path, bases: tuple[Path, ...], reference: str) -> Path:
    """The first of `reference` relative to each of `bases` that is a file inside the project.

    OutsideProject only when the reference leads outside from every base: `../../x.png`
    from an article may just be a mistyped path inside the project.
    """
    if not reference.strip():
        raise Unusable("the path is empty")
    refusals = []
    for base in bases:
        try:
            candidate = resolve(root, base, reference)
        except OutsideProject as exc:
            if os.path.lexists(base / unquote(urlsplit(reference).path)):
                raise  # it exists, through a symlink that leads out of the project
            refusals.append(exc)
            continue
        try:
            if candidate.is_file():
                return candidate
        except OSError as exc:  # a name too long for the file system
            raise Unusable(f"'{reference}' cannot be opened: {exc.strerror}") from None
    if len(refusals) == len(bases):
        raise refusals[0]
    raise Unusable(f"file not found: {reference}")


def read_bytes(root: Path, path: Path) -> bytes:
    """The content of `path`; a symlink that leaves the project raises OutsideProject."""
    if not inside(root, path):
        raise OutsideProject(f"'{path.name}' is a symlink to {real(path)}, outside the project")
    return path.read_bytes()


def escaping_links(root: Path, folder: Path) -> list[Path]:
    """Symlinks in `folder` (and the folder itself) that lead outside the project."""
    if not folder.is_symlink() and not folder.is_dir():
        return []
    found = [folder] if folder.is_symlink() and not inside(root, folder) else []
    if found:
        return found
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            if path.is_symlink() and not inside(root, path):
                found.append(path)
    return sorted(found)


_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""",
                      re.I)


def css_references(text: str) -> list[tuple[str, int]]:
    """The URLs a stylesheet refers to (url(...) and @import "..."), with their offsets."""
    # Comments become spaces, so that offsets stay right and a commented-out url() is no reference.
    text = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group()), text, flags=re.S)
    found = []
    for match in _CSS_URL.finditer(text):
        url = next(g for g in match.groups() if g is not None)
        found.append((url.strip(), match.start()))
    return found
