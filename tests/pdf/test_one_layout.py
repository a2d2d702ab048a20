"""Both PDF variants from one layout: the screen PDF written from the print layout (laid out
with bleed and crop marks) is the very file a screen-only layout gives."""

from __future__ import annotations

import importlib
import io
import sys
from pathlib import Path

import pikepdf

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from conftest import copy_case, run_publish  # noqa: E402

from publish.diagnostics import Report  # noqa: E402
from publish.pdf.writer import lay_out  # noqa: E402
from publish.theme import load_theme  # noqa: E402

build = importlib.import_module("publish.build")  # the module, not publish.build()


def _layouts(project: Path):
    report = Report()
    model = build.check(project, report)
    assert model is not None, report.items
    args = (model.publication, model.rendered, model.images, model.faces, load_theme(project), report)
    return lay_out(*args), lay_out(*args, bleed=False)


def _crop_marks(data: bytes) -> int:
    """Form XObjects drawn on the pages: WeasyPrint draws the crop marks of a page as one."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        drawn = set()
        for page in pdf.pages:
            forms = {name for name, obj in page.Resources.get("/XObject", {}).items()
                     if obj.get("/Subtype") == "/Form"}
            content = page.Contents.read_bytes().decode("latin-1")
            drawn |= {page.Resources.XObject[name].objgen for name in forms if f"{name} Do" in content}
        return len(drawn)


def test_the_screen_pdf_from_the_print_layout_is_the_screen_only_pdf(tmp_path):
    project = copy_case("basic", tmp_path)
    shared, alone = _layouts(project)
    assert shared.marks == alone.marks and shared.pages == alone.pages
    first_print = shared.write("print").data
    screen = shared.write("screen").data
    assert screen == alone.write("screen").data
    # Writing does not change the layout: a second print PDF has its crop marks once, not twice.
    assert _crop_marks(first_print) == shared.pages and _crop_marks(screen) == 0
    assert _crop_marks(shared.write("print").data) == shared.pages
    with pikepdf.open(io.BytesIO(screen)) as pdf:
        page = pdf.pages[0]
        assert list(page.MediaBox) == list(page.TrimBox)
        assert "/OutputIntents" not in pdf.Root and "/StructTreeRoot" in pdf.Root


def test_a_full_build_lays_out_once(tmp_path):
    """`publish` writes both PDFs from one layout: WeasyPrint lays the pages out once (-v shows each pass)."""
    project = copy_case("basic", tmp_path)
    result = run_publish("-C", str(project), "-v", "-j", "1")
    assert result.returncode == 0, result.stderr
    steps = result.stderr.splitlines()
    assert any(s.startswith("test-monthly-print.pdf: laying out pages") for s in steps), steps
    assert not any(s.startswith("test-monthly.pdf: laying out") for s in steps), steps
    assert "test-monthly.pdf: writing PDF" in steps and "test-monthly-print.pdf: writing PDF" in steps
