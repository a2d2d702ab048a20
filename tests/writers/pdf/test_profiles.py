"""Each ICC profile once in the joined PDFs (profiles.py): every run's body and furniture carry
the output intent's profile, and the images theirs; the join keeps one copy of each."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import sys
from pathlib import Path

import pikepdf
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from conftest import copy_case
from image_fixture import GHOSTSCRIPT_CMYK, make_project

from publish.checks import check
from publish.diagnostics import Report
from publish.writers.pdf import runbuild
from publish.writers.theme import load_theme

WHEN = dt.datetime(2020, 2, 15, tzinfo=dt.UTC)


def _profiles(data: bytes) -> list[str]:
    """The SHA-256 of each ICC profile object in the PDF (a stream with /N: a profile's mark)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [hashlib.sha256(obj.read_bytes()).hexdigest() for obj in pdf.objects
                if isinstance(obj, pikepdf.Stream) and "/N" in obj and obj.read_bytes()[36:40] == b"acsp"]


@pytest.mark.parametrize("case", ["basic", "cmyk"])
def test_no_profile_is_embedded_twice(tmp_path, case):
    project = copy_case("basic", tmp_path) if case == "basic" else make_project(tmp_path / "book", GHOSTSCRIPT_CMYK)
    report = Report()
    book = check(project, report)
    assert book is not None, report.items
    laid = runbuild.build(book, load_theme(project), Report(), WHEN, ("print", "screen"), tmp_path / "cache")
    assert isinstance(laid, runbuild.LaidOut) and laid.runs >= 3  # each run's PDF has its copies
    for variant, data in laid.joined().items():
        profiles = _profiles(data)
        assert profiles, variant
        assert len(profiles) == len(set(profiles)), variant
    with pikepdf.open(io.BytesIO(laid.joined()["print"])) as pdf:  # the intent's is the pages' one
        intent = pdf.Root.OutputIntents[0].DestOutputProfile
        spaces = [page.obj.Resources.ColorSpace for page in pdf.pages]
        assert all(space["/--output-intent"][1].objgen == intent.objgen for space in spaces)
