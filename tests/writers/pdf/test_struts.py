"""A style's strut kept on the style (writers/pdf/struts.py) changes no pixel: the same PDF bytes
as WeasyPrint's own lookup, for line heights of every kind (normal, numbers, lengths,
percentages, calc()), inline boxes of other sizes and fonts, ::first-line, and styles that
WeasyPrint copies and changes (a ::first-letter, anonymous boxes)."""

from __future__ import annotations

import pytest
from conftest import run_script

_SCRIPT = r"""
import json, sys
import weasyprint
from weasyprint.layout import inline
from publish.writers.pdf import struts
calls = [0]
stock = inline.strut
def counted(style):  # WeasyPrint's own strut, counted
    calls[0] += 1
    return stock(style)
inline.strut = counted
if sys.argv[1] == "kept":
    struts.install()
data = weasyprint.HTML(string=sys.stdin.read()).write_pdf(uncompressed_pdf=True)
sys.stdout.write(json.dumps({"pdf": data.hex(), "calls": calls[0]}))
"""

_ZH = "行高与基线按样式求一次：同一样式的每一行、每个行内框都用同一个结果。Mixed Latin text too. "


def _html(body: str) -> str:
    return ("<html lang='zh'><head><style>@page { size: 110mm 150mm; margin: 10mm }"
            " body { font: 9pt sans-serif; margin: 0 } .n { line-height: normal } .x { line-height: 1.8 }"
            " .l { line-height: 15pt } .p { line-height: 140% } .c { line-height: calc(1em + 4pt) }"
            " .big { font-size: 160%; line-height: 1 } .serif { font-family: serif }"
            " .fl::first-line { font-size: 140% } .fc::first-letter { font-size: 300%; line-height: 1 }"
            " .lh { padding-top: 1lh }"
            "</style></head><body>" + body + "</body></html>")


CASES = {
    "line-heights": _html("".join(f"<p class='{c}'>{_ZH * 4}</p>" for c in ("n", "x", "l", "p", "c"))),
    "inline-boxes": _html(f"<p class='x'>{_ZH}<span class='big'>{_ZH}</span><b class='serif'>{_ZH}</b>"
                          f"<span class='l'>{_ZH}<small>{_ZH}</small></span>{_ZH}</p>"),
    "pseudo": _html(f"<p class='fl x'>{_ZH * 3}</p><p class='fc'>{_ZH * 3}</p>"
                    f"<div class='lh p'>{_ZH}<p>{_ZH * 2}</p>{_ZH}</div>"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_pdf_is_the_one_laid_out_with_weasyprints_own_lookup(case):
    before = run_script(_SCRIPT, "stock", stdin=CASES[case])
    after = run_script(_SCRIPT, "kept", stdin=CASES[case])
    assert after["pdf"] == before["pdf"]
    assert after["calls"] * 3 < before["calls"], (after["calls"], before["calls"])  # few styles, many lines
