"""A PDF worker process (runwork.py) lays the next run out while a run it holds waits for its
start, and finishes the waiting run once its start comes: the same result as a run laid out at
that start."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from conftest import copy_case

from publish.checks import check
from publish.diagnostics import Report
from publish.writers.pdf import runs
from publish.writers.pdf.runcache import at, key
from publish.writers.pdf.runwork import Context, Task, receive, send
from publish.writers.pdf.writer import sources
from publish.writers.theme import load_theme

WHEN = dt.datetime(2020, 2, 15, tzinfo=dt.UTC)


def test_a_worker_lays_the_next_run_out_while_one_waits_for_its_start(tmp_path):
    project = copy_case("magazine", tmp_path)
    report = Report()
    book = check(project, report)
    assert book is not None, report.items
    src = sources(book, load_theme(project), Report(), True, tmp_path / "cache")
    split = runs.split(src.html)
    articles = sorted(split.runs[2:], key=lambda run: -len(run.body))[:2]  # two runs of several pages
    documents = [split.document(run) for run in articles]
    contents = [key(("test",), src.files, html) for html in documents]
    empty = split.head + split.tail
    directory = tmp_path / "runs"
    directory.mkdir()
    worker = subprocess.Popen([sys.executable, "-m", "publish.writers.pdf.runwork"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert worker.stdin is not None and worker.stdout is not None
    try:
        send(worker.stdin, Context(book, src, ("print", "screen"), WHEN, directory))
        assert receive(worker.stdout) == ("ready", -1, None)  # loaded: the pool gives it runs now
        # The first run from a guessed start: it says its page count and waits for its start.
        send(worker.stdin, Task(articles[0].index, documents[0], 3, "", deferred=True, empty=empty))
        kind, index, pages = receive(worker.stdout)
        assert (kind, index) == ("laid", articles[0].index) and pages
        # Meanwhile the second run, whose start is known, is laid out, painted and written.
        second = at(contents[1], 40)
        send(worker.stdin, Task(articles[1].index, documents[1], 40, second, empty=empty))
        messages = [receive(worker.stdout), receive(worker.stdout)]
        assert [message[:2] for message in messages] == [("laid", articles[1].index), ("done", articles[1].index)]
        # Then the first run's start: it is finished there.
        first = at(contents[0], 5)
        send(worker.stdin, ("start", articles[0].index, 5, first))
        kind, index, result = receive(worker.stdout)
        assert (kind, index) == ("done", articles[0].index)
        assert (result.key, result.start, result.pages) == (first, 5, pages)
        assert (directory / f"{first}.print.pdf").is_file() and (directory / f"{second}.print.pdf").is_file()
    finally:
        worker.stdin.close()
        assert worker.wait(timeout=60) == 0
