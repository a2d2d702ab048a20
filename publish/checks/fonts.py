"""Glyph coverage: every visible character of the manuscript must have a glyph, so that no
output prints a blank or a box. With a memo, characters already known to be covered are not
looked at again."""

from __future__ import annotations

import bisect
import functools
import shutil
import subprocess
from pathlib import Path

from ..diagnostics import Report, codes
from ..model import FontFace
from ..source.fonts import font_problem, missing_faces
from ..store import Memo, value_sha

# Characters that need no glyph: whitespace, controls, joiners, variation selectors and the
# invisible math operators (U+2061 function application …).
_INVISIBLE = (set(range(0x00, 0x21)) | set(range(0x7F, 0xA1)) | {0x200B, 0x200C, 0x200D, 0xFEFF}
              | set(range(0x2060, 0x2065)) | set(range(0xFE00, 0xFE10)))


@functools.lru_cache(maxsize=8)
def _cmap(path: Path, stamp: tuple[int, int]) -> frozenset[int]:
    # HarfBuzz reads a CJK face's character map in 0.3 ms, fontTools in 60–100 ms: four faces
    # decoded by fontTools were 0.9 s of every EPUB build. HarfBuzz reads nothing from a file it
    # cannot parse; fontTools then says why (or agrees the face maps nothing).
    import uharfbuzz as hb

    _tables_within(path)
    mapped = frozenset(hb.Face(hb.Blob.from_file_path(str(path))).unicodes)
    if mapped:
        return mapped
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def _tables_within(path: Path) -> None:
    """Raise ValueError if a table of the font's directory runs past the end of the file (a file
    cut short: HarfBuzz reads the character map of what is left, and says nothing)."""
    import struct

    size = path.stat().st_size
    with path.open("rb") as file:
        head = file.read(12)
        if len(head) < 12 or head[:4] == b"ttcf":
            return  # a collection: fontTools reads it below if HarfBuzz cannot
        (count,) = struct.unpack(">H", head[4:6])
        records = file.read(16 * count)
    if len(records) < 16 * count:
        raise ValueError("the table directory is cut short")
    for index in range(count):
        tag, _, offset, length = struct.unpack(">4sIII", records[16 * index:16 * index + 16])
        if offset + length > size:
            raise ValueError(f"its {tag.decode('latin-1').strip()} table runs past the end of the file")


class FontUnreadable(Exception):
    def __init__(self, path: Path, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path, self.problem = path, problem


def coverage(faces: tuple[FontFace, ...]) -> frozenset[int]:
    """The characters the faces map. FontUnreadable names a face whose tables cannot be read (a
    damaged file put in the project's fonts/ under a bundled face's name: not checked before)."""
    maps = []
    for face in faces:
        stat = face.path.stat()
        try:
            maps.append(_cmap(face.path, (stat.st_mtime_ns, stat.st_size)))
        except Exception as exc:  # fontTools raises many kinds on a damaged file
            raise FontUnreadable(face.path, font_problem(face.path) or f"{exc.__class__.__name__}: {exc}") from None
    return maps[0] if len(maps) == 1 else frozenset().union(*maps)  # one face: its cached map, not a copy


@functools.lru_cache(maxsize=1)
def _installed() -> tuple[tuple[str, tuple[tuple[int, int], ...]], ...]:
    """Every installed font's family and character ranges, from one fc-list call (asking
    fontconfig once per character took minutes on a Traditional Chinese book)."""
    if shutil.which("fc-list") is None:
        return ()
    result = subprocess.run(["fc-list", "--format", "%{family[0]}\t%{charset}\n"], capture_output=True, text=True,
                            timeout=60, check=False)
    fonts = []
    for line in result.stdout.splitlines():
        family, _, charset = line.partition("\t")
        ranges = []
        for part in charset.split():
            low, _, high = part.partition("-")
            try:
                ranges.append((int(low, 16), int(high or low, 16)))
            except ValueError:
                continue
        if family.strip() and ranges:
            fonts.append((family.strip(), tuple(ranges)))
    return tuple(sorted(fonts))


def _installed_font_for(char: str) -> str | None:
    """The first installed family (in name order) that has a glyph for `char`."""
    code = ord(char)
    for family, ranges in _installed():
        index = bisect.bisect_right(ranges, (code, 0x10FFFF)) - 1
        if index >= 0 and ranges[index][0] <= code <= ranges[index][1]:
            return family
    return None


def check_coverage(faces: tuple[FontFace, ...], texts: dict[Path, str], root: Path, report: Report,
                   memo: Memo | None = None) -> None:
    """Every visible character of `texts` (file → its text, for line and column) must have a glyph."""
    missing = missing_faces(faces)
    if missing:  # E215: reported every time, nothing remembered
        report.add(codes.MISSING_FONTS, f"bundled fonts missing: {', '.join(missing)}", root / "fonts", 1, 1,
                   "copy them from the publish repository's fonts/ folder")
        return
    key = value_sha([[f.file_name, memo.digest(f.path)] for f in faces]) if memo is not None else ""
    remembered = memo.get("coverage", "fonts", key) if memo is not None else None
    # A string of characters, as put below; anything else (a damaged memo) is checked again.
    known = set(remembered) if isinstance(remembered, str) else set()
    todo = {p: text for p, text in texts.items() if not set(text) <= known}
    if not todo:
        return
    own = Report()
    try:
        covered = coverage(faces)
    except FontUnreadable as exc:
        report.add(codes.BAD_FONT, f"{exc.path.name} is not a usable font: {exc.problem}", exc.path, 1, 1,
                   "replace it with a sound copy (publish's own fonts/ has the bundled faces), or delete it "
                   "from the project's fonts/ to use the bundled one")
        return
    for path, text in todo.items():
        _check_text(path, text, covered, own)
    report.extend(own)
    if memo is None:
        return
    # A text with no diagnostic has only covered (or invisible) characters; one with a
    # diagnostic is checked again next time so that its message is repeated.
    flagged = {d.path for d in own.items}
    for text_path, text in todo.items():
        if text_path not in flagged:
            known |= set(text)
    memo.put("coverage", "fonts", key, "".join(sorted(known)))


def _check_text(path: Path, text: str, covered: frozenset[int], report: Report) -> None:
    reported: set[str] = set()
    for line_number, line in enumerate(text.split("\n"), start=1):
        for col, char in enumerate(line, start=1):
            code = ord(char)
            if code in covered or code in _INVISIBLE or char in reported:
                continue
            reported.add(char)
            installed = _installed_font_for(char)
            if installed:
                report.add(codes.INSTALLED_GLYPH, f"character '{char}' (U+{code:04X}) is in no bundled font; the "
                           f"PDF takes it from the installed font '{installed}', e-readers may not have it",
                           path, line_number, col)
            else:
                report.add(codes.NO_GLYPH, f"character '{char}' (U+{code:04X}) is in no bundled or installed font: "
                           "it would print as a blank or a box", path, line_number, col,
                           "replace it, or put a font that has it in fonts/ and name it in publication.yaml "
                           "(fonts: fallback: - file: fonts/…), see docs/manuscript-format.md")
