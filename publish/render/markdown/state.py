"""What rendering one article gathers as it goes; turned into a RenderedArticle at the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from markdown_it.token import Token

from ...diagnostics import Code, Report
from ...model import Article, Asset, Figure, Link


@dataclass
class RenderState:
    article: Article
    root: Path
    report: Report
    next_figure: int
    figures: list[Figure] = field(default_factory=list)
    assets: dict[Path, Asset] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)
    links: list[Link] = field(default_factory=list)
    paragraphs: int = 0
    equations: int = 0

    def line(self, token: Token | None) -> int:
        if token is not None and token.map:
            return self.article.body.first_line + token.map[0]
        return self.article.body.first_line

    def anchor(self, local: str) -> str:
        return f"{self.article.name}-{local}"

    def add(self, code: Code, message: str, token: Token | None, hint: str | None = None, col: int = 1) -> None:
        """A diagnostic at the token's line in the article."""
        self.report.add(code, message, self.article.path, self.line(token), col, hint)
