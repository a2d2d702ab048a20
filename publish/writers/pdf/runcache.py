"""The run cache: each laid-out run's PDFs and what its layout told (JSON), by content hash.

build/.cache/pdf-runs/<key>.json, <key>.print.pdf, <key>.screen.pdf, <key>.furniture.pdf
(the margin boxes: furniture.py); a run moved by an earlier one's page count has a JSON entry
and furniture of its own, and the body PDFs of the key it was laid out at. The key covers all a
run's pages depend on: its HTML, the stylesheets, the files it uses (by size and time), its
start page, the variants, the PDFs' date and identifier, and the code that lays it out. JSON
and PDF bytes only, never pickle (build/ may come from anyone).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from ...store import write_bytes
from .runs import RunResult

VERSION = "3"
# Modules that do not change a run's PDFs (they join and schedule them): editing them keeps the cache.
_NOT_LAYOUT = {"assemble.py", "fontmerge.py", "runbuild.py", "__init__.py"}


@functools.cache
def code_digest() -> str:
    """The layout code: this package's modules and WeasyPrint's version."""
    import weasyprint

    digest = hashlib.sha256(f"{VERSION}|{weasyprint.__version__}".encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        if path.name not in _NOT_LAYOUT:
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def key(parts: Iterable[str], files: Iterable[tuple[str, str]], html: str) -> str:
    digest = hashlib.sha256(code_digest().encode())
    for part in parts:
        digest.update(b"\0" + part.encode())
    digest.update(b"\0" + html.encode())
    for href, path in files:
        if href in html:  # the images and fonts the run uses (fonts: by the stylesheets' links)
            try:
                stat = Path(path).stat()
            except OSError:
                continue
            digest.update(f"\0{href}\0{path}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:40]


def at(content: str, start: int) -> str:
    """The key of a run of content key `content` (`key`) laid out from page `start`."""
    return hashlib.sha256(f"{content}|{start}".encode()).hexdigest()[:40]


def paths(directory: Path, run_key: str, variant: str | None = None) -> Path:
    return directory / (f"{run_key}.{variant}.pdf" if variant else f"{run_key}.json")


def store(directory: Path, result: RunResult, pdfs: dict[str, bytes]) -> None:
    for variant, data in pdfs.items():
        write_bytes(paths(directory, result.key, variant), data)
    write_bytes(paths(directory, result.key), json.dumps(result.to_json(), ensure_ascii=False).encode())


def load(directory: Path, run_key: str, wanted: tuple[str, ...]) -> RunResult | None:
    """The run of key `run_key`, if its entry and every PDF it is made of are in the cache."""
    meta = paths(directory, run_key)
    if not meta.is_file():
        return None
    try:
        result = RunResult.from_json(json.loads(meta.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError, IndexError):
        return None  # a damaged entry is laid out again
    if not all(paths(directory, result.body, v).is_file() for v in wanted):
        return None
    if result.furnished and not paths(directory, run_key, "furniture").is_file():
        return None
    return result


def parts(directory: Path, result: RunResult, variant: str) -> tuple[Path, Path | None]:
    """The PDF of a run's body in `variant`, and of its furniture (None: in the body)."""
    return (paths(directory, result.body, variant),
            paths(directory, result.key, "furniture") if result.furnished else None)


class Subsets:
    """The assembly's merged font programs (fontmerge.subset), cached as font-<key>.bin by the
    font file (path, size, time), face, glyphs and HarfBuzz's version: an edit that uses no new
    character subsets no face again, and the second variant reuses the first's."""

    def __init__(self, directory: Path) -> None:
        self.directory, self.used = directory, set[str]()

    def __call__(self, original: Path, index: int, glyphs: list[int], hinting: bool) -> bytes:
        import zlib

        import uharfbuzz

        from .fontmerge import subset

        stat = original.stat()
        digest = hashlib.sha256(f"{uharfbuzz.__version__}|{original}|{stat.st_size}|{stat.st_mtime_ns}|"
                                f"{index}|{hinting}|{','.join(map(str, glyphs))}".encode())
        name = f"font-{digest.hexdigest()[:40]}"
        path = self.directory / f"{name}.bin"
        self.used.add(name)
        try:
            packed = path.read_bytes()
            zlib.decompress(packed)  # a damaged file is made again
            return packed
        except (OSError, zlib.error):
            pass
        packed = subset(original, index, glyphs, hinting)
        write_bytes(path, packed)
        return packed


def prune(directory: Path, kept: set[str]) -> None:
    """Only the runs (and merged fonts) of the last build are kept (a cache that grows with every
    edit would not)."""
    for path in directory.glob("*"):
        if path.name.split(".")[0] not in kept and path.name != "index.json":
            path.unlink(missing_ok=True)
