"""Unit tests of the shared Chinese typography markup (no characters added, only spans)."""

from __future__ import annotations

import html
import re

from publish.cjk.typography import typeset


def plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_latin_runs_touching_han_get_quarter_em_classes():
    assert typeset("在Apple Books上") == '在<span class="as-l as-r">Apple Books</span>上'
    assert typeset("2019年") == '<span class="as-r">2019</span>年'
    assert typeset("（CCTV）") == "（CCTV）", "no space next to punctuation"


def test_a_space_between_han_and_latin_becomes_the_margin():
    assert typeset("于 2019 年") == '于<span class="as-l as-r">2019</span>年'
    assert plain(typeset("，ABC 中")) == "，ABC中"
    assert typeset("plain english text") == "plain english text"


def test_runs_of_fullwidth_punctuation_are_compressed_but_the_last():
    assert typeset("会议。”他说") == '会议<span class="halt">。</span>”他说'
    assert typeset("（括号）。") == '（括号<span class="halt">）</span>。'
    assert typeset("他说，“好”") == '他说<span class="halt">，</span>“好”'
    assert typeset("单个。标点") == "单个。标点"


def test_text_is_escaped_and_never_changed_otherwise():
    source = "A&B <x> 中文“引号”。2020年"
    assert plain(typeset(source)).replace(" ", "") == source.replace(" ", "")
    assert "<x>" not in typeset(source)
