"""Raw HTML in Markdown, made safe: nh3 (ammonia) keeps a small inline/block vocabulary, and the
result is re-serialized as XML so the EPUB's XHTML stays well-formed."""

from __future__ import annotations

import re
from html import escape

import nh3
from lxml import etree
from lxml import html as lxml_html

_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)")
_ATTRIBUTE = re.compile(r"""\s([^\s"'<>/=]+)\s*=""")
_SCRIPT_URL = re.compile(r"=\s*[\"']?\s*(?:(?:java|vb)\s*script|data)\s*:", re.I)
LINK_SCHEMES = {"http", "https", "mailto"}
ALLOWED_TAGS = {"a", "abbr", "b", "br", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd", "mark", "q",
                "rp", "rt", "ruby", "s", "samp", "small", "span", "strong", "sub", "sup", "u", "var", "wbr",
                "div", "p", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "hr", "pre", "table", "thead",
                "tbody", "tfoot", "tr", "th", "td", "caption", "h2", "h3", "h4", "h5", "h6"}
ALLOWED_ATTRS = {"*": {"class", "id", "lang", "title"}, "a": {"href"}, "td": {"colspan", "rowspan"},
                 "th": {"colspan", "rowspan", "scope"}, "ol": {"start"}}


def clean(raw: str) -> str:
    """`raw` HTML without scripts, frames, styles, event handlers or unsafe URLs, as XHTML."""
    cleaned = nh3.clean(raw, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRS, url_schemes=LINK_SCHEMES, link_rel=None)
    if not cleaned.strip():
        return ""
    out = []
    for part in lxml_html.fragments_fromstring(cleaned):
        if isinstance(part, str):
            out.append(escape(part, quote=False))
        else:
            out.append(etree.tostring(part, method="xml", encoding="unicode", with_tail=True))
    return "".join(out)


def removed_parts(raw: str) -> list[str]:
    """What the sanitizer will take out of a piece of raw HTML, for the W211 message."""
    removed: list[str] = []
    for tag in _TAG.findall(raw):
        if tag.lower() not in ALLOWED_TAGS and f"<{tag.lower()}>" not in removed:
            removed.append(f"<{tag.lower()}>")
    allowed = set().union(*ALLOWED_ATTRS.values())
    for tag_text in re.findall(r"<[A-Za-z][^>]*>", raw):
        for attribute in _ATTRIBUTE.findall(tag_text):
            if attribute.lower() not in allowed and attribute.lower() not in removed:
                removed.append(attribute.lower())
        if _SCRIPT_URL.search(tag_text) and "a script or data: URL" not in removed:
            removed.append("a script or data: URL")
    return removed
