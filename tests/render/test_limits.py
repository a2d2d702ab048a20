"""Pathological but legal Markdown: each case builds correctly, or is an error with file, line
and the reason, in bounded time and memory (tests/measure.py; the limits are generous so that
a shared machine does not flake, and far below what the quadratic code took)."""

from __future__ import annotations

import re
import subprocess

from measure import measure, project

from publish.render.markdown.depth import MAX_DEPTH

DEEP = "深处的字"


def body_line(text: str, needle: str) -> int:
    """The line of the article file (a title's front matter of 3 lines and a blank come first)."""
    return 5 + text.split("\n").index(next(line for line in text.split("\n") if needle in line))


def test_deep_emphasis_is_an_error_with_the_limit_not_a_crash_or_minutes(tmp_path):
    body = "第一段。\n\n" + "*" * 20_000 + "字" + "*" * 20_000
    measured = measure(project(tmp_path / "p", {"a": body}), "check")
    assert measured.returncode == 1, measured.stderr
    assert f"manuscript/articles/a.md:{body_line(body, '字')}:1: error E221: Markdown nested more than " \
           f"{MAX_DEPTH} levels deep" in measured.stderr, measured.stderr
    assert "Traceback" not in measured.stderr and "E303" not in measured.stderr
    assert measured.seconds < 30 and measured.peak_mb < 600, measured  # was 52 s, then E303 in a writer


def test_deep_blockquotes_and_lists_are_errors_not_silently_cut(tmp_path):
    """CommonMark's preset stops at 20 levels and dropped the rest of the article without a word."""
    quotes = "第一段。\n\n" + "> " * 3000 + DEEP
    lists = "第一段。\n\n" + "".join("  " * i + "- 项\n" for i in range(300))
    for name, body, line in (("q", quotes, body_line(quotes, DEEP)),
                             ("l", lists, 5 + 2 + MAX_DEPTH // 2)):
        measured = measure(project(tmp_path / name, {"a": body}), "check")
        assert measured.returncode == 1, measured.stderr
        assert f"manuscript/articles/a.md:{line}:1: error E221:" in measured.stderr, measured.stderr
        assert measured.seconds < 30 and measured.peak_mb < 600, measured


def test_nesting_up_to_the_limit_builds_and_keeps_the_text_readable(tmp_path):
    """49 blockquotes (with the paragraph: 50), emphasis 48 deep, 24 nested lists: all the text
    is in both outputs and on the page (the theme stops indenting after six levels)."""
    articles = {
        "a": "第一段。\n\n" + "> " * (MAX_DEPTH - 1) + DEEP,
        "b": "第一段。\n\n" + "*" * (MAX_DEPTH - 2) + "强调" + "*" * (MAX_DEPTH - 2),
        "c": "第一段。\n\n" + "".join("  " * i + f"- 项{i}\n" for i in range(MAX_DEPTH // 2 - 1)),
    }
    folder = project(tmp_path / "p", articles)
    measured = measure(folder, "-j", "2")
    assert measured.returncode == 0, measured.stderr
    assert measured.seconds < 120 and measured.peak_mb < 800, measured
    pdf = next((folder / "build").glob("*[0-9a-f].pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = re.sub(r"\s+", "", text)  # 中西文间距 reads as a space
    assert DEEP in text and "强调" in text and f"项{MAX_DEPTH // 2 - 2}" in text
    import zipfile

    with zipfile.ZipFile(next((folder / "build").glob("*.epub"))) as epub:
        pages = "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml"))
    assert DEEP in pages and "强调" in pages


def pdf_text(folder) -> str:
    pdf = next((folder / "build").glob("*[0-9a-f].pdf"))
    return re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                            check=True).stdout)


def test_a_30000_character_word_is_broken_onto_the_pages_not_run_off_them(tmp_path):
    """It ran off the right edge of one line (29,900 letters lost from the page)."""
    word = "a" * 30_000
    folder = project(tmp_path / "p", {"a": f"第一段。\n\n前文{word}后文。\n\n最后一段。"})
    measured = measure(folder, "-j", "2")
    assert measured.returncode == 0, measured.stderr
    assert measured.seconds < 150 and measured.peak_mb < 600, measured  # 20 s, 130 MB here
    text = pdf_text(folder)  # the running heads and folios come between the pages' parts of the word
    assert text.count("a") >= 30_000 and "最后一段" in text
    from pypdf import PdfReader

    pages = PdfReader(next((folder / "build").glob("*[0-9a-f].pdf"))).pages
    assert len(pages) >= 10, "30,000 letters fill pages, not one line"


def test_a_table_of_400_columns_is_an_error_with_its_line(tmp_path):
    """A printed page cannot scroll: 379 of the 400 columns were lost from the PDF without a word."""
    columns = 400
    table = ("| " + " | ".join(f"列{i}" for i in range(columns)) + " |\n|" + "---|" * columns + "\n"
             + "".join("| " + " | ".join(f"{r}.{i}" for i in range(columns)) + " |\n" for r in range(5)))
    measured = measure(project(tmp_path / "p", {"a": "表格如下。\n\n" + table}), "check")
    assert measured.returncode == 1
    assert f"manuscript/articles/a.md:7:1: error E222: a table of {columns} columns" in measured.stderr, \
        measured.stderr
    assert measured.seconds < 30 and measured.peak_mb < 400, measured


def test_3000_footnotes_build_in_linear_time(tmp_path):
    notes = 3000
    body = "".join(f"第{i}句话有注释。[^n{i}]\n" for i in range(notes)) + "\n" \
        + "".join(f"[^n{i}]: 注释{i}的内容。\n" for i in range(notes))
    folder = project(tmp_path / "p", {"a": body})
    measured = measure(folder, "epub")  # the EPUB lays out the print pages too, for its page-list
    assert measured.returncode == 0, measured.stderr
    assert measured.seconds < 300 and measured.peak_mb < 1200, measured  # 30 s CPU, 530 MB for -j 2 here
    import zipfile

    with zipfile.ZipFile(next((folder / "build").glob("*.epub"))) as epub:
        pages = "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml"))
    assert pages.count('epub:type="footnote"') >= notes
    assert f"注释{notes - 1}的内容" in re.sub(r"<[^>]+>", "", pages)  # 中西文间距 is markup


def test_an_article_of_a_million_characters_checks_and_builds_its_epub(tmp_path):
    import random

    rng = random.Random(19)
    chars = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"
    body = "\n\n".join("".join(rng.choice(chars) for _ in range(399)) + "。" for _ in range(2500))
    assert len(body) >= 1_000_000
    folder = project(tmp_path / "p", {"a": body})
    checked = measure(folder, "check")
    assert checked.returncode == 0, checked.stderr
    assert checked.seconds < 60 and checked.peak_mb < 600, checked  # 2 s, 110 MB here
    built = measure(folder, "epub")
    assert built.returncode == 0, built.stderr
    assert built.seconds < 400 and built.peak_mb < 1500, built  # 46 s, 290 MB here


def test_40000_headings_render_in_linear_time(tmp_path):
    """Each closing heading searched back through the tokens for its opening: quadratic (20,000
    headings took 9 s of CPU, 40,000 would take 35 s; now 2.6 s and 5 s)."""
    body = "".join(f"## 标题{i}\n\n段落{i}。\n\n" for i in range(40_000))
    measured = measure(project(tmp_path / "p", {"a": body}), "check")
    assert measured.returncode == 0, measured.stderr
    assert measured.cpu < 15 and measured.peak_mb < 600, measured
