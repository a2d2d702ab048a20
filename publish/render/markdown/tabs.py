"""Content tabs as MkDocs Material (pymdownx.tabbed) writes them:

    === "Python"

        ```python
        …
        ```

    === "C++"
        …

A page cannot switch tabs, so both outputs show every tab, each under its label, one after
another; consecutive tabs are one group (tabs_open … tabs_close)."""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

_MARKER = re.compile(r"===\+?[ \t]+(?:\"(?P<quoted>[^\"]*)\"|(?P<bare>\S.*?))[ \t]*$")


def _tab(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False  # an indented code block
    begin = state.bMarks[start_line] + state.tShift[start_line]
    line = state.src[begin:state.eMarks[start_line]]
    match = _MARKER.match(line)
    if match is None:
        return False
    if silent:
        return True
    label = match.group("quoted") if match.group("quoted") is not None else match.group("bare")
    old_parent, old_max, old_indent = state.parentType, state.lineMax, state.blkIndent
    state.parentType = "tab"
    state.blkIndent = state.sCount[start_line] + 4  # the body is indented by four
    next_line = start_line
    was_empty = False
    while True:
        next_line += 1
        if next_line >= end_line:
            break
        empty = state.isEmpty(next_line)
        if empty and was_empty:
            break
        was_empty = empty
        if not empty and state.sCount[next_line] < state.blkIndent:
            break
    state.lineMax = next_line
    token = state.push("tab_open", "div", 1)
    token.block = True
    token.map = [start_line, next_line]
    token.meta = {"label": label}
    state.push("tab_label_open", "p", 1).map = [start_line, start_line + 1]
    title = state.push("inline", "", 0)  # the label is inline Markdown: math and code work in it
    title.content, title.map, title.children = label, [start_line, start_line + 1], []
    state.push("tab_label_close", "p", -1)
    state.md.block.tokenize(state, start_line + 1, next_line)
    state.push("tab_close", "div", -1).block = True
    state.parentType, state.lineMax, state.blkIndent = old_parent, old_max, old_indent
    state.line = next_line
    return True


def _group(state: Any) -> None:
    """Consecutive tabs at one level become a group: tabs_open, the tabs, tabs_close."""
    tokens: list[Token] = state.tokens
    out: list[Token] = []
    depth_of_open: list[int] = []  # the nesting level at which the group now open started
    level = 0
    for index, token in enumerate(tokens):
        if token.type == "tab_open" and (not depth_of_open or depth_of_open[-1] != level):
            group = Token("tabs_open", "div", 1)
            group.block, group.map = True, token.map
            out.append(group)
            depth_of_open.append(level)
        out.append(token)
        level += token.nesting
        if token.type == "tab_close" and depth_of_open and depth_of_open[-1] == level:
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if following is None or following.type != "tab_open":
                closing = Token("tabs_close", "div", -1)
                closing.block = True
                out.append(closing)
                depth_of_open.pop()
    state.tokens = out


def tabs_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before("fence", "tab", _tab, {"alt": ["paragraph", "reference", "blockquote", "list"]})
    md.core.ruler.push("tab_groups", _group)
