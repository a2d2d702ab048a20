"""One font program per face in a join (fontmerge.py): the font dictionaries read ahead of the
merge (`prepare`, while the 目录 is awaited) make the bytes of those read during it."""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

import pikepdf

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from conftest import copy_case

from publish.checks import check
from publish.diagnostics import Report
from publish.writers.pdf import fontmerge, runbuild, runcache, runs
from publish.writers.pdf.assemble import Late, _joined, _saved
from publish.writers.theme import load_theme

WHEN = dt.datetime(2020, 2, 15, tzinfo=dt.UTC)


def test_fonts_read_ahead_merge_as_fonts_read_at_the_end(tmp_path, monkeypatch):
    project = copy_case("basic", tmp_path)
    book = check(project, Report())
    assert book is not None
    cache = tmp_path / "cache"
    laid = runbuild.build(book, load_theme(project), Report(), WHEN, ("print", "screen"), cache)
    assert isinstance(laid, runbuild.LaidOut)
    parts = [runcache.parts(cache / "pdf-runs", r, "print") for r in laid.results]
    made = {}
    for ahead in (True, False):
        if not ahead:
            monkeypatch.setattr(fontmerge, "prepare", lambda base, parsed: None)
        late = Late(1, lambda: laid.results[1], lambda r, v: runcache.parts(cache / "pdf-runs", r, v))
        with _joined(parts, laid.results, runs.originals(book.faces), None, "print", None, None, late) as (base, join):
            if ahead:
                assert join.parsed  # read while the late run was awaited
            made[ahead] = _saved(base, str(base.pdf_version))
    assert made[True] == made[False]
    with pikepdf.open(io.BytesIO(made[True])) as pdf:  # one program per face
        programs: dict[str, set] = {}
        for page in pdf.pages:
            for font in page.obj.Resources.Font.values():
                descriptor = font.DescendantFonts[0].FontDescriptor
                program = descriptor.get("/FontFile3") or descriptor.get("/FontFile2")
                programs.setdefault(str(font.BaseFont), set()).add(program.objgen)
        assert len(programs) >= 4 and all(len(objects) == 1 for objects in programs.values())
