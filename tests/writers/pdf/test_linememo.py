"""The line memo (writers/pdf/linememo.py) lays a line out once per page's columns and changes no
pixel: the same PDF bytes as without it, alone and with the column extension, for balanced CJK
columns over pages and for the lines it must lay out each time (beside a float, holding an
inline block or a footnote call, a ::first-letter, page numbers that settle on a second pass)."""

from __future__ import annotations

import pytest
from conftest import run_script

_SCRIPT = r"""
import json, sys
import weasyprint
from publish.writers.pdf import columns, linememo
if "memo" in sys.argv[1]:
    linememo.install()
if "columns" in sys.argv[1]:
    columns.install()
html = sys.stdin.read()
data = weasyprint.HTML(string=html).write_pdf(uncompressed_pdf=True)
sys.stdout.write(json.dumps({"pdf": data.hex(), "counts": linememo.counts}))
"""

_TEXT = ("栏的高度要一遍遍试出来：先按整页排，再为了平衡从平均高度起逐步加高，每一遍都把同样的行重排一次。"
         "Lines of text keep their content, only their place changes. ") * 2


def _html(body: str, style: str = "") -> str:
    return ("<html lang='zh'><head><style>@page { size: 120mm 90mm; margin: 10mm;"
            " @bottom-center { content: counter(page) } }"
            " body { font: 9pt/13pt sans-serif; margin: 0; text-align: justify } .cols { columns: 2; column-gap: 4mm }"
            " .float { float: left; width: 12mm; height: 9mm; background: #ccc }"
            " .box { display: inline-block; width: 8mm; height: 6mm; background: #999 }"
            " .note { float: footnote } .first::first-letter { font-size: 200% }"
            " .toc a::after { content: ' ' target-counter(attr(href), page) }" + style +
            "</style></head><body>" + body + "</body></html>")


def _paragraphs(count: int, extra: str = "") -> str:
    return "".join(f"<p id='p{i}'>{i} {extra if i % 3 == 1 else ''}{_TEXT}</p>" for i in range(count))


CASES = {
    "flowing": _html("<h1>标题</h1><div class='cols'>" + _paragraphs(12) + "</div>"),
    "balanced": _html("<h2>小标题</h2><div class='cols'>" + _paragraphs(3) + "</div><p>After.</p>"),
    "float": _html("<div class='cols'>" + _paragraphs(9, "<span class='float'></span>") + "</div>"),
    "inline-block": _html("<div class='cols'>" + _paragraphs(9, "<span class='box'></span>") + "</div>"),
    "footnote": _html("<div class='cols'>" + _paragraphs(9, "<span class='note'>脚注的文字。</span>") + "</div>"),
    "first-letter": _html("<div class='cols'>" + _paragraphs(9).replace("<p ", "<p class='first' ") + "</div>"),
    "right-to-left": _html("<div class='cols' dir='rtl'>" + _paragraphs(9) + "</div>"),
    "page-numbers": _html("<div class='cols toc'>" + "".join(
        f"<p><a href='#p{i}'>第 {i} 段</a></p>" for i in range(12)) + "</div><div class='cols'>"
        + _paragraphs(14) + "</div>"),
}


def _render(html: str, mode: str) -> dict:
    return run_script(_SCRIPT, mode, stdin=html)


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_pdf_as_without_the_memo(case):
    stock, memo = _render(CASES[case], "stock"), _render(CASES[case], "memo")
    assert memo["pdf"] == stock["pdf"]
    with_columns, both = _render(CASES[case], "columns"), _render(CASES[case], "memo+columns")
    assert both["pdf"] == with_columns["pdf"]
    copied, laid_out = both["counts"]
    if case in ("flowing", "balanced", "page-numbers"):
        assert copied > laid_out / 2, f"balancing passes laid the lines out again ({copied}, {laid_out})"
    assert stock["counts"] == [0, 0]


_WATCH = r"""
import json, sys
import weasyprint
from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline
from publish.writers.pdf import linememo
linememo.install()
memo, wrong = inline.get_next_linebox, []

def special(line):
    stack = [line]
    while stack:
        box = stack.pop()
        if isinstance(box, boxes.InlineBlockBox) or getattr(box, "footnote", None) is not None:
            return True
        stack.extend(getattr(box, "children", ()))
    return False

def watched(context, linebox, *args):
    beside_float, first_letter = bool(context.excluded_shapes), args[-2] is not None
    copied = linememo.counts[0]
    line, resume_at = memo(context, linebox, *args)
    if linememo.counts[0] > copied and (beside_float or first_letter or special(line)):
        wrong.append(line.element_tag)
    return line, resume_at

inline.get_next_linebox = watched
weasyprint.HTML(string=sys.stdin.read()).write_pdf()
sys.stdout.write(json.dumps({"wrong": wrong, "counts": linememo.counts}))
"""


@pytest.mark.parametrize("case", ["float", "inline-block", "footnote", "first-letter"])
def test_lines_it_must_not_copy_are_laid_out_each_time(case):
    """No line beside a float, holding an inline block or a footnote call, or with a
    ::first-letter is served from a copy (and the other lines still are)."""
    found = run_script(_WATCH, stdin=CASES[case])
    assert found["wrong"] == []
    assert found["counts"][0] > 0
