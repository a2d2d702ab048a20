"""EPUB Accessibility 1.1 metadata, derived from what the publication contains."""

from __future__ import annotations

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
    summary = ["本出版物为可重排的 EPUB 3，含结构化目录与标题层级，正文阅读顺序与印刷版一致"]
    if images:
        summary.append("所有图片均有替代文字，图注与图片来源以文字给出" if all_alt else "部分图片缺少替代文字")
    if has_page_list:
        summary.append("提供与印刷版页码对应的页码列表")
    if has_notes:
        summary.append("注释可双向跳转")
    meta.append(("schema:accessibilitySummary", "；".join(summary) + "。"))
    return meta
