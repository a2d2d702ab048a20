"""What a Word file says of itself, read with python-docx and lxml: its document properties
(title, author, subject, language), which of its paragraph styles are headings (by their
outline level, as WPS and thesis templates name them: 章标题, HIT Heading 1), and its text
for the glyph check."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MATH = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
_VML = "{urn:schemas-microsoft-com:vml}"
_DRAWINGS = {f"{_VML}{t}" for t in ("shape", "line", "rect", "oval", "roundrect", "polyline")} | \
    {"{http://schemas.microsoft.com/office/word/2010/wordprocessingShape}wsp"}
_TEXT_PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")
MAX_PART = 200 * 1024 * 1024  # an XML part larger than this is no manuscript (a zip bomb?)


class NotADocx(Exception):
    """The file is not a Word document python-docx and mammoth can read."""


def _check_zip(path: Path) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise NotADocx(f"{path.name} is not a Word document (.docx): {exc}") from None
    names = set(archive.namelist())
    if "word/document.xml" not in names:
        raise NotADocx(f"{path.name} has no word/document.xml: not a Word document (.docx), or a damaged one")
    if any(info.file_size > MAX_PART for info in archive.infolist() if info.filename.endswith(".xml")):
        raise NotADocx(f"{path.name} has an XML part over {MAX_PART // 1024 // 1024} MB: refused")
    return archive


def properties(path: Path) -> dict[str, str]:
    """title, author, subject, language of the document properties; missing ones left out."""
    import docx

    _check_zip(path).close()
    try:
        core = docx.Document(str(path)).core_properties
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors … on a damaged file
        raise NotADocx(f"{path.name} cannot be read as a Word document: {exc.__class__.__name__}: {exc}") from None
    found = {"title": core.title, "author": core.author, "subject": core.subject, "language": core.language}
    # A property mis-decoded once (GBK read as UTF-8 and back: 锟斤拷, U+FFFD) is no title.
    return {key: value.strip() for key, value in found.items()
            if isinstance(value, str) and value.strip() and not re.search("[\ufffd锟]", value)}


def count_lost(path: Path) -> dict[str, int]:
    """What mammoth drops, counted in the document itself (its own warnings come once per kind):
    equations (OMML) and drawings (VML shapes, DrawingML shapes, text boxes)."""
    from lxml import etree

    with _check_zip(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"),
                                etree.XMLParser(resolve_entities=False, no_network=True))
    counts = {"equations": 0, "drawings": 0}
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == f"{_MATH}oMath":
            counts["equations"] += 1
        elif tag in _DRAWINGS:
            counts["drawings"] += 1
    return counts


def authors(value: str | None) -> tuple[str, ...]:
    """Word's author field, one string: "张三; 李四" or "张三，李四" are two people."""
    if not value:
        return ()
    return tuple(name.strip() for name in re.split(r"[;；，、]", value) if name.strip())


def heading_styles(path: Path) -> dict[str, int]:
    """Paragraph style name → heading level (1–6) for the heading styles the document uses: styles
    with an outline level, their own or inherited (w:basedOn), and Word's built-in "heading N".
    The levels are counted from the highest one used (a thesis template's headings may start at
    outline level 2)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    with _check_zip(path) as archive:
        if "word/styles.xml" not in archive.namelist():
            return {}
        styles = etree.fromstring(archive.read("word/styles.xml"), parser)
        document = etree.fromstring(archive.read("word/document.xml"), parser)
    used = {element.get(f"{W}val") for element in document.iter(f"{W}pStyle")}
    by_id: dict[str, tuple[str, str | None, int | None]] = {}
    for style in styles.iter(f"{W}style"):
        if style.get(f"{W}type") != "paragraph":
            continue
        name = style.find(f"{W}name")
        based = style.find(f"{W}basedOn")
        level = style.find(f"{W}pPr/{W}outlineLvl")
        value = level.get(f"{W}val") if level is not None else None
        by_id[style.get(f"{W}styleId") or ""] = (
            (name.get(f"{W}val") or "") if name is not None else "",
            based.get(f"{W}val") if based is not None else None,
            int(value) if value is not None and value.isdigit() else None)
    found: dict[str, int] = {}
    for style_id, (name, _, _) in by_id.items():
        if style_id not in used:
            continue
        level = _level(style_id, by_id)
        builtin = re.fullmatch(r"(?i)heading ([1-9])", name)
        if level is None and builtin:
            level = int(builtin.group(1)) - 1
        if level is not None and level < 9:
            found[name] = level
    top = min(found.values(), default=0)
    return {name: min(level - top + 1, 6) for name, level in found.items()}


def caption_styles(path: Path) -> list[str]:
    """Paragraph styles that are captions by their name: Caption, 题注, and the templates' own
    (HIT Caption, PKU图题, 表题)."""
    from lxml import etree

    with _check_zip(path) as archive:
        if "word/styles.xml" not in archive.namelist():
            return []
        styles = etree.fromstring(archive.read("word/styles.xml"),
                                  etree.XMLParser(resolve_entities=False, no_network=True))
    names = [n.get(f"{W}val") or "" for n in styles.iterfind(f"{W}style/{W}name")]
    return sorted(n for n in names if re.search(r"(?i)caption|题注|图题|表题|图名|表名", n))


def _level(style_id: str, by_id: dict[str, tuple[str, str | None, int | None]]) -> int | None:
    current = by_id.get(style_id)
    for _ in range(20):  # basedOn chains are short; a loop in a damaged file must end
        if current is None:
            return None
        if current[2] is not None:
            return current[2]
        current = by_id.get(current[1] or "")
    return None


def document_text(path: Path) -> str:
    """The text of the body, footnotes and endnotes, one paragraph a line."""
    from lxml import etree

    lines: list[str] = []
    with _check_zip(path) as archive:
        for part in _TEXT_PARTS:
            if part not in archive.namelist():
                continue
            root = etree.fromstring(archive.read(part), etree.XMLParser(resolve_entities=False, no_network=True,
                                                                        huge_tree=False))
            for paragraph in root.iter(f"{W}p"):
                lines.append("".join(t.text or "" for t in paragraph.iter(f"{W}t")))
    return "\n".join(lines)
