"""A leader is drawn as one text box (writers/pdf/leaders.py): the same characters at the same
places as stock WeasyPrint's box per repetition, in a fraction of the text objects."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zlib

import pdfplumber
import pytest

_SCRIPT = r"""
import sys
import weasyprint
from publish.writers.pdf import leaders
if sys.argv[1] == "patched":
    leaders.install()
sys.stdout.buffer.write(weasyprint.HTML(string=sys.stdin.read()).write_pdf())
"""

_ENTRIES = ["Preface", "A chapter with a rather long title that takes most of the line",
            "Short", "x" * 3, "Appendix: tables and figures"]


def _html(leader: str, width: str = "120mm") -> str:
    items = "".join(f"<li><a href='#e{i}'>{text}</a></li>" for i, text in enumerate(_ENTRIES))
    targets = "".join(f"<p id='e{i}'>{text}</p>" for i, text in enumerate(_ENTRIES))
    return ("<html><head><style>@page { size: " + width + " 120mm; margin: 10mm }"
            " body { font: 10pt/14pt sans-serif; margin: 0 } ul { list-style: none; padding: 0 }"
            " li a::after { content: " + leader + " ' ' target-counter(attr(href), page) }"
            " p { break-before: page }"
            "</style></head><body><ul>" + items + "</ul>" + targets + "</body></html>")


CASES = {
    "dotted": _html("leader(dotted)"),
    "space": _html("leader(space)"),
    "string": _html("leader(' · ')"),
    "narrow": _html("leader(dotted)", "60mm"),
}


def _render(html: str, mode: str) -> bytes:
    return subprocess.run([sys.executable, "-c", _SCRIPT, mode], input=html.encode(), capture_output=True,
                          check=True).stdout


def _chars(pdf: bytes) -> list[tuple[str, float, float]]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        # in reading order: stock WeasyPrint draws a leader's copies from the right
        return [(c["text"], c["x0"], c["top"]) for page in document.pages
                for c in sorted(page.chars, key=lambda c: (round(c["top"], 1), c["x0"]))]


def _text_objects(pdf: bytes) -> int:
    """BT operators in the page content streams (one per text box drawn)."""
    count = 0
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            count += len(re.findall(rb"\bBT\b", zlib.decompress(match.group(1))))
        except zlib.error:
            continue
    return count


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_same_characters_in_the_same_places(case):
    stock, patched = _render(CASES[case], "stock"), _render(CASES[case], "patched")
    before, after = _chars(stock), _chars(patched)
    assert [c for c, _, _ in after] == [c for c, _, _ in before]
    for (char, x0, top), (_, x1, top1) in zip(before, after):
        # within 0.2 pt (0.07 mm; 0.1 pt measured): a run shaped once adds up Pango's rounded
        # advances where stock WeasyPrint places each copy at a multiple of the first's width
        assert abs(x0 - x1) < 0.2 and abs(top - top1) < 0.01, (char, x0, x1)
    assert _text_objects(patched) < _text_objects(stock) / 3


def test_the_stock_layout_has_a_box_per_repetition():
    """What the extension is for: if WeasyPrint drew a leader once already, it would be moot."""
    assert _text_objects(_render(CASES["dotted"], "stock")) > 10 * len(_ENTRIES)
