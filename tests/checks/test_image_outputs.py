"""The images of a production delivery (tests/image_fixture.py) through a whole build: the EPUB's
copies upright, sRGB and within the stores' limits; the print PDF's at their own pixel size in
the output intent's colour space, a JPEG as its own bytes, 16-bit grey drawn right; the screen
PDF's sRGB at a screen's resolution; SVG text in the bundled fonts."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from conftest import epubcheck, epubcheck_counts, run_publish
from image_fixture import GHOSTSCRIPT_CMYK, ROTATED_STORED, expected_grey, make_project
from PIL import Image

BUNDLED = ("Publish-Sans", "Publish-Serif", "Publish-Mono", "Publish-Sans-Bold", "Publish-Serif-Bold")


@pytest.fixture(scope="module")
def cmyk_build(tmp_path_factory) -> Path:
    if not GHOSTSCRIPT_CMYK.is_file():
        pytest.skip(f"no CMYK ICC profile at {GHOSTSCRIPT_CMYK} to be the printer's (apt-get install ghostscript)")
    project = make_project(tmp_path_factory.mktemp("cmyk") / "p", GHOSTSCRIPT_CMYK)
    result = run_publish("-C", str(project))
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture(scope="module")
def rgb_build(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("rgb") / "p")
    result = run_publish("-C", str(project))
    assert result.returncode == 0, result.stderr
    project.joinpath("stderr.txt").write_text(result.stderr, encoding="utf-8")
    return project


_OPEN: dict[Path, pikepdf.Pdf] = {}  # kept open: an object outlives its file only while it is


def image_objects(pdf_path: Path) -> list[pikepdf.Object]:
    pdf = _OPEN.setdefault(pdf_path, pikepdf.open(pdf_path))
    found = []
    for page in pdf.pages:
        for name in page.Resources.get("/XObject", {}):
            image = page.Resources.XObject[name]
            if image.get("/Subtype") == "/Image":
                found.append(image)
    return found


def colour_space(image: pikepdf.Object) -> str:
    space = image.get("/ColorSpace")
    if isinstance(space, pikepdf.Array):
        if space[0] == "/ICCBased":
            return f"ICC{int(space[1].get('/N'))}"
        return str(space[0])
    return str(space)


def test_epub_images_are_upright_srgb_and_within_the_limits(cmyk_build, tmp_path):
    epub = cmyk_build / "build" / "pictures.epub"
    with zipfile.ZipFile(epub) as archive:
        names = [n for n in archive.namelist() if n.startswith("EPUB/images/")]
        pictures = {Path(n).name: archive.read(n) for n in names}
        xhtml = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xhtml"))
    assert "plate.tif.png" in pictures or "plate.tif.jpg" in pictures  # no TIFF in an EPUB
    assert re.search(r'src="images/plate\.tif\.(png|jpg)"', xhtml)
    for name, data in pictures.items():
        if name.endswith(".svg"):
            assert b"DOCTYPE" not in data and "网民规模增长图".encode() in data
            continue
        image = Image.open(io.BytesIO(data))
        assert image.mode in ("RGB", "RGBA", "L", "LA", "P"), (name, image.mode)
        assert image.getexif().get(0x0112, 1) == 1, name
        assert not image.info.get("icc_profile"), name  # sRGB, as an EPUB's images are taken
        assert image.width * image.height <= 4_000_000, name
        if image.format == "JPEG":
            assert len(data) <= 1024 * 1024, name
    rotated = Image.open(io.BytesIO(pictures["rotated.jpg"])).convert("RGB")
    assert rotated.size == ROTATED_STORED[::-1]  # shown portrait
    marker = rotated.getpixel((rotated.width - 30, 30))
    assert marker[0] > 200 and marker[1] < 80, "the red corner is at the top right once upright"
    assert Image.open(io.BytesIO(pictures["logo.png"])).mode == "RGBA"
    assert Image.open(io.BytesIO(pictures["cmyk.jpg"])).mode == "RGB"
    assert epubcheck_counts(epubcheck(epub, tmp_path)).get("ERROR", 0) == 0


def test_print_images_at_their_pixels_in_the_printers_cmyk(cmyk_build):
    pdf_path = cmyk_build / "build" / "pictures-print.pdf"
    found = {(int(i.Width), int(i.Height)): i for i in image_objects(pdf_path)}
    originals = {name: Image.open(cmyk_build / "manuscript" / "images" / name).size
                 for name in ("scan16.png", "cmyk.jpg", "rotated.jpg", "logo.png", "plate.tif")}
    for name, size in originals.items():
        assert size in found, (name, size, list(found))  # stored pixels: none downsampled
    assert colour_space(found[originals["scan16.png"]]) == "/DeviceGray"
    assert int(found[originals["scan16.png"]].BitsPerComponent) == 16
    for name in ("cmyk.jpg", "rotated.jpg", "logo.png", "plate.tif"):
        assert colour_space(found[originals[name]]) in ("/DeviceCMYK", "ICC4"), name
    # The CMYK JPEG in the printer's profile goes in as its own bytes.
    source = (cmyk_build / "manuscript" / "images" / "cmyk.jpg").read_bytes()
    assert found[originals["cmyk.jpg"]].read_raw_bytes() == source
    pdf = pikepdf.open(pdf_path)
    (intent,) = pdf.Root.OutputIntents
    assert intent.DestOutputProfile.read_bytes() == GHOSTSCRIPT_CMYK.read_bytes()


def test_print_text_and_drawings_are_in_cmyk_text_black_as_k100(cmyk_build):
    pdf = pikepdf.open(cmyk_build / "build" / "pictures-print.pdf")
    for number, page in enumerate(pdf.pages, 1):
        # The page's content and its crop marks (a stream of their own before it, variants.py),
        # the marks in all four inks.
        streams = list(page.Contents) if isinstance(page.Contents, pikepdf.Array) else [page.Contents]
        operators = [str(op) for stream in streams for _, op in pikepdf.parse_content_stream(stream)]
        assert "rg" not in operators and "RG" not in operators, f"RGB paint on page {number}"
        marks = [[float(v) for v in operands] for operands, op in pikepdf.parse_content_stream(streams[0])
                 if str(op) == "K"]
        assert marks == [[1.0, 1.0, 1.0, 1.0]], f"crop marks on page {number}: {marks}"
    text_page = pikepdf.parse_content_stream(pdf.pages[2])
    colours = [[float(v) for v in operands] for operands, op in text_page if str(op) == "scn"]
    assert [0.0, 0.0, 0.0, 1.0] in colours


def test_16_bit_grey_is_drawn_right(cmyk_build, tmp_path):
    """The scan's pixels, rendered by poppler, are the ramp and the dark band of the lower third."""
    pdf_path = cmyk_build / "build" / "pictures-print.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        page = pdf.pages[2]
        (box,) = [i for i in page.images if tuple(i["srcsize"]) == (640, 400)]
        media = page.bbox  # (x0, top, x1, bottom) of the whole page, as pdftoppm renders it
    dpi = 144
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", "3", "-l", "3", "-png", str(pdf_path),
                    str(tmp_path / "page")], check=True)
    (rendered,) = tmp_path.glob("page*.png")
    page_image = Image.open(rendered).convert("L")
    scale = dpi / 72
    assert page_image.width == pytest.approx(float(media[2] - media[0]) * scale, abs=2)  # pdfplumber's page
    left, top = (box["x0"] - float(media[0])) * scale, (box["top"] - float(media[1])) * scale
    crop = page_image.crop((round(left), round(top), round(left + box["width"] * scale),
                            round(top + box["height"] * scale))).resize((640, 400))
    differences = [abs(crop.getpixel((x, y)) - expected_grey(x, y)) for x in range(8, 632, 16)
                   for y in range(8, 392, 16) if (x % 40) not in range(36, 44) and (x % 40) not in range(0, 4)
                   and abs(y - 267) > 4]
    assert sum(differences) / len(differences) < 6, sorted(differences)[-10:]
    assert max(differences) < 40


def test_svg_text_is_in_the_bundled_fonts(cmyk_build):
    pdf_path = cmyk_build / "build" / "pictures-print.pdf"
    fonts = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[0].split("+")[-1] in BUNDLED for row in rows), fonts
    assert all(" yes " in row for row in rows)  # embedded
    text = subprocess.run(["pdftotext", "-f", "7", "-l", "7", str(pdf_path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "网民规模增长图" in text.replace(" ", "") and "城镇" in text


def test_screen_images_are_srgb_at_a_screens_resolution(cmyk_build):
    pdf_path = cmyk_build / "build" / "pictures.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        placed = [(i["srcsize"], i["width"], i["height"]) for page in pdf.pages for i in page.images]
    for (width, height), shown_w, shown_h in placed:
        ppi = max(width, height) / (max(shown_w, shown_h) / 72)  # the stored and the shown turn alike
        assert ppi < 152, (width, height, ppi)
    for image in image_objects(pdf_path):
        assert colour_space(image) in ("/DeviceRGB", "/DeviceGray", "/Indexed"), colour_space(image)
        assert int(image.BitsPerComponent) <= 8


def test_rgb_intent_keeps_originals_as_they_are(rgb_build):
    """No printer's profile: the camera JPEG goes in as its own bytes (EXIF and all), turned by
    the transform; the CMYK-free delivery needs no conversion at all."""
    pdf_path = rgb_build / "build" / "pictures-print.pdf"
    raw = {image.read_raw_bytes() for image in image_objects(pdf_path)}
    assert (rgb_build / "manuscript" / "images" / "rotated.jpg").read_bytes() in raw
    shutil.which("qpdf") and subprocess.run(["qpdf", "--check", str(pdf_path)], check=True, capture_output=True)
    with pdfplumber.open(pdf_path) as pdf:
        (box,) = [i for page in pdf.pages for i in page.images if tuple(i["srcsize"]) == ROTATED_STORED]
    assert box["height"] > box["width"], "drawn upright: taller than wide"


def test_conversion_loss_is_reported_for_out_of_gamut_colours(tmp_path):
    if not GHOSTSCRIPT_CMYK.is_file():
        pytest.skip(f"no CMYK ICC profile at {GHOSTSCRIPT_CMYK} (apt-get install ghostscript)")
    project = make_project(tmp_path / "p", GHOSTSCRIPT_CMYK)
    Image.new("RGB", (900, 600), (0, 255, 40)).save(project / "manuscript" / "images" / "logo.png")
    result = run_publish("-C", str(project), "pdf", "--variant", "print")
    assert result.returncode == 0, result.stderr
    assert re.search(r"pictures\.md:\d+:1: warning W240: logo\.png: converting it to the printer's CMYK moves "
                     r"\d+% of its colours", result.stderr), result.stderr


def test_screen_pdf_colours_are_srgb_though_the_layout_has_the_printers(cmyk_build):
    """One layout serves both PDFs: the screen one paints its CMYK colours as sRGB, black as black."""
    pdf = pikepdf.open(cmyk_build / "build" / "pictures.pdf")
    for page in pdf.pages:
        for operands, op in pikepdf.parse_content_stream(page):
            assert str(op) not in ("k", "K") and not (str(op) in ("scn", "SCN") and len(operands) == 4)
    text = pikepdf.parse_content_stream(pdf.pages[2])
    assert [0.0, 0.0, 0.0] in [[float(v) for v in operands] for operands, op in text if str(op) == "rg"]
