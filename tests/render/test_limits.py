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
