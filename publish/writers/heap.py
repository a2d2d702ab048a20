"""A long-lived process's heap kept small: glibc's malloc, tuned and told to give memory back.

Laying out a book frees hundreds of MB between runs, and glibc keeps what was freed: each
thread that allocates gets an arena of its own (a PDF worker runs each run in a thread of its
own, runwork.py), and freed pages stay in them. On the 655-page real book each layout worker
held ~367 MB by the end; with one arena and malloc_trim after each large run ~235 MB, the
whole build's peak over all processes from 1008 to 784 MB. Elsewhere than on glibc both calls
do nothing.
"""

from __future__ import annotations

import contextlib
import os
import sys

_M_ARENA_MAX = -8  # mallopt's parameter (malloc.h)


def one_arena() -> bool:
    """All threads of this process allocate from one arena: for a process whose threads take
    turns at the work (one holds the baton at a time), so nothing is lost to contention. Called
    first thing in the process, before its threads allocate; False where it cannot be."""
    libc = _glibc()
    return libc is not None and libc.mallopt(_M_ARENA_MAX, 1) == 1


def give_back(above: int = 0) -> None:
    """What the collector frees handed back to the system (malloc_trim): a worker that laid out
    a large run drops to its size between runs instead of keeping its peak. Only if the process
    holds more than `above` bytes (a small one's collection is 50 ms of an edit for a few MB)."""
    import gc

    if above and resident() <= above:
        return
    libc = _glibc()
    gc.collect()
    if libc is not None:
        libc.malloc_trim(0)


def resident() -> int:
    """This process's resident size in bytes (0 where /proc does not say)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _glibc():  # -> ctypes.CDLL | None
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None)  # in the process already (find_library would run gcc: 0.13 s)
        libc.mallopt, libc.malloc_trim  # noqa: B018 - musl has neither: nothing to tune
        return libc
    return None
