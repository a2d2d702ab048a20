"""Lines broken from a prefix of about a line and a half (writers/pdf/shortlines.py) break where
WeasyPrint breaks them from its own four-line prefix: the same PDF bytes with and without the
extension, with the CJK extensions on (autospace, justification), for Chinese, Japanese (an
Aozora Bunko text, its line-start rules), mixed Latin and CJK, long URLs, hyphenated English,
soft hyphens, preserved white space, narrow columns and letter spacing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import run_script

from publish.writers.pdf.shortlines import LINES, prefix_length

_SCRIPT = r"""
import json, sys
import weasyprint
from publish.writers.pdf import justify, shortlines
justify.install()
if sys.argv[1] == "short":
    shortlines.install()
html = sys.stdin.read()
data = weasyprint.HTML(string=html).write_pdf(uncompressed_pdf=True)
sys.stdout.write(json.dumps({"pdf": data.hex(), "counts": shortlines.counts}))
"""

_BOTCHAN = Path(__file__).parents[2] / "cases" / "ja" / "manuscript" / "articles" / "botchan.txt"


def _aozora_paragraphs(count: int) -> list[str]:
    """The first paragraphs of 坊っちゃん, without the ruby and the editor's notes."""
    text = _BOTCHAN.read_bytes().decode("shift_jis")
    text = re.sub(r"《[^》]*》|｜|［＃[^］]*］", "", text)
    return [line.strip() for line in text.splitlines() if line.startswith("\u3000") and len(line) > 40][:count]


_ZH = ("栏的高度要一遍遍试出来：先按整页排，再为了平衡从平均高度起逐步加高，每一遍都把同样的行重排一次。"
       "“引号”、（括号）与《书名号》不能出现在行首的标点——破折号……省略号，都按规则处理。")
_MIXED = ("在 2020 年，WeasyPrint 与 Pango 的排版引擎处理了 CJK 和 Latin 混排的文字：例如 split_first_line "
          "这个函数，以及 https://example.com/a/very/long/path/that/cannot/break/anywhere/at/all 这样的网址。")
_EN = ("Typography is the art and technique of arranging type to make written language legible, readable "
       "and appealing when displayed; incomprehensibilities and internationalization are long words. ")


def _html(body: str, style: str = "") -> str:
    return ("<html><head><style>@page { size: 120mm 160mm; margin: 10mm }"
            " body { font: 9pt/14pt sans-serif; margin: 0; text-align: justify }"
            " .narrow { width: 30mm } .cols { columns: 2; column-gap: 4mm }"
            " .spaced { letter-spacing: 0.1em } .pre { white-space: pre-wrap } .big { font-size: 150% }"
            " .hy { hyphens: auto } .keep { word-break: keep-all } .anywhere { overflow-wrap: anywhere }"
            + style + "</style></head><body>" + body + "</body></html>")


CASES = {
    "chinese": _html("<div lang='zh' class='cols'>" + "".join(f"<p>{_ZH * 3}</p>" for _ in range(6)) + "</div>"),
    "japanese": _html("<div lang='ja'>" + "".join(f"<p>{p}</p>" for p in _aozora_paragraphs(12)) + "</div>"),
    "japanese-narrow": _html("<div lang='ja' class='narrow'>" + "".join(
        f"<p>{p}</p>" for p in _aozora_paragraphs(4)) + "</div>"),
    "mixed": _html("<div lang='zh'>" + "".join(f"<p>{_MIXED * 2}</p><p class='narrow'>{_MIXED}</p>"
                                               for _ in range(3)) + "</div>"),
    "spans": _html("<p lang='zh'>" + (_ZH + "<b class='big'>加大的字</b><i>斜体 italic</i>") * 4 + "</p>"),
    "english": _html("<div lang='en'>" + f"<p>{_EN * 4}</p><p class='hy'>{_EN * 4}</p>"
                     + f"<p>{_EN.replace('ization', '&shy;ization') * 3}</p></div>"),
    "styles": _html("<div lang='zh'>" + f"<p class='spaced'>{_ZH * 2}</p><p class='pre'>{_ZH}\n{_ZH * 2}</p>"
                    f"<p class='keep'>{_MIXED}</p><p class='anywhere narrow'>{_MIXED}</p></div>"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_pdf_is_the_one_laid_out_from_four_lines(case):
    html = CASES[case]
    before = run_script(_SCRIPT, "whole", stdin=html)
    after = run_script(_SCRIPT, "short", stdin=html)
    assert after["pdf"] == before["pdf"]
    short, whole = after["counts"]
    if case != "english":  # CJK text is split from its short prefix, the whole text only where it must be
        assert short > whole, after["counts"]


def test_the_prefix_is_a_line_and_a_half_by_the_characters_widths():
    assert prefix_length("中" * 200, 20) == int(20 * LINES) + 4
    latin = prefix_length("a" * 400, 20)
    assert latin >= 2 * int(20 * LINES)  # half-width letters: twice as many
    mixed = prefix_length("中文 and English 混排 " * 40, 20)
    assert int(20 * LINES) + 4 < mixed < latin
    assert prefix_length("中" * 30, 20) == 0  # the whole text is hardly longer: no prefix
