"""Text files with YAML front matter: what the text readers (Markdown, …) share.

    ---
    title: 标题          ← checked against the article schema (schema.ARTICLE)
    ---
    body …               ← kept as SourceText, with the line it starts at
"""

from __future__ import annotations

import re
from pathlib import Path

from ..diagnostics import Report, codes
from ..model import Article, SourceText
from . import schema
from .sandbox import OutsideProject, read_bytes
from .textfile import DecodeError, decode
from .yamlsource import YamlDoc, YamlError
from .yamlsource import load as load_yaml

_FENCE = re.compile(r"^(---|\.\.\.)\s*$")


def read_text(root: Path, path: Path, report: Report) -> str | None:
    """A manuscript file's text, read only if it lies inside the project (symlinks followed)."""
    try:
        return decode(read_bytes(root, path))
    except DecodeError as exc:
        report.add(exc.code, exc.message, path, exc.line, exc.col, exc.hint)
    except OutsideProject as exc:
        report.add(codes.OUTSIDE_PROJECT, str(exc), path, 1, 1,
                   "copy the file into the project instead of linking to it")
    except OSError as exc:
        report.add(codes.UNREADABLE, f"cannot read file: {exc.strerror}", path, 1, 1)
    return None


def parse_yaml(text: str, path: Path, report: Report, line_offset: int = 0) -> YamlDoc | None:
    try:
        return load_yaml(text)
    except YamlError as exc:
        report.add(exc.code, exc.message, path, exc.line + line_offset, exc.col)
        return None


def split_front_matter(text: str, path: Path, report: Report) -> tuple[str, str, int] | None:
    """Return (front matter, body, 1-based line where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        report.add(codes.NO_FRONT_MATTER, "missing front matter: the file must begin with a '---' line", path, 1, 1,
                   "start the file with ---, then 'title: …', then another --- line")
        return None
    for index in range(1, len(lines)):
        if _FENCE.match(lines[index]):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    report.add(codes.NO_FRONT_MATTER, "front matter is not closed: no second '---' line", path, 1, 1)
    return None


def read_article(root: Path, name: str, path: Path, section: str | None, report: Report) -> Article | None:
    """The article in a text file with front matter, its metadata checked, its body kept as source."""
    text = read_text(root, path, report)
    if text is None:
        return None
    parts = split_front_matter(text, path, report)
    if parts is None:
        return None
    front, body, body_line = parts
    doc = parse_yaml(front, path, report, line_offset=1)
    if doc is None:
        return None
    if doc.data is None:
        report.add(codes.MISSING_KEY, "missing required key 'title' in the front matter", path, 1, 1)
        return None
    errors_before = len(report.errors)
    meta = schema.check(doc, (), schema.ARTICLE, report, path, line_offset=1, what="the front matter")
    if len(report.errors) > errors_before or "title" not in meta:
        return None
    return Article(name=name, body=SourceText(body, path, body_line), section=section, **meta)
