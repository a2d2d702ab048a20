"""MathML in the PDF: WeasyPrint draws no MathML, so each formula becomes an inline SVG drawn
by ziamath (its paths from the STIX Two Math font it ships, OFL; text in formulas from the
bundled serif), sized in em so that it follows the text around it, its baseline on the line's.

Drawing a formula takes tens of milliseconds, so each SVG is kept in the build cache by the
formula's digest and made once, in forked copies of the PDF job: a book's many new formulas
half in each of two (566 of a book's formulas took 4.2 s of one CPU before its PDF's layout
could start), and ziamath's fonts never loaded in the job itself.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
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
    drawings: dict[str, str] = {}  # each formula once (a book repeats its O(n) hundreds of times)
    new = []
    for mathml in dict.fromkeys(m.group(0) for m in _MATH.finditer(html)):
        # Sealed: a damaged drawing is drawn again.
        known = read_cached(_cached(mathml, stamp, cache)) if cache is not None else None
        if known is not None:
            drawings[mathml] = known.decode("utf-8")
        else:
            new.append(mathml)
    for mathml, svg in zip(new, _drawn(new, text_font)):
        drawings[mathml] = svg
        if cache is not None:
            write_cached(_cached(mathml, stamp, cache), svg.encode("utf-8"))
    return _MATH.sub(lambda m: drawings[m.group(0)], html)


SHARED_FROM = 40  # new formulas from which two forked copies draw half each (a fork costs ~20 ms)


def _drawn(formulas: list[str], text_font: Path | None) -> list[str]:
    """The drawings of `formulas`, in order, made in a forked copy of this process (two, each
    drawing every other one, from SHARED_FROM on): ziamath parses the fonts it draws with in
    Python, and what it keeps of them (~35 MB for the bundled serif) would stay in this
    process, the PDF job, for the rest of the build. A part that fails there is drawn here,
    with its error."""
    from . import forked

    if not formulas:
        return []
    if not forked.available():
        return [_draw(mathml, text_font) for mathml in formulas]
    parts = [formulas[0::2], formulas[1::2]] if len(formulas) >= SHARED_FROM else [formulas]

    def drawing(part: list[str]) -> Callable[[], list[str]]:
        return lambda: [_draw(mathml, text_font) for mathml in part]

    waiting = [forked.start(drawing(part)) for part in parts]  # all started before any is awaited
    done: list[list[str]] = []
    for part, wait in zip(parts, waiting):
        try:
            done.append(wait())
        except forked.Failed:
            done.append([_draw(mathml, text_font) for mathml in part])
    if len(done) == 1:
        return done[0]
    drawn = [""] * len(formulas)
    drawn[0::2], drawn[1::2] = done
    return drawn


def _cached(mathml: str, stamp: str, cache: Path) -> Path:
    key = hashlib.sha256(f"{stamp}\n{mathml}".encode()).hexdigest()[:32]
    return cache / "math" / f"{key}.svg"


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
