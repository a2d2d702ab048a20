"""Ruby (ルビ, 注音) and emphasis dots (傍点, 着重号): the notations authors write, the markup
both outputs share.

Notations, found in a run of text:
- Aozora Bunko: `｜親字《おやじ》` (explicit base), `漢字《かんじ》` (the base is the run of kanji
  before 《), and `［＃「…」に傍点］` after the text it marks (白ゴマ傍点, 丸傍点, 白丸傍点 too).
  Only in Japanese text: 《》 are also Chinese title marks (《红楼梦》).
- Markdown, as Vivliostyle Flavored Markdown and denden Markdown write it: `{漢字|かんじ}`
  (group ruby: the reading over the whole base) and `{漢字|かん|じ}` (one reading a character).

Markup: `<ruby>漢字<rt>かんじ</rt></ruby>`, per character `<ruby>漢<rt>かん</rt>字<rt>じ</rt></ruby>`;
emphasis `<em class="bouten bouten-sesame">…</em>` (the EPUB's CSS sets `text-emphasis`, the PDF
draws the dots: writers/pdf/ruby.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from .chars import HAN

# Characters that continue a kanji run for Aozora's implicit base: 々 〆 ヶ 〇 and the ideographs.
_KANJI = f"{HAN}々〆ヵヶ〇仝"
_AOZORA_RUBY = re.compile(f"｜(?P<base>[^｜《》]+)《(?P<ruby>[^《》]*)》|(?P<kanji>[{_KANJI}]+)《(?P<ruby2>[^《》]*)》")
_MARKDOWN_RUBY = re.compile(r"\{(?P<base>[^{}|\n]+)\|(?P<ruby>[^{}\n]+)\}")
BOUTEN = {"傍点": "sesame", "白ゴマ傍点": "open-sesame", "丸傍点": "dot", "白丸傍点": "open-dot",
          "黒三角傍点": "triangle", "白三角傍点": "open-triangle", "二重丸傍点": "double-circle",
          "蛇の目傍点": "double-circle", "ばつ傍点": "sesame"}
_BOUTEN = re.compile("［＃「(?P<text>[^」]+)」に(?P<kind>" + "|".join(sorted(BOUTEN, key=len, reverse=True))
                     + ")］")
# The marks the dots are drawn with in the PDF, and the CSS keyword of `text-emphasis-style`.
DOT_MARKS = {"sesame": ("﹅", "filled sesame"), "open-sesame": ("﹆", "open sesame"),
             "dot": ("•", "filled dot"), "open-dot": ("◦", "open dot"),
             "triangle": ("▲", "filled triangle"), "open-triangle": ("△", "open triangle"),
             "double-circle": ("◎", "filled double-circle")}


@dataclass(frozen=True)
class Ruby:
    base: str
    readings: tuple[str, ...]  # one: group ruby; one per base character: mono ruby


@dataclass(frozen=True)
class Emphasis:
    text: str
    kind: str  # a key of DOT_MARKS


Piece = str | Ruby | Emphasis
Warn = Callable[[str, str, int], None]  # (code name, message, offset in the text)


def ruby_html(ruby: Ruby, text: Callable[[str], str] = lambda s: escape(s, quote=False)) -> str:
    """The XHTML of one ruby; `text` escapes (and may typeset) the base's characters."""
    if len(ruby.readings) == 1:
        return f"<ruby>{text(ruby.base)}<rt>{escape(ruby.readings[0], quote=False)}</rt></ruby>"
    return "<ruby>" + "".join(f"{text(char)}<rt>{escape(reading, quote=False)}</rt>"
                              for char, reading in zip(ruby.base, ruby.readings)) + "</ruby>"


def emphasis_html(emphasis: Emphasis, text: Callable[[str], str] = lambda s: escape(s, quote=False)) -> str:
    return f'<em class="bouten bouten-{emphasis.kind}">{text(emphasis.text)}</em>'


def markdown_ruby(base: str, readings: str, warn: Warn | None = None, offset: int = 0) -> Ruby:
    """`{base|readings}`: per character when the readings are as many as the base's characters."""
    parts = readings.split("|")
    if len(parts) == 1:
        return Ruby(base, (readings,))
    if len(parts) == len(base) and all(parts):
        return Ruby(base, tuple(parts))
    if warn is not None:
        warn("RUBY_COUNT", f"{{{base}|{readings}}}: {len(parts)} readings for {len(base)} characters; set as "
             "one reading over the whole base", offset)
    return Ruby(base, ("".join(parts),))


def split_markdown(text: str, warn: Warn | None = None) -> list[Piece]:
    """A run of Markdown text with `{漢字|かんじ}` ruby found in it."""
    pieces: list[Piece] = []
    pos = 0
    for match in _MARKDOWN_RUBY.finditer(text):
        base, readings = match.group("base"), match.group("ruby")
        if not base.strip() or not readings.strip("|").strip():
            continue
        pieces.append(text[pos:match.start()])
        pieces.append(markdown_ruby(base, readings, warn, match.start()))
        pos = match.end()
    pieces.append(text[pos:])
    return [p for p in pieces if p != ""]


def split_aozora(text: str, warn: Warn | None = None) -> list[Piece]:
    """A run of Japanese text with Aozora ruby and 傍点 found in it."""
    pieces: list[Piece] = []
    pos = 0
    for match in _AOZORA_RUBY.finditer(text):
        base = match.group("base") or match.group("kanji")
        reading = match.group("ruby") if match.group("base") else match.group("ruby2")
        if not reading:
            if warn is not None:
                warn("UNCLOSED_RUBY", f"{match.group(0)}: empty reading; printed as written", match.start())
            continue
        pieces.append(text[pos:match.start()])
        pieces.append(Ruby(base, (reading,)))
        pos = match.end()
    pieces.append(text[pos:])
    if warn is not None:
        for leftover in (p for p in pieces if isinstance(p, str)):
            if "《" in leftover and "》" not in leftover[leftover.index("《"):]:
                warn("UNCLOSED_RUBY", f"'《' without '》' in {leftover[:20]!r}: printed as written",
                     text.find(leftover))
    return _emphasis([p for p in pieces if p != ""], warn)


def _emphasis(pieces: list[Piece], warn: Warn | None) -> list[Piece]:
    """`［＃「…」に傍点］` after the text it marks: that text becomes an Emphasis."""
    out: list[Piece] = []
    for piece in pieces:
        if not isinstance(piece, str):
            out.append(piece)
            continue
        pos = 0
        for match in _BOUTEN.finditer(piece):
            before = piece[pos:match.start()]
            marked = match.group("text")
            if before.endswith(marked):
                out.append(before[:-len(marked)])
                out.append(Emphasis(marked, BOUTEN[match.group("kind")]))
            else:
                out.append(before)
                if warn is not None:
                    warn("ANNOTATION_NOT_FOUND", f"{match.group(0)}: 「{marked}」 is not just before it; left "
                         "unmarked", match.start())
            pos = match.end()
        out.append(piece[pos:])
    return [p for p in out if p != ""]


def is_japanese(language: str | None) -> bool:
    tag = (language or "").lower()
    return tag == "ja" or tag.startswith("ja-")
