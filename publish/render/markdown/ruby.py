"""Ruby and emphasis dots in Markdown: `{漢字|かんじ}`, `{漢字|かん|じ}` (Vivliostyle Flavored
Markdown, denden Markdown), and in Japanese articles Aozora Bunko's `｜親字《おやじ》`,
`漢字《かんじ》` and `［＃「…」に傍点］` (cjk/ruby.py has the notations and the markup).

A core rule after markdown-it's inline pass splits text tokens (never code spans, links'
URLs or raw HTML, which are other tokens) into text, `ruby` and `bouten` tokens; the renderer's
rules below write them. Raw `<ruby>` is kept as it is by the HTML sanitizer (render/sanitize.py).
"""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ...cjk.ruby import Emphasis, Ruby, emphasis_html, is_japanese, ruby_html, split_aozora, split_markdown
from ...diagnostics import codes
from .state import RenderState


def ruby_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("text_join", "ruby", _find_ruby)


def _find_ruby(state: StateCore) -> None:
    render: RenderState | None = state.env.get("state")
    japanese = render is not None and is_japanese(render.article.lang)
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        for token in block.children:
            if token.type != "text" or not _has_notation(token.content, japanese):
                children.append(token)
                continue

            def warn(code: str, message: str, offset: int, where: Token = block) -> None:
                if render is not None:  # at the block's line (inline tokens get theirs later)
                    render.add(getattr(codes, code), message, where)

            pieces = split_markdown(token.content, warn)
            if japanese:
                pieces = [q for p in pieces for q in (split_aozora(p, warn) if isinstance(p, str) else [p])]
            for piece in pieces:
                if isinstance(piece, str):
                    new = Token("text", "", 0, content=piece)
                else:
                    new = Token("ruby" if isinstance(piece, Ruby) else "bouten", "", 0, meta={"piece": piece})
                new.map = token.map or block.map
                children.append(new)
        block.children = children


def _has_notation(text: str, japanese: bool) -> bool:
    return ("{" in text and "|" in text) or (japanese and ("《" in text or "［＃" in text))


class RubyRules:
    def ruby_rules(self) -> dict[str, Any]:
        return {"ruby": self._ruby, "bouten": self._bouten}

    @staticmethod
    def _ruby(tokens: list[Token], idx: int, options: Any, env: dict) -> str:
        piece = tokens[idx].meta["piece"]
        assert isinstance(piece, Ruby)
        return ruby_html(piece)

    @staticmethod
    def _bouten(tokens: list[Token], idx: int, options: Any, env: dict) -> str:
        piece = tokens[idx].meta["piece"]
        assert isinstance(piece, Emphasis)
        return emphasis_html(piece)
