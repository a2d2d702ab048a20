"""Footnotes as EPUB 3 notes, linked both ways (the PDF sets them at the article's end)."""

from __future__ import annotations

import re
from typing import Any

from markdown_it.token import Token

from ...diagnostics import codes
from .state import RenderState

FOOTNOTE_LEFTOVER = re.compile(r"\[\^([^\]\s]+)\]")


class NoteRules:
    def note_rules(self) -> dict[str, Any]:
        return {"footnote_ref": self._footnote_ref, "footnote_block_open": self._footnote_block_open,
                "footnote_block_close": lambda *a: "</section>\n", "footnote_open": self._footnote_open,
                "footnote_close": lambda *a: "</aside>\n", "footnote_anchor": self._footnote_anchor}

    @staticmethod
    def _note_ids(token: Token, state: RenderState) -> tuple[int, str]:
        """The note's number and the id of this reference to it (a note may be cited twice)."""
        number = token.meta["id"] + 1
        sub = token.meta.get("subId", 0)
        return number, state.anchor(f"fnref{number}" + (f"-{sub}" if sub else ""))

    def _footnote_ref(self, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
        state: RenderState = env["state"]
        number, ref = self._note_ids(tokens[idx], state)
        state.ids.add(ref)
        target = state.anchor(f"fn{number}")
        return (f'<sup class="noteref"><a epub:type="noteref" role="doc-noteref" id="{ref}" '
                f'href="#{target}">{number}</a></sup>')

    def _footnote_block_open(self, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
        return '<section class="footnotes" aria-label="注释">\n'

    def _footnote_open(self, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
        state: RenderState = env["state"]
        number = tokens[idx].meta["id"] + 1
        anchor = state.anchor(f"fn{number}")
        state.ids.add(anchor)
        return (f'<aside epub:type="footnote" role="doc-footnote" class="footnote" id="{anchor}">'
                f'<span class="footnote-number">{number}</span>')

    def _footnote_anchor(self, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
        _, ref = self._note_ids(tokens[idx], env["state"])
        return f' <a class="backlink" role="doc-backlink" href="#{ref}" aria-label="返回正文">↩</a>'

    @staticmethod
    def check_leftover_footnotes(tokens: list[Token], state: RenderState) -> None:
        for token in tokens:
            if token.type != "inline":
                continue
            for child in token.children or []:
                if child.type == "text":
                    for match in FOOTNOTE_LEFTOVER.finditer(child.content):
                        state.add(codes.MISSING_FOOTNOTE, f"footnote reference [^{match.group(1)}] has no definition",
                                  token, f"add a line '[^{match.group(1)}]: 注释文字' at the end of the article")
