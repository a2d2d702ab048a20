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
