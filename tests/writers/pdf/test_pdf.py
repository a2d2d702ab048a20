"""The PDFs of the `basic` fixture: text, 目录 page numbers, fonts, bookmarks, metadata, print boxes."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from conftest import toc_entries
from pypdf import PdfReader

TITLES = ["坚决打赢疫情防控的人民战争总体战阻击战", "图片新闻", "技术与注释", "征订启示"]


def _page_texts(path):
    return [re.sub(r"\s+", "", page.extract_text() or "") for page in PdfReader(path).pages]


def test_every_title_and_a_correct_toc(basic_build):
    path = basic_build / "build" / "test-monthly.pdf"
    pages = _page_texts(path)
    toc = toc_entries(path, ["风向 Trend", "探索 Exploration"])
    toc_page = next(i for i, text in enumerate(pages) if text.startswith("目录"))
    for title in TITLES:
        found = [i + 1 for i, text in enumerate(pages) if title in text and i != toc_page]
        assert found, f"{title} missing from the PDF"
        listed = next((number for entry, number in toc.items() if entry.startswith(title)), None)
        assert listed, f"{title} not in the 目录 with a page number: {toc}"
        assert listed == found[0], f"目录 says {title} is on p.{listed}, it is on {found[0]}"


def test_fonts_are_the_bundled_ones_embedded_and_subset(basic_build):
    reader = PdfReader(basic_build / "build" / "test-monthly.pdf")
    fonts = {}
    for page in reader.pages:
        for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font["/BaseFont"])] = embedded
    assert all(fonts.values()), fonts
    assert all(re.match(r"/[A-Z]{6}\+", name) for name in fonts), f"not subset: {fonts}"
    assert any("Publish-Serif" in name for name in fonts) and any("Publish-Sans" in name for name in fonts), fonts
    assert not any("Noto-Serif-CJK" in name or "Noto-Sans-CJK" in name for name in fonts), \
        f"a system CJK font was used instead of the bundled ones: {fonts}"


def test_bookmarks_section_then_article(basic_build):
    reader = PdfReader(basic_build / "build" / "test-monthly.pdf")

    def walk(items):
        out = []
        for item in items:
            if isinstance(item, list):
                out.append(walk(item))
            else:
                out.append(item.title)
        return out

    outline = walk(reader.outline)
    assert "风向 Trend" in outline
    index = outline.index("风向 Trend")
    articles = [entry for entry in outline[index + 1] if isinstance(entry, str)]
    assert articles == ["坚决打赢疫情防控的人民战争总体战阻击战", "图片新闻"]
    assert outline[index + 1][1] == ["全面总结疫情防控工作"], "subheads nest under their article"


def test_metadata(basic_build):
    reader = PdfReader(basic_build / "build" / "test-monthly.pdf")
    assert reader.metadata.title == "测试月刊 2020年2月号"
    assert reader.metadata.author == "测试杂志社"
    assert str(reader.trailer["/Root"].get("/Lang")) == "zh-CN"


def test_print_variant_has_trim_bleed_and_is_pdfx(basic_build):
    reader = PdfReader(basic_build / "build" / "test-monthly-print.pdf")
    page = reader.pages[2]
    trim = [float(x) for x in page.trimbox]
    bleed = [float(x) for x in page.bleedbox]
    media = [float(x) for x in page.mediabox]
    assert round((trim[2] - trim[0]) / 72 * 25.4) == 210 and round((trim[3] - trim[1]) / 72 * 25.4) == 285
    assert round((bleed[2] - bleed[0]) - (trim[2] - trim[0]), 1) == pytest.approx(2 * 3 / 25.4 * 72, abs=0.2)
    # The media box also holds the crop marks, outside the bleed.
    assert media[0] < bleed[0] and media[2] > bleed[2]
    root = reader.trailer["/Root"]
    intent = root["/OutputIntents"][0]
    assert intent["/S"] == "/GTS_PDFX"
    # The profile as shipped (sRGB by default), declared with its three components.
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3 and profile.get_data()[16:20] == b"RGB "


def test_qpdf_check_is_clean(basic_build):
    qpdf = shutil.which("qpdf")
    assert qpdf, "qpdf is needed; .ci/run installs it"
    for name in ("test-monthly.pdf", "test-monthly-print.pdf"):
        result = subprocess.run([qpdf, "--check", str(basic_build / "build" / name)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_screen_variant_is_tagged_for_accessibility(basic_build):
    reader = PdfReader(basic_build / "build" / "test-monthly.pdf")
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]


def test_a_cover_image_from_publication_yaml_is_used(tmp_path):
    import zipfile

    from conftest import copy_case, run_publish

    project = copy_case("basic", tmp_path)
    cover = project / "manuscript" / "images" / "cover.png"
    from PIL import Image

    Image.new("RGB", (1200, 1680), (20, 60, 120)).save(cover)
    pub = project / "manuscript" / "publication.yaml"
    pub.write_text(pub.read_text(encoding="utf-8") + "cover: images/cover.png\n", encoding="utf-8")
    result = run_publish("-C", str(project), "epub")
    assert result.returncode == 0, result.stderr
    result = run_publish("-C", str(project), "pdf", "--variant", "screen")
    assert result.returncode == 0, result.stderr
    first = PdfReader(project / "build" / "test-monthly.pdf").pages[0]
    assert first["/Resources"].get("/XObject"), "the cover page shows the image"
    with zipfile.ZipFile(project / "build" / "test-monthly.epub") as z:
        # As the stores ask: a JPEG in sRGB, within 1600 × 2560 and never enlarged.
        epub_cover = Image.open(io.BytesIO(z.read("EPUB/images/cover.png.jpg")))
    assert (epub_cover.format, epub_cover.mode, epub_cover.size) == ("JPEG", "RGB", (1200, 1680))
    assert epub_cover.getpixel((600, 840)) == pytest.approx((20, 60, 120), abs=3)
