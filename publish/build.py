"""Targets, their inputs and atomic outputs: the make-like part of publish.

manuscript.load → markdown.render_all → assets.inspect → fonts.check_coverage
(the whole model is built and checked before anything is written) → writers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from . import __version__
from .diagnostics import PublishError, Report
from .model import Publication, RenderedArticle
from .state import State, record, snapshot, why_rebuild

TARGETS = ("epub", "pdf-screen", "pdf-print")


@dataclass(frozen=True)
class BuildOptions:
    targets: tuple[str, ...] = TARGETS
    force: bool = False
    dry_run: bool = False
    embed_fonts: bool = True
    strict: bool = False


@dataclass(frozen=True)
class Output:
    target: str
    path: Path
    built: bool  # False: it was up to date
    reason: str  # why it was (or would be) rebuilt
    size: int = 0
    pages: int | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class Model:
    """Everything the writers need, built before any of them runs."""

    publication: Publication
    rendered: tuple[RenderedArticle, ...]
    images: dict
    faces: tuple
    theme: object


def output_path(pub_slug: str, build_dir: Path, target: str) -> Path:
    return build_dir / {"epub": f"{pub_slug}.epub", "pdf-screen": f"{pub_slug}.pdf",
                        "pdf-print": f"{pub_slug}-print.pdf"}[target]


def check(root: Path, report: Report) -> Model | None:
    """Load, render and check the manuscript; None (with errors in `report`) if it cannot be built."""
    from . import assets, fonts, manuscript
    from .markdown import render_all
    from .theme import load_theme

    publication, load_report = manuscript.load(root)
    report.extend(load_report)
    if publication is None:
        return None
    rendered = render_all(publication.articles, publication.root, report)
    images = assets.inspect(rendered, report)
    texts = {a.path: a.path.read_text(encoding="utf-8-sig") for a in publication.articles}
    texts[publication.manuscript / "publication.yaml"] = (publication.manuscript / "publication.yaml").read_text(
        encoding="utf-8-sig")
    fonts.check_coverage(publication, texts, report)
    if report.errors:
        return None
    return Model(publication, rendered, images, fonts.find_faces(publication.root), load_theme(publication.root))


@contextlib.contextmanager
def locked(build_dir: Path, report: Report) -> Iterator[None]:
    """One publish at a time per project: a second one stops with E302 instead of corrupting outputs."""
    build_dir.mkdir(parents=True, exist_ok=True)
    with open(build_dir / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            report.error("E302", "another publish is building this project", build_dir / ".lock", 1, 1,
                         "wait for it to finish")
            raise PublishError(report) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def modified_time(publication: Publication) -> dt.datetime:
    """dcterms:modified: SOURCE_DATE_EPOCH when set, else the publication date; never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    day = publication.date or dt.date(2000, 1, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def build(root: Path, options: BuildOptions, report: Report,
          progress: Callable[[str], None] = lambda message: None) -> list[Output]:
    """Bring the requested targets up to date. Raises PublishError when the manuscript has errors."""
    root = root.resolve()
    build_dir = root / "build"
    with locked(build_dir, report):
        state = State.load(build_dir)
        slug = _slug_for_paths(root, report)
        option_text = f"{__version__} embed_fonts={options.embed_fonts}"
        inputs = snapshot(state, root, option_text)
        plan: list[tuple[str, Path, str]] = []
        for target in options.targets:
            path = output_path(slug, build_dir, target) if slug else build_dir / target
            reason = "--force" if options.force else why_rebuild(state, target, inputs, path)
            plan.append((target, path, reason or ""))
        todo = [p for p in plan if p[2]]
        if options.dry_run or not todo:
            state.save()
            return [Output(t, p, False, r) for t, p, r in plan]
        progress("checking the manuscript")
        model = check(root, report)
        if model is None or report.failed(options.strict):
            raise PublishError(report)
        results = []
        marks = None
        # The print layout comes first: the EPUB's page-list is derived from it.
        for target, path, reason in sorted(plan, key=lambda p: TARGETS.index(p[0]), reverse=True):
            if not reason:
                results.append(Output(target, path, False, ""))
                continue
            started = time.perf_counter()
            path = output_path(model.publication.slug, build_dir, target)
            progress(f"building {path.name}")
            data, pages, marks = _run_target(target, model, options, report, marks)
            write_atomic(path, data)
            record(state, target, inputs, path)
            state.save()
            results.append(Output(target, path, True, reason, len(data), pages, time.perf_counter() - started))
        order = {t: i for i, t in enumerate(options.targets)}
        return sorted(results, key=lambda o: order[o.target])


def _run_target(target: str, model: Model, options: BuildOptions, report: Report, marks):
    pub = model.publication
    if target.startswith("pdf-"):
        from .pdf.writer import build_pdf

        result = build_pdf(pub, model.rendered, model.images, model.faces, model.theme, target[4:], report)
        return result.data, result.pages, result.marks
    from .epub import EpubOptions, build_epub

    if marks is None:
        from .pdf.writer import build_pdf

        marks = build_pdf(pub, model.rendered, model.images, model.faces, model.theme, "print", report).marks
    data = build_epub(pub, model.rendered, model.images, model.faces, model.theme,
                      EpubOptions(options.embed_fonts, modified_time(pub), pub.root / "build" / ".cache" / "fonts"),
                      marks)
    return data, None, marks


def _slug_for_paths(root: Path, report: Report) -> str | None:
    """The output names, read cheaply for the up-to-date check (the full load happens only if needed)."""
    from .manuscript import load_slug

    return load_slug(root)


def clean(root: Path) -> list[Path]:
    build_dir = root.resolve() / "build"
    removed = []
    if build_dir.is_dir():
        import shutil

        for child in sorted(build_dir.iterdir()):
            if child.name == ".lock":
                continue
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
            removed.append(child)
    return removed
