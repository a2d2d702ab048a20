"""`build` and `clean`: bring outputs up to date, make-like, one build per project at a time.

    plan (plan.py: content hashes, state.py) → nothing to do? stop: a no-op run reads
    directory listings, the state file and the memo's provisions, and imports neither the
    renderer nor WeasyPrint nor ebooklib
    → checks.check (the Book, with the memo) → the targets' jobs (schedule.py, jobs.py)
"""

from __future__ import annotations

import contextlib
import fcntl
import shutil
from collections.abc import Iterator
from pathlib import Path

from ..diagnostics import PublishError, Report, codes
from ..store import DiskFull
from ..writers.registry import BY_NAME
from ..writers.target import Sink, ignore
from .faults import disk_full
from .plan import remove_temporaries
from .schedule import BuildOptions, Output, Run

ALL = tuple(BY_NAME)


@contextlib.contextmanager
def locked(build_dir: Path, report: Report) -> Iterator[None]:
    """One publish at a time per project: a second one stops with E302 instead of corrupting outputs."""
    build_dir.mkdir(parents=True, exist_ok=True)
    with open(build_dir / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            report.add(codes.BUSY, "another publish is building this project", build_dir / ".lock", 1, 1,
                       "wait for it to finish")
            raise PublishError(report) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(root: Path, options: BuildOptions, report: Report, sink: Sink = ignore) -> list[Output]:
    """Bring the requested targets up to date. Raises PublishError when the manuscript has errors."""
    root = root.resolve()
    with locked(root / "build", report):
        remove_temporaries(root / "build")
        try:
            return _build(root, options, report, sink)
        except DiskFull as exc:  # in this process (a cache entry, the state); a worker's comes as a diagnostic
            report.keep(disk_full(exc))
            raise PublishError(report) from None


def _build(root: Path, options: BuildOptions, report: Report, sink: Sink) -> list[Output]:
    run = Run(root, options.targets, options, report, sink)
    plan = run.plan()
    if options.dry_run or not any(plan.values()):
        run.state.save()  # keeps the digests just computed: the next check skips hashing
        return [Output(t, run.paths[t], False, reason,
                       maybe=run.describe.get(run.waits_for_producer(t, plan), "") if not reason else "")
                for t, reason in plan.items()]
    return run.run(plan)


def clean(root: Path) -> list[Path]:
    build_dir = root.resolve() / "build"
    removed = []
    if build_dir.is_dir():
        for child in sorted(build_dir.iterdir()):
            if child.name == ".lock":
                continue
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
            removed.append(child)
    return removed
