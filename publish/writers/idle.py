"""Work done in the machine's idle time: a function run in a thread of its own at the lowest
CPU priority (nice 19), this process's other threads at theirs.

For work that may wait (the EPUB's font warmup, make's idea of using a free worker): with -j 2
a large book's layout keeps both cores busy from its first second, and the warmup (a second of
CPU for the ×10 manuscript) took that second from the layout at the start, where it was on the
build's critical path; at nice 19 it runs when a core is free (the end of the layout, the
joins). Linux sets a thread's niceness by its thread id; elsewhere the function runs as it is.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
LOWEST = 19


def in_idle_time(function: Callable[[], T]) -> T:
    """`function()`, run in a thread at nice 19 (on Linux), its value or its exception."""
    if not sys.platform.startswith("linux"):
        return function()
    outcome: list = []

    def work() -> None:
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LOWEST)
        except OSError:  # not allowed (a sandbox): at the process's own priority
            pass
        try:
            outcome.append((True, function()))
        except BaseException as error:  # raised in the caller's thread
            outcome.append((False, error))

    thread = threading.Thread(target=work, name="idle time", daemon=True)
    thread.start()
    thread.join()
    done, value = outcome[0]
    if not done:
        raise value
    return value
