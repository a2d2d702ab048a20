"""Raw HTML in Markdown as HTML: cleaned as a tree (render/sanitize.py), so paired tags keep
their content; `<img>` becomes an image of the project like a Markdown one, and a block that
holds only an image (`<div align="center"><img src=…></div>`, the web's figure) a figure."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree
from lxml import html as lxml_html
from markdown_it.token import Token

from ...diagnostics import codes
from .. import sanitize
from .figures import FigureRules, figure
from .state import RenderState

_HINT = ("write images and links in Markdown; scripts, frames, styles and event handlers never reach the "
         "outputs")
_ONLY_IMAGE = re.compile(r"^\s*(?:<(?:div|p|center|figure)\b[^>]*>\s*)*<img\b[^>]*>\s*"
                         r"(?:</(?:div|p|center|figure)>\s*)*(?:<br\s*/?>\s*)*$", re.I)


class HtmlRules:
    html: Any

    def html_rules(self) -> dict[str, Any]:
        return {"html_block": self._html_block, "html_inline": self._html_inline}

    @staticmethod
    def _warn_removed(raw: str, token: Token, state: RenderState) -> None:
        removed = sanitize.removed_parts(raw)
        if removed:
            state.add(codes.SANITIZED_HTML, f"raw HTML was sanitized: removed {', '.join(removed)}", token, _HINT)

    @staticmethod
    def image_hook(token: Token, state: RenderState) -> sanitize.ImageHook:
        """An <img> of raw HTML: found in the project as a Markdown image is, or its alt text."""
        def hook(src: str, alt: str) -> str | None:
            if not src.strip():  # the sanitizer took an unsafe URL out (W211 says so): show the alt text
                return None
            if not alt.strip():
                state.add(codes.NO_ALT_TEXT, "image without alt text", token,
                          "give the <img> an alt=\"description\"")
            asset = FigureRules.asset(src, token, state)
            return None if asset is None else asset.href
        return hook

    def _html_block(self, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
        state: RenderState = env["state"]
        token = tokens[idx]
        raw = token.content
        self._warn_removed(raw, token, state)
        if _ONLY_IMAGE.match(raw):
            image = lxml_html.fragment_fromstring(raw, create_parent="div").find(".//img")
            if image is not None:
                src, alt = image.get("src") or "", (image.get("alt") or "").strip()
                if not alt:
                    state.add(codes.NO_ALT_TEXT, "figure image without alt text", token,
                              "give the <img> an alt=\"description\"")
                asset = FigureRules.asset(src, token, state)
                sizes = {k: v for k, v in image.attrib.items() if k in ("width", "height")}
                return figure(state, asset, alt, "", "", attrs=sizes)
        cleaned = sanitize.clean(raw, self.image_hook(token, state))
        return cleaned + ("\n" if cleaned else "")

    def _html_inline(self, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
        # Reached only when a run could not be cleaned as a whole (see render_inline).
        state: RenderState = env["state"]
        token = tokens[idx]
        self._warn_removed(token.content, token, state)
        return sanitize.clean(token.content, self.image_hook(token, state))

    def render_inline(self, tokens: list[Token], options: Any, env: dict) -> str:
        """markdown-it's renderInline, but a run with raw HTML in it is cleaned as one tree."""
        if not any(t.type == "html_inline" for t in tokens):
            return self._stock_inline(tokens, options, env)
        state: RenderState = env["state"]
        pieces: list[str | None] = []
        parts: list[str] = []
        rules = self.html.rules
        for index, token in enumerate(tokens):
            if token.type == "html_inline":
                self._warn_removed(token.content, token, state)
                pieces.append(token.content)
                continue
            rule = rules.get(token.type)
            parts.append(rule(tokens, index, options, env) if rule else self.html.renderToken(tokens, index,
                                                                                             options, env))
            pieces.append(None)
        whole = sanitize.clean_run(pieces, parts, self.image_hook(tokens[0], state))
        if whole is not None:
            return whole
        # The author's tags and ours cross: each raw piece on its own, still safe and well-formed.
        out, part = [], iter(parts)
        for piece in pieces:
            out.append(next(part) if piece is None else _escaped_or_clean(piece))
        return "".join(out)

    _stock_inline: Any  # markdown-it's own renderInline, kept by rules.Renderer


def _escaped_or_clean(piece: str) -> str:
    """A raw tag that cannot be kept apart from the run: an opening or closing tag alone is
    dropped (its text is elsewhere), anything else cleaned."""
    cleaned = sanitize.clean(piece)
    try:
        etree.fromstring(f"<r>{cleaned}</r>")
    except etree.XMLSyntaxError:
        return ""
    return cleaned if cleaned.strip() and not re.fullmatch(r"<(\w+)[^>]*>\s*</\1>", cleaned) else ""
