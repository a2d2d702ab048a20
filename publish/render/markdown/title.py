"""An article's title from its text: the first heading, as books written for GitHub, mdBook or
MkDocs have it (`# 第1章 绪论`, or `## 什么是所有权？` in a sub-chapter).

A line scan, not a parse: the loader runs it on every article of every build, and
markdown-it costs a quarter of a second to import. It knows what can hide a heading-like
line — fenced code, HTML comments — and the two heading forms (ATX `#` and setext `===`).
"""

from __future__ import annotations

import html
import re

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_NOT_PARAGRAPH = re.compile(r"^\s*(?:[-*+>|]|\d+[.)]\s|<|!\[|\s{4})")
_ATTRIBUTES = re.compile(r"\s*\{:?\s*(?:[#.][\w-]|[\w-]+=)[^{}]*\}\s*$")  # {#id}, { .class }, {: width=…}
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])")
_CODE = re.compile(r"(`+)(.+?)\1")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3}|~~)(\S(?:.*?\S)?)\1")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def plain(inline: str) -> str:
    """Heading text without its Markdown: links and images as their text, no tags or emphasis marks."""
    text = _ATTRIBUTES.sub("", inline)
    codes: list[str] = []

    def keep(match: re.Match) -> str:  # code spans are verbatim: hide them from the other rules
        codes.append(match.group(2).strip())
        return f"\x00{len(codes) - 1}\x00"

    text = _CODE.sub(keep, text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub("", text)
    for _ in range(2):  # nested emphasis: ***x*** or **_x_**
        text = _EMPHASIS.sub(r"\2", text)
    text = _ESCAPE.sub(r"\1", text)
    text = html.unescape(text).replace("\u00a0", " ")
    text = re.sub(r"\x00(\d+)\x00", lambda m: codes[int(m.group(1))], text)
    return re.sub(r"\s+", " ", text).strip()


def first_heading(body: str) -> tuple[str, int, int] | None:
    """(title, index of its first line, index after its last line) of the first heading, or None."""
    lines = body.split("\n")
    fence: str | None = None
    in_comment = False
    previous_blank = True
    for index, line in enumerate(lines):
        if fence is not None:
            if line.strip().startswith(fence) and not line.strip()[len(fence):].strip():
                fence = None
            continue
        if in_comment:
            in_comment = "-->" not in line
            previous_blank = True
            continue
        opening = _FENCE.match(line)
        if opening:
            fence = opening.group(1)
            continue
        stripped = line.strip()
        if stripped.startswith("<!--"):
            in_comment = "-->" not in stripped[4:]
            continue
        atx = _ATX.match(line)
        if atx:
            title = plain(atx.group(2) or "")
            if title:
                return title, index, index + 1
        elif (stripped and previous_blank and index + 1 < len(lines) and _SETEXT.match(lines[index + 1])
              and not _NOT_PARAGRAPH.match(line)):
            title = plain(stripped)
            if title:
                return title, index, index + 2
        previous_blank = not stripped
    return None
