"""The Markdown parser: markdown-it-py (CommonMark, tables, strikethrough) with mdit-py-plugins
(footnotes, the pullquote and sidebar containers) and three token transforms of our own:
figures with captions and credits, `{#id}` on headings, and block lines on inline tokens."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

from ...cjk.chars import CREDIT


def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "xhtmlOut": True, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    # Every link and image becomes a token, whatever its scheme: the renderer decides, and says
    # so (W211, W204), instead of markdown-it leaving `[x](javascript:…)` in the text unannounced.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.use(footnote_plugin, inline=False)
    md.use(container_plugin, "pullquote")
    md.use(container_plugin, "sidebar")
    md.core.ruler.push("figures", _mark_figures)
    md.core.ruler.push("heading_ids", _heading_ids)
    md.core.ruler.push("child_lines", _child_lines)
    return md


HEADING_ID = re.compile(r"\s*\{#([A-Za-z][\w-]*)\}\s*$")


def _child_lines(state) -> None:
    """Inline tokens (links, images) get their block's line, for diagnostics."""
    for token in state.tokens:
        if token.type == "inline" and token.map:
            for child in token.children or []:
                child.map = child.map or token.map


def _heading_ids(state) -> None:
    """`## 小标题 {#anchor}` sets the heading's id, as in pandoc and markdown-it-anchor."""
    for i, token in enumerate(state.tokens):
        if token.type != "heading_open":
            continue
        inline = state.tokens[i + 1]
        last = inline.children[-1] if inline.children else None
        if last is not None and last.type == "text":
            match = HEADING_ID.search(last.content)
            if match:
                last.content = last.content[:match.start()]
                token.attrSet("id", match.group(1))


def _mark_figures(state) -> None:
    """A paragraph that starts with an image followed only by caption lines becomes a figure token."""
    tokens = state.tokens
    for i in range(len(tokens) - 2):
        opening, inline, closing = tokens[i:i + 3]
        if opening.type != "paragraph_open" or inline.type != "inline" or closing.type != "paragraph_close":
            continue
        children = inline.children or []
        if not children or children[0].type != "image":
            continue
        if len(children) > 1 and children[1].type not in ("softbreak", "hardbreak"):
            continue
        lines: list[list[Token]] = [[]]
        for child in children[2:]:
            if child.type in ("softbreak", "hardbreak"):
                lines.append([])
            else:
                lines[-1].append(child)
        lines = [ln for ln in lines if ln]
        credit: list[Token] = []
        if lines:
            last_text = "".join(t.content for t in lines[-1] if t.type == "text").strip()
            if CREDIT.match(last_text):
                credit = lines.pop()
        caption: list[Token] = []
        for number, line in enumerate(lines):
            if number:
                caption.append(Token("softbreak", "br", 0))
            caption.extend(line)
        opening.type = "figure"
        opening.meta = {"image": children[0], "caption": caption, "credit": credit}
        inline.type = "figure_inline"
        inline.children = []
        inline.content = ""
        closing.type = "figure_close"
