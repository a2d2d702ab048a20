"""`build` and `clean`: bring outputs up to date, make-like, one build per project at a time.

    plan (plan.py: content hashes, state.py) → nothing to do? stop: a no-op run reads
    directory listings, the state file and the memo's provisions, and imports neither the
    renderer nor WeasyPrint nor ebooklib
    → checks.check (the Book, with the memo) → the targets' jobs (schedule.py, jobs.py)
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics import PublishError, Report, codes
from ..store import DiskFull
from ..writers.registry import BY_NAME
from ..writers.target import Sink, ignore
from .faults import damage_line, disk_full
from .plan import remove_temporaries
from .schedule import BuildOptions, Output, Run
from .state import STATE_FILE

if TYPE_CHECKING:
    from .jobs import ProcessRunner

ALL = tuple(name for name, target in BY_NAME.items() if target.in_all)


@contextlib.contextmanager
def locked(build_dir: Path, report: Report, tell: Callable[[str], None] = lambda message: None) -> Iterator[None]:
    """One publish at a time per project: a second one stops with E302 instead of corrupting outputs.

    The lock is flock(2) on build/.lock, which the kernel releases when its holder dies, so a
    killed build leaves no lock to clear by hand; the holder's pid is written in it, only to
    be named. A .lock that is no plain file (a folder, a symlink: build/ may come from anyone)
    is replaced, never opened through."""
    build_dir.mkdir(parents=True, exist_ok=True)
    path = build_dir / ".lock"
    if path.is_symlink() or (path.exists() and not path.is_file()):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
        tell("build/.lock was not a lock file: replaced")
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o666)
    with os.fdopen(fd, "r+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = handle.read(32).decode("ascii", "replace").strip()
            report.add(codes.BUSY, f"another publish{f' (pid {holder})' if holder.isdigit() else ''} is building "
                       "this project", path, 1, 1, "wait for it to finish")
            raise PublishError(report) from None
        left = handle.read(32).decode("ascii", "replace").strip()
        if left:  # a holder that ended normally empties it
            tell(f"build/.lock was left by publish pid {left}, which did not finish: what it did not record "
                 "is rebuilt" if left.isdigit() else "build/.lock was damaged: replaced")
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()).encode())
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(root: Path, options: BuildOptions, report: Report, sink: Sink = ignore,
          tell: Callable[[str], None] = lambda message: None, runner: ProcessRunner | None = None) -> list[Output]:
    """Bring the requested targets up to date. Raises PublishError when the manuscript has errors.
    `tell` gets one line when build/ was found damaged (and what was done about it); `runner`
    is publish watch's worker pool, kept from build to build (default: one for this build)."""
    root = root.resolve()
    with locked(root / "build", report, tell):
        remove_temporaries(root / "build")
        damaged: list[str] = []
        try:
            return _build(root, options, report, sink, damaged, runner)
        except DiskFull as exc:  # in this process (a cache entry, the state); a worker's comes as a diagnostic
            report.keep(disk_full(exc))
            raise PublishError(report) from None
        finally:
            line = damage_line(damaged, root / "build")
            if line:
                tell(line)


def _build(root: Path, options: BuildOptions, report: Report, sink: Sink, damaged: list[str],
           runner: ProcessRunner | None) -> list[Output]:
    run = Run(root, options.targets, options, report, sink, runner)
    if run.state.damaged:
        damaged.append(f"{STATE_FILE} ({run.state.damaged})")
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
