"""SUMMARY.md (mdBook, GitBook, HonKit) and docsify's _sidebar.md: a table of contents as a
Markdown list of links, with part titles as headings.

    # Rust 程序设计语言              ← the book's title (the first heading, before any entry)
    [前言](foreword.md)              ← a prefix chapter: an unbulleted link
    ## 入门指南                      ← a part
    - [入门指南](ch01-00.md)         ← a chapter …
      - [安装](ch01-01.md)           ← … and its sub-chapter
    - [草稿]()                       ← a draft (mdBook): no file yet; in docsify, the home page
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from ..diagnostics import codes
from ..source.sandbox import inside, is_remote, real
from .outline import Node, Reporter

_LINK = re.compile(r"\[(?P<title>(?:[^\[\]\\]|\\.|\[[^\]]*\])*)\]\((?P<target><[^>]*>|(?:[^()\s]|\([^()\s]*\))*)"
                   r"(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?:[-*+]|\d+[.)])[ \t]+(?P<rest>.*)$")
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(?P<title>.*?)(?:[ \t]+#+)?[ \t]*$")
_GENERIC_TITLES = {"summary", "table of contents", "contents", "目录", "目錄", "目次"}


def _width(indent: str) -> int:
    return len(indent.replace("\t", "    "))


def _title(raw: str) -> str:
    text = re.sub(r"\\(.)", r"\1", raw)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    return re.sub(r"\s+", " ", re.sub(r"</?[A-Za-z][^>]*>|\*\*|__", "", text)).strip()


class _Summary:
    def __init__(self, path: Path, source: Path, root: Path, docsify: bool, warn: Reporter):
        self.path, self.source, self.root, self.docsify, self.warn = path, source, root, docsify, warn

    def chapter(self, title: str, target: str, line: int) -> Path | None:
        """The file an entry names, or None (with a warning) when it names none of the book's."""
        target = target.strip()
        if target.startswith("<") and target.endswith(">"):
            target = target[1:-1]
        if is_remote(target) or target.startswith("mailto:"):
            self.warn(codes.CHAPTER_LEFT_OUT, f"'{title}' links to {target}, outside the book: left out", self.path,
                      line)
            return None
        local = unquote(target.split("#")[0].split("?")[0]).replace("\\", "/")
        if not local or local == "/":
            if not self.docsify:
                self.warn(codes.CHAPTER_LEFT_OUT, f"'{title}' is a draft chapter (an empty link): left out",
                          self.path, line, "give it a file in the summary, then import again")
                return None
            local = "README.md"  # docsify: the empty route is the home page
        base = self.root if local.startswith("/") else self.path.parent
        found = base / local.lstrip("/")
        if local.endswith("/") or found.is_dir():
            found = found / "README.md"
        elif not found.suffix and found.with_suffix(".md").is_file():
            found = found.with_suffix(".md")  # docsify routes: /chapter1/intro
        if not inside(self.source, found):
            self.warn(codes.CHAPTER_LEFT_OUT, f"'{title}': {target} lies outside the book: left out", self.path, line)
            return None
        if not found.is_file():
            self.warn(codes.CHAPTER_LEFT_OUT, f"'{title}': the file {target} does not exist: left out", self.path,
                      line)
            return None
        return real(found)

    def read(self, text: str) -> tuple[list[Node], str | None]:
        top: list[Node] = []
        title: str | None = None
        part: Node | None = None
        stack: list[tuple[int, Node]] = []
        in_comment = False
        for number, line in enumerate(text.split("\n"), 1):
            if in_comment or line.lstrip().startswith("<!--"):
                in_comment = "-->" not in line.split("<!--", 1)[-1]
                continue
            heading = _HEADING.match(line)
            if heading:
                name = _title(heading.group("title"))
                if title is None and not top and not stack:
                    title = name if name.lower() not in _GENERIC_TITLES else ""
                else:
                    part = Node(name, None, number)
                    top.append(part)
                    stack = []
                continue
            item = _ITEM.match(line)
            link = _LINK.search(item.group("rest") if item else line)
            if item is None and link is None:
                continue
            name = _title(link.group("title")) if link else _title(item.group("rest") if item else "")
            path = self.chapter(name, link.group("target"), number) if link else None
            node = Node(name, path, number)
            if item is None:  # a prefix or suffix chapter: an unbulleted link, outside any part
                top.append(node)
                part, stack = None, []
                continue
            indent = _width(item.group("indent"))
            while stack and stack[-1][0] >= indent:
                stack.pop()
            siblings = stack[-1][1].children if stack else part.children if part is not None else top
            siblings.append(node)
            stack.append((indent, node))
        return top, title or None


def read_summary(path: Path, text: str, source: Path, root: Path, warn: Reporter,
                 docsify: bool = False) -> tuple[list[Node], str | None]:
    """The entries of a SUMMARY.md or _sidebar.md and the book's title if it has one.

    Links are relative to the file (docsify: `/x.md` to the site's `root`); a folder means
    its README.md."""
    return _Summary(path, source, root, docsify, warn).read(text)
