"""One list of CJK character classes and picture-credit prefixes for the whole package."""

from __future__ import annotations

import pytest

from publish.cjk import chars
from publish.cjk.editorial import normalize_line
from publish.render.markdown.parser import parser


@pytest.mark.parametrize("line", ["图/新华社 张三", "图片/新华社 张三", "图片来源：视觉中国", "资料图／某某",
                                  "供图：本刊记者 李晗", "新华社记者 鞠鹏 摄"])
def test_the_parser_and_the_editorial_pass_agree_on_credit_lines(line):
    assert chars.CREDIT.match(line)
    # The editorial pass keeps the space between role and name in every credit (it used to join
    # "图片/新华社 张三" into "图片/新华社张三": its own list lacked 图片 and 资料图).
    assert normalize_line(line) == line
    tokens = parser().parse(f"![图](a.png)\n说明文字。\n{line}\n")
    figure = next(t for t in tokens if t.type == "figure")
    assert "".join(t.content for t in figure.meta["credit"] if t.type == "text") == line


def test_a_caption_is_not_a_credit():
    assert not chars.CREDIT.match("图为会议现场")
    assert not chars.CREDIT.match("2月23日，会议在北京召开。")


def test_han_covers_the_extensions():
    for char in "中㐀𠀀𪜀𫝀𬺰":  # URO, Ext A, B, C, D, F
        assert chars.is_han(char)
    assert not chars.is_han("あ") and not chars.is_han("A") and not chars.is_han("，")
