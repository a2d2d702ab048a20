"""build/.cache/images/: copies of images named by their original's content digest and the
parameters they were made with. The digests are kept by path, size and mtime in a JSON index,
so an unchanged 40 MB photo is not hashed again at each build (as in the up-to-date check)."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

from ...store import read_json, value_sha, write_bytes, write_json

# The modules each kind of copy is made by: a change to one makes those copies again, and only those.
MADE_BY = {"epub": ("epub", "colour", "decode"), "cover": ("epub", "colour", "decode"), "epub-svg": ("svg", "colour"),
           "pdf-svg": ("svg", "colour"), "print": ("raster", "colour", "decode", "png"),
           "screen": ("raster", "colour", "decode", "png"), "ink": ("colour", "decode")}


@functools.lru_cache(maxsize=16)
def code_version(purpose: str) -> str:
    """The copies depend on the code that makes them."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for module in MADE_BY.get(purpose, ()) or tuple(p.stem for p in sorted(here.glob("*.py"))):
        digest.update((here / f"{module}.py").read_bytes())
    return digest.hexdigest()[:16]


class ImageCache:
    def __init__(self, folder: Path):
        self.folder = folder
        self._index: dict[str, str] | None = None

    def digest(self, path: Path) -> str:
        status = path.stat()
        key = f"{path.resolve()}|{status.st_size}|{status.st_mtime_ns}"
        if self._index is None:
            known = read_json(self.folder / "index.json")
            self._index = known if isinstance(known, dict) else {}
        found = self._index.get(key)
        if not isinstance(found, str):
            with path.open("rb") as stream:
                found = hashlib.file_digest(stream, "sha256").hexdigest()[:32]
            self._index[key] = found
            write_json(self.folder / "index.json", self._index)
        return found

    @staticmethod
    def digest_bytes(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()[:32]

    def name(self, source: Path, purpose: str, parameters: Any) -> str:
        """The stem of a copy's files: the original's digest, what it is for, and a digest of the rest."""
        return f"{self.digest(source)}-{purpose}-{value_sha([code_version(purpose), parameters])[:12]}"

    def path(self, stem: str, suffix: str) -> Path:
        return self.folder / f"{stem}{suffix}"

    def read(self, stem: str) -> dict | None:
        """A copy's description, if it and every file it names are there."""
        found = read_json(self.folder / f"{stem}.json")
        if not isinstance(found, dict):
            return None
        files = [self.folder / f for f in found.get("files", ())]
        return found if all(f.is_file() for f in files) else None

    def write(self, stem: str, description: dict, files: dict[str, bytes]) -> dict:
        for suffix, data in files.items():
            write_bytes(self.folder / f"{stem}{suffix}", data)
        description = dict(description, files=[f"{stem}{suffix}" for suffix in files])
        write_json(self.folder / f"{stem}.json", description)
        return description
