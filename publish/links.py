"""The cross-article check of internal links, over rendered articles however they were obtained.

Its own module so that a build whose articles all come from the render cache need not import
the Markdown renderer (markdown-it, Pygments, nh3, lxml: ~0.25 s).
"""

from __future__ import annotations

from .diagnostics import Report
from .model import RenderedArticle


def check_links(rendered: tuple[RenderedArticle, ...], report: Report) -> None:
    """Every internal link must reach an id of some article."""
    known = set().union(*(r.ids for r in rendered)) if rendered else set()
    for item in rendered:
        for link in item.links:
            if link.target not in known:
                shown = f"'{link.written}'" if link.written else f"'#{link.target}'"
                report.error("E206", f"broken internal link {shown}: nothing has the id '{link.target}'",
                             item.article.path, link.line, 1,
                             "link to another article as name.md, or to a heading of it as name.md#id")
