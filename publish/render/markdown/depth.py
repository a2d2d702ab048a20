"""How deep Markdown may nest: a limit the author is told about, not a crash or a silent cut.

markdown-it guards its own recursion with `maxNesting`, but what it does at the limit is
drop the rest of the block without a word (CommonMark's preset: 20 levels, so a blockquote
nested 21 deep lost its text). Emphasis escapes it altogether: `*` pairs are matched after
tokenizing, so tens of thousands of them nest as deep as they come, and the XHTML then
breaks lxml (depth 256) in a writer, or WeasyPrint's recursive layout.

So markdown-it's limit is set above ours (`MAX_NESTING`: a list level is two tokens, the
list and its item, plus the paragraph) and the token stream is measured before rendering:
the first token deeper than MAX_DEPTH is E221 at its line, and the article is not rendered.
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it.token import Token

MAX_DEPTH = 50  # elements inside one another in an article: blockquotes, lists, items, emphasis, links
MAX_NESTING = 2 * MAX_DEPTH + 2  # markdown-it's maxNesting: never reached before MAX_DEPTH is
# Columns of a table. A printed page cannot scroll: a table of 400 columns ran off its edge
# and lost 379 of them from the PDF without a word. 64 columns of a few characters each is
# about what a landscape A3 page holds legibly; the default theme shows fewer (about 20 on
# A4), so this catches the hopeless tables, not every one that overflows.
MAX_COLUMNS = 64


def first_too_deep(tokens: Sequence[Token]) -> tuple[Token, Token | None] | None:
    """The first token that opens an element deeper than MAX_DEPTH, with the block token it is in
    (for its line) when it is inline; None when the article keeps to the limit.

    One pass over the tokens and their children: linear in the article's size."""
    depth = 0
    for token in tokens:
        if token.nesting == 1 and not token.hidden:
            depth += 1
            if depth > MAX_DEPTH:
                return token, None
        elif token.nesting == -1 and not token.hidden:
            depth -= 1
        inner = depth
        for child in token.children or ():
            inner += child.nesting
            if child.nesting == 1 and inner > MAX_DEPTH:
                return child, token
    return None


def first_too_wide(tokens: Sequence[Token]) -> tuple[Token, int] | None:
    """The first table row of more than MAX_COLUMNS cells, with its count; None if there is none."""
    row: Token | None = None
    cells = 0
    for token in tokens:
        if token.type == "tr_open":
            row, cells = token, 0
        elif token.type in ("th_open", "td_open"):
            cells += 1
        elif token.type == "tr_close" and row is not None and cells > MAX_COLUMNS:
            return row, cells
    return None
