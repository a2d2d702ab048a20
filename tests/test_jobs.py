"""ForkedWrite: the second PDF variant written by a forked copy of a worker process."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from publish.jobs import ForkedWrite, WorkerError


@dataclass
class _Written:
    data: bytes


class _Layout:
    def __init__(self, action):
        self.action = action

    def write(self, variant: str) -> _Written:
        return _Written(self.action(variant))


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_the_child_writes_the_file_atomically(tmp_path):
    target = tmp_path / "out.pdf"
    forked = ForkedWrite(_Layout(lambda variant: f"%PDF {variant}".encode()), "screen", target, lambda: True)
    forked.join()
    forked.cancel()
    assert target.read_bytes() == b"%PDF screen" and _leftovers(tmp_path) == ["out.pdf"]
    assert forked.target == "pdf-screen"


def test_a_failing_child_is_a_worker_error_and_keeps_the_old_file(tmp_path):
    target = tmp_path / "out.pdf"
    target.write_bytes(b"old")

    def fail(variant):
        raise RuntimeError("the engine fell over")

    forked = ForkedWrite(_Layout(fail), "screen", target, lambda: True)
    with pytest.raises(WorkerError, match=r"pdf-screen: RuntimeError: the engine fell over"):
        forked.join()
    forked.cancel()
    assert target.read_bytes() == b"old" and _leftovers(tmp_path) == ["out.pdf"]


def test_a_child_whose_build_is_gone_does_not_write(tmp_path):
    target = tmp_path / "out.pdf"
    target.write_bytes(b"old")
    forked = ForkedWrite(_Layout(lambda variant: b"new"), "screen", target, lambda: False)
    with pytest.raises(WorkerError):
        forked.join()
    assert target.read_bytes() == b"old"


def test_cancel_stops_a_running_child_at_once(tmp_path):
    target = tmp_path / "out.pdf"

    def slow(variant):
        time.sleep(60)
        return b"late"

    forked = ForkedWrite(_Layout(slow), "screen", target, lambda: True)
    started = time.monotonic()
    forked.cancel()
    assert time.monotonic() - started < 10
    assert _leftovers(tmp_path) == []
