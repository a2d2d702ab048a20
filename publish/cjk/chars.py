"""The character classes of CJK text, for the whole package: one list of ranges and marks.

Strings of characters and ranges, ready to go inside a regular expression's [...].
"""

from __future__ import annotations

import re

# Han ideographs: Extension A, the URO, compatibility ideographs, Extensions B–H.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
RADICALS = "\u2e80-\u2fff"  # CJK and Kangxi radicals, ideographic description characters
CJK_SYMBOLS = "\u3000-\u303f"  # ideographic space, 、。〈〉《》「」『』【】〔〕…
KANA = "\u3040-\u30ff"  # hiragana and katakana
FULLWIDTH_FORMS = "\uff00-\uffef"  # （），：；！？ and the half-width katakana

OPENING = "（《「『【〔〈“‘"
CLOSING = "，。、；：？！）》」』】〕〉”’"
FULLWIDTH_PUNCT = OPENING + CLOSING
# Between these, a line break adds no space (a soft line break in the manuscript is dropped).
CJK_BREAKLESS = HAN + FULLWIDTH_PUNCT + "…—·" + CJK_SYMBOLS + FULLWIDTH_FORMS
# Characters set on the em grid, between which justification may add space.
WIDE = RADICALS + CJK_SYMBOLS + KANA + HAN + FULLWIDTH_FORMS + "\u201c\u201d\u2018\u2019\u00b7"

# A picture credit line: 图/新华社记者 鞠鹏 摄, 供图：…, 图片来源/…, or a line ending in " 摄"
# (圖/…, 写真：…, 図/… in Traditional Chinese and Japanese).
CREDIT_PREFIXES = ("图片来源", "资料图", "供图", "摄影", "制图", "图片", "来源", "图",
                   # Traditional Chinese and Japanese (cjk/locale.py's 圖 and 図)
                   "圖片來源", "資料圖", "供圖", "攝影", "製圖", "圖片", "來源", "圖", "写真", "提供", "出典", "図")
CREDIT_PREFIX = "(?:" + "|".join(CREDIT_PREFIXES) + ")"
CREDIT = re.compile(f"^(?:{CREDIT_PREFIX}\\s*[/／:：]|.*\\s摄$)")

_HAN_CHAR = re.compile(f"[{HAN}]")
_BREAKLESS_CHAR = re.compile(f"[{CJK_BREAKLESS}]")


def is_han(char: str) -> bool:
    """Whether `char` (one character) is a Han ideograph."""
    return bool(char) and bool(_HAN_CHAR.fullmatch(char))


def is_cjk(char: str) -> bool:
    """Han or full-width punctuation: characters between which a line break adds no space."""
    return bool(_BREAKLESS_CHAR.match(char))


def has_han(text: str) -> bool:
    return bool(_HAN_CHAR.search(text))
