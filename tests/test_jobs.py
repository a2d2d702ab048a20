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


def _pdf_task(tmp_path):
    import datetime as dt
    import importlib
    import shutil

    from publish.diagnostics import Report
    from publish.jobs import Task, WriterOptions

    project = tmp_path / "basic"
    shutil.copytree(Path(__file__).parent / "cases" / "basic", project, ignore=shutil.ignore_patterns("build"))
    model = importlib.import_module("publish.build").check(project, Report())
    outputs = (("pdf-print", project / "build" / "p.pdf"), ("pdf-screen", project / "build" / "s.pdf"))
    options = WriterOptions(True, dt.datetime(2020, 2, 15, tzinfo=dt.timezone.utc), project / "build" / ".fonts")
    return Task(outputs), model, options


@pytest.mark.parametrize("limit, forks", [(1 << 40, 1), (0, 0)])
def test_the_second_pdf_is_forked_only_while_the_layout_is_small(tmp_path, monkeypatch, limit, forks):
    """Forking doubles the layout's memory: above FORK_LIMIT the variants are written in turn."""
    from publish import jobs

    made = []

    class Spy(jobs.ForkedWrite):
        def __init__(self, *args):
            made.append(args[1])
            super().__init__(*args)

    monkeypatch.setattr(jobs, "FORK_LIMIT", limit)
    monkeypatch.setattr(jobs, "ForkedWrite", Spy)
    task, model, options = _pdf_task(tmp_path)
    done = list(jobs.run_task(task, model, options, lambda event: None, fork_writes=lambda: True))
    assert [d.target for d in done] == [jobs.LAYOUT, "pdf-print", "pdf-screen"]
    assert len(made) == forks and all(path.stat().st_size > 1000 for _, path in task.outputs)
