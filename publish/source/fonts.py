"""The fonts a project is set in: its fonts/ folder first, then the ones publish ships."""

from __future__ import annotations

from pathlib import Path

from ..model import FontFace

TOOL_FONTS = Path(__file__).resolve().parent.parent.parent / "fonts"
FACES = (  # (file, CSS family, weight)
    ("NotoSerifSC-Regular.otf", "Publish Serif", 400),
    ("NotoSerifSC-Bold.otf", "Publish Serif", 700),
    ("NotoSansSC-Regular.otf", "Publish Sans", 400),
    ("NotoSansSC-Bold.otf", "Publish Sans", 700),
)


def find_faces(root: Path) -> tuple[FontFace, ...]:
    """The project's fonts/ wins over the fonts shipped with the tool, file by file."""
    faces = []
    for file_name, family, weight in FACES:
        for folder in (root / "fonts", TOOL_FONTS):
            if (folder / file_name).is_file():
                faces.append(FontFace(folder / file_name, family, weight))
                break
    return tuple(faces)


def missing_faces(faces: tuple[FontFace, ...]) -> list[str]:
    """The file names of FACES that `faces` lacks."""
    return sorted({f for f, _, _ in FACES} - {face.file_name for face in faces})


def file_key(path: Path) -> str:
    """A font file's identity for the caches: path, size and mtime, as in the up-to-date check's
    fast path (hashing four 3 MB fonts would be a tenth of an EPUB rebuild)."""
    status = path.stat()
    return f"{path.resolve()}|{status.st_size}|{status.st_mtime_ns}"
