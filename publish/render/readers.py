"""Article readers: one per input format, chosen by the file's suffix (like pandoc's readers).

A reader has two halves. `read` (used by the loader, source/) turns a file into an
`Article` whose metadata is checked against the article schema; `render` turns that
Article into the model's `RenderedArticle` (an XHTML fragment that keeps the markup
contract of render/contract.py). A new format is one module with a reader class, plus
one line in READERS; neither the loader, the memo nor make change.

    class MyReader:
        def read(self, root, name, path, section, report) -> Article | None: ...
        def render(self, article, context: RenderContext) -> RenderedArticle: ...
        def text(self, article) -> str: ...   # the file as the author sees it, for the glyph check
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..diagnostics import Report
from ..model import Article, RenderedArticle


@dataclass
class RenderContext:
    """What rendering one article may use besides the article: the project, where its
    diagnostics go, the number its first figure gets (figures are numbered across the
    publication), and every article's file → its name, for links between files
    (`../第二章/引言.md#小结` → the id `<name>-小结`)."""

    root: Path
    report: Report
    first_figure: int = 1
    articles: Mapping[Path, str] = field(default_factory=dict)  # os.path.normpath of Article.path → name

    def article_at(self, path: Path) -> str | None:
        """The name of the article whose file is `path` (made absolute and normalised), if it is one."""
        return self.articles.get(Path(os.path.normpath(path)))


class Reader(Protocol):
    def read(self, root: Path, name: str, path: Path, section: str | None, report: Report) -> Article | None: ...

    def render(self, article: Article, context: RenderContext) -> RenderedArticle: ...

    def text(self, article: Article) -> str: ...


@dataclass(frozen=True)
class ReaderSpec:
    suffixes: tuple[str, ...]  # lower case, with the dot
    ref: str  # "module:class", imported on first use
    libraries: tuple[str, ...] = ()  # top-level modules its output depends on: their versions key the memo


READERS = (
    ReaderSpec((".md", ".markdown"), "publish.render.markdown:MarkdownReader",
               ("markdown_it", "mdit_py_plugins", "pygments", "nh3")),
    ReaderSpec((".docx",), "publish.render.docx:DocxReader", ("mammoth", "docx", "nh3", "lxml")),
    ReaderSpec((".txt",), "publish.render.aozora:AozoraReader"),  # Aozora Bunko's notation
)


def load(ref: str) -> object:
    module, _, attribute = ref.partition(":")
    return getattr(importlib.import_module(module), attribute)


def readers() -> dict[str, Reader]:
    """suffix → a reader instance, for every registered reader."""
    found: dict[str, Reader] = {}
    for spec in READERS:
        reader = load(spec.ref)()  # type: ignore[operator]
        for suffix in spec.suffixes:
            found[suffix] = reader
    return found


def spec_for(path: Path) -> ReaderSpec:
    return next(spec for spec in READERS if path.suffix.lower() in spec.suffixes)
