"""A stand-in for a new edition and a new input format, as a plug-in would add them."""

from __future__ import annotations

import time
from html import escape
from pathlib import Path

from publish.diagnostics import Report
from publish.model import Article, RenderedArticle, SourceText
from publish.render.readers import RenderContext
from publish.store import write_bytes
from publish.writers.target import Written


def build(book, job, options, sink):
    """An "HTML web edition": one page with every article, in order."""
    started = time.perf_counter()
    path = job.output("html")
    body = "".join(f"<article><h1>{escape(r.article.title)}</h1>{r.html}</article>" for r in book.rendered)
    data = f"<!DOCTYPE html><html lang=\"{book.publication.language}\"><body>{body}</body></html>".encode()
    write_bytes(path, data)
    yield Written("html", len(data), None, time.perf_counter() - started)


class TextReader:
    """Plain text: the first line is the title, each further paragraph a <p>."""

    def read(self, root: Path, name: str, path: Path, section: str | None, report: Report) -> Article | None:
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        return Article(name=name, title=title.strip(), body=SourceText(body, path, 2), section=section)

    def render(self, article: Article, context: RenderContext) -> RenderedArticle:
        paragraphs = [p.strip() for p in article.body.text.split("\n\n") if p.strip()]
        ids = [f"{article.name}-p{n}" for n in range(1, len(paragraphs) + 1)]
        html = "".join(f'<p id="{i}">{escape(p)}</p>\n' for i, p in zip(ids, paragraphs))
        return RenderedArticle(article, html, (), (), frozenset([article.name, *ids]), (), False)

    def text(self, article: Article) -> str:
        return article.path.read_text(encoding="utf-8")
