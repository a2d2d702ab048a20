"""Heading ids: an explicit attribute list wins (`## 标题 {#id}`, `{ #id .class }`, `{: #id }`),
otherwise the slug GitHub gives the heading's text (render/slugs.py), unique in the article."""

from __future__ import annotations

import re
from typing import Any

from markdown_it.token import Token

from ..slugs import Slugger
from ..slugs import slug as slug_of

_VALUE = r"""(?:"[^"]*"|'[^']*'|[^\s"'}]+)"""
_ATTRIBUTE = rf"(?:[#.][\w-]+|[A-Za-z_][\w-]*={_VALUE})"
ATTRIBUTES = re.compile(rf"\s*\{{:?\s*({_ATTRIBUTE}(?:\s+{_ATTRIBUTE})*)\s*\}}\s*$")
_PART = re.compile(rf"[#.][\w-]+|[A-Za-z_][\w-]*={_VALUE}")
# Ids the renderer gives paragraphs, figures and notes: a heading's slug steps around them.
GENERATED_ID = re.compile(r"(?:p|h|li|tr|fig|eq|fn|fnref)\d+(?:-\d+)?")


def parse_attributes(text: str) -> dict[str, str]:
    """`#id .a .b key="v"` → {"id": …, "class": "a b", "key": "v"}."""
    found: dict[str, str] = {}
    for part in _PART.findall(text):
        if part[0] == "#":
            found["id"] = part[1:]
        elif part[0] == ".":
            found["class"] = " ".join(filter(None, (found.get("class"), part[1:])))
        else:
            key, _, value = part.partition("=")
            found[key] = value[1:-1] if value[:1] in "\"'" else value
    return found


def plain_text(children: list[Token]) -> str:
    """What a heading reads as: its text, code spans and image alt text, without markup."""
    out = []
    for child in children:
        if child.type in ("text", "code_inline", "math_inline"):
            out.append(child.content)
        elif child.type == "image":
            out.append(plain_text(child.children or []))
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return "".join(out)


def heading_ids(state: Any) -> None:
    """A core rule: set every heading's id (and meta["explicit"] when the author gave it)."""
    tokens = state.tokens
    headings = [(i, token) for i, token in enumerate(tokens) if token.type == "heading_open"]
    for i, token in headings:
        inline = tokens[i + 1]
        last = inline.children[-1] if inline.children else None
        if last is not None and last.type == "text":
            match = ATTRIBUTES.search(last.content)
            if match:
                last.content = last.content[:match.start()]
                attributes = parse_attributes(match.group(1))
                if "id" in attributes:
                    token.attrSet("id", attributes["id"])
                    token.meta["explicit"] = True
                if "class" in attributes:
                    token.attrSet("class", attributes["class"])
    slugger = Slugger()
    for _, token in headings:  # explicit ids first: a slug must not take one
        if token.meta.get("explicit"):
            slugger.reserve(str(token.attrGet("id")))
    for number, (i, token) in enumerate(headings, start=1):
        if token.meta.get("explicit"):
            continue
        text = plain_text(tokens[i + 1].children or [])
        if not slug_of(text):  # only punctuation or symbols: GitHub gives no id, we number it
            token.attrSet("id", f"h{number}")
            continue
        candidate = slugger.slug(text)
        # A heading "P1" must not take the id of paragraph 1: its id steps aside.
        token.attrSet("id", f"h-{candidate}" if GENERATED_ID.fullmatch(candidate) else candidate)
