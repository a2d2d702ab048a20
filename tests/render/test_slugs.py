"""Heading ids by GitHub's rules: github-slugger's own fixtures (made against github.com) and CJK headings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from publish.render.slugs import Slugger, slug

# github-slugger 2.0.0 test/fixtures.json (ISC licence, Titus Wormer and contributors).
FIXTURES = json.loads((Path(__file__).parent / "data" / "github-slugger-fixtures.json").read_text(encoding="utf-8"))


def test_github_sluggers_fixtures():
    slugger = Slugger()
    got = [(case["name"], slugger.slug(case["input"])) for case in FIXTURES]
    wrong = [(name, out, case["expected"]) for (name, out), case in zip(got, FIXTURES) if out != case["expected"]]
    assert not wrong, wrong


@pytest.mark.parametrize("heading, expected", [
    ("数组常用操作", "数组常用操作"),
    ("1.4.1 式(1.1)和式(1.2)的解释", "141-式11和式12的解释"),
    ("前言 / Preface", "前言--preface"),
    ("使用 Box<T> 指向堆上的数据", "使用-boxt-指向堆上的数据"),
    ("第一章　概述", "第一章概述"),  # U+3000 disappears, it does not become '-'
    ("什么是「所有权」？", "什么是所有权"),
    ("Ｃ＋＋ 与 C#", "ｃ-与-c"),
])
def test_cjk_headings(heading, expected):
    assert slug(heading) == expected
