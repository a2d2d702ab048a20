"""Unit tests of the Chinese typographic normalisation pass (publish.editorial)."""

from __future__ import annotations

import pytest

from publish.cjk.editorial import (
    fix_dashes,
    fix_ellipses,
    fix_fullwidth_punctuation,
    fix_spaces,
    normalize,
    normalize_credit,
)

# --- rule 1: ellipses ---------------------------------------------------------

@pytest.mark.parametrize("src, expected", [
    ("多次听取汇报...", "多次听取汇报……"),
    ("多次听取汇报......", "多次听取汇报……"),
    ("等等。。。", "等等……"),
    ("斗争…", "斗争……"),
    ("斗争………", "斗争……"),
])
def test_ellipses(src, expected):
    assert fix_ellipses(src) == expected


@pytest.mark.parametrize("text", ["斗争……", "v1..v2", "1.5", "no ellipsis here"])
def test_ellipses_unchanged(text):
    assert fix_ellipses(text) == text


# --- rule 2: dashes -----------------------------------------------------------

@pytest.mark.parametrize("src, expected", [
    ("一场特别的会议—统筹推进", "一场特别的会议——统筹推进"),
    ("保护什么 — 谁来保护 — 怎么保护", "保护什么——谁来保护——怎么保护"),
    ("—中央政治局会议。", "——中央政治局会议。"),
    ("不对劲 — 拍摄者", "不对劲——拍摄者"),
    ("息！”— 2月4日", "息！”——2月4日"),
    ("— 2019年10月31日，全会通过", "——2019年10月31日，全会通过"),
    ("捉谣记 ―浙江", "捉谣记——浙江"),
])
def test_dashes(src, expected):
    assert fix_dashes(src) == expected


@pytest.mark.parametrize("text", [
    "时间：5月6日—8日",              # date range keeps one dash
    "2018年9月—2019年1月",
    "1—4",
    "已经是——破折号",                # already correct
    "---",                           # Markdown thematic break
    "1-7月", "E-mail", "监测分析-模型拟定",  # ASCII hyphens
])
def test_dashes_unchanged(text):
    assert fix_dashes(text) == text


# --- rule 3: full-width punctuation ------------------------------------------

@pytest.mark.parametrize("src, expected", [
    ("引导, 引领网络舆论", "引导，引领网络舆论"),
    ("主旨: 展示内蒙古", "主旨：展示内蒙古"),
    ("打造反诈利器, 预警新型网络犯罪", "打造反诈利器，预警新型网络犯罪"),
    ("真的吗?", "真的吗？"),
    ("(叶建春：水利部副部长)", "（叶建春：水利部副部长）"),
    ("石家庄(正定)国际会展中心", "石家庄（正定）国际会展中心"),
    ("艾媒咨询 (iiMedia Research)的研究", "艾媒咨询 （iiMedia Research）的研究"),
    ("新时代•幸福美丽新边疆", "新时代·幸福美丽新边疆"),
    ('他说"你好"', "他说“你好”"),
    ("5亿, 约", "5亿，约"),
])
def test_fullwidth(src, expected):
    assert fix_fullwidth_punctuation(src) == expected


@pytest.mark.parametrize("text", [
    "1,000", "10:30", "Shanghai, Let's Meet!", "(CLOUD Act)", "http://example.com",
    "[链接](http://example.com/a_(b))", 'say "hello"',
])
def test_fullwidth_unchanged(text):
    assert fix_fullwidth_punctuation(text) == text


# --- rule 4: spaces -------------------------------------------------------------

@pytest.mark.parametrize("src, expected", [
    ("这 正 是 得 益 于", "这正是得益于"),
    ("2 月 23 日", "2月23日"),
    ("复工复产 ，要", "复工复产，要"),
    ("“等保2.0 ”已于", "“等保2.0”已于"),
    ("使用  Linux  系统", "使用 Linux 系统"),
    ("发布 《报告》 显示", "发布《报告》显示"),
])
def test_spaces(src, expected):
    assert fix_spaces(src) == expected


@pytest.mark.parametrize("text", [
    "Tim B Lee", "App Store", "IC photo", "腾讯 QQ 飞车",
    "深入一线报道\u3000搭建服务平台",     # ideographic space is deliberate
    "    indented", "hard break  ",
])
def test_spaces_unchanged(text):
    assert fix_spaces(text) == text


def test_credit_keeps_spaces():
    assert normalize_credit("图 / 新华社记者 鞠鹏 摄") == "图/新华社记者 鞠鹏 摄"
    assert normalize("图/新华社记者 鞠鹏 摄") == "图/新华社记者 鞠鹏 摄"
    assert normalize("供图/东方网") == "供图/东方网"


# --- the Markdown-aware entry point ------------------------------------------------

def test_normalize_paragraph():
    src = "2 月 23 日，一场特别的会议—统筹推进新冠肺炎疫情防控... 引导, 引领"
    assert normalize(src) == "2月23日，一场特别的会议——统筹推进新冠肺炎疫情防控……引导，引领"


def test_normalize_front_matter_keeps_keys_and_names():
    src = "---\ntitle: 坚决打赢 , 阻击战\nauthors: [本刊记者 李晗, 张韧]\n---\n正文"
    assert normalize(src) == "---\ntitle: 坚决打赢，阻击战\nauthors: [本刊记者 李晗, 张韧]\n---\n正文"


@pytest.mark.parametrize("text", [
    "---",
    ":::",
    "::: pullquote",
    "![占位图：会议现场（原图未收录）](../images/p03-meeting-4x3.png)",
    "`code — with ... dashes`",
    "```\n代码 , 不 动...\n```",
    "~~~python\nprint('a — b')\n~~~",
    "| 公布时间 | 名称 |\n| --- | --- |",
    "<https://example.com/a—b>",
    "参见 https://example.com/path?a=1,2 网站",
    "[^1]: 注释",
])
def test_normalize_leaves_markdown_syntax_alone(text):
    assert normalize(text) == text


def test_normalize_image_alt_is_normalised_but_target_is_not():
    src = "![占位图 : 会议 现场](../images/a_b-4x3.png)"
    assert normalize(src) == "![占位图：会议现场](../images/a_b-4x3.png)"


def test_normalize_sidebar_title():
    assert normalize("::: sidebar 资料 链接") == "::: sidebar 资料链接"


def test_normalize_headings_and_lists():
    assert normalize("## 变量一 : 重要的时间节点") == "## 变量一：重要的时间节点"
    assert normalize("- 第一 , 坚决") == "- 第一，坚决"


def test_normalize_is_idempotent():
    src = ("---\ntitle: 关键阶段 , 习近平\n---\n\n他说... 好 — 的 (注)\n\n"
           "![图](../images/x-4x3.png)\n图/新华社记者 鞠鹏 摄\n")
    once = normalize(src)
    assert normalize(once) == once


def test_normalize_preserves_line_structure():
    src = "第一段\n\n第二段  \n续行\n"
    out = normalize(src)
    assert out.count("\n") == src.count("\n")
    assert out.endswith("\n")
