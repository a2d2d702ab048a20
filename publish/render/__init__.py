"""Stage 2, rendering: each Article → a `RenderedArticle` (an XHTML fragment with its figures,
images, ids and links), by the reader of its format; then the internal links are checked
across the publication.

With a memo, an article whose inputs are unchanged is taken from the last run instead of
being rendered again: its key is everything rendering reads (the article's text and
metadata, publish's code, the reader's libraries, which files exist under manuscript/), and
its entry keeps the diagnostics rendering gave, so a hit reports the same as a miss.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
from dataclasses import replace
from pathlib import Path

from ..diagnostics import Diagnostic, Report, Severity
from ..model import Article, Asset, Figure, Link, RenderedArticle
from ..store import Memo, decode, encode, value_sha
from . import readers as registry
from .links import check_links
from .readers import Reader, RenderContext, spec_for

PACKAGE = Path(__file__).resolve().parent.parent
_TEXT_SUFFIXES = (".md", ".yaml", ".yml")
_TYPES: dict[str, type] = {cls.__name__: cls for cls in (Figure, Asset, Link, Diagnostic, Severity)}


def render_all(articles: tuple[Article, ...], root: Path, report: Report, readers: dict[str, Reader],
               memo: Memo | None = None) -> tuple[RenderedArticle, ...]:
    """Render every article in order (figure numbers run on across them), then check the links."""
    # Links between files resolve through every article's name: part of each article's key.
    names = {Path(os.path.normpath(a.path)): a.name for a in articles}
    base = _memo_base(root, memo) + [sorted((str(_inside(p, root)), n) for p, n in names.items())] \
        if memo is not None else None
    next_figure = 1
    results = []
    for article in articles:
        key = value_sha([base, repr(_relative(article, root))]) if base is not None else ""
        hit = _recall(memo, article, key, next_figure, root) if memo is not None else None
        if memo is not None:
            memo.count("render", hit is not None)
        if hit is not None:
            rendered, diagnostics = hit
            for diagnostic in diagnostics:
                report.keep(diagnostic)
        else:
            own = Report()  # this article's diagnostics, kept with its memo entry
            context = RenderContext(root, own, next_figure, names)
            rendered = readers[article.path.suffix.lower()].render(article, context)
            report.extend(own)
            # An entry with errors is not kept: the error may name a file that appears later.
            if memo is not None and not own.errors:
                _remember(memo, article.name, key, rendered, own.items, root)
        next_figure += len(rendered.figures)
        results.append(rendered)
    rendered_all = tuple(results)
    check_links(rendered_all, report)
    if memo is not None:
        memo.keep_only("render", (a.name for a in articles))
    return rendered_all


def _inside(path: Path, root: Path) -> Path:
    return path.relative_to(root) if path.is_relative_to(root) else path


def _relative(article: Article, root: Path) -> Article:
    """The article with its path relative to the project: a moved or copied project keeps its memo."""
    return replace(article, body=replace(article.body, path=_inside(article.path, root)))


def _memo_base(root: Path, memo: Memo) -> list:
    """What every article's rendering reads besides the article itself."""
    code = sorted((str(p.relative_to(PACKAGE)), memo.digest(p)) for p in PACKAGE.rglob("*.py"))
    # Each reader's libraries, by the digest of their main file (which carries their version),
    # found without importing them.
    libraries = []
    for spec in registry.READERS:
        for name in spec.libraries:
            found = importlib.util.find_spec(name)
            libraries.append(memo.digest(Path(found.origin)) if found and found.origin else name)
    # Which non-text files exist (and where their symlinks lead): an image that appears or is
    # replaced by a link out of the project changes the rendering. Their contents do not.
    files = []
    manuscript = root / "manuscript"
    for dirpath, dirnames, filenames in os.walk(manuscript):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if not name.endswith(_TEXT_SUFFIXES) and not name.startswith("."):
                files.append((str(path.relative_to(root)), os.path.relpath(path.resolve(), root)))
    return [code, libraries, files]


def _remember(memo: Memo, name: str, key: str, rendered: RenderedArticle, diagnostics: list[Diagnostic],
              root: Path) -> None:
    try:
        fields = {f.name: encode(getattr(rendered, f.name), root) for f in dataclasses.fields(rendered)
                  if f.name != "article"}
        value = {"rendered": fields, "diagnostics": encode(diagnostics, root),
                 "first_figure": rendered.figures[0].number if rendered.figures else None}
    except TypeError:
        return  # the model grew a kind of value the memo does not know: render it each time
    memo.put("render", name, key, value)


def _recall(memo: Memo, article: Article, key: str, first_figure: int,
            root: Path) -> tuple[RenderedArticle, list[Diagnostic]] | None:
    value = memo.get("render", article.name, key)
    if not isinstance(value, dict):
        return None
    # Figure numbers run on across articles: an article with figures is reused only if its
    # first one keeps its number. One without figures does not depend on it.
    if value.get("first_figure") not in (None, first_figure):
        return None
    try:
        fields = {name: decode(item, root, _TYPES) for name, item in value["rendered"].items()}
        rendered = RenderedArticle(article=article, **fields)
        diagnostics = list(decode(value["diagnostics"], root, _TYPES))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    # The dataclasses do not check types; a damaged entry must not reach the writers.
    if not (isinstance(rendered.html, str) and isinstance(rendered.ids, frozenset)
            and all(isinstance(items, tuple) and all(isinstance(x, kind) for x in items)
                    for items, kind in ((rendered.figures, Figure), (rendered.assets, Asset),
                                        (rendered.links, Link)))
            and all(isinstance(d, Diagnostic) for d in diagnostics)):
        return None
    # An image used by the article must still be that file (not, say, a symlink out of the project).
    if any(asset.source.resolve() != asset.source or not asset.source.is_file() for asset in rendered.assets):
        return None
    return rendered, diagnostics


__all__ = ["Reader", "RenderContext", "render_all", "spec_for"]
