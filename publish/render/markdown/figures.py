"""Images and figures: an image alone in a paragraph is a figure, numbered across the
publication, its caption the lines after it (or, without them, its alt text) and its credit
the last line if it reads as one (cjk/chars.py CREDIT). Attribute lists set width, height,
class and id (`![图](a.png){ width="60%" .wide #map }`)."""

from __future__ import annotations

import re
from html import escape
from typing import Any

from markdown_it.token import Token

from ...cjk.typography import typeset
from ...diagnostics import codes
from ...model import Asset, Figure
from ..images import find_image
from .state import RenderState

_LENGTH = re.compile(r"^\d+(?:\.\d+)?$")
_STYLE_LENGTH = re.compile(r"^\d+(?:\.\d+)?(?:%|px|em|mm|cm|in|pt|vw)$")
_CLASS = re.compile(r"^[A-Za-z][\w-]*$")
_ALT_HINT = "write a short description between the brackets: ![description](file.png)"


def size_attributes(attrs: dict[str, Any]) -> str:
    """width/height as the author gave them: plain numbers as attributes, lengths as style."""
    out, style = [], []
    for name in ("width", "height"):
        value = str(attrs.get(name, "")).strip()
        if _LENGTH.match(value):
            out.append(f' {name}="{value}"')
        elif _STYLE_LENGTH.match(value):
            style.append(f"{name}: {value}")
    if style:
        out.append(f' style="{"; ".join(style)}"')
    return "".join(out)


def classes(attrs: dict[str, Any]) -> list[str]:
    return [c for c in str(attrs.get("class", "")).split() if _CLASS.match(c)]


class FigureRules:
    html: Any  # markdown-it's RendererHTML (rules.Renderer sets it)

    def figure_rules(self) -> dict[str, Any]:
        return {"image": self._image, "figure": self._figure, "figure_inline": lambda *a: "",
                "figure_close": lambda *a: ""}

    @staticmethod
    def asset(src: str, token: Token | None, state: RenderState) -> Asset | None:
        found = find_image(state.root, src, state.article.path, state.line(token), state.report)
        return None if found is None else state.assets.setdefault(found.source, found)

    def _image(self, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
        state: RenderState = env["state"]
        token = tokens[idx]
        asset = self.asset(str(token.attrGet("src") or ""), token, state)
        alt = self.html.renderInlineAsText(token.children or [], options, env)
        if not alt.strip():
            state.add(codes.NO_ALT_TEXT, "image without alt text", token, _ALT_HINT)
        if asset is None:
            return f'<span class="missing-image">{escape(alt)}</span>'
        attrs = dict(token.attrs)
        names = classes(attrs)
        extra = f' class="{" ".join(names)}"' if names else ""
        return f'<img src="{escape(asset.href)}" alt="{escape(alt)}"{size_attributes(attrs)}{extra} />'

    def _figure(self, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
        state: RenderState = env["state"]
        token = tokens[idx]
        image: Token = token.meta["image"]
        image.map = token.map
        asset = self.asset(str(image.attrGet("src") or ""), image, state)
        alt = self.html.renderInlineAsText(image.children or [], options, env).strip()
        if not alt:
            state.add(codes.NO_ALT_TEXT, "figure image without alt text", token, _ALT_HINT)
        caption_html = self.html.render(token.meta["caption"], options, env)
        credit_html = self.html.render(token.meta["credit"], options, env)
        caption = self.html.renderInlineAsText(token.meta["caption"], options, env)
        credit = self.html.renderInlineAsText(token.meta["credit"], options, env) or None
        return figure(state, asset, alt, caption_html, caption, credit_html, credit, dict(image.attrs))


def figure(state: RenderState, asset: Asset | None, alt: str, caption_html: str, caption: str,
           credit_html: str = "", credit: str | None = None, attrs: dict[str, Any] | None = None) -> str:
    """A numbered figure; without a caption of its own, its alt text is the caption (and stays
    the image's description)."""
    attrs = attrs or {}
    if not caption.strip() and alt:
        caption, caption_html = alt, typeset(alt)
    number = state.next_figure
    state.next_figure += 1
    explicit = str(attrs.get("id", ""))
    anchor = state.anchor(explicit if _CLASS.match(explicit) else f"fig{number}")
    state.ids.add(anchor)
    state.figures.append(Figure(number, anchor, alt, caption, credit, asset))
    if asset is None:
        picture = f'<p class="missing-image">{escape(alt)}</p>'
    else:
        picture = f'<img src="{escape(asset.href)}" alt="{escape(alt)}"{size_attributes(attrs)} />'
    names = " ".join(["figure", *classes(attrs)])
    parts = [f'<figure id="{anchor}" class="{names}">', picture, "<figcaption>",
             f'<span class="figure-label">图{number}</span>']
    if caption_html:
        parts.append(f'<span class="caption">{caption_html}</span>')
    if credit_html:
        parts.append(f'<span class="credit">{credit_html}</span>')
    parts.append("</figcaption></figure>\n")
    return "".join(parts)
