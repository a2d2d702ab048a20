"""Work in idle time (writers/idle.py): run at nice 19 in a thread of its own, the caller's
priority untouched, its value and its exceptions handed back."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from publish.writers.idle import LOWEST, in_idle_time


def _niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's niceness is Linux's")
def test_the_work_runs_at_the_lowest_priority_and_the_caller_keeps_its_own():
    before = _niceness()
    assert in_idle_time(_niceness) == LOWEST
    assert _niceness() == before


def test_the_value_and_the_exception_come_back():
    assert in_idle_time(lambda: 42) == 42
    with pytest.raises(ZeroDivisionError):
        in_idle_time(lambda: 1 / 0)
