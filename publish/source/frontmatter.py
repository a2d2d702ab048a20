"""Text files with YAML front matter: what the text readers (Markdown, …) share.

    ---
    title: 标题          ← checked against the article schema (schema.ARTICLE)
    ---
    body …               ← kept as SourceText, with the line it starts at

The front matter is optional, and so is its `title`: a reader that can find a title in its
format (the Markdown reader: the first heading) passes `find_title`; the title's lines are
then blanked in the body, so that it is not printed twice and line numbers stay true.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from ..diagnostics import Report, codes
from ..model import Article, SourceText
from . import schema
from .sandbox import OutsideProject, read_bytes
from .textfile import DecodeError, decode
from .yamlsource import YamlDoc, YamlError
from .yamlsource import load as load_yaml

_FENCE = re.compile(r"^(---|\.\.\.)\s*$")
# The body → (the title, index of its first line, index after its last line), or None.
TitleFinder = Callable[[str], "tuple[str, int, int] | None"]


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


def read_article(root: Path, name: str, path: Path, section: str | None, report: Report,
                 find_title: TitleFinder | None = None) -> Article | None:
    """The article in a text file with optional front matter, its metadata checked, its body kept as source."""
    text = read_text(root, path, report)
    if text is None:
        return None
    meta: dict = {}
    body, body_line = text, 1
    if text.split("\n", 1)[0].strip() == "---":
        parts = split_front_matter(text, path, report)
        if parts is None:
            return None
        front, body, body_line = parts
        doc = parse_yaml(front, path, report, line_offset=1)
        if doc is None:
            return None
        if doc.data is not None:
            errors_before = len(report.errors)
            keys = schema.ARTICLE if find_title is None else schema.ARTICLE_TITLE_OPTIONAL
            meta = schema.check(doc, (), keys, report, path, line_offset=1, what="the front matter")
            if len(report.errors) > errors_before:
                return None
    if "title" not in meta:
        found = find_title(body) if find_title is not None else None
        if found is None:
            why = "its front matter has no 'title'" if body_line > 1 else "it has no front matter"
            report.add(codes.NO_TITLE, f"the article has no title: {why} and its text no heading", path, 1, 1,
                       "begin the text with a heading (# 标题), or give it front matter: ---, title: 标题, ---")
            return None
        title, first, end = found
        lines = body.split("\n")
        body = "\n".join(lines[:first] + [""] * (end - first) + lines[end:])
        meta["title"] = title
        meta["title_from_heading"] = True
    return Article(name=name, body=SourceText(body, path, body_line), section=section, **meta)
