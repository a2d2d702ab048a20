"""Ruby and emphasis dots in the PDF, which WeasyPrint 70 cannot lay out (WeasyPrint #406).

The theme (print.css) sets each <ruby> as an inline block with its <rt> absolutely positioned
above the base, centred, so the line keeps its height. That places one reading over one
base, so this pass splits per-character ruby (`<ruby>漢<rt>かん</rt>字<rt>じ</rt></ruby>`) into
one ruby a character. Emphasis dots (傍点, 着重号; cjk/ruby.py's `<em class="bouten …">`) are
drawn as a background of each character (print.css: a dot above it in Japanese, below it in
Chinese), so no dot enters the PDF's text.
"""

from __future__ import annotations

import re

_RP = re.compile(r"<rp>[^<]*</rp>")  # fallback parentheses: print.css hides them anyway
_MONO = re.compile(r"<ruby>((?:[^<]+<rt>[^<]*</rt>){2,})</ruby>")
_PAIR = re.compile(r"([^<]+)<rt>([^<]*)</rt>")
_BOUTEN = re.compile(r'(<em class="bouten bouten-[a-z-]+">)([^<]*)(</em>)')
_ENTITY = re.compile(r"&[#A-Za-z0-9]+;|.", re.S)


def prepare(html: str) -> str:
    """The document's ruby split per base, its emphasised characters each in a span."""
    html = _RP.sub("", html) if "<rp>" in html else html
    html = _MONO.sub(lambda m: "".join(f"<ruby>{base}<rt>{reading}</rt></ruby>"
                                       for base, reading in _PAIR.findall(m.group(1))), html)
    return _BOUTEN.sub(lambda m: m.group(1) + "".join(
        f'<span class="bouten-c">{c}</span>' for c in _ENTITY.findall(m.group(2))) + m.group(3), html)
