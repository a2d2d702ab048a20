"""The memoised page references give what pydyf gives, and follow added pages."""

from __future__ import annotations

import pydyf

from publish.writers.pdf import pagerefs


def _page(document: pydyf.PDF) -> None:
    page = pydyf.Dictionary({"Type": "/Page", "Parent": document.pages.reference, "MediaBox": [0, 0, 10, 10]})
    document.add_page(page)


def test_page_references_are_remembered_until_a_page_is_added():
    original = pydyf.PDF.__dict__["page_references"].fget
    pagerefs.install()
    pagerefs.install()  # twice is harmless
    document = pydyf.PDF()
    for _ in range(3):
        _page(document)
    first = document.page_references
    assert first == original(document) and len(first) == 3
    assert document.page_references is first, "the same tuple, not a new one per access"
    _page(document)
    assert document.page_references == original(document) and len(document.page_references) == 4
