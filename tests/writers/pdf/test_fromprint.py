"""The book's screen PDF made from its joined print PDF (fromprint.py) against the screen PDF
joined from the runs' own screen PDFs: object for object the same, on a manuscript of real
production images (a transparent PNG's soft mask, a CMYK JPEG, a 16-bit scan, an SVG), whose
screen copies differ from the print ones; with a press's CMYK intent the screen PDFs are
painted on their own, and joined apart."""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

import pikepdf

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from image_fixture import GHOSTSCRIPT_CMYK, make_project

from publish.checks import check
from publish.diagnostics import Report
from publish.writers.pdf import assemble, runbuild, runcache, runs
from publish.writers.theme import load_theme

WHEN = dt.datetime(2020, 2, 15, tzinfo=dt.UTC)
BOTH = ("print", "screen")


def _laid_out(project: Path, cache: Path) -> tuple[runbuild.LaidOut, object]:
    report = Report()
    book = check(project, report)
    assert book is not None, report.items
    laid = runbuild.build(book, load_theme(project), Report(), WHEN, BOTH, cache)
    assert isinstance(laid, runbuild.LaidOut)
    return laid, book


def _differences(a, b, seen: set, path: str, found: list) -> None:
    """Where two PDFs' object graphs differ (streams by their data as stored; a direct object and
    an indirect one alike; the back-pointers /Parent and /P followed from the other side)."""
    if len(found) > 5:
        return
    if isinstance(a, pikepdf.Object) and a.is_indirect and isinstance(b, pikepdf.Object) and b.is_indirect:
        if (a.objgen, b.objgen) in seen:
            return
        seen.add((a.objgen, b.objgen))
    if isinstance(a, pikepdf.Stream) != isinstance(b, pikepdf.Stream):
        found.append((path, "a stream on one side only"))
        return
    if isinstance(a, pikepdf.Stream) and a.read_raw_bytes() != b.read_raw_bytes():
        found.append((path, "stream data"))
    if isinstance(a, (pikepdf.Dictionary, pikepdf.Stream)):
        keys = set(a.keys()) - {"/Length", "/Parent", "/P"}
        if keys != set(b.keys()) - {"/Length", "/Parent", "/P"}:
            found.append((path, "keys", keys ^ (set(b.keys()) - {"/Length", "/Parent", "/P"})))
            return
        for key in sorted(keys):
            _differences(a[key], b[key], seen, path + key, found)
    elif isinstance(a, pikepdf.Array):
        if len(a) != len(b):
            found.append((path, "length"))
            return
        for index, (x, y) in enumerate(zip(a, b)):
            _differences(x, y, seen, f"{path}[{index}]", found)
    elif str(a) != str(b):
        found.append((path, str(a)[:40], str(b)[:40]))


def _with_a_large_transparent_image(project: Path) -> None:
    """A transparent PNG large enough for its screen copy to be downsampled: a soft mask of its own."""
    from PIL import Image, ImageDraw

    wide = Image.new("RGBA", (3200, 2000), (0, 0, 0, 0))
    ImageDraw.Draw(wide).ellipse((200, 100, 3000, 1900), fill=(150, 30, 40, 200))
    wide.save(project / "manuscript" / "images" / "wide.png")
    article = project / "manuscript" / "articles" / "pictures.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n![大图](../images/wide.png)\n", encoding="utf-8")


def test_the_screen_pdf_made_from_the_print_pdf_is_the_screen_pdf_joined_from_the_runs(tmp_path):
    project = make_project(tmp_path / "book")
    _with_a_large_transparent_image(project)
    cache = tmp_path / "cache"
    laid, book = _laid_out(project, cache)
    assert assemble.derivable(laid.results)
    replaced = [number for result in laid.results for number in result.screen_replaces or ()]
    assert len(replaced) >= 3  # the images' screen copies: what the derivation must swap in
    made = laid.joined()
    apart = assemble.assemble([runcache.parts(cache / "pdf-runs", r, "screen") for r in laid.results],
                              laid.results, runs.originals(book.faces), runcache.Subsets(cache / "pdf-runs"),
                              "screen")
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20_000))
    with pikepdf.open(io.BytesIO(made["screen"])) as derived, pikepdf.open(io.BytesIO(apart)) as joined:
        found: list = []
        _differences(derived.Root, joined.Root, set(), "Root", found)
        _differences(derived.trailer.Info, joined.trailer.Info, set(), "Info", found)
        assert found == []
        assert derived.pdf_version == joined.pdf_version == "1.7"
        assert "/OutputIntents" not in derived.Root and "/Trapped" not in derived.trailer.Info
        for page in derived.pages:
            assert list(page.obj.MediaBox) == list(page.obj.TrimBox) == list(page.obj.BleedBox)
        masked = [obj for obj in derived.objects if isinstance(obj, pikepdf.Stream) and "/SMask" in obj]
        assert any(int(obj.Width) < 3200 and int(obj.SMask.Width) == int(obj.Width) for obj in masked)
    with pikepdf.open(io.BytesIO(made["print"])) as printed:  # the print PDF is as it was joined
        assert "/OutputIntents" in printed.Root and str(printed.trailer.Info.Trapped) == "/False"
        first = printed.pages[0].obj
        assert float(first.MediaBox[0]) < float(first.BleedBox[0]) < float(first.TrimBox[0])
        assert b"/Artifact BMC" in first.Contents[0].read_bytes()  # the crop marks, first
    assert laid.joined() == made  # reproducible


def test_with_a_cmyk_intent_the_screen_pdf_is_joined_from_the_runs(tmp_path):
    project = make_project(tmp_path / "book", GHOSTSCRIPT_CMYK)
    laid, _ = _laid_out(project, tmp_path / "cache")
    assert not assemble.derivable(laid.results)
    made = laid.joined()
    with pikepdf.open(io.BytesIO(made["screen"])) as pdf:
        assert "/OutputIntents" not in pdf.Root
        images = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"]
        spaces = [obj.ColorSpace for obj in images if "/ColorSpace" in obj]
        assert len(images) >= 5 and all(space != "/DeviceCMYK" for space in spaces)
        assert all(int(space[1].N) != 4 for space in spaces if isinstance(space, pikepdf.Array))
