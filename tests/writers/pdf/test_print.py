"""The print variant: resolution warnings, recto openers with truly blank versos, running heads."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from conftest import copy_case, run_publish


def test_images_under_300_dpi_are_reported_with_file_and_size(tmp_path):
    project = copy_case("basic", tmp_path)
    result = run_publish("-C", str(project), "pdf", "--variant", "print")
    assert result.returncode == 0, result.stderr
    assert re.search(r"manuscript/articles/figures\.md:7:1: warning W209: meeting\.png is 800×600 px, printed at "
                     r"\d+×\d+ mm: \d+ ppi, under 300", result.stderr), result.stderr
    strict = run_publish("-C", str(project), "pdf", "--variant", "print", "--strict", "--force")
    assert strict.returncode == 1


def test_recto_openers_leave_blank_versos_truly_blank(tmp_path):
    project = copy_case("basic", tmp_path)
    yaml_path = project / "manuscript" / "publication.yaml"
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8") + "page:\n  recto_openers: true\n", encoding="utf-8")
    result = run_publish("-C", str(project), "pdf", "--variant", "screen")
    assert result.returncode == 0, result.stderr
    reader = PdfReader(project / "build" / "test-monthly.pdf")
    texts = [(page.extract_text() or "").strip() for page in reader.pages]
    titles = ["坚决打赢疫情防控的人民战争总体战阻击战", "图片新闻", "技术与注释", "征订启示"]
    for title in titles:
        number = next(i + 1 for i, text in enumerate(texts) if title in re.sub(r"\s+", "", text) and i > 1)
        assert number % 2 == 1, f"{title} opens on p.{number}, a verso"
    blanks = [i + 1 for i, text in enumerate(texts) if not text]
    assert blanks, "some article needed a blank verso before it"
    import pdfplumber

    with pdfplumber.open(project / "build" / "test-monthly.pdf") as pdf:
        for number in blanks:
            page = pdf.pages[number - 1]
            drawn = page.chars + page.rects + page.lines + page.images
            assert not drawn, f"p.{number} should be truly blank (no folio, no rule): {drawn[:2]}"


def test_running_heads_verso_publication_recto_column_none_on_openers(tmp_path):
    project = copy_case("typography", tmp_path)
    result = run_publish("-C", str(project), "pdf", "--variant", "screen")
    assert result.returncode == 0, result.stderr
    import pdfplumber

    with pdfplumber.open(project / "build" / "typography.pdf") as pdf:
        heads = {}
        for number, page in enumerate(pdf.pages, start=1):
            top = page.crop((0, 0, page.width, 60))  # the head sits in the top margin
            heads[number] = re.sub(r"\s+", "", top.extract_text() or "")
            words = page.extract_words()
            folio = [w for w in words if w["top"] > page.height - 60 and w["text"].isdigit()]
            if number > 1:
                assert folio and folio[0]["text"] == str(number), f"p.{number}: folio missing"
                outer = folio[0]["x0"] < page.width / 2 if number % 2 == 0 else folio[0]["x0"] > page.width / 2
                assert outer, f"p.{number}: folio not at the outer corner"
    openers = [n for n in heads if heads[n] == "" and n > 2]
    assert openers, heads
    continuation = [n for n in heads if heads[n]]
    assert continuation, "continuation pages carry running heads"
    for number in continuation:
        expected = "排版测试2020年2月号" if number % 2 == 0 else "正文"
        assert heads[number] == expected, (number, heads[number])
