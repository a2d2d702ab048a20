"""The Markdown parser: markdown-it-py (CommonMark, GitHub tables, strikethrough) with
mdit-py-plugins (footnotes, the pullquote and sidebar containers, MkDocs admonitions, TeX
math, attribute lists) and our own rules: content tabs (tabs.py), heading ids (headings.py),
figures with captions and credits, and block lines on inline tokens."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin

from ...cjk.chars import CREDIT
from .blocks import title_admonitions
from .depth import MAX_NESTING
from .headings import heading_ids
from .ruby import ruby_plugin
from .tabs import tabs_plugin


def parser() -> MarkdownIt:
    # maxNesting above depth.MAX_DEPTH: markdown-it silently drops what lies deeper than its
    # limit, so ours (an error with the line) must always come first.
    md = MarkdownIt("commonmark", {"html": True, "xhtmlOut": True, "linkify": False, "typographer": False,
                                   "maxNesting": MAX_NESTING})
    md.enable(["table", "strikethrough"])
    # Every link and image becomes a token, whatever its scheme: the renderer decides, and says
    # so (W211, W204), instead of markdown-it leaving `[x](javascript:…)` in the text unannounced.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.use(footnote_plugin, inline=False)
    md.use(container_plugin, "pullquote")
    md.use(container_plugin, "sidebar")
    md.use(admon_plugin)
    md.use(tabs_plugin)
    # Pandoc's rule for $: no space inside the delimiters, no digit after the closing one, so
    # that "5$ 和 10$" stays text.
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True)
    md.use(amsmath_plugin)
    md.use(ruby_plugin)  # {漢字|かんじ}, and Aozora ruby in Japanese
    md.use(attrs_plugin)  # `![图](a.png){ width="60%" .wide }`, also on links and code spans
    md.core.ruler.before("inline", "admonition_titles", title_admonitions)
    md.core.ruler.push("figures", _mark_figures)
    md.core.ruler.push("heading_ids", heading_ids)
    md.core.ruler.push("child_lines", _child_lines)
    return md


def _child_lines(state) -> None:
    """Inline tokens (links, images) get their block's line, for diagnostics."""
    for token in state.tokens:
        if token.type == "inline" and token.map:
            for child in token.children or []:
                child.map = child.map or token.map


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
