"""One run of `publish`: the plan, then the targets' jobs in dependency order, each output
recorded in the state as soon as it is in place.

Generic over the registry (writers/registry.py): a target that needs a provision waits for
its producer when the producer is rebuilt, and is then rebuilt only if the provision's digest
changed; otherwise it takes the value the memo kept from the producer's last run. Targets of
one group that are due together are one job (one PDF layout, two files). While a target
waits, a free worker may run its warmup.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..diagnostics import PublishError, Report
from ..store import Memo, value_sha
from ..writers.registry import BY_NAME, PROVISIONS
from ..writers.target import Event, Job, Provided, Provision, Sink, Target, WriterOptions, Written
from . import plan as planning
from .state import State

if TYPE_CHECKING:
    from ..model import Book
    from .jobs import ProcessRunner


@dataclass(frozen=True)
class BuildOptions:
    targets: tuple[str, ...] = tuple(name for name, target in BY_NAME.items() if target.in_all)
    force: bool = False
    dry_run: bool = False
    embed_fonts: bool = True
    strict: bool = False
    jobs: int = 1  # jobs run at the same time, each in its own process when > 1


@dataclass(frozen=True)
class Output:
    target: str
    path: Path
    built: bool  # False: it was up to date (or, with --dry-run, nothing was built)
    reason: str  # why it was (or would be) rebuilt; "" when up to date
    size: int = 0
    pages: int | None = None
    seconds: float = 0.0
    maybe: str = ""  # --dry-run: rebuilt only if this provision changes ("the print layout's page breaks")
    note: str = ""


@dataclass(frozen=True)
class Remembered:
    """A provision's value as the memo kept it from its producer's last run."""

    value: Any  # as JSON (the provision's codec decodes it)
    digest: str  # of the value: what its consumers depend on
    producer: str  # digest of the producer's inputs when it was made


def modified_time(date: dt.date | None) -> dt.datetime:
    """The outputs' date: SOURCE_DATE_EPOCH when set, else the publication date; never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    day = date or dt.date(2000, 1, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _order(names: list[str]) -> list[str]:
    """Producers before their consumers, in registry order otherwise."""
    def depth(target: Target) -> int:
        producers = [BY_NAME[PROVISIONS[n].producer] for n in target.needs]
        return 1 + max((depth(p) for p in producers), default=-1)
    return sorted(names, key=lambda name: depth(BY_NAME[name]))


def first_builders(targets: list[str] | tuple[str, ...], waits: Callable[[str], bool], warmups: bool = True
                   ) -> list[str]:
    """The builders a run starts with, one per process: those of the targets that do not
    `wait` (one per group), then the warmups of those that do (when `warmups`)."""
    builders = [BY_NAME[t].builder for t in targets if not waits(t)]
    builders += [warmup.builder for t in targets if warmups and waits(t) and (warmup := BY_NAME[t].warmup)]
    return list(dict.fromkeys(builders))


class Run:
    def __init__(self, root: Path, requested: tuple[str, ...], options: BuildOptions, report: Report, sink: Sink,
                 runner: ProcessRunner | None = None):
        self.root, self.requested, self.options, self.report, self.sink = root, requested, options, report, sink
        self.runner = runner  # publish watch's, kept between builds; None: one made for this run
        self.build_dir = root / "build"
        self.state = State.load(self.build_dir)
        self.memo = Memo(self.build_dir / ".cache", self.state.digest)
        self.files = planning.snapshot(self.state, root)
        self.remembered = {name: self._recall(name) for name in PROVISIONS}
        slug = self._slug()
        self.paths = {t.name: t.path(self.build_dir, slug) for t in BY_NAME.values()}
        self.inputs = {t.name: self._inputs(t) for t in BY_NAME.values()}
        self.notes: dict[str, str] = {}
        self.describe = {name: p.describe for name, p in PROVISIONS.items()}

    # -- the plan ------------------------------------------------------------------

    def _slug(self) -> str:
        """The output names, remembered with the digest of publication.yaml they were read from
        (parsing YAML is the slowest part of a no-op run)."""
        source = self.files.get("manuscript/publication.yaml")
        remembered = self.state.slug
        if source and remembered and remembered[0] == source:
            return remembered[1]
        from ..source import load_slug

        slug = load_slug(self.root)
        if slug and source:
            self.state.slug = (source, slug)
        return slug or "book"

    def _recall(self, name: str) -> Remembered | None:
        value: Any = self.memo.get("provisions", name, "")
        try:
            return Remembered(value["value"], str(value["digest"]), str(value["producer"]))
        except (KeyError, TypeError):
            return None

    def _inputs(self, target: Target) -> dict[str, str]:
        digests = {name: r.digest if r else None for name, r in self.remembered.items()}
        return planning.target_inputs(self.root, target, self.files, planning.options_text(target, self.options),
                                      digests)

    def _why(self, name: str) -> str:
        return planning.why_rebuild(self.state, name, self.inputs[name], self.paths[name], self.describe) or ""

    def plan(self) -> dict[str, str]:
        """target → why it must be rebuilt ("" when up to date), for the requested targets."""
        return {t: "--force" if self.options.force else self._why(t) for t in self.requested}

    def waits_for_producer(self, name: str, plan: dict[str, str]) -> str:
        """The provision `name` waits for because its producer is rebuilt in this run, or ""."""
        for need in BY_NAME[name].needs:
            if plan.get(PROVISIONS[need].producer):
                return need
        return ""

    # -- the run -------------------------------------------------------------------

    def run(self, plan: dict[str, str]) -> list[Output]:
        self.todo = dict(plan)
        # A consumer of what a rebuilt producer provides waits for it: for the value, and to
        # learn whether it changed (if nothing else of the consumer did).
        waiting = [t for t in _order(list(plan)) if plan[t] or self.waits_for_producer(t, plan)]
        self.provided: dict[str, Any] = {}
        self.warmups = {warmup.name: warmup for t in waiting if (warmup := BY_NAME[t].warmup)
                        and self.waits_for_producer(t, plan) and self.options.jobs > 1}
        outputs = [Output(t, self.paths[t], False, "") for t in plan if t not in waiting]
        self.skipped: list[str] = []  # waited for, then found up to date
        failure: BaseException | None = None
        groups = {BY_NAME[t].group or t for t in waiting}
        # Worker processes only when two jobs can run side by side: a job alone (an article
        # edit's EPUB) builds fastest without starting one.
        from .jobs import ProcessRunner, SerialRunner  # ProcessRunner imports multiprocessing only when made

        runner: ProcessRunner | SerialRunner
        if self.runner is not None:  # its processes have loaded their modules since the last build
            runner = self.runner
            runner.sink = self.sink
        elif self.options.jobs > 1 and len(groups) + len(self.warmups) > 1:
            runner = ProcessRunner(self.options.jobs, self.sink)
        else:
            runner = SerialRunner(self.options.jobs, self.sink)
        with runner:
            # The first jobs' processes load their writers while the manuscript is checked.
            runner.prestart(first_builders(waiting, lambda t: bool(self.waits_for_producer(t, plan)),
                                           bool(self.warmups)))
            book, writer = self._check()
            runner.ready(book, writer)
            while waiting or runner.running:
                while failure is None and runner.running < self.options.jobs:
                    started = self._start_next(waiting, runner)
                    if not started:
                        break
                if not runner.running:
                    break
                try:
                    result = runner.next_result()
                except Exception as exc:  # PublishError too; make-like, the running ones finish
                    failure = failure or exc
                    continue
                if isinstance(result, Provided):
                    self._remember(result)
                elif isinstance(result, Written):
                    outputs.append(self._record(result, self.todo[result.target]))
        if failure is not None:
            raise failure
        outputs += [Output(t, self.paths[t], False, "") for t in self.skipped]
        order = {t: i for i, t in enumerate(self.requested)}
        return sorted(outputs, key=lambda o: order[o.target])

    def _check(self) -> tuple[Book, WriterOptions]:
        """The checked book (raising the report if it fails) and the writers' options."""
        from ..checks import check

        self.sink(Event("manuscript", "checking"))
        book = check(self.root, self.report, self.memo)
        if book is None or self.report.failed(self.options.strict):
            raise PublishError(self.report)
        self.sink(Event("manuscript", f"{self.memo.misses['render']} article(s) rendered, "
                        f"{self.memo.hits['render']} from the cache"))
        self.book = book
        return book, WriterOptions(self.options.embed_fonts, modified_time(book.publication.date),
                                   self.build_dir / ".cache", self.options.jobs)

    def _start_next(self, waiting: list[str], runner: Any) -> bool:
        """Start the next job that can start (its targets leave `waiting`); False if none can."""
        for name in waiting:
            need = self.waits_for_producer(name, self.todo)
            if need and need not in self.provided:
                continue
            if need and not self.todo[name]:  # up to date unless the producer's new value changed it
                self.todo[name] = self._why(name)
            group = [name]
            if BY_NAME[name].group:
                group = [t for t in waiting if BY_NAME[t].group == BY_NAME[name].group]
                group.sort(key=lambda t: not BY_NAME[t].provides)  # the producer names the job
            for member in group:
                waiting.remove(member)
            due = [t for t in group if self.todo[t]]
            self.skipped += [t for t in group if not self.todo[t]]
            if due:
                runner.start(self._job(due), BY_NAME[due[0]].builder)
            return True
        for name, warmup in list(self.warmups.items()):
            del self.warmups[name]
            runner.start(Job(name, ()), warmup.builder)  # no outputs: it only fills the cache
            return True
        return False

    def _job(self, targets: list[str]) -> Job:
        needs = {need: self._value(PROVISIONS[need], targets[0])
                 for need in sorted({n for t in targets for n in BY_NAME[t].needs})}
        # The progress bar's total: the last page count of what the job lays out (a needed
        # provision's producer, if it must make it itself; its own first target otherwise).
        laid_out = next((PROVISIONS[n].producer for n in needs), targets[0])
        return Job(targets[0], tuple((t, self.paths[t]) for t in targets), needs, self.state.pages(laid_out))

    def _value(self, provision: Provision, consumer: str) -> Any:
        """The provision's value for `consumer`: made in this run, or remembered, or None (make it)."""
        if provision.name in self.provided:
            return self.provided[provision.name]
        remembered = self.remembered[provision.name]
        if remembered is None:
            return None
        codec = _codec(provision)
        try:
            value = codec.refresh(codec.decode(remembered.value), self.book)
        except (TypeError, ValueError):
            return None
        if remembered.producer != planning.digest(self.inputs[provision.producer]):
            self.notes[consumer] = f"{provision.stale}; `publish` brings both up to date"
        return value

    def _remember(self, result: Provided) -> None:
        """A provision is made: hand it to the targets waiting for it, and keep it for later runs."""
        self.report.extend(Report(list(result.diagnostics)))
        provision = PROVISIONS[result.name]
        self.provided[result.name] = result.value
        encoded = _codec(provision).encode(result.value)
        remembered = Remembered(encoded, value_sha(encoded), planning.digest(self.inputs[provision.producer]))
        self.remembered[result.name] = remembered
        self.memo.put("provisions", result.name, "", {"value": remembered.value, "digest": remembered.digest,
                                                       "producer": remembered.producer})
        for target in BY_NAME.values():  # its consumers' inputs now include the new digest
            if result.name in target.needs:
                self.inputs[target.name] = self._inputs(target)

    def _record(self, result: Written, reason: str) -> Output:
        """The output is in place: remember its inputs at once."""
        self.report.extend(Report(list(result.diagnostics)))
        path = self.paths[result.target]
        self.state.record(result.target, self.inputs[result.target], path, result.pages)
        self.state.save()
        return Output(result.target, path, True, reason, result.size, result.pages, result.seconds,
                      note=self.notes.get(result.target, ""))


def _codec(provision: Provision) -> Any:
    import importlib

    return importlib.import_module(provision.codec)


__all__ = ["BuildOptions", "Output", "Run", "modified_time"]
