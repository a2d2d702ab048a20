"""What a build can reuse from the last one, kept in build/.cache/.

- render/<article>.json: an article rendered to XHTML (fragment, figures, ids, links, and the
  diagnostics rendering gave), keyed by everything rendering reads: the article's text and
  metadata, its first figure number if it has figures (figure numbers run on across articles,
  so a figure inserted early renumbers every later article with figures), which files exist under manuscript/ (an image
  that appears or disappears), and the tool's code and Markdown libraries.
- coverage.json: characters already known to have a glyph in the bundled fonts. Decoding the
  fonts' character maps takes ~0.4 s; with this, an edit checks only characters not seen before.
- images.json: what examining each image found (kind and size, or the problem), by the image's
  content digest: decoding every image again to catch truncated files takes ~0.2 s per build.
- page-marks.json: where the pages of the last print layout begin. The EPUB's page-list is
  derived from them, so `publish epub` need not lay out the print PDF (~16 s) again.

Entries are JSON, never pickle: a project's build/ may come from anyone and reading it must
not run code. A damaged, foreign or outdated entry is simply a miss.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from .diagnostics import Diagnostic, Report, Severity
from .model import Article, Asset, Figure, Link, Publication, RenderedArticle
from .pagelist import PageMark

FORMAT = 1  # bump when the layout of an entry changes
PACKAGE = Path(__file__).resolve().parent
_TEXT_SUFFIXES = (".md", ".yaml", ".yml")


def file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sha(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def write_json(path: Path, data) -> None:
    """Atomically, so that a reader (another publish, `publish serve`) never sees half an entry."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, sort_keys=True)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


@dataclass(frozen=True)
class CachedMarks:
    marks: tuple[PageMark, ...]
    digest: str  # of the marks alone: the EPUB's <page-marks> input
    layout: str  # digest of the print layout's inputs when they were made


class Cache:
    def __init__(self, build_dir: Path, digest: Callable[[Path], str] = file_sha):
        self.folder = build_dir / ".cache"
        self.digest = digest  # the build passes State.digest: unchanged files are not hashed again
        self.rendered = 0  # articles rendered in this run (the others came from the cache)
        self.reused = 0

    # -- rendered articles ------------------------------------------------------------------

    def render(self, publication: Publication, report: Report) -> tuple[RenderedArticle, ...]:
        """markdown.render_all, taking each article from the cache when nothing it reads has changed."""
        from .links import check_links

        base = self._render_base(publication)
        renderer = None  # made on the first miss: importing the renderer costs ~0.25 s
        next_figure = 1
        results = []
        for article in publication.articles:
            # Paths relative to the project: a moved or copied project keeps its cache.
            where = replace(article, body=replace(article.body, path=_relative(article.path, publication.root)))
            key = _sha([base, repr(where)])
            hit = self._load_render(article, key, next_figure, publication.root)
            if hit is not None:
                rendered, diagnostics = hit
                for diagnostic in diagnostics:
                    report.add(diagnostic)
                next_figure += len(rendered.figures)
                self.reused += 1
            else:
                if renderer is None:
                    from .markdown import Renderer

                    renderer = Renderer(publication.root, report)
                own = Report()
                renderer.report = own  # this article's diagnostics are kept with its entry
                renderer.next_figure = next_figure
                rendered = renderer.render(article)
                next_figure = renderer.next_figure
                report.extend(own)
                self.rendered += 1
                # An entry with errors is not kept: the error may name a file that appears later.
                if not own.errors:
                    self._store_render(article.name, key, rendered, own.items, publication.root)
            results.append(rendered)
        rendered_all = tuple(results)
        check_links(rendered_all, report)
        self._forget_others({a.name for a in publication.articles})
        return rendered_all

    def _store_render(self, name: str, key: str, rendered: RenderedArticle, diagnostics: list[Diagnostic],
                      root: Path) -> None:
        try:
            entry = _render_entry(key, rendered, diagnostics, root)
        except TypeError:
            return  # the model grew a kind of value this cache does not know: render it each time
        write_json(self._render_path(name), dict(entry, first_figure=rendered_first(rendered)))

    def _render_path(self, name: str) -> Path:
        return self.folder / "render" / f"{name}.json"

    def _render_base(self, publication: Publication) -> list:
        """What every article's rendering reads besides the article itself."""
        import importlib.util

        code = sorted((str(p.relative_to(PACKAGE)), self.digest(p)) for p in PACKAGE.rglob("*.py"))
        # The Markdown libraries, by the digest of their main file (which carries their version):
        # found without importing them.
        libraries = [self.digest(Path(importlib.util.find_spec(name).origin))
                     for name in ("markdown_it", "mdit_py_plugins", "pygments", "nh3")]
        # Which non-text files exist (and where their symlinks lead): an image that appears or is
        # replaced by a link out of the project changes the rendering. Their contents do not.
        files = []
        for dirpath, dirnames, filenames in os.walk(publication.manuscript):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                path = Path(dirpath) / name
                if not name.endswith(_TEXT_SUFFIXES) and not name.startswith("."):
                    files.append((_relative(path, publication.root), _relative(path.resolve(), publication.root)))
        return [FORMAT, code, libraries, files]

    def _load_render(self, article: Article, key: str, first_figure: int,
                     root: Path) -> tuple[RenderedArticle, list[Diagnostic]] | None:
        entry = read_json(self._render_path(article.name))
        if entry is None or entry.get("key") != key:
            return None
        # Figure numbers run on across articles: an article with figures is reused only if its
        # first one keeps its number. One without figures does not depend on it.
        if entry.get("first_figure") not in (None, first_figure):
            return None
        try:
            rendered = _rendered_from(entry, article, root)
            diagnostics = _diagnostics_from(entry, root)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None
        # An image used by the article must still be that file (not, say, a symlink out of the project).
        if any(asset.source.resolve() != asset.source or not asset.source.is_file() for asset in rendered.assets):
            return None
        return rendered, diagnostics

    def _forget_others(self, names: set[str]) -> None:
        folder = self.folder / "render"
        if folder.is_dir():
            for path in folder.glob("*.json"):
                if path.stem not in names:
                    path.unlink(missing_ok=True)

    # -- images ------------------------------------------------------------------

    def inspect_images(self, rendered: tuple[RenderedArticle, ...], report: Report) -> dict:
        """assets.inspect, with each image's examination remembered by its content digest.

        The loop mirrors assets.inspect; what is remembered is assets.examine's answer.
        """
        from .assets import ImageInfo, ImageProblem, examine

        path = self.folder / "images.json"
        code = _sha([(p.name, self.digest(p)) for p in (PACKAGE / "assets.py", PACKAGE / "sandbox.py")])
        entry = read_json(path) or {}
        known = entry.get("images", {}) if entry.get("code") == code else {}
        seen: dict[str, list] = {}
        found: dict[str, ImageInfo] = {}
        for item in rendered:
            for asset in item.assets:
                if asset.href in found:
                    continue
                key = self.digest(asset.source)
                answer = known.get(key)
                if not (isinstance(answer, list) and len(answer) == 4):
                    try:
                        answer = ["ok", *examine(asset.source)]
                    except ImageProblem as problem:
                        answer = ["problem", problem.code, problem.message, problem.hint]
                seen[key] = answer
                if answer[0] == "problem":
                    report.error(answer[1], answer[2], asset.used_in, asset.line, 1, answer[3])
                    continue
                found[asset.href] = ImageInfo(asset, answer[1], answer[2], answer[3])
        if seen != known:
            write_json(path, {"format": FORMAT, "code": code, "images": seen})
        return found

    # -- font coverage ------------------------------------------------------------------

    def check_coverage(self, publication: Publication, texts: dict[Path, str], report: Report) -> None:
        """fonts.check_coverage for the texts that have a character not yet known to be covered."""
        from . import fonts

        faces = fonts.find_faces(publication.root)
        if len(faces) < len(fonts.FACES):  # E215: report it every time, cache nothing
            fonts.check_coverage(publication, texts, report)
            return
        font_key = _sha([FORMAT, [(f.file_name, self.digest(f.path)) for f in faces]])
        path = self.folder / "coverage.json"
        entry = read_json(path) or {}
        known = set(entry.get("chars", "")) if entry.get("fonts") == font_key else set()
        todo = {p: text for p, text in texts.items() if not set(text) <= known}
        if not todo:
            return
        own = Report()
        fonts.check_coverage(publication, todo, own)
        report.extend(own)
        # A text with no diagnostic has only covered (or invisible) characters; one with a
        # diagnostic is checked again next time so that its message is repeated.
        flagged = {d.path for d in own.items}
        for text_path, text in todo.items():
            if text_path not in flagged:
                known |= set(text)
        write_json(path, {"format": FORMAT, "fonts": font_key, "chars": "".join(sorted(known))})

    # -- page marks of the last print layout ----------------------------------------------

    def save_marks(self, marks: tuple[PageMark, ...], layout: str) -> CachedMarks:
        """Keep the marks of a print layout made from inputs with the digest `layout`."""
        digest = marks_digest(marks)
        write_json(self.folder / "page-marks.json", {"format": FORMAT, "digest": digest, "layout": layout,
                                                      "marks": [[m.label, m.article, m.element, m.offset]
                                                                for m in marks]})
        return CachedMarks(tuple(marks), digest, layout)

    def load_marks(self) -> CachedMarks | None:
        entry = read_json(self.folder / "page-marks.json")
        if entry is None:
            return None
        try:
            marks = tuple(PageMark(str(label), str(article), str(element), int(offset))
                          for label, article, element, offset in entry["marks"])
            return CachedMarks(marks, str(entry["digest"]), str(entry["layout"]))
        except (KeyError, TypeError, ValueError):
            return None


def rendered_first(rendered: RenderedArticle) -> int | None:
    """The number of the article's first figure; None without figures."""
    return rendered.figures[0].number if rendered.figures else None


def marks_digest(marks: tuple[PageMark, ...]) -> str:
    return _sha([[m.label, m.article, m.element, m.offset] for m in marks])


def live_marks(marks: tuple[PageMark, ...], rendered: tuple[RenderedArticle, ...]) -> tuple[PageMark, ...]:
    """The marks whose element still exists: an edit since the layout may have removed some."""
    ids = {item.name: item.ids for item in rendered}
    return tuple(m for m in marks if m.element in ids.get(m.article, ()))


# -- (de)serialising a rendered article -------------------------------------------------------
# Generic over the model's frozen dataclasses, so that a field added to one of them is kept
# (the render key includes the tool's code, so entries written before the change are misses).

_TYPES = {cls.__name__: cls for cls in (Figure, Asset, Link, Diagnostic)}


def _relative(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def _encode(value, root: Path):
    if dataclasses.is_dataclass(value) and type(value).__name__ in _TYPES:
        return {"type": type(value).__name__,
                "fields": {f.name: _encode(getattr(value, f.name), root) for f in dataclasses.fields(value)}}
    if isinstance(value, Path):
        return {"path": _relative(value, root)}  # relative: a moved project keeps its cache
    if isinstance(value, Severity):
        return {"severity": value.value}
    if isinstance(value, (tuple, list)):
        return {"tuple": [_encode(v, root) for v in value]}
    if isinstance(value, frozenset):
        return {"frozenset": sorted(_encode(v, root) for v in value)}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"a {type(value).__name__} cannot be cached")


def _decode(value, root: Path):
    if not isinstance(value, dict):
        return value
    if "type" in value:
        return _TYPES[value["type"]](**{k: _decode(v, root) for k, v in value["fields"].items()})
    if "path" in value:
        return root / value["path"]
    if "severity" in value:
        return Severity(value["severity"])
    if "tuple" in value:
        return tuple(_decode(v, root) for v in value["tuple"])
    if "frozenset" in value:
        return frozenset(_decode(v, root) for v in value["frozenset"])
    raise ValueError("not a cache entry")


def _render_entry(key: str, rendered: RenderedArticle, diagnostics: list[Diagnostic], root: Path) -> dict:
    """The entry for `rendered` (all but its Article, which the key stands for); TypeError if it cannot be."""
    fields = {f.name: _encode(getattr(rendered, f.name), root) for f in dataclasses.fields(rendered)
              if f.name != "article"}
    return {"format": FORMAT, "key": key, "rendered": fields, "diagnostics": _encode(diagnostics, root)}


def _rendered_from(entry: dict, article: Article, root: Path) -> RenderedArticle:
    fields = {name: _decode(value, root) for name, value in entry["rendered"].items()}
    rendered = RenderedArticle(article=article, **fields)
    # The dataclasses do not check types; a damaged entry must not reach the writers.
    if not (isinstance(rendered.html, str) and isinstance(rendered.ids, frozenset)
            and all(isinstance(items, tuple) and all(isinstance(x, kind) for x in items)
                    for items, kind in ((rendered.figures, Figure), (rendered.assets, Asset), (rendered.links, Link)))):
        raise ValueError("a damaged cache entry")
    return rendered


def _diagnostics_from(entry: dict, root: Path) -> list[Diagnostic]:
    return list(_decode(entry["diagnostics"], root))
