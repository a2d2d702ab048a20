"""The cross-article check of internal links, over rendered articles however they were obtained
(rendered now or taken from the memo)."""

from __future__ import annotations

from ..diagnostics import Report, codes
from ..model import RenderedArticle


def check_links(rendered: tuple[RenderedArticle, ...], report: Report) -> None:
    """Every internal link must reach an id of some article."""
    known = set().union(*(r.ids for r in rendered)) if rendered else set()
    for item in rendered:
        for link in item.links:
            if link.target not in known:
                shown = f"'{link.written}'" if link.written else f"'#{link.target}'"
                report.add(codes.BROKEN_LINK, f"broken internal link {shown}: nothing has the id '{link.target}'",
                           item.article.path, link.line, 1,
                           "link to another article as name.md, or to a heading of it as name.md#id")
