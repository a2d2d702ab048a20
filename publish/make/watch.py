"""`publish watch`: the outputs brought up to date after every save, sooner than `publish`.

    a build as `publish` makes → wait for saves under manuscript/, styles/, fonts/ (watchfiles)
    → a build … until Ctrl-C

Each build is the make-like one (build.py: the plan, the lock, the cache), so a save that
changes nothing rebuilds nothing, and `publish` run in another terminal between builds sees
the same state. What the editor waits for less: this process keeps the manuscript check's
modules imported, and the worker processes of the next build are started at the end of each
(jobs.py, `kept`), so WeasyPrint and ebooklib are loaded before the save instead of after it
(about 1 s of a one-shot `publish`'s edit). A save made during a build is seen once it ends
(watchfiles keeps changes between its yields). Errors are shown and the last good outputs
stay; the watch goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..writers.registry import BY_NAME
from ..writers.target import ignore
from .jobs import ProcessRunner, preload
from .schedule import first_builders

WATCHED = ("manuscript", "styles", "fonts")


def watch(root: Path, targets: tuple[str, ...], jobs: int, build_once: Callable[[ProcessRunner, bool], object],
          say: Callable[[str], None] = lambda message: None) -> int:
    """Build with `build_once(runner, first)` now and after every save until interrupted; 0 then."""
    import watchfiles

    runner = ProcessRunner(jobs, ignore, kept=True)
    try:
        build_once(runner, True)
        if not runner.slots:  # nothing was built: no build started the next one's processes
            runner.prestart(first_builders(targets, lambda t: bool(BY_NAME[t].needs)))
        preload("publish.checks")  # loaded by the first build if it checked; else before the first save
        folders = [root / name for name in WATCHED if (root / name).is_dir()]
        say(f"watching {', '.join(f'{p.name}/' for p in folders)} for saves (Ctrl-C to stop)")
        # step: 50 ms without a new change ends a save (an editor's write, rename and chmod).
        for changes in watchfiles.watch(*folders, debounce=1_000, step=50, raise_interrupt=True):
            names = sorted({Path(path).name for _, path in changes})
            say(f"changed: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}")
            build_once(runner, False)
    except KeyboardInterrupt:
        pass
    finally:
        runner.stop()
    return 0
