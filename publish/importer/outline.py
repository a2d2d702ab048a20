"""What an import reads before it copies anything: the book's order and metadata, from
whichever tool the book was written for (layouts.py finds which)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Code, Report, codes


@dataclass
class Node:
    """An entry of a book's table of contents: a chapter (with a file) or a heading of entries."""

    title: str
    path: Path | None  # the chapter's file, absolute; None: a section heading or a draft
    line: int  # where the order file lists it
    children: list[Node] = field(default_factory=list)


@dataclass
class Part:
    """A section of the publication: a part (mdBook `# 部分`), a nav section, or a chapter with
    sub-chapters; None as title for chapters outside any."""

    title: str | None
    chapters: list[tuple[Path, int]]  # each chapter's file and the line of the order file that lists it
    titles: dict[Path, str] = field(default_factory=dict)  # what the order file calls them


@dataclass
class Outline:
    kind: str  # "mdBook", "MkDocs", "GitBook", "docsify", "folder", "Word"
    source: Path  # the folder given (everything read must lie in it)
    content: Path  # where the chapters live (src/, docs/, …)
    order_file: Path | None  # SUMMARY.md, mkdocs.yml, _sidebar.md
    parts: list[Part]
    meta: dict = field(default_factory=dict)  # publication.yaml keys: title, authors, language, rights …
    notes: dict = field(default_factory=dict)  # written as comments: description, repository …
    self_urls: tuple[str, ...] = ()  # URL prefixes of the book's own files (its GitHub blob/tree URLs)

    @property
    def chapters(self) -> list[Path]:
        return [path for part in self.parts for path, _ in part.chapters]

    def title_of(self, path: Path) -> str:
        """The chapter's title in the order file, else its file name: for a chapter that has none."""
        return next((part.titles[path] for part in self.parts if part.titles.get(path)), path.stem)


class Reporter:
    """Diagnostics of one import, each at the file and line of the source it concerns."""

    def __init__(self, report: Report):
        self.report = report

    def __call__(self, code: Code, message: str, path: Path | None, line: int = 1, hint: str | None = None) -> None:
        self.report.add(code, message, path, line, 1, hint)


def parts_of(nodes: list[Node], warn: Reporter, order_file: Path | None) -> list[Part]:
    """Sections from a tree of entries, in order.

    A top-level heading (an mdBook part title, a nav section) is a section of everything
    under it; a top-level chapter with sub-chapters is a section too, itself first; a
    top-level chapter without is a loose article. publish has two levels (section →
    article): what is nested deeper is listed flat in its section, and said once."""
    parts: list[Part] = []
    deep: list[Node] = []
    titles: dict[Path, str] = {}

    def flatten(node: Node) -> list[tuple[Path, int]]:
        if node.children:
            deep.append(node)
        if node.path is not None:
            titles[node.path] = node.title
        found = [(node.path, node.line)] if node.path is not None else []
        for child in node.children:
            found += flatten(child)
        return found

    for node in nodes:
        if node.path is not None:
            titles[node.path] = node.title
        if node.path is None or node.children:
            chapters = [(node.path, node.line)] if node.path is not None else []
            for child in node.children:
                chapters += flatten(child)
            parts.append(Part(node.title, chapters))
        elif parts and parts[-1].title is None:
            parts[-1].chapters.append((node.path, node.line))
        else:
            parts.append(Part(None, [(node.path, node.line)]))
    if deep:
        warn(codes.IMPORT_SIMPLIFIED, f"{len(deep)} chapter{'' if len(deep) == 1 else 's'} with sub-chapters below "
             f"the section level (the first: '{deep[0].title}'): their sub-chapters are listed flat in the section",
             order_file, deep[0].line, "publish has two levels, sections of articles; edit contents to regroup them")
    for part in parts:
        part.titles = {path: titles[path] for path, _ in part.chapters}
    return [part for part in parts if part.chapters]
