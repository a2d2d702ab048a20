"""Markdown → XHTML fragment for one article (markdown-it-py + mdit-py-plugins).

parser.py builds the parser (and marks figures, heading ids, tabs); this module holds the
core rendering rules: Chinese line joining and typography, links, headings, Pygments code,
paragraphs, lists and tables, each with the ids of the markup contract (render/contract.py).
The other rules are mixed in: figures.py, notes.py, blocks.py (boxes, tabs, math), html.py
(raw HTML as a tree). Problems become diagnostics at the Markdown line they come from.
"""

from __future__ import annotations

import os
import re
from html import escape
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from ...cjk.chars import is_cjk
from ...cjk.typography import typeset
from ...diagnostics import codes
from ...model import Article, Link, RenderedArticle
from .. import sanitize
from ..readers import RenderContext
from .blocks import BlockRules, foreign_syntax
from .depth import MAX_COLUMNS, MAX_DEPTH, first_too_deep, first_too_wide
from .figures import FigureRules
from .headings import GENERATED_ID
from .html import HtmlRules
from .notes import NoteRules
from .parser import parser
from .ruby import RubyRules
from .state import RenderState

_FORMATTER = HtmlFormatter(nowrap=True)
# Tokens that neither our themes nor Pygments' own styles mark (names, punctuation, white
# space) are left as text, not wrapped in a span each: they were 60% of a code-heavy chapter's
# elements, and every element costs the PDF's layout a computed style (~100 MB for one
# 24-page chapter of hello-algo). The nowrap formatter's spans hold escaped text only.
_PLAIN = re.compile(r'<span class="(?:n|nx|p|w)">([^<]*)</span>')


class Renderer(FigureRules, NoteRules, BlockRules, HtmlRules, RubyRules):
    """Renders articles; one parser for all of them (making it costs more than a short article)."""

    def __init__(self) -> None:
        self.md = parser()
        # markdown-it's RendererHTML: its rules table and renderInlineAsText (not in its protocol).
        self.html: Any = cast(Any, self.md.renderer)
        self._stock_inline = self.html.renderInline
        self.html.renderInline = self.render_inline  # raw HTML in a run is cleaned as one tree
        self.html.rules.update({
            "text": self._text, "softbreak": self._softbreak, "link_open": self._link_open,
            "heading_open": self._heading_open, "heading_close": self._heading_close,
            "fence": self._fence, "code_block": self._fence, "paragraph_open": self._paragraph_open,
            "list_item_open": self._numbered("li"), "tr_open": self._numbered("tr"),
            "table_open": lambda *a: '<div class="table"><table>\n', "table_close": lambda *a: "</table></div>\n",
            **self.figure_rules(), **self.note_rules(), **self.block_rules(), **self.html_rules(),
            **self.ruby_rules(),
        })

    # -- the entry point -----------------------------------------------------------------

    def render(self, article: Article, context: RenderContext) -> RenderedArticle:
        state = RenderState(article, context.root, context.report, context.first_figure)
        env = {"state": state, "context": context}
        tokens = self.md.parse(article.body.text, env)
        deep = first_too_deep(tokens)
        if deep is not None:  # not rendered: the error stops the build, and the XHTML would break lxml
            token, block = deep
            state.add(codes.NESTED_TOO_DEEP, f"Markdown nested more than {MAX_DEPTH} levels deep "
                      f"(here: {token.type.removesuffix('_open')})", token if token.map else block,
                      "nest fewer blockquotes, lists or emphasis marks inside one another")
            return RenderedArticle(article=article, html="", figures=(), assets=(), ids=frozenset({article.name}),
                                   links=(), has_notes=False)
        wide = first_too_wide(tokens)
        if wide is not None:
            state.add(codes.TABLE_TOO_WIDE, f"a table of {wide[1]} columns: at most {MAX_COLUMNS} fit a printed page",
                      wide[0], "split the table, or turn it (rows as columns)")
        self.check_leftover_footnotes(tokens, state)
        foreign_syntax(tokens, state)
        body = self.html.render(tokens, self.md.options, env)
        state.ids.add(article.name)
        return RenderedArticle(
            article=article,
            html=body,
            figures=tuple(state.figures),
            assets=tuple(state.assets.values()),
            ids=frozenset(state.ids),
            links=tuple(state.links),
            has_notes=any(t.type == "footnote_block_open" for t in tokens),
        )

    # -- inline text -----------------------------------------------------------------

    @staticmethod
    def _neighbour(tokens, idx: int, step: int, env: dict) -> str:
        """The text next to token `idx` in its run, across inline markup, up to a line break.

        Worked out for the whole run at once and kept in `env`: looking for it token by token
        was quadratic (20,000 emphasis marks around one character took 50 s)."""
        cached = env.get("neighbours")
        if cached is None or cached[0] is not tokens:
            cached = (tokens, _nearest_text(tokens), _nearest_text(tokens[::-1])[::-1])
            env["neighbours"] = cached
        return cached[1 if step < 0 else 2][idx]

    def _text(self, tokens, idx, options, env) -> str:
        return typeset(tokens[idx].content, self._neighbour(tokens, idx, -1, env), self._neighbour(tokens, idx, 1, env))

    def _softbreak(self, tokens, idx, options, env) -> str:
        # A line break between Chinese characters is no space: join the lines.
        before = self._neighbour(tokens, idx, -1, env)[-1:]
        after = self._neighbour(tokens, idx, 1, env)[:1]
        if (before and is_cjk(before)) or (after and is_cjk(after)):
            return ""
        return "\n"

    def _link_open(self, tokens, idx, options, env) -> str:
        state: RenderState = env["state"]
        token = tokens[idx]
        href = str(token.attrGet("href") or "")
        scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", href)
        if scheme or href.startswith("//"):
            if (scheme and scheme.group(1).lower() in sanitize.LINK_SCHEMES) or href.startswith("//"):
                return f'<a href="{escape(href)}">'
            kind = scheme.group(1).lower() if scheme else ""
            state.report.add(codes.SANITIZED_HTML, f"a {kind}: link was removed: {href[:60]}",
                             state.article.path, state.line(token), 1,
                             "links may go to http(s) and mailto addresses, or inside the publication")
            return "<a>"
        target = self._internal_target(href, state, env["context"])
        state.links.append(Link(target, state.line(token), unquote(href)))
        return f'<a href="#{escape(target)}">'

    @staticmethod
    def _internal_target(href: str, state: RenderState, context: RenderContext) -> str:
        """`other.md#x` → `<other's name>-x`; `other.md` → its name; `#x` → `<this>-x`.

        A path is relative to the linking file (or to manuscript/), written plainly or URL-encoded
        (`第二章.md`, `第%20二章.md`, markdown-it encodes the first as the second), with / or \\;
        a folder (`../第二章/`) is its index.md or README.md. A file that is no article keeps
        its stem as the target, which check_links reports as broken."""
        path, _, fragment = href.partition("#")
        fragment = unquote(fragment)
        name = state.article.name
        if path:
            local = unquote(path.partition("?")[0]).replace("\\", "/")
            name = Path(os.path.normpath(state.article.path.parent / local)).stem
            for base in (state.article.path.parent, state.root / "manuscript"):
                found = [context.article_at(base / local / index) for index in ("index.md", "README.md")] \
                    if local.endswith("/") or not Path(local).suffix else []
                found.insert(0, context.article_at(base / local))
                known = next((n for n in found if n is not None), None)
                if known is not None:
                    name = known
                    break
        return f"{name}-{fragment}" if fragment else name

    # -- blocks -----------------------------------------------------------------

    def _heading_open(self, tokens, idx, options, env) -> str:
        state: RenderState = env["state"]
        token = tokens[idx]
        level = max(2, int(token.tag[1]))  # h1 is the article title
        token.meta["level"] = level
        local = str(token.attrGet("id"))  # headings.py: the author's {#id}, or the GitHub slug
        anchor = state.anchor(local)
        if token.meta.get("explicit"):
            if GENERATED_ID.fullmatch(local):
                state.add(codes.DUPLICATE_ID, f"the id '{local}' is one publish gives to a paragraph, heading, "
                          "figure or note", token, "choose another {#id}")
            elif anchor in state.ids:
                state.add(codes.DUPLICATE_ID, f"the id '{local}' is used twice in this article", token,
                          "give each heading its own {#id}")
        state.ids.add(anchor)
        names = " ".join(c for c in str(token.attrGet("class") or "").split() if re.fullmatch(r"[\w-]+", c))
        extra = f' class="{names}"' if names else ""
        return f'<h{level} id="{escape(anchor)}"{extra}>'

    def _heading_close(self, tokens, idx, options, env) -> str:
        # The closing token has the opening's tag: no search back (that was quadratic in the headings).
        return f"</h{max(2, int(tokens[idx].tag[1]))}>\n"

    def _fence(self, tokens, idx, options, env) -> str:
        state: RenderState = env["state"]
        token = tokens[idx]
        language = (token.info or "").strip().split(" ")[0]
        code = token.content
        if language:
            try:
                lexer = get_lexer_by_name(language)
            except ClassNotFound:
                state.report.add(codes.UNKNOWN_LANGUAGE, f"unknown code language '{language}': not highlighted",
                                 state.article.path, state.line(token))
            else:
                marked = _PLAIN.sub(r"\1", highlight(code, lexer, _FORMATTER))
                return _code_block(marked, f' data-lang="{escape(language)}"')
        return _code_block(escape(code, quote=False), "")

    def _paragraph_open(self, tokens, idx, options, env) -> str:
        # Every paragraph gets an id: the page-list maps printed pages to them.
        state: RenderState = env["state"]
        if tokens[idx].hidden:  # tight list items: no <p>
            return ""
        state.paragraphs += 1
        anchor = state.anchor(f"p{state.paragraphs}")
        state.ids.add(anchor)
        return f'<p id="{anchor}">'

    def _numbered(self, tag: str):
        """List items and table rows get ids too, so a printed page that starts in one is found."""
        def rule(tokens, idx, options, env) -> str:
            state: RenderState = env["state"]
            state.paragraphs += 1
            return f'<{tag} id="{state.anchor(f"{tag}{state.paragraphs}")}">'
        return rule


def _nearest_text(tokens) -> list[str]:
    """For each token, the content of the nearest text token before it ("" past a line break)."""
    found, last = [], ""
    for token in tokens:
        found.append(last)
        if token.type == "text" and token.content:
            last = token.content
        elif token.type in ("softbreak", "hardbreak"):
            last = ""
    return found


def _code_block(body: str, lang: str) -> str:
    """One <span class="line"> per source line (Pygments closes its spans at each line's end), so
    that the print theme can mark where a long line wraps."""
    lines = body[:-1].split("\n") if body.endswith("\n") else body.split("\n")
    inner = "".join(f'<span class="line">{line}\n</span>' for line in lines)
    return f'<pre class="code"{lang}><code>{inner}</code></pre>\n'
