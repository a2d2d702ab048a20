"""Ruby and emphasis notations (cjk/ruby.py) and the labels table (cjk/locale.py)."""

from __future__ import annotations

from publish.cjk import locale
from publish.cjk.ruby import Emphasis, Ruby, ruby_html, split_aozora, split_markdown


def test_markdown_ruby_group_and_per_character():
    assert split_markdown("{東京|とうきょう}へ") == [Ruby("東京", ("とうきょう",)), "へ"]
    assert split_markdown("{大学|だい|がく}") == [Ruby("大学", ("だい", "がく"))]
    warned = []
    assert split_markdown("{東京都|とう|きょう}", lambda *a: warned.append(a[0])) == [Ruby("東京都", ("とうきょう",))]
    assert warned == ["RUBY_COUNT"]
    assert split_markdown("a {not ruby} b") == ["a {not ruby} b"]
    assert ruby_html(Ruby("大学", ("だい", "がく"))) == "<ruby>大<rt>だい</rt>学<rt>がく</rt></ruby>"


def test_aozora_ruby_finds_its_base():
    assert split_aozora("親譲《おやゆず》りの") == [Ruby("親譲", ("おやゆず",)), "りの"]
    assert split_aozora("大層｜怒《おこ》って") == ["大層", Ruby("怒", ("おこ",)), "って"]
    assert split_aozora("ひらがな《かな》") == ["ひらがな《かな》"]  # no kanji before 《: not ruby
    assert split_aozora("これは大事［＃「大事」に傍点］だ") == ["これは", Emphasis("大事", "sesame"), "だ"]
    assert split_aozora("白［＃「白」に白丸傍点］") == [Emphasis("白", "open-dot")]


def test_labels_by_language_with_overrides():
    assert locale.labels("zh-CN")["contents"] == "目录"
    assert locale.labels("zh-TW")["contents"] == "目錄"
    assert locale.labels("zh-Hant-HK")["source"] == "資料來源"
    assert locale.labels("ja")["contents"] == "目次"
    assert locale.labels("ja", (("contents", "もくじ"),))["contents"] == "もくじ"
    assert locale.html_lang("zh-TW") == "zh-Hant-TW" and locale.html_lang("ja") == "ja"
    assert locale.accessibility_summary("zh-TW", (), True, True, True, False).startswith("本出版品")
