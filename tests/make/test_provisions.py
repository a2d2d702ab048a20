"""The page-marks provision: kept in the memo between runs, brought up to date with an edited book."""

from __future__ import annotations

from conftest import copy_case

from publish.checks import check
from publish.diagnostics import Report
from publish.model import PageMark
from publish.writers.epub import pagelist
from publish.writers.registry import BY_NAME, PROVISIONS, TARGETS


def test_page_marks_round_trip_and_marks_of_removed_elements_are_dropped(tmp_path):
    project = copy_case("basic", tmp_path)
    book = check(project, Report())
    assert book is not None
    notes = next(r for r in book.rendered if r.name == "notes")
    element = sorted(i for i in notes.ids if i.startswith("notes-p"))[0]
    marks = (PageMark("3", "notes", element, 10), PageMark("4", "notes", "notes-p999", 0),
             PageMark("5", "gone", "gone-p1", 0), PageMark("6", "notes", "notes", 0))
    assert pagelist.decode(pagelist.encode(marks)) == marks
    assert pagelist.refresh(marks, book) == (marks[0], marks[3])


def test_the_registry_is_consistent():
    """Every need has a producer that provides it; names are unique; no target needs what it provides."""
    assert len({t.name for t in TARGETS}) == len(TARGETS)
    for target in TARGETS:
        for need in target.needs:
            producer = BY_NAME[PROVISIONS[need].producer]
            assert need in producer.provides and producer is not target
    for name, provision in PROVISIONS.items():
        assert name in BY_NAME[provision.producer].provides
