"""The fonts a project is set in: its fonts/ folder first, then the ones publish ships."""

from __future__ import annotations

from pathlib import Path
from struct import error as struct_error

from ..model import FallbackFont, FontFace

TOOL_FONTS = Path(__file__).resolve().parent.parent.parent / "fonts"
FACES = (  # (file, CSS family, weight): Pan-CJK subsets of Noto CJK (fonts/README.md)
    ("NotoSerifCJKPublish-Regular.otf", "Publish Serif", 400),
    ("NotoSerifCJKPublish-Bold.otf", "Publish Serif", 700),
    ("NotoSansCJKPublish-Regular.otf", "Publish Sans", 400),
    ("NotoSansCJKPublish-Bold.otf", "Publish Sans", 700),
    # Latin and symbols only: the themes set code in "Publish Mono", "Publish Sans", whose Han
    # glyphs are the same outlines (in Noto CJK the mono face shares them with the sans).
    ("NotoSansMonoCJKPublish-Regular.otf", "Publish Mono", 400),
    ("NotoSansMonoCJKPublish-Bold.otf", "Publish Mono", 700),
)


def find_faces(root: Path, fallbacks: tuple[FallbackFont, ...] = ()) -> tuple[FontFace, ...]:
    """The project's fonts/ wins over the fonts shipped with the tool, file by file; then the
    fallbacks, each under a family of its own for each family it backs."""
    faces = []
    for file_name, family, weight in FACES:
        for folder in (root / "fonts", TOOL_FONTS):
            if (folder / file_name).is_file():
                faces.append(FontFace(folder / file_name, family, weight))
                break
    for number, fallback in enumerate(fallbacks, start=1):
        for family in fallback.families:
            faces.append(FontFace(fallback.path, f"{family} Fallback {number}", fallback.weight, backs=family))
    return tuple(faces)


def font_problem(path: Path) -> str | None:
    """Why `path` is no font publish can use, or None. Reads the file's tables, not its glyphs."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with TTFont(path, lazy=True, fontNumber=0) as font:
            if not font.getBestCmap():
                return "it maps no character to a glyph"
            if "glyf" not in font and "CFF " not in font and "CFF2" not in font:
                return "it has no outlines (no glyf or CFF table)"
    except (TTLibError, OSError, ValueError, KeyError, AssertionError, struct_error) as exc:
        return str(exc)[:80] or exc.__class__.__name__
    return None


def missing_faces(faces: tuple[FontFace, ...]) -> list[str]:
    """The file names of FACES that `faces` lacks."""
    return sorted({f for f, _, _ in FACES} - {face.file_name for face in faces})


def file_key(path: Path) -> str:
    """A font file's identity for the caches: path, size and mtime, as in the up-to-date check's
    fast path (hashing four 3 MB fonts would be a tenth of an EPUB rebuild)."""
    status = path.stat()
    return f"{path.resolve()}|{status.st_size}|{status.st_mtime_ns}"
