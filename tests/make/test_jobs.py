"""The -j N worker pool: processes started ahead of their jobs, each taking job after job."""

from __future__ import annotations

import time

import pytest

from publish.make.jobs import ProcessRunner, WorkerError
from publish.writers.target import Event, Job

BUILDER = "make.pool_builders:report"


def _run(runner: ProcessRunner, events: list[Event], name: str, builder: str = BUILDER) -> tuple[int, bool]:
    runner.start(Job(name, ()), builder)
    assert runner.next_result() is None  # finished, no results
    pid, preloaded = events[-1].step.split()
    return int(pid), preloaded == "True"


def test_a_job_runs_in_the_process_started_for_it_with_its_modules_loaded():
    events: list[Event] = []
    with ProcessRunner(2, events.append) as runner:
        runner.prestart([BUILDER])
        started = runner.slots[0].process.pid
        time.sleep(0.5)  # the book is checked meanwhile
        runner.ready(None, None)  # type: ignore[arg-type]  # the builders here read neither
        assert _run(runner, events, "first") == (started, True)
        assert _run(runner, events, "second") == (started, True), "the idle process takes the next job"
        assert len(runner.slots) == 1


def test_a_failed_job_leaves_its_process_ready_for_the_next():
    events: list[Event] = []
    with ProcessRunner(1, events.append) as runner:
        runner.prestart([BUILDER])
        runner.ready(None, None)  # type: ignore[arg-type]
        runner.start(Job("failing", ()), "make.pool_builders:fail")
        with pytest.raises(WorkerError, match="failing: ValueError: this job fails"):
            runner.next_result()
        assert runner.running == 0
        pid, _ = _run(runner, events, "after")
        assert pid == runner.slots[0].process.pid


def test_leaving_the_pool_stops_every_process_even_one_still_loading():
    with ProcessRunner(2, lambda event: None) as runner:
        runner.prestart([BUILDER, "publish.writers.pdf:build"])  # the second loads WeasyPrint: ~1 s
        processes = [slot.process for slot in runner.slots]
    assert len(processes) == 2 and not any(process.is_alive() for process in processes)
    assert runner.slots == []


def test_a_process_that_died_idle_is_replaced_when_a_job_comes():
    events: list[Event] = []
    with ProcessRunner(1, events.append) as runner:
        runner.prestart([BUILDER])
        dead = runner.slots[0].process
        dead.kill()
        dead.join()
        runner.ready(None, None)  # type: ignore[arg-type]
        pid, preloaded = _run(runner, events, "job")
        assert pid != dead.pid and preloaded
