"""EPUB Accessibility 1.1 metadata, derived from what the publication contains."""

from __future__ import annotations

from ...cjk.locale import accessibility_summary
from ...model import Publication, RenderedArticle


def accessibility_metadata(pub: Publication, rendered: tuple[RenderedArticle, ...],
                           has_page_list: bool) -> list[tuple[str, str]]:
    figures = [f for r in rendered for f in r.figures]
    images = bool(figures) or any(r.assets for r in rendered)
    all_alt = all(f.alt.strip() for f in figures) and all('alt=""' not in r.html for r in rendered)
    has_notes = any(r.has_notes for r in rendered)

    meta: list[tuple[str, str]] = [("schema:accessMode", "textual")]
    if images:
        meta.append(("schema:accessMode", "visual"))
    if not images or all_alt:
        meta.append(("schema:accessModeSufficient", "textual"))
    if images:
        meta.append(("schema:accessModeSufficient", "textual,visual"))
    features = ["tableOfContents", "readingOrder", "structuralNavigation", "displayTransformability"]
    if images and all_alt:
        features.append("alternativeText")
    if has_page_list:
        features += ["pageNavigation", "pageBreakMarkers", "printPageNumbers"]
    if has_notes:
        features.append("annotations")
    meta += [("schema:accessibilityFeature", f) for f in features]
    meta.append(("schema:accessibilityHazard", "none"))
    summary = accessibility_summary(pub.language, pub.labels, images, all_alt, has_page_list, has_notes)
    meta.append(("schema:accessibilitySummary", summary))
    return meta
