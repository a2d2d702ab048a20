"""Heading ids as GitHub makes them, so that a book's `[…](#标题)` and `other.md#标题` links work.

github-slugger 2.0 (the rules of github.com, which GitLab, GitBook, docsify and most Markdown
previews follow): lower-case; delete punctuation, symbols, other numbers, controls, format and
private-use characters and every separator but the ASCII space; keep letters (CJK included),
marks, digits, letter numbers, connector punctuation and '-'; each space becomes '-'.
Duplicates in one document get '-1', '-2' … (a slug already taken is skipped).
"""

from __future__ import annotations

import unicodedata

# The symbols that have the Unicode Alphabetic property (Other_Alphabetic): circled and squared
# Latin letters, Ⓐ…ⓩ, 🄰…🅉, 🅐…🅩, 🅰…🆉. They stay, as letters do.
_ALPHABETIC_SYMBOLS = ((0x24B6, 0x24E9), (0x1F130, 0x1F149), (0x1F150, 0x1F169), (0x1F170, 0x1F189))
_REMOVED = {"No", "Pe", "Pf", "Pi", "Ps", "Po", "Pd", "Sm", "Sc", "Sk", "So", "Cc", "Co", "Cf", "Cn", "Cs",
            "Zs", "Zl", "Zp"}


def _kept(char: str) -> bool:
    if char in " -":
        return True
    category = unicodedata.category(char)
    if category not in _REMOVED:
        return True
    return category == "So" and any(low <= ord(char) <= high for low, high in _ALPHABETIC_SYMBOLS)


def slug(text: str) -> str:
    return "".join(c for c in text.lower() if _kept(c)).replace(" ", "-")


class Slugger:
    """Unique slugs within one document, numbered as GitHub numbers duplicates."""

    def __init__(self) -> None:
        self.occurrences: dict[str, int] = {}

    def slug(self, text: str) -> str:
        original = result = slug(text)
        while result in self.occurrences:
            self.occurrences[original] += 1
            result = f"{original}-{self.occurrences[original]}"
        self.occurrences[result] = 0
        return result

    def reserve(self, taken: str) -> None:
        """An id the document has already (an explicit {#id}): later slugs step around it."""
        self.occurrences.setdefault(taken, 0)
