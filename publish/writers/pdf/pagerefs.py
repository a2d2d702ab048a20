"""Writing a long tagged PDF in linear time: remember pydyf's list of page references.

pydyf (0.11–0.13 at least) builds `PDF.page_references` anew on every access, a tuple of
one reference per page, and WeasyPrint's PDF/UA tagging reads it once per tagged element. The
write is then quadratic in the number of pages: for a 1,500-page issue most of a 100-second
write. The list only grows as pages are added, so it is remembered per page count.
"""

from __future__ import annotations

from typing import Any


def install() -> None:
    """Replace pydyf.PDF.page_references by a memoised version (once per process)."""
    import pydyf

    document_class = getattr(pydyf, "PDF", None)
    original = vars(document_class).get("page_references") if document_class else None
    if not isinstance(original, property) or getattr(original.fget, "memoised", False):
        return  # another pydyf, or already installed

    stock: Any = original.fget

    def page_references(self: Any) -> Any:
        count = len(self.pages["Kids"])
        memo = self.__dict__.get("_publish_page_references")
        if memo is None or memo[0] != count:
            memo = self.__dict__["_publish_page_references"] = (count, stock(self))
        return memo[1]

    page_references.memoised = True  # type: ignore[attr-defined]
    document_class.page_references = property(page_references, doc=original.__doc__)  # type: ignore[union-attr]
