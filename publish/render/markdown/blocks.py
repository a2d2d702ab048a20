"""Boxes and other blocks: pull quotes, sidebars, admonitions (`!!! note "标题"`, `??? tip`),
content tabs, math; and a warning for the syntax of other tools that is printed as written."""

from __future__ import annotations

import re
from html import escape
from typing import Any

from markdown_it.token import Token

from ...cjk.typography import typeset
from ...diagnostics import codes
from .math import MathError, to_mathml
from .state import RenderState

# The default title of an admonition without one of its own (MkDocs would print "Note").
ADMONITION_TITLES = {"note": "注意", "abstract": "摘要", "summary": "摘要", "tldr": "摘要", "info": "信息",
                     "todo": "待办", "tip": "提示", "hint": "提示", "important": "重要", "success": "成功",
                     "check": "成功", "done": "完成", "question": "问题", "help": "帮助", "faq": "常见问题",
                     "warning": "警告", "caution": "小心", "attention": "注意", "failure": "失败", "fail": "失败",
                     "missing": "缺失", "danger": "危险", "error": "错误", "bug": "缺陷", "example": "示例",
                     "quote": "引用", "cite": "引用"}
_FOREIGN = (  # (pattern at the start of a paragraph, what it is)
    (re.compile(r"\{\{#(\w+)"), "mdBook {{{{#{}}}}}"),
    (re.compile(r"\{%-?\s*(\w+)"), "a template tag {{% {} %}}"),
    (re.compile(r"\[\[?(TOC|toc)\]\]?\s*$"), "a [{}] marker"),
    (re.compile(r":{3,}\s*\{?(\w[\w-]*)"), "a ::: {} container"),
)


class BlockRules:
    def block_rules(self) -> dict[str, Any]:
        return {
            "container_pullquote_open":
                lambda *a: '<blockquote class="pullquote" role="doc-pullquote" epub:type="pullquote">\n',
            "container_pullquote_close": lambda *a: "</blockquote>\n",
            "container_sidebar_open": self._sidebar, "container_sidebar_close": lambda *a: "</aside>\n",
            "admonition_open": self._admonition, "admonition_close": lambda *a: "</div>\n",
            "admonition_title_open": lambda *a: '<p class="admonition-title">',
            "admonition_title_close": lambda *a: "</p>\n",
            "tabs_open": lambda *a: '<div class="tabs">\n', "tabs_close": lambda *a: "</div>\n",
            "tab_open": lambda *a: '<div class="tab">\n', "tab_close": lambda *a: "</div>\n",
            "tab_label_open": lambda *a: '<p class="tab-label">', "tab_label_close": lambda *a: "</p>\n",
            "math_inline": self._math_inline, "math_inline_double": self._math_block,
            "math_block": self._math_block, "math_block_label": self._math_block, "amsmath": self._math_block,
        }

    def _sidebar(self, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
        title = tokens[idx].info.strip()[len("sidebar"):].strip()
        heading = f'<p class="sidebar-title">{typeset(title)}</p>\n' if title else ""
        label = f' aria-label="{escape(title)}"' if title else ""
        return f'<aside class="sidebar" epub:type="sidebar" role="complementary"{label}>\n{heading}'

    def _admonition(self, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
        token = tokens[idx]
        kinds = [c for c in str(token.attrGet("class") or "").split() if re.fullmatch(r"[\w-]+", c)]
        return f'<div class="{" ".join(kinds)}" role="note">\n'

    def _math_inline(self, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
        return self._math(tokens[idx], env["state"], display=False)

    def _math_block(self, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
        state: RenderState = env["state"]
        token = tokens[idx]
        state.equations += 1
        anchor = state.anchor(f"eq{state.equations}")
        state.ids.add(anchor)
        number = f'<span class="equation-number">({escape(token.info)})</span>' if token.info else ""
        return f'<div class="math" id="{anchor}">{self._math(token, state, display=True)}{number}</div>\n'

    @staticmethod
    def _math(token: Token, state: RenderState, display: bool) -> str:
        try:
            return to_mathml(token.content, display)
        except MathError as exc:
            state.add(codes.BAD_FORMULA, f"formula {_shown(token.content)}: {exc}", token,
                      "check the braces and the commands; the formula is printed as TeX meanwhile",
                      col=_column(state, token))
            return f'<code class="math-error">{escape(token.content)}</code>'


def _shown(tex: str) -> str:
    tex = " ".join(tex.split())
    return f"'{tex[:40]}…'" if len(tex) > 40 else f"'{tex}'"


def _column(state: RenderState, token: Token) -> int:
    """Where the formula starts in its first source line (1 if it cannot be found)."""
    if not token.map:
        return 1
    lines = state.article.body.text.split("\n")
    line = lines[token.map[0]] if token.map[0] < len(lines) else ""
    start = line.find(token.content.strip().split("\n")[0][:20])
    return line.rfind("$", 0, start) + 1 if start > 0 and "$" in line[:start] else max(start, 0) + 1


def title_admonitions(state: Any) -> None:
    """A core rule (before `inline`): an admonition without a title of its own gets its type's
    Chinese name, not MkDocs' English one."""
    tokens: list[Token] = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "admonition_open" or '"' in token.info:
            continue
        kind = str(token.meta.get("tag", ""))
        if index + 2 < len(tokens) and tokens[index + 1].type == "admonition_title_open":
            tokens[index + 2].content = ADMONITION_TITLES.get(kind, tokens[index + 2].content)


def foreign_syntax(tokens: list[Token], state: RenderState) -> None:
    """W219 for the syntax of other tools that reaches the outputs as text."""
    for index, token in enumerate(tokens):
        if token.type == "fence" and token.info.strip().startswith("{"):
            state.add(codes.UNSUPPORTED_CONSTRUCT, f"the directive ```{token.info.strip()} is not supported: its "
                      "content is printed as code", token)
        if token.type != "inline" or index == 0 or tokens[index - 1].type != "paragraph_open":
            continue
        first = token.content.split("\n", 1)[0]
        for pattern, what in _FOREIGN:
            match = pattern.match(first)
            if match:
                state.add(codes.UNSUPPORTED_CONSTRUCT, f"{what.format(match.group(1))} is not supported: "
                          "it is printed as written", token, "remove it, or write the Markdown it stands for")
                break
