"""forked.py: a function's value from a forked copy of the process, or its failure."""

from __future__ import annotations

import os

import pytest

from publish.writers.pdf import forked

pytestmark = pytest.mark.skipif(not forked.available(), reason="no os.fork on this platform: joins run one by one")


def test_the_value_comes_back_from_another_process():
    wait = forked.start(lambda: (os.getpid(), b"x" * 3_000_000))  # more than a pipe holds
    pid, data = wait()
    assert pid != os.getpid() and data == b"x" * 3_000_000


def test_a_failure_in_the_copy_is_raised_here_with_its_traceback():
    def fails():
        raise ValueError("no such run")

    wait = forked.start(fails)
    with pytest.raises(forked.Failed, match=r"(?s)Traceback.*ValueError: no such run"):
        wait()


def test_a_copy_killed_mid_way_is_a_failure_not_a_hang():
    wait = forked.start(lambda: os.kill(os.getpid(), 9))
    with pytest.raises(forked.Failed, match="died"):
        wait()


def test_ctrl_c_during_the_fork_stops_the_caller_instead_of_being_lost():
    """A SIGINT that lands in os.fork's own hooks (there an exception is printed and dropped) is
    held until the fork is done, then raised in the caller as KeyboardInterrupt. In a process
    of its own: a signal is handled in the main thread, with a handler this test sets."""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent("""
        import os, signal
        from publish.writers.pdf import forked
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.register_at_fork(before=lambda: os.kill(os.getpid(), signal.SIGINT))
        try:
            forked.start(lambda: 1)
        except KeyboardInterrupt:
            print("stopped")
        else:
            print("went on")
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["stopped"], done.stderr
