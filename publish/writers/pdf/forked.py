"""A function run in a forked copy of this process, its value read back through a pipe.

For the second variant's join (runbuild.py): the copy has the runs' results, WeasyPrint and
pikepdf loaded already, so it costs a fork, not the ~1 s a new process would take to start.
The copy writes no file (the caller does), dies with its parent (Linux: PR_SET_PDEATHSIG) and
leaves by os._exit: the parent's buffers, atexit handlers and threads are not its own.
"""

from __future__ import annotations

import os
import pickle
import signal
from collections.abc import Callable
from typing import Any

from ...store import die_with


def available() -> bool:
    """Whether a function can run in a forked copy (Linux and other POSIX systems; not Windows)."""
    return hasattr(os, "fork")


class Failed(RuntimeError):
    """The function raised in the copy; the message has its traceback."""


def start(function: Callable[[], Any]) -> Callable[[], Any]:
    """Run `function` in a forked copy now; the returned callable waits for its value (or raises
    Failed with the copy's traceback)."""
    read, write = os.pipe()
    parent = os.getpid()
    # Ctrl-C or the parent's SIGTERM held off while forking: raised in os.fork's after-fork
    # hooks (logging's lock) it is printed as an ignored exception with a traceback and lost,
    # instead of stopping the build. Delivered the moment the fork is done.
    stops = {signal.SIGINT, signal.SIGTERM}
    held = signal.pthread_sigmask(signal.SIG_BLOCK, stops)
    try:
        pid = os.fork()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
    if pid == 0:  # the copy
        os.close(read)
        code = 0
        try:
            if not die_with(parent):
                os._exit(1)
            payload = pickle.dumps(("value", function()), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # reported to the parent, which raises it there
            import traceback

            payload = pickle.dumps(("failed", traceback.format_exc()))
        try:
            with os.fdopen(write, "wb") as out:
                out.write(payload)
        except BaseException:  # the parent stopped listening (interrupted): nobody to tell
            code = 1
        os._exit(code)
    os.close(write)

    def wait() -> Any:
        with os.fdopen(read, "rb") as stream:
            payload = stream.read()
        os.waitpid(pid, 0)
        if not payload:
            raise Failed("the forked process died without a word (killed?)")
        kind, value = pickle.loads(payload)  # from our own fork, never from a file
        if kind == "failed":
            raise Failed(value)
        return value

    return wait
