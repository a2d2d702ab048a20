"""Markdown as books on GitHub and MkDocs write it (tests/cases/markdown): every construct comes
out as markup, in both outputs, and nothing is printed as literal syntax."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from conftest import copy_case, epubcheck, epubcheck_counts, run_publish

from publish.checks import check
from publish.diagnostics import Report


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = copy_case("markdown", tmp_path_factory.mktemp("markdown"))
    result = run_publish("-C", str(project), "-j", "1")
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture(scope="module")
def html(built) -> dict[str, str]:
    report = Report()
    book = check(built, report)
    assert book is not None, [d.format() for d in report.items]
    return {r.name: r.html for r in book.rendered}


def test_heading_ids_are_githubs_and_links_reach_them(html, built):
    page = html["constructs"]
    assert '<h2 id="constructs-数组常用操作">' in page
    assert '<h2 id="constructs-数组常用操作-1">' in page, "a duplicate gets -1, as on GitHub"
    assert '<h2 id="constructs-custom-id" class="special">' in page, "an attribute list's id wins"
    assert 'href="#constructs-数组常用操作"' in page and 'href="#reference-快速排序-quick-sort"' in page
    assert '<h2 id="reference-快速排序-quick-sort">' in html["reference"]


def _plain(page: str) -> str:
    """Without typeset()'s spans of 中西文间距 and 标点挤压."""
    return re.sub(r'<span class="(?:as-l|as-r|as-l as-r|halt)">([^<]*)</span>', r"\1", page)


def test_paired_inline_html_keeps_its_content(html):
    page = _plain(html["constructs"])
    assert "<u>广度优先遍历</u>" in page
    assert "<u><strong>加粗</strong>的下划线</u>" in page
    for fragment in ("O(n<sup>2</sup>)", "H<sub>2</sub>O", "<kbd>Ctrl</kbd>+<kbd>C</kbd>", "<mark>重点</mark>",
                     "<ruby>行<rp>（</rp><rt>háng</rt><rp>）</rp></ruby>"):
        assert fragment in page, fragment
    assert "红色文字" in page and "<font" not in page, "a dropped tag keeps its text"
    assert not re.search(r"<(u|div|span|ruby|mark|p)\b[^>]*/>", page), "no self-closed element an HTML parser leaves open"


def test_math_is_mathml_with_the_tex_as_alttext(html):
    page = html["constructs"]
    assert 'display="inline" alttext="O(n \\log n)"' in page
    assert re.search(r'<div class="math" id="constructs-eq1"><math [^>]*display="block"', page)
    assert "<mtable" in page, "aligned became a table of rows"
    assert "价格<span class=\"as-l\">5</span>$ 和<span class=\"as-l\">10</span>$" in page, "dollars are not math"
    assert "$" not in re.sub(r"\d+</span>\$", "", page), "no literal TeX delimiter left"


def test_admonitions_tabs_and_attribute_lists(html):
    page = html["constructs"]
    assert '<div class="admonition note" role="note">\n<p class="admonition-title">注意</p>' in page
    assert re.search(r'<p class="admonition-title">关于 <math [^>]*alttext="O\(\\log n\)"', page)
    assert 'class="admonition question is-collapsible collapsible-closed"' in page
    assert page.count('<p class="tab-label">') == 2 and "Python</p>" in page and "C++</p>" in page
    assert '<figure id="constructs-fig1" class="figure wide">' in page and 'style="width: 60%"' in page
    assert "!!!" not in page and "===" not in page and "{ width" not in page and "{ #custom-id" not in page


def test_code_is_highlighted_without_spans_for_plain_tokens(html):
    page = html["constructs"]
    code = page[page.index('<pre class="code" data-lang="cpp">'):]
    code = code[:code.index("</pre>")]
    assert '<span class="kt">int</span>' in code and '<span class="k">return</span>' in code, "keywords marked"
    assert '<span class="mi">-1</span>' in code, "numbers marked"
    assert not re.search(r'<span class="(?:n|nx|p|w)">', page), "names, punctuation and spaces are plain text"
    assert re.sub(r"<[^>]+>", "", code).replace("&amp;", "&") == (
        "int binarySearch(vector&lt;int&gt; &nums, int target) { return -1; }\n"), "the code's text is whole"


def test_captions_from_alt_text_and_html_images_as_figures(html):
    page = html["constructs"]
    assert '<span class="figure-label">图1</span><span class="caption">数组的定义与存储方式</span>' in page
    assert re.search(r'<figure id="constructs-fig2" class="figure"><img src="images/small.png" alt="用 HTML 写的插图" '
                     r'width="600" />.*<span class="caption">用 ?HTML ?写的插图</span>', _plain(page))
    assert '<img src="images/small.png" alt="小图" />' in page, "an inline image stays inline"


def test_other_tools_syntax_is_a_warning_not_silent(built):
    result = run_publish("-C", str(built), "check")
    assert "manuscript/articles/constructs.md:60:1: warning W219: a [TOC] marker is not supported" in result.stderr


def test_a_bad_formula_is_an_error_at_its_place(tmp_path):
    project = copy_case("markdown", tmp_path)
    article = project / "manuscript" / "articles" / "reference.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n公式 $\\frac{a}{$ 写错了，$\\foo{x}$ 也不认识。\n",
                       encoding="utf-8")
    result = run_publish("-C", str(project), "check")
    assert result.returncode == 1
    assert "manuscript/articles/reference.md:9:4: error E218: formula '\\frac{a}{': it ends too early" \
        in result.stderr, result.stderr
    assert "error E218: formula '\\foo{x}': unknown command \\foo" in result.stderr


def test_the_epub_is_valid_and_declares_its_mathml(built, tmp_path):
    epub = built / "build" / "markdown-book.epub"
    counts = epubcheck_counts(epubcheck(epub, tmp_path))
    assert counts.get("ERROR", 0) == 0 and counts.get("FATAL", 0) == 0 and counts.get("WARNING", 0) == 0, counts
    with zipfile.ZipFile(epub) as book:
        opf = book.read("EPUB/content.opf").decode()
    assert re.search(r'<item [^>]*href="constructs.xhtml"[^>]*properties="mathml"', opf), opf


def test_the_pdf_draws_formulas_and_keeps_everything_in_the_column(built):
    with pdfplumber.open(built / "build" / "markdown-book.pdf") as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
        assert "\\frac" not in text and "$$" not in text and "\\sum" not in text and "!!!" not in text
        opener = next(page for page in pdf.pages if "先看" in (page.extract_text() or ""))
        assert len(opener.curves) > 20, "the formulas are drawn as paths"
        # Underlines: two underlined spans on that page make three segments at most; none after.
        assert len(opener.lines) <= 3
        for page in pdf.pages:
            right = page.width - 15 / 25.4 * 72 + 1  # the narrower outer margin, 15 mm
            assert all(c["x1"] <= right for c in page.chars), f"text beyond the column on page {page.page_number}"
            assert all(image["x1"] <= right and image["x0"] >= 0 for image in page.images)
