"""Stage 3, the checks before anything is written: the whole model is built and checked here,
so that no writer starts on a manuscript with errors.

    source.load → render.render_all → checks.images (examined) → checks.preflight (resolution at
    printed size, colours against the output intent) → checks.fonts (glyph coverage, SVG text too)
    → model.Book, or None with the errors in the report
"""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import Report
from ..model import Book
from ..store import Memo

# What check() imports on its first run (markdown-it and the rules: half a second), for a
# process that loads it ahead (make/jobs.py preload: publish watch before the first save).
PRELOAD = ("publish.source", "publish.render", "publish.render.readers", "publish.render.markdown.rules",
           "publish.checks.fonts", "publish.checks.images", "publish.checks.languages", "publish.checks.preflight")


def check(root: Path, report: Report, memo: Memo | None = None) -> Book | None:
    """Load, render and check the manuscript; None (with errors in `report`) if it cannot be built.

    With a memo, unchanged articles are not rendered again, known images not examined again
    and only new characters checked against the fonts; the diagnostics are the same either way.
    """
    from .. import source
    from ..render import render_all
    from ..render.readers import readers
    from .fonts import check_coverage
    from .images import check_cover, inspect, svg_texts
    from .languages import localized
    from .preflight import preflight

    by_suffix = readers()
    publication, load_report = source.load(root, by_suffix)
    report.extend(load_report)
    if publication is None:
        return None
    root = publication.root
    report.suppress(publication.suppress, root)
    rendered = localized(publication, render_all(publication.articles, root, report, by_suffix, memo))
    images = inspect((asset for item in rendered for asset in item.assets), report, memo, publication.images)
    cover = check_cover(publication.cover, report, publication.images) if publication.cover is not None else None
    preflight(publication, rendered, images, report, cover)  # what the print PDF will show, known before it is made
    texts = {a.path: by_suffix[a.path.suffix.lower()].text(a) for a in publication.articles}
    yaml_path = publication.manuscript / "publication.yaml"
    texts[yaml_path] = yaml_path.read_text(encoding="utf-8-sig")
    texts.update(svg_texts(images.values()))  # an SVG's labels are drawn with the bundled fonts too
    faces = source.find_faces(root, publication.fonts)
    check_coverage(faces, texts, root, report, memo)
    if report.errors:
        return None
    return Book(publication, rendered, images, faces, cover)
