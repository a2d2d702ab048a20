"""Both PDF variants from one layout, painted once: the screen PDF written from the print
layout's painting shows what a screen-only layout gives; the print PDF adds its crop marks."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from conftest import copy_case, run_publish

from publish.checks import check
from publish.diagnostics import Report
from publish.writers.pdf.writer import lay_out
from publish.writers.theme import load_theme

WHEN = dt.datetime(2020, 2, 15, tzinfo=dt.UTC)


def _layouts(project: Path):
    report = Report()
    book = check(project, report)
    assert book is not None, report.items
    args = (book, load_theme(project), report, WHEN)
    return lay_out(*args), lay_out(*args, bleed=False)


def _render(data: bytes, tmp_path: Path, name: str) -> list[bytes]:
    """Each page as pixels (pdftoppm, 30 dpi, greyscale PGM)."""
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(data)
    subprocess.run([_tool("pdftoppm"), "-r", "30", "-gray", str(source), str(tmp_path / name)], check=True)
    # The trim is not a whole number of pixels: the last, partly covered column and row show what
    # lies just beyond it, which is the bleed (the cover's colour runs into it) in a print layout.
    return [_without_last_pixel(Image.open(path)) for path in sorted(tmp_path.glob(f"{name}-*.pgm"))]


def _without_last_pixel(image: Image.Image) -> bytes:
    with image:
        return image.crop((0, 0, image.width - 1, image.height - 1)).tobytes()


def _tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is needed (poppler-utils); .ci/run installs it"
    return found


def _text(data: bytes, tmp_path: Path, name: str) -> str:
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(data)
    return subprocess.run([_tool("pdftotext"), "-layout", str(source), "-"], check=True, capture_output=True,
                          text=True).stdout


def _mark_streams(data: bytes) -> list[int]:
    """Per page, how many content streams draw crop marks (an artifact of stroked lines only)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        counts = []
        for page in pdf.pages:
            contents = page.obj.Contents
            streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
            counts.append(sum(1 for s in streams if s.read_bytes().startswith(b"/Artifact BMC\nq\n0.25 w")))
        return counts


def test_the_screen_pdf_painted_for_print_is_the_screen_only_pdf(tmp_path):
    """Painted once for both: the screen PDF shows, pixel for pixel, what a screen-only layout and
    painting show, with the same text, tags and page boxes, and none of the print-only parts."""
    project = copy_case("basic", tmp_path)
    shared, alone = _layouts(project)
    assert shared.marks == alone.marks and shared.pages == alone.pages
    both = shared.write_all(("print", "screen"))
    screen, reference = both["screen"].data, alone.write("screen").data
    assert _render(screen, tmp_path, "shared") == _render(reference, tmp_path, "alone")
    assert _text(screen, tmp_path, "shared") == _text(reference, tmp_path, "alone")
    with pikepdf.open(io.BytesIO(screen)) as pdf, pikepdf.open(io.BytesIO(reference)) as other:
        assert pdf.pdf_version == other.pdf_version == "1.7"
        assert "/OutputIntents" not in pdf.Root and "/StructTreeRoot" in pdf.Root
        assert pdf.Root.Lang == other.Root.Lang and "/Trapped" not in pdf.trailer.Info
        xmp = pdf.Root.Metadata.read_bytes()
        assert b"pdfuaid:part" in xmp and b"PDFXVersion" not in xmp
        for page, alone_page in zip(pdf.pages, other.pages):
            assert [list(page.obj[box]) for box in ("/MediaBox", "/TrimBox", "/BleedBox")] == \
                [list(alone_page.obj[box]) for box in ("/MediaBox", "/TrimBox", "/BleedBox")]
        # Nothing of the print PDF left behind in the file: every object is reachable.
        assert len(pdf.objects) <= len(other.objects) + 2  # + the output-intent profile the groups may use
    assert _mark_streams(screen) == [0] * shared.pages


def test_the_print_pdf_has_its_crop_marks_outside_the_bleed_once_per_write(tmp_path):
    project = copy_case("basic", tmp_path)
    shared, _ = _layouts(project)
    first = shared.write_all(("print", "screen"))["print"].data
    again = shared.write("print").data  # writing does not change the layout or the painting
    assert _mark_streams(first) == _mark_streams(again) == [1] * shared.pages
    assert first == again
    with pikepdf.open(io.BytesIO(first)) as pdf:
        assert pdf.pdf_version == "1.6" and "/OutputIntents" in pdf.Root and "/StructTreeRoot" in pdf.Root
        assert b"PDF/X-4" in pdf.Root.Metadata.read_bytes()
        mm = 72 / 25.4
        for page in pdf.pages:
            media, bleed, trim = ([float(v) for v in page.obj[box]] for box in ("/MediaBox", "/BleedBox", "/TrimBox"))
            assert [round(b - t, 2) for b, t in zip(bleed, trim)] == [round(v * 3 * mm, 2) for v in (-1, -1, 1, 1)]
            # The marks begin 3 mm out from the trim and are 5 mm long: the media box holds them.
            assert [round(m - t, 2) for m, t in zip(media, trim)] == [round(v * 8 * mm, 2) for v in (-1, -1, 1, 1)]


def test_a_full_build_lays_out_once(tmp_path):
    """`publish` writes both PDFs from one layout: WeasyPrint lays the pages out once (-v shows each pass)."""
    project = copy_case("basic", tmp_path)
    result = run_publish("-C", str(project), "-v", "-j", "1")
    assert result.returncode == 0, result.stderr
    steps = result.stderr.splitlines()
    assert any(s.startswith("test-monthly-print.pdf: laying out pages") for s in steps), steps
    assert not any(s.startswith("test-monthly.pdf: laying out") for s in steps), steps
    assert "test-monthly.pdf: writing PDF" in steps and "test-monthly-print.pdf: writing PDF" in steps


def _cmyk_profile() -> bytes:
    """A minimal ICC v4 output profile header for a CMYK press (class prtr, PCS Lab) with a
    description: enough for LittleCMS to open and for a PDF/X output intent to name."""
    import struct

    text = "Test press CMYK".encode("utf-16-be")
    desc = b"mluc" + bytes(4) + struct.pack(">II", 1, 12) + b"enUS" + struct.pack(">II", len(text), 28) + text
    tags = struct.pack(">I", 1) + b"desc" + struct.pack(">II", 128 + 4 + 12, len(desc))
    size = 128 + len(tags) + len(desc)
    header = (struct.pack(">I", size) + bytes(4) + bytes((4, 0x30, 0, 0)) + b"prtr" + b"CMYK" + b"Lab "
              + bytes(12) + b"acsp" + bytes(24) + struct.pack(">I", 0) + struct.pack(">iii", 0xF6D6, 0x10000, 0xD32D)
              + bytes(4) + bytes(16) + bytes(28))
    assert len(header) == 128
    return header + tags + desc


def test_with_a_cmyk_press_profile_the_screen_pdf_is_painted_on_its_own(tmp_path):
    """The print painting blends in the press's CMYK: the screen PDF is then painted again, in RGB."""
    project = copy_case("basic", tmp_path)
    (project / "manuscript" / "images" / "press.icc").write_bytes(profile := _cmyk_profile())
    yaml_path = project / "manuscript" / "publication.yaml"
    text = yaml_path.read_text(encoding="utf-8")
    assert "\npage:" not in text
    yaml_path.write_text(text + "page:\n  output_profile: images/press.icc\n", encoding="utf-8")
    shared, alone = _layouts(project)
    both = shared.write_all(("print", "screen"))
    with pikepdf.open(io.BytesIO(both["print"].data)) as pdf:
        intent = pdf.Root.OutputIntents[0]
        assert intent.DestOutputProfile.N == 4 and intent.DestOutputProfile.read_bytes() == profile
    screen = both["screen"].data
    with pikepdf.open(io.BytesIO(screen)) as pdf:
        assert "/OutputIntents" not in pdf.Root
        assert all(b"CMYK" not in obj.read_bytes()[16:20] for obj in pdf.objects
                   if isinstance(obj, pikepdf.Stream) and "/N" in obj)
    assert _render(screen, tmp_path, "cmyk") == _render(alone.write("screen").data, tmp_path, "rgb")
