"""The column extension (writers/pdf/columns.py) lays columns out once and changes no pixel: the
same PDF bytes as stock WeasyPrint, for columns that run over pages, balance at the end, hold a
float, a figure across the columns, an absolutely positioned box and a block that must not break
(whose balancing passes fail until it fits: answered from the failures seen, not laid out)."""

from __future__ import annotations

import pytest
from conftest import run_script

_SCRIPT = r"""
import json, sys
import weasyprint
from publish.writers.pdf import columns
if sys.argv[1] == "patched":
    columns.install()
html = sys.stdin.read()
data = weasyprint.HTML(string=html).write_pdf(uncompressed_pdf=True)
sys.stdout.write(json.dumps({"pdf": data.hex(), "reused": columns.reused, "known": columns.known_failures}))
"""

_PARAGRAPH = "<p>{}</p>"
_TEXT = ("Columns are measured, then laid out again at the height found; "
         "the extension keeps the measured boxes instead. ") * 3


def _html(body: str) -> str:
    return ("<html><head><style>@page { size: 120mm 90mm; margin: 10mm }"
            " body { font: 9pt/12pt sans-serif; margin: 0 } .cols { columns: 2; column-gap: 4mm }"
            " .float { float: left; width: 15mm; height: 10mm; background: #ccc }"
            " .abs { position: absolute; right: 0; top: 0; width: 5mm; height: 5mm; background: red }"
            " .span { column-span: all; height: 8mm; background: #eee }"
            "</style></head><body>" + body + "</body></html>")


CASES = {
    # over three pages, balanced on the last
    "flowing": _html("<h1>Title</h1><div class='cols'>" + "".join(
        _PARAGRAPH.format(f"{i} " + _TEXT) for i in range(14)) + "</div>"),
    # short: balanced under a heading, with something after it
    "balanced": _html("<h2>Heading</h2><div class='cols'>" + _PARAGRAPH.format(_TEXT) * 2 + "</div><p>After.</p>"),
    # at the top of the page: the measuring pass had another `page_is_empty`, nothing is reused
    "top": _html("<div class='cols'>" + _PARAGRAPH.format(_TEXT) * 2 + "</div>"),
    "float": _html("<div class='cols'>" + "".join(
        _PARAGRAPH.format(("<span class='float'></span>" if i % 3 == 0 else "") + _TEXT) for i in range(10))
        + "</div>"),
    "spanning": _html("<div class='cols'>" + _PARAGRAPH.format(_TEXT) * 4 + "<div class='span'></div>"
                      + _PARAGRAPH.format(_TEXT) * 6 + "</div>"),
    # balanced: the second column cannot take the unbreakable block until the columns are tall
    # enough, one pixel a pass in stock WeasyPrint
    "unbreakable": _html("<div class='cols'>" + _PARAGRAPH.format(_TEXT) + "<div style='break-inside: avoid'>"
                         + _PARAGRAPH.format(_TEXT * 2) + "</div></div><p>After.</p>"),
    "absolute": _html("<div class='cols' style='position: relative'>" + _PARAGRAPH.format(_TEXT) * 3
                      + "<div class='abs'></div>" + _PARAGRAPH.format(_TEXT) * 8 + "</div>"),
}


def _render(html: str, mode: str) -> dict:
    return run_script(_SCRIPT, mode, stdin=html)


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_pdf_as_stock_weasyprint(case):
    stock, patched = _render(CASES[case], "stock"), _render(CASES[case], "patched")
    assert patched["pdf"] == stock["pdf"]
    if case in ("flowing", "balanced", "spanning"):
        assert patched["reused"][0] > 0, "the measured columns were not reused"
    if case == "unbreakable":
        assert patched["known"][0] > 20, "the balancing passes were laid out one by one"


def test_a_float_in_a_column_is_laid_out_again():
    """A float registers its shape while measured; the keeping pass must lay it out itself."""
    patched = _render(CASES["float"], "patched")
    assert patched["reused"][1] > 0
