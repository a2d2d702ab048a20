"""MathML in the PDF: WeasyPrint draws no MathML, so each formula becomes an inline SVG drawn
by ziamath (its paths from the STIX Two Math font it ships, OFL; text in formulas from the
bundled serif), sized in em so that it follows the text around it, its baseline on the line's.

Drawing a formula takes tens of milliseconds, so each SVG is kept in the build cache by the
formula's digest and made once.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ...model import FontFace
from ...store import read_cached, write_cached

_MATH = re.compile(r"<math\b[^>]*>.*?</math>", re.S)
_SIZE = re.compile(r'width="([\d.]+)" height="([\d.]+)" viewBox="([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+)"')
FONT_SIZE = 24.0  # px: ziamath's drawing size; the SVG is then scaled to em


def _version() -> str:
    from importlib.metadata import version

    return f"{version('ziamath')}/{version('ziafont')}"


def to_svg(html: str, faces: tuple[FontFace, ...], cache: Path | None) -> str:
    """`html` with every <math> element replaced by its drawing."""
    if "<math" not in html:
        return html
    text_font = next((f.path for f in faces if f.family == "Publish Serif" and f.weight == 400), None)
    stamp = hashlib.sha256(f"{_version()}|{text_font.name if text_font else ''}".encode()).hexdigest()[:16]
    return _MATH.sub(lambda m: _drawn(m.group(0), text_font, stamp, cache), html)


def _drawn(mathml: str, text_font: Path | None, stamp: str, cache: Path | None) -> str:
    key = hashlib.sha256(f"{stamp}\n{mathml}".encode()).hexdigest()[:32]
    cached = cache / "math" / f"{key}.svg" if cache is not None else None
    known = read_cached(cached) if cached is not None else None  # sealed: a damaged drawing is made again
    if known is not None:
        return known.decode("utf-8")
    svg = _draw(mathml, text_font)
    if cached is not None:
        write_cached(cached, svg.encode("utf-8"))
    return svg


def _draw(mathml: str, text_font: Path | None) -> str:
    import ziamath

    ziamath.config.svg2 = False  # paths in place, not <symbol>/<use>: simpler for WeasyPrint
    ziamath.config.math.fontsize = FONT_SIZE
    if text_font is not None:
        ziamath.config.text.textfont = str(text_font)
    display = 'display="block"' in mathml[:200]
    svg = ziamath.Math(mathml).svg()
    match = _SIZE.search(svg)
    if match is None:
        return svg
    width, height, _, top, _, box_height = (float(v) for v in match.groups())
    descent = box_height + top  # the baseline is y = 0; the box reaches this far below it
    scaled = (f'width="{width / FONT_SIZE:.3f}em" height="{height / FONT_SIZE:.3f}em" viewBox="{match.group(3)} '
              f'{match.group(4)} {match.group(5)} {match.group(6)}" class="formula{" display" if display else ""}" '
              f'style="vertical-align: {-descent / FONT_SIZE:.3f}em"')
    return svg[:match.start()] + scaled + svg[match.end():]
