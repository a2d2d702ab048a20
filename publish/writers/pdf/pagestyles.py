"""Page styles without a pass over the whole document for every page.

WeasyPrint 70 (layout/page.py, `set_page_type_computed_styles`) finds the margin boxes of each
new page by scanning the cascaded styles of every element of the document: quadratic in a long
issue (2.5 % of the 10× benchmark's build, nothing at 1×). A page's margin boxes can only be
pseudo-elements that some @page rule names, so those few are looked up instead. The result is
the same styles, computed in the same way.
"""

from __future__ import annotations

from .engine import check_version

_installed = False


def install() -> None:
    """Patch WeasyPrint once per process; idempotent."""
    global _installed
    if _installed:
        return
    from weasyprint.layout import page

    check_version("page styles")
    def set_page_type_computed_styles(page_type, html, style_for):
        style_for.add_page_declarations(page_type)
        # @page inherits from the root element, as in WeasyPrint.
        style_for.set_computed_styles(page_type, root=html.etree_element, parent=html.etree_element,
                                      base_url=html.base_url)
        named = getattr(style_for, "_publish_page_pseudo_types", None)
        if named is None:  # the pseudo-elements this document's @page rules name
            named = style_for._publish_page_pseudo_types = sorted({
                pseudo for sheet, _, _ in style_for._sheets for _, selectors, _ in sheet.page_rules
                for _, pseudo, _ in selectors if pseudo})
        cascaded = style_for.get_cascaded_styles()
        for pseudo_type in named:
            if (page_type, pseudo_type) in cascaded:
                # The pseudo-element inherits from the page.
                style_for.set_computed_styles(page_type, pseudo_type=pseudo_type, root=html.etree_element,
                                              parent=page_type, base_url=html.base_url)

    page.set_page_type_computed_styles = set_page_type_computed_styles
    _installed = True
