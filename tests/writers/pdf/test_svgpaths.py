"""SVG paths parsed once (writers/pdf/svgpaths.py): the same PDF bytes as stock WeasyPrint for
SVGs drawn several times (inline, at other sizes, as repeated backgrounds, with markers), the
paths drawn again taken from what was kept."""

from __future__ import annotations

from conftest import run_script

_SCRIPT = r"""
import json, sys
import weasyprint
from weasyprint import svg
from publish.writers.pdf import svgpaths
parsed = []
stock = svg.TAGS["path"]
def counted(image, node, font_size):
    parsed.append(node.get("d"))
    stock(image, node, font_size)
svg.TAGS["path"] = counted
if sys.argv[1] == "patched":
    svgpaths.install()
html = sys.stdin.read()
pdfs = [weasyprint.HTML(string=html).write_pdf() for _ in range(2)]
sys.stdout.write(json.dumps({"pdfs": [pdf.hex() for pdf in pdfs], "parsed": len(parsed)}))
"""

_MARK = ("url(\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='12' height='12' "
         "viewBox='0 0 12 12'%3E%3Cpath d='M3 2 V7 H9 M7 5 L9 7 L7 9' fill='none' stroke='%23999'/%3E%3C/svg%3E\")")
_CURVE = '<svg width="{w}em" height="{h}em" viewBox="0 0 20 10"><path d="M 1 1 Q 5 9 10 1 T 19 1 Z"/></svg>'
_MARKED = ('<svg width="4em" height="2em" viewBox="0 0 20 10"><defs><marker id="m{i}" markerWidth="4" '
           'markerHeight="4" refX="2" refY="2"><circle cx="2" cy="2" r="2"/></marker></defs>'
           '<path d="M 1 1 L 10 9 L 19 1" stroke="black" fill="none" marker-mid="url(#m{i})" '
           'marker-end="url(#m{i})"/></svg>')
HTML = ("<html><head><style>@page { size: 100mm 80mm; margin: 5mm } div { height: 20mm; background: "
        + _MARK + " 0 0 / 4mm 4mm repeat-y } div + div { height: 30mm; break-before: page }</style></head><body><p>"
        + _CURVE.format(w=2, h=1) + _CURVE.format(w=4, h=2) + _CURVE.format(w=2, h=1)
        + _MARKED.format(i=1) + _MARKED.format(i=2) + "</p><div></div><div></div></body></html>")


def _render(mode: str) -> dict:
    return run_script(_SCRIPT, mode, stdin=HTML)


def test_paths_drawn_again_give_the_bytes_stock_weasyprint_gives():
    stock, patched = _render("stock"), _render("patched")
    assert patched["pdfs"] == stock["pdfs"]
    # Stock parses every drawing (3 curves, 2 marked paths, the mark on 2 pages: twice over two
    # documents); patched, each distinct path once a viewport: the curve at its 2 sizes share
    # one viewBox, so 1 + 1 + 1 (the mark).
    assert stock["parsed"] >= 2 * 7
    assert patched["parsed"] == 3
