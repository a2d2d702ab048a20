"""The Markdown reader: CommonMark with optional front matter (source/frontmatter.py; without
a `title`, the first heading is the title: title.py), rendered by markdown-it-py with our
rules (rules.py over parser.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ...diagnostics import Report
from ...model import Article, RenderedArticle
from ...source.frontmatter import read_article
from ..readers import RenderContext
from .title import first_heading

if TYPE_CHECKING:
    from .rules import Renderer


class MarkdownReader:
    """`.md` files: YAML front matter (optional), then the body in Markdown."""

    def __init__(self) -> None:
        self._renderer: Renderer | None = None  # made on first use: importing markdown-it costs ~0.25 s

    def read(self, root: Path, name: str, path: Path, section: str | None, report: Report) -> Article | None:
        return read_article(root, name, path, section, report, find_title=first_heading)

    def render(self, article: Article, context: RenderContext) -> RenderedArticle:
        if self._renderer is None:
            from .rules import Renderer

            self._renderer = Renderer()
        return self._renderer.render(article, context)

    def text(self, article: Article) -> str:
        return article.path.read_text(encoding="utf-8-sig")
