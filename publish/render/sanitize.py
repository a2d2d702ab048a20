"""Raw HTML in Markdown, made safe and kept whole: nh3 (ammonia) keeps a small vocabulary of
tags and attributes, drops the rest but keeps their text, and the result is parsed as a tree
and re-serialised as XML, so the EPUB's XHTML stays well-formed and a paired tag keeps its
content (`<u>…</u>`, `<ruby>漢<rt>かん</rt></ruby>`).

Inline HTML comes from markdown-it as separate tokens (`<u>`, text, `</u>`), so the renderer
cleans a whole inline run at once: `clean_run` takes the run with its Markdown-made parts
replaced by placeholder characters, which a sanitizer keeps as text, and puts them back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape

import nh3
from lxml import etree
from lxml import html as lxml_html

_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)")
_ATTRIBUTE = re.compile(r"""\s([^\s"'<>/=]+)\s*=""")
_SCRIPT_URL = re.compile(r"=\s*[\"']?\s*(?:(?:java|vb)\s*script|data)\s*:", re.I)
_FILE_URL = re.compile(r"=\s*[\"']?\s*file\s*:", re.I)
LINK_SCHEMES = {"http", "https", "mailto"}
ALLOWED_TAGS = {"a", "abbr", "b", "br", "cite", "code", "del", "dfn", "em", "i", "img", "ins", "kbd", "mark", "q",
                "rp", "rt", "ruby", "s", "samp", "small", "span", "strong", "sub", "sup", "u", "var", "wbr",
                "div", "p", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "hr", "pre", "table", "thead",
                "tbody", "tfoot", "tr", "th", "td", "caption", "h2", "h3", "h4", "h5", "h6", "details", "summary"}
ALLOWED_ATTRS = {"*": {"class", "id", "lang", "title"}, "a": {"href"}, "td": {"colspan", "rowspan"},
                 "th": {"colspan", "rowspan", "scope"}, "ol": {"start"}, "img": {"src", "alt", "width", "height"}}
_VOID = {"br", "hr", "img", "wbr"}
# Old presentational HTML that books written for the web are full of (`<div align="center">`,
# `<font color>`, `<center>`): dropped without a word, their text kept; the theme sets the look.
PRESENTATIONAL_TAGS = {"font", "center", "big", "tt", "strike", "nobr"}
PRESENTATIONAL_ATTRS = {"align", "valign", "color", "face", "size", "bgcolor", "border", "cellpadding",
                        "cellspacing", "nowrap", "hspace", "vspace"}
# Placeholders for the Markdown-made parts of an inline run: Supplementary Private Use Area-B,
# which no text of a manuscript uses (clean_run gives up on a run that does).
_FIRST = 0x100000
_PLACEHOLDER = re.compile("[\U00100000-\U0010fffd]")

# What to do with an <img>: (src, alt) → the src the outputs use, or None (show the alt text).
ImageHook = Callable[[str, str], "str | None"]


def _sanitized(raw: str) -> str:
    return nh3.clean(raw, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRS, url_schemes=LINK_SCHEMES, link_rel=None)


def clean(raw: str, image: ImageHook | None = None) -> str:
    """`raw` HTML without scripts, frames, styles, event handlers or unsafe URLs, as XHTML."""
    cleaned = _sanitized(raw)
    if not cleaned.strip():
        return ""
    out = []
    for part in lxml_html.fragments_fromstring(cleaned):
        if isinstance(part, str):
            out.append(escape(part, quote=False))
            continue
        _tidy(part, image)
        out.append(etree.tostring(part, method="xml", encoding="unicode", with_tail=True))
    return "".join(out)


def _tidy(element: etree._Element, image: ImageHook | None) -> None:
    """Images through `image`; no self-closed non-void element (an HTML parser would leave a
    `<u/>` open: the PDF underlined the rest of the book)."""
    for node in list(element.iter()):
        if not isinstance(node.tag, str):
            continue
        if node.tag == "img":
            src = image(node.get("src") or "", node.get("alt") or "") if image else None
            if src is None:
                replacement = etree.Element("span", {"class": "missing-image"})
                replacement.text, replacement.tail = node.get("alt") or "", node.tail
                parent = node.getparent()
                if parent is None:
                    element = replacement
                    continue
                parent.replace(node, replacement)
            else:
                node.set("src", src)
                node.set("alt", node.get("alt") or "")
        elif node.tag not in _VOID and node.text is None and len(node) == 0:
            node.text = ""


def clean_run(pieces: list[str | None], parts: list[str], image: ImageHook | None = None) -> str | None:
    """An inline run's HTML: `pieces` are raw HTML (str) or the next of `parts` (None), the
    XHTML that Markdown made. None if the run cannot be cleaned as one (then clean each piece)."""
    raw: list[str] = []
    count = 0
    for piece in pieces:
        if piece is None:
            raw.append(chr(_FIRST + count))
            count += 1
        elif _PLACEHOLDER.search(piece):
            return None
        else:
            raw.append(piece)
    if count >= 0xFFFD:
        return None
    cleaned = clean("".join(raw), image)
    used = [ord(c) - _FIRST for c in _PLACEHOLDER.findall(cleaned)]
    if sorted(used) != list(range(count)):
        return None  # the sanitizer moved or dropped a part: keep each piece apart instead
    restored = _PLACEHOLDER.sub(lambda m: parts[ord(m.group()) - _FIRST], cleaned)
    try:  # our markup and the author's may cross (`<u>**x</u>**`): then it is no tree
        etree.fromstring(f'<r xmlns:epub="http://www.idpf.org/2007/ops">{restored}</r>')
    except etree.XMLSyntaxError:
        return None
    return restored


def removed_parts(raw: str) -> list[str]:
    """What the sanitizer will take out of a piece of raw HTML, for the W211 message."""
    removed: list[str] = []
    for tag in _TAG.findall(raw):
        name = tag.lower()
        if name not in ALLOWED_TAGS | PRESENTATIONAL_TAGS and f"<{name}>" not in removed:
            removed.append(f"<{name}>")
    allowed = set().union(*ALLOWED_ATTRS.values()) | PRESENTATIONAL_ATTRS
    for tag_text in re.findall(r"<[A-Za-z][^>]*>", raw):
        for attribute in _ATTRIBUTE.findall(tag_text):
            if attribute.lower() not in allowed and attribute.lower() not in removed:
                removed.append(attribute.lower())
        if _SCRIPT_URL.search(tag_text) and "a script or data: URL" not in removed:
            removed.append("a script or data: URL")
        if _FILE_URL.search(tag_text) and "a file: URL" not in removed:
            removed.append("a file: URL")
    return removed
