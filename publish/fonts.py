"""The bundled fonts: where they are, what they cover, and subsets for the EPUB.

WeasyPrint subsets what it embeds in the PDF by itself; the EPUB carries subsets
made here with fontTools, cached on disk by (font content, character set).
"""

from __future__ import annotations

import functools
import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Report
from .model import Publication

TOOL_FONTS = Path(__file__).resolve().parent.parent / "fonts"
FACES = (  # (file, CSS family, weight)
    ("NotoSerifSC-Regular.otf", "Publish Serif", 400),
    ("NotoSerifSC-Bold.otf", "Publish Serif", 700),
    ("NotoSansSC-Regular.otf", "Publish Sans", 400),
    ("NotoSansSC-Bold.otf", "Publish Sans", 700),
)
# Characters that need no glyph: whitespace, controls, joiners and variation selectors.
_INVISIBLE = set(range(0x00, 0x21)) | set(range(0x7F, 0xA1)) | {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF} \
    | set(range(0xFE00, 0xFE10))


@dataclass(frozen=True)
class FontFace:
    path: Path
    family: str
    weight: int

    @property
    def file_name(self) -> str:
        return self.path.name


def find_faces(root: Path) -> tuple[FontFace, ...]:
    """The project's fonts/ wins over the fonts shipped with the tool, file by file."""
    faces = []
    for file_name, family, weight in FACES:
        for folder in (root / "fonts", TOOL_FONTS):
            if (folder / file_name).is_file():
                faces.append(FontFace(folder / file_name, family, weight))
                break
    return tuple(faces)


@functools.lru_cache(maxsize=8)
def _cmap(path: Path, stamp: tuple[int, int]) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def coverage(faces: tuple[FontFace, ...]) -> frozenset[int]:
    covered: set[int] = set()
    for face in faces:
        stat = face.path.stat()
        covered |= _cmap(face.path, (stat.st_mtime_ns, stat.st_size))
    return frozenset(covered)


def _installed_font_for(char: str) -> str | None:
    if shutil.which("fc-list") is None:
        return None
    result = subprocess.run(["fc-list", f":charset={ord(char):x}", "family"], capture_output=True, text=True,
                            timeout=20, check=False)
    families = [line.split(",")[0].strip() for line in result.stdout.splitlines() if line.strip()]
    return sorted(families)[0] if families else None


def check_coverage(publication: Publication, texts: dict[Path, str], report: Report) -> None:
    """Every visible character of the manuscript must have a glyph: no blank and no tofu."""
    faces = find_faces(publication.root)
    if len(faces) < len(FACES):
        missing = sorted(set(f for f, _, _ in FACES) - {face.file_name for face in faces})
        report.error("E215", f"bundled fonts missing: {', '.join(missing)}", publication.root / "fonts", 1, 1,
                     "copy them from the publish repository's fonts/ folder")
        return
    covered = coverage(faces)
    for path, text in texts.items():
        reported: set[str] = set()
        for line_number, line in enumerate(text.split("\n"), start=1):
            for col, char in enumerate(line, start=1):
                code = ord(char)
                if code in covered or code in _INVISIBLE or char in reported:
                    continue
                reported.add(char)
                installed = _installed_font_for(char)
                if installed:
                    report.warning("W214", f"character '{char}' (U+{code:04X}) is in no bundled font; the PDF "
                                   f"takes it from the installed font '{installed}', e-readers may not have it",
                                   path, line_number, col)
                else:
                    report.error("E208", f"character '{char}' (U+{code:04X}) is in no bundled or installed font: "
                                 "it would print as a blank or a box", path, line_number, col,
                                 "replace it, or add a font that has it to fonts/")


def file_key(path: Path) -> str:
    """A font file's identity for the caches: path, size and mtime, as in the up-to-date check's
    fast path (hashing four 3 MB fonts would be a tenth of an EPUB rebuild)."""
    status = path.stat()
    return f"{path.resolve()}|{status.st_size}|{status.st_mtime_ns}"


def subset(face: FontFace, chars: str, cache_dir: Path) -> bytes:
    """An OTF subset of `face` for `chars`, with the layout features Chinese needs, cached on disk."""
    text = "".join(sorted(set(chars)))
    key = hashlib.sha256(f"{file_key(face.path)}\n{text}".encode()).hexdigest()[:32]
    cached = cache_dir / f"{face.path.stem}-{key}.otf"
    if cached.is_file():
        return cached.read_bytes()
    from fontTools import subset as ft_subset

    options = ft_subset.Options()
    options.layout_features = ["halt", "vhal", "palt", "vpal", "vert", "vrt2", "kern", "liga", "ccmp"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = False
    font = ft_subset.load_font(str(face.path), options)
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    cache_dir.mkdir(parents=True, exist_ok=True)
    temporary = cached.with_suffix(".tmp")
    ft_subset.save_font(font, str(temporary), options)
    temporary.replace(cached)
    return cached.read_bytes()
