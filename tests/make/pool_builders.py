"""Builders for test_jobs.py: each reports the process it ran in, and what it found imported."""

from __future__ import annotations

import os
import sys

from publish.writers.target import Event

PRELOAD = ("colorsys",)  # imported by nothing else of publish: its presence proves the preload


def report(book, job, options, sink):
    sink(Event(job.name, f"{os.getpid()} {'colorsys' in sys.modules}"))
    yield from ()


def fail(book, job, options, sink):
    raise ValueError("this job fails")
