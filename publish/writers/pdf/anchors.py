"""Only the ids the PDF links to stay anchors.

Every paragraph, list item and heading carries an id, for the EPUB and for the page map
(pagemap.py names the paragraph each page starts in). WeasyPrint makes each id an anchor: a
named destination in the PDF, and a check on every page that is linear in the anchors of all
earlier pages (layout/page.py keeps them in a list), so a long issue lays out in quadratic
time. `linked_anchors(html)` keeps the ids that a link in the document points at (contents,
notes, cross-references) and moves every other one to `data-id`, which the page map reads too.
"""

from __future__ import annotations

import re

# An id attribute inside a tag: text has its "<" escaped, so "<name …" only starts a tag.
_ID = re.compile(r'(<[A-Za-z][^<>]*?\s)id="([^"]*)"')
_LINK = re.compile(r'<[A-Za-z][^<>]*?\shref="#([^"]+)"')
KEPT_ELSEWHERE = "data-id"


def linked_anchors(html: str) -> str:
    """`html` with the ids no `href="#…"` points at renamed to `data-id`."""
    linked = set(_LINK.findall(html))

    def rename(match: re.Match) -> str:
        if match.group(2) in linked:
            return match.group(0)
        return f'{match.group(1)}{KEPT_ELSEWHERE}="{match.group(2)}"'

    return _ID.sub(rename, html)


def element_id(element) -> str | None:
    """An element's id, whether it stayed an anchor or not."""
    return element.get("id") or element.get(KEPT_ELSEWHERE)
