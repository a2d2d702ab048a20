"""Targets, their inputs and what to rebuild: the make-like part of publish.

plan (content hashes, state.py) → check: manuscript.load → render (cache.py) → assets.inspect →
font coverage (the whole model is built and checked before anything is written) → run the
targets (jobs.py) → record each one in the state as soon as its output is in place.

A no-op run stops after the plan: it reads directory listings, the state file and the page
marks, and imports neither the Markdown renderer nor WeasyPrint nor ebooklib.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from . import __version__
from .cache import Cache, live_marks
from .diagnostics import PublishError, Report
from .jobs import FONTS, LAYOUT, Done, Task, WriterOptions, write_atomic
from .model import Publication, RenderedArticle
from .progress import Event, Sink, ignore
from .state import State, record, remove_temporaries, snapshot, target_inputs, why_rebuild

__all__ = ["TARGETS", "BuildOptions", "Model", "Output", "build", "check", "clean", "locked", "output_path",
           "write_atomic"]

TARGETS = ("epub", "pdf-screen", "pdf-print")
# The print layout first: the EPUB's page-list is taken from it, and the screen PDF is written
# from the same layout when both PDFs are due. Then the EPUB, which is quick.
RUN_ORDER = ("pdf-print", "pdf-screen", "epub")


@dataclass(frozen=True)
class BuildOptions:
    targets: tuple[str, ...] = TARGETS
    force: bool = False
    dry_run: bool = False
    embed_fonts: bool = True
    strict: bool = False
    jobs: int = 1  # targets built at the same time, each in its own process when > 1


@dataclass(frozen=True)
class Output:
    target: str
    path: Path
    built: bool  # False: it was up to date (or, with --dry-run, nothing was built)
    reason: str  # why it was (or would be) rebuilt; "" when up to date
    size: int = 0
    pages: int | None = None
    seconds: float = 0.0
    maybe: bool = False  # --dry-run: rebuilt only if the print layout's page breaks change
    note: str = ""


@dataclass(frozen=True)
class Model:
    """Everything the writers need, built and checked before any of them runs. Picklable, for -j N."""

    publication: Publication
    rendered: tuple[RenderedArticle, ...]
    images: dict
    faces: tuple


def output_path(pub_slug: str, build_dir: Path, target: str) -> Path:
    return build_dir / {"epub": f"{pub_slug}.epub", "pdf-screen": f"{pub_slug}.pdf",
                        "pdf-print": f"{pub_slug}-print.pdf"}[target]


def check(root: Path, report: Report, cache: Cache | None = None) -> Model | None:
    """Load, render and check the manuscript; None (with errors in `report`) if it cannot be built.

    With a cache, unchanged articles are not rendered again and only new characters are
    checked against the fonts; the diagnostics are the same either way.
    """
    from . import assets, fonts, manuscript
    from .markdown import render_all

    publication, load_report = manuscript.load(root)
    report.extend(load_report)
    if publication is None:
        return None
    if cache is None:
        rendered = render_all(publication.articles, publication.root, report)
    else:
        rendered = cache.render(publication, report)
    images = assets.inspect(rendered, report) if cache is None else cache.inspect_images(rendered, report)
    texts = {a.path: a.path.read_text(encoding="utf-8-sig") for a in publication.articles}
    texts[publication.manuscript / "publication.yaml"] = (publication.manuscript / "publication.yaml").read_text(
        encoding="utf-8-sig")
    if cache is None:
        fonts.check_coverage(publication, texts, report)
    else:
        cache.check_coverage(publication, texts, report)
    if report.errors:
        return None
    return Model(publication, rendered, images, fonts.find_faces(publication.root))


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


def modified_time(publication: Publication) -> dt.datetime:
    """dcterms:modified: SOURCE_DATE_EPOCH when set, else the publication date; never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    day = publication.date or dt.date(2000, 1, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def _options_text(target: str, options: BuildOptions) -> str:
    """The options a target's output depends on, with the tool's version."""
    return f"{__version__} embed_fonts={options.embed_fonts}" if target == "epub" else __version__


def _digest(inputs: dict[str, str]) -> str:
    return hashlib.sha256(repr(sorted(inputs.items())).encode()).hexdigest()


class _Build:
    """One run of `build`: the plan, then the targets in dependency order, recording each success."""

    def __init__(self, root: Path, options: BuildOptions, report: Report, sink: Sink):
        self.root, self.options, self.report, self.sink = root, options, report, sink
        self.build_dir = root / "build"
        self.state = State.load(self.build_dir)
        self.cache = Cache(self.build_dir, self.state.digest)
        self.files = snapshot(self.state, root)
        self.cached_marks = self.cache.load_marks()
        self.slug = self._slug()
        self.paths = {t: output_path(self.slug, self.build_dir, t) for t in TARGETS}
        self.inputs = {t: self._inputs(t) for t in TARGETS}
        self.notes: dict[str, str] = {}

    def _slug(self) -> str:
        """The output names, remembered with the digest of publication.yaml they were read from
        (parsing YAML is the slowest part of a no-op run)."""
        source = self.files.get("manuscript/publication.yaml")
        remembered = self.state.slug
        if source and remembered and remembered[0] == source:
            return remembered[1]
        from .manuscript import load_slug

        slug = load_slug(self.root)
        if slug and source:
            self.state.slug = (source, slug)
        return slug or "book"

    def _inputs(self, target: str) -> dict[str, str]:
        marks = self.cached_marks.digest if self.cached_marks else None
        return target_inputs(self.root, target, self.files, _options_text(target, self.options), marks)

    def plan(self) -> dict[str, str]:
        """target → why it must be rebuilt ("" when up to date), for the requested targets."""
        return {t: "--force" if self.options.force else why_rebuild(self.state, t, self.inputs[t], self.paths[t]) or ""
                for t in self.options.targets}

    def run(self, plan: dict[str, str]) -> list[Output]:
        self.sink(Event("manuscript", "checking"))
        model = check(self.root, self.report, self.cache)
        if model is None or self.report.failed(self.options.strict):
            raise PublishError(self.report)
        self.sink(Event("manuscript", f"{self.cache.rendered} article(s) rendered, {self.cache.reused} from the cache"))
        writer = WriterOptions(self.options.embed_fonts, modified_time(model.publication),
                               self.build_dir / ".cache" / "fonts")
        self.todo = dict(plan)
        # When the print layout is rebuilt, the EPUB waits for it: for its page breaks, and to
        # learn whether they changed (if nothing else of the EPUB did).
        self.epub_after_print = "epub" in plan and bool(plan.get("pdf-print"))
        waiting = [t for t in RUN_ORDER if plan.get(t) or (t == "epub" and self.epub_after_print)]
        if self.epub_after_print and self.options.jobs > 1 and self.options.embed_fonts:
            # A free worker makes the EPUB's font subsets while the layout runs.
            waiting.insert(waiting.index("epub"), FONTS)
            self.paths[FONTS] = writer.font_cache  # what that task writes to
            self.todo[FONTS] = "the EPUB's font subsets, ahead of it"
        done: dict[str, Done] = {}
        outputs = [Output(t, self.paths[t], False, "") for t in plan if t not in waiting]
        self.skipped: list[str] = []  # waited for, then found up to date
        failure: Exception | None = None
        pdfs = [t for t in waiting if t.startswith("pdf-")]
        # Worker processes only when two tasks can run side by side, or two PDFs be written so:
        # an EPUB alone (an article edit) builds fastest without starting one.
        if self.options.jobs > 1 and (len(pdfs) > 1 or (pdfs and "epub" in waiting)):
            from .jobs import ProcessRunner as runner_class  # multiprocessing: only when asked for
        else:
            from .jobs import SerialRunner as runner_class
        with runner_class(model, writer, self.sink) as runner:
            while waiting or runner.running:
                while failure is None and runner.running < self.options.jobs:
                    task = self._next(waiting, done, model)
                    if task is None:
                        break
                    if task.outputs:
                        runner.start(task)
                if not runner.running:
                    break
                try:
                    finished = runner.next_done()
                except Exception as exc:  # PublishError too; make-like, the running ones finish
                    failure = failure or exc
                    continue
                if finished is None:  # a task is over; its outputs were reported one by one
                    continue
                done[finished.target] = finished
                if finished.target == LAYOUT:
                    self._record_layout(finished)
                elif finished.target != FONTS:  # the font subsets are in the cache: nothing to record
                    outputs.append(self._record(finished, self.todo[finished.target]))
        if failure is not None:
            raise failure
        outputs += [Output(t, self.paths[t], False, "") for t in self.skipped]
        order = {t: i for i, t in enumerate(self.options.targets)}
        return sorted(outputs, key=lambda o: order[o.target])

    def _next(self, waiting: list[str], done: dict[str, Done], model: Model) -> Task | None:
        """The next task that can start (its targets removed from `waiting`), or None.

        Both PDF variants due go into one task: one layout, two files."""
        for target in waiting:
            if target == "epub" and self.epub_after_print:
                if LAYOUT not in done:
                    continue
                if not self.todo["epub"]:  # up to date unless the new layout moved a page break
                    self.todo["epub"] = why_rebuild(self.state, "epub", self._inputs("epub"), self.paths["epub"]) or ""
            group = [target]
            if target.startswith("pdf-"):
                group = [t for t in waiting if t.startswith("pdf-")]
            for member in group:
                waiting.remove(member)
            due = [t for t in group if self.todo[t]]
            self.skipped += [t for t in group if not self.todo[t]]
            return self._task(due, model, done)
        return None

    def _task(self, targets: list[str], model: Model, done: dict[str, Done]) -> Task:
        outputs = tuple((t, self.paths[t]) for t in targets)
        if targets != ["epub"]:
            return Task(outputs, None, self.state.pages(targets[0]) if targets else None)
        if LAYOUT in done:
            marks = done[LAYOUT].marks
        elif self.cached_marks is not None:
            # The last print layout's page breaks; an element deleted since then loses its mark.
            marks = live_marks(self.cached_marks.marks, model.rendered)
            if self.cached_marks.layout != _digest(self.inputs["pdf-print"]):
                self.notes["epub"] = "page-list from the last print layout; `publish` brings both up to date"
        else:
            marks = None  # the task lays out the print PDF itself
        return Task(outputs, marks, self.state.pages("pdf-print"))

    def _record_layout(self, finished: Done) -> None:
        """A print layout is done: keep its page marks for the EPUB and for later runs."""
        self.report.extend(Report(list(finished.diagnostics)))
        self.cached_marks = self.cache.save_marks(finished.marks, _digest(self.inputs["pdf-print"]))

    def _record(self, finished: Done, reason: str) -> Output:
        """The output is in place: remember its inputs at once."""
        self.report.extend(Report(list(finished.diagnostics)))
        path = self.paths[finished.target]
        record(self.state, finished.target, self._inputs(finished.target), path, finished.pages)
        self.state.save()
        return Output(finished.target, path, True, reason, finished.size, finished.pages, finished.seconds,
                      note=self.notes.get(finished.target, ""))


def build(root: Path, options: BuildOptions, report: Report, sink: Sink = ignore) -> list[Output]:
    """Bring the requested targets up to date. Raises PublishError when the manuscript has errors."""
    root = root.resolve()
    with locked(root / "build", report):
        remove_temporaries(root / "build")
        run = _Build(root, options, report, sink)
        plan = run.plan()
        if options.dry_run or not any(plan.values()):
            run.state.save()  # keeps the digests just computed: the next check skips hashing
            maybe = "epub" in plan and not plan["epub"] and bool(plan.get("pdf-print"))
            return [Output(t, run.paths[t], False, reason, maybe=(t == "epub" and maybe))
                    for t, reason in plan.items()]
        return run.run(plan)


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
