"""Markdown → XHTML fragment for one article (markdown-it-py + mdit-py-plugins).

parser.py builds the parser (and marks figures); this module holds the rendering
rules: figures with captions and credits, EPUB 3 footnotes, Chinese line joining
and typography, Pygments code, raw HTML through sanitize.py, and project-confined
images. Problems become diagnostics at the Markdown line they come from. The markup
it writes keeps the contract of render/contract.py.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote

from markdown_it.token import Token
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from ...cjk.chars import is_cjk
from ...cjk.typography import typeset
from ...diagnostics import Report, codes
from ...model import Article, Asset, Figure, Link, RenderedArticle
from .. import sanitize
from ..images import find_image
from ..readers import RenderContext
from .parser import parser

FOOTNOTE_LEFTOVER = re.compile(r"\[\^([^\]\s]+)\]")
# Ids the renderer makes itself: an explicit heading id like these would be a duplicate.
_GENERATED_ID = re.compile(r"(?:p|h|fig|fn|fnref)\d+(?:-\d+)?")
_FORMATTER = HtmlFormatter(nowrap=True)


def pygments_css(scope: str = ".code") -> str:
    return HtmlFormatter(style="friendly").get_style_defs(scope)


@dataclass
class _State:
    """Per-article facts gathered while rendering; turned into a RenderedArticle at the end."""

    article: Article
    root: Path
    report: Report
    next_figure: int
    figures: list[Figure] = field(default_factory=list)
    assets: dict[Path, Asset] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)
    links: list[Link] = field(default_factory=list)
    headings: int = 0
    paragraphs: int = 0

    def line(self, token: Token | None) -> int:
        if token is not None and token.map:
            return self.article.body.first_line + token.map[0]
        return self.article.body.first_line

    def anchor(self, local: str) -> str:
        return f"{self.article.name}-{local}"


class Renderer:
    """Renders articles; one parser for all of them (making it costs more than a short article)."""

    def __init__(self) -> None:
        self.md = parser()
        # markdown-it's RendererHTML: its rules table and renderInlineAsText (not in its protocol).
        self.html: Any = cast(Any, self.md.renderer)
        rules = self.html.rules.__setitem__
        rules("text", self._text)
        rules("softbreak", self._softbreak)
        rules("image", self._image)
        rules("link_open", self._link_open)
        rules("heading_open", self._heading_open)
        rules("heading_close", self._heading_close)
        rules("fence", self._fence)
        rules("code_block", self._fence)
        rules("html_block", self._html)
        rules("html_inline", self._html)
        rules("figure", self._figure)
        rules("figure_inline", lambda *a: "")
        rules("figure_close", lambda *a: "")
        rules("container_pullquote_open", self._pullquote)
        rules("container_pullquote_close", lambda *a: "</blockquote>\n")
        rules("container_sidebar_open", self._sidebar)
        rules("container_sidebar_close", lambda *a: "</aside>\n")
        rules("footnote_ref", self._footnote_ref)
        rules("footnote_block_open", self._footnote_block_open)
        rules("footnote_block_close", lambda *a: "</section>\n")
        rules("footnote_open", self._footnote_open)
        rules("footnote_close", lambda *a: "</aside>\n")
        rules("footnote_anchor", self._footnote_anchor)
        rules("paragraph_open", self._paragraph_open)
        rules("list_item_open", self._numbered("li"))
        rules("tr_open", self._numbered("tr"))
        rules("table_open", lambda *a: '<div class="table"><table>\n')
        rules("table_close", lambda *a: "</table></div>\n")

    # -- the entry point -----------------------------------------------------------------

    def render(self, article: Article, context: RenderContext) -> RenderedArticle:
        state = _State(article, context.root, context.report, context.first_figure)
        env = {"state": state, "context": context}
        tokens = self.md.parse(article.body.text, env)
        self._check_leftover_footnotes(tokens, state)
        body = self.md.renderer.render(tokens, self.md.options, env)
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
    def _neighbour(tokens, idx: int, step: int) -> str:
        j = idx + step
        while 0 <= j < len(tokens):
            token = tokens[j]
            if token.type == "text" and token.content:
                return token.content
            if token.type in ("softbreak", "hardbreak"):
                return ""
            j += step
        return ""

    def _text(self, tokens, idx, options, env) -> str:
        return typeset(tokens[idx].content, self._neighbour(tokens, idx, -1), self._neighbour(tokens, idx, 1))

    def _softbreak(self, tokens, idx, options, env) -> str:
        # A line break between Chinese characters is no space: join the lines.
        before = self._neighbour(tokens, idx, -1)[-1:]
        after = self._neighbour(tokens, idx, 1)[:1]
        if (before and is_cjk(before)) or (after and is_cjk(after)):
            return ""
        return "\n"

    def _link_open(self, tokens, idx, options, env) -> str:
        state: _State = env["state"]
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
    def _internal_target(href: str, state: _State, context: RenderContext) -> str:
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
        state: _State = env["state"]
        token = tokens[idx]
        level = max(2, int(token.tag[1]))  # h1 is the article title
        token.meta["level"] = level
        state.headings += 1
        explicit = token.attrGet("id")
        anchor = state.anchor(str(explicit) if explicit else f"h{state.headings}")
        if explicit and _GENERATED_ID.fullmatch(str(explicit)):
            state.report.add(codes.DUPLICATE_ID, f"the id '{explicit}' is one publish gives to a paragraph, "
                             "heading, figure or note", state.article.path, state.line(token), 1,
                             "choose another {#id}")
        elif explicit and anchor in state.ids:
            state.report.add(codes.DUPLICATE_ID, f"the id '{explicit}' is used twice in this article",
                             state.article.path, state.line(token), 1, "give each heading its own {#id}")
        state.ids.add(anchor)
        return f'<h{level} id="{escape(anchor)}">'

    def _heading_close(self, tokens, idx, options, env) -> str:
        opening = next(t for t in reversed(tokens[:idx]) if t.type == "heading_open")
        return f"</h{opening.meta['level']}>\n"

    def _fence(self, tokens, idx, options, env) -> str:
        state: _State = env["state"]
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
                body = highlight(code, lexer, _FORMATTER)
                return f'<pre class="code" data-lang="{escape(language)}"><code>{body}</code></pre>\n'
        return f'<pre class="code"><code>{escape(code, quote=False)}</code></pre>\n'

    def _html(self, tokens, idx, options, env) -> str:
        state: _State = env["state"]
        token = tokens[idx]
        raw = token.content
        removed = sanitize.removed_parts(raw)
        if removed:
            state.report.add(codes.SANITIZED_HTML, f"raw HTML was sanitized: removed {', '.join(removed)}",
                             state.article.path, state.line(token), 1, "write images and links in Markdown; "
                             "scripts, frames, styles and event handlers never reach the outputs")
        cleaned = sanitize.clean(raw)
        return cleaned + ("\n" if token.type == "html_block" and cleaned else "")

    def _paragraph_open(self, tokens, idx, options, env) -> str:
        # Every paragraph gets an id: the page-list maps printed pages to them.
        state: _State = env["state"]
        if tokens[idx].hidden:  # tight list items: no <p>
            return ""
        state.paragraphs += 1
        anchor = state.anchor(f"p{state.paragraphs}")
        state.ids.add(anchor)
        return f'<p id="{anchor}">'

    def _numbered(self, tag: str):
        """List items and table rows get ids too, so a printed page that starts in one is found."""
        def rule(tokens, idx, options, env) -> str:
            state: _State = env["state"]
            state.paragraphs += 1
            return f'<{tag} id="{state.anchor(f"{tag}{state.paragraphs}")}">'
        return rule

    def _pullquote(self, tokens, idx, options, env) -> str:
        return '<blockquote class="pullquote" role="doc-pullquote" epub:type="pullquote">\n'

    def _sidebar(self, tokens, idx, options, env) -> str:
        title = tokens[idx].info.strip()[len("sidebar"):].strip()
        heading = f'<p class="sidebar-title">{typeset(title)}</p>\n' if title else ""
        label = f' aria-label="{escape(title)}"' if title else ""
        return f'<aside class="sidebar" epub:type="sidebar" role="complementary"{label}>\n{heading}'

    # -- figures and images -----------------------------------------------------------------

    def _asset(self, token: Token, state: _State) -> Asset | None:
        asset = find_image(state.root, str(token.attrGet("src") or ""), state.article.path, state.line(token),
                           state.report)
        if asset is None:
            return None
        return state.assets.setdefault(asset.source, asset)

    def _image(self, tokens, idx, options, env) -> str:
        state: _State = env["state"]
        token = tokens[idx]
        asset = self._asset(token, state)
        alt = self.html.renderInlineAsText(token.children or [], options, env)
        if not alt.strip():
            state.report.add(codes.NO_ALT_TEXT, "image without alt text", state.article.path, state.line(token), 1,
                             "write a short description between the brackets: ![description](file.png)")
        if asset is None:
            return f'<span class="missing-image">{escape(alt)}</span>'
        return f'<img src="{escape(asset.href)}" alt="{escape(alt)}" />'

    def _figure(self, tokens, idx, options, env) -> str:
        state: _State = env["state"]
        token = tokens[idx]
        image: Token = token.meta["image"]
        image.map = token.map
        asset = self._asset(image, state)
        alt = self.html.renderInlineAsText(image.children or [], options, env).strip()
        if not alt:
            state.report.add(codes.NO_ALT_TEXT, "figure image without alt text", state.article.path,
                             state.line(token), 1,
                             "write a short description between the brackets: ![description](file.png)")
        caption_html = self.md.renderer.render(token.meta["caption"], options, env)
        credit_html = self.md.renderer.render(token.meta["credit"], options, env)
        caption_text = self.html.renderInlineAsText(token.meta["caption"], options, env)
        credit_text = self.html.renderInlineAsText(token.meta["credit"], options, env) or None
        number = state.next_figure
        state.next_figure += 1
        anchor = state.anchor(f"fig{number}")
        state.ids.add(anchor)
        state.figures.append(Figure(number, anchor, alt, caption_text, credit_text, asset))
        if asset is None:
            picture = f'<p class="missing-image">{escape(alt)}</p>'
        else:
            picture = f'<img src="{escape(asset.href)}" alt="{escape(alt)}" />'
        parts = [f'<figure id="{anchor}" class="figure">', picture, '<figcaption>',
                 f'<span class="figure-label">图{number}</span>']
        if caption_html:
            parts.append(f'<span class="caption">{caption_html}</span>')
        if credit_html:
            parts.append(f'<span class="credit">{credit_html}</span>')
        parts.append("</figcaption></figure>\n")
        return "".join(parts)

    # -- footnotes (EPUB 3 pop-up notes, links both ways) ------------------------------------

    @staticmethod
    def _note_ids(token: Token, state: _State) -> tuple[int, str]:
        """The note's number and the id of this reference to it (a note may be cited twice)."""
        number = token.meta["id"] + 1
        sub = token.meta.get("subId", 0)
        return number, state.anchor(f"fnref{number}" + (f"-{sub}" if sub else ""))

    def _footnote_ref(self, tokens, idx, options, env) -> str:
        state: _State = env["state"]
        number, ref = self._note_ids(tokens[idx], state)
        state.ids.add(ref)
        target = state.anchor(f"fn{number}")
        return (f'<sup class="noteref"><a epub:type="noteref" role="doc-noteref" id="{ref}" '
                f'href="#{target}">{number}</a></sup>')

    def _footnote_block_open(self, tokens, idx, options, env) -> str:
        return '<section class="footnotes" aria-label="注释">\n'

    def _footnote_open(self, tokens, idx, options, env) -> str:
        state: _State = env["state"]
        number = tokens[idx].meta["id"] + 1
        anchor = state.anchor(f"fn{number}")
        state.ids.add(anchor)
        return (f'<aside epub:type="footnote" role="doc-footnote" class="footnote" id="{anchor}">'
                f'<span class="footnote-number">{number}</span>')

    def _footnote_anchor(self, tokens, idx, options, env) -> str:
        _, ref = self._note_ids(tokens[idx], env["state"])
        return f' <a class="backlink" role="doc-backlink" href="#{ref}" aria-label="返回正文">↩</a>'

    def _check_leftover_footnotes(self, tokens: list[Token], state: _State) -> None:
        for token in tokens:
            if token.type != "inline":
                continue
            for child in token.children or []:
                if child.type == "text":
                    for match in FOOTNOTE_LEFTOVER.finditer(child.content):
                        state.report.add(codes.MISSING_FOOTNOTE,
                                         f"footnote reference [^{match.group(1)}] has no definition",
                                         state.article.path, state.line(token), 1,
                                         f"add a line '[^{match.group(1)}]: 注释文字' at the end of the article")
