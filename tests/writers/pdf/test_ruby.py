"""The PDF's ruby pass (writers/pdf/ruby.py): per-character ruby split into one ruby a base
(each reading then centred over its own character), emphasised characters one span each."""

from publish.writers.pdf.ruby import prepare


def test_per_character_ruby_is_split_and_fallback_parentheses_dropped():
    html = "<ruby>漢<rp>（</rp><rt>かん</rt><rp>）</rp>字<rp>（</rp><rt>じ</rt><rp>）</rp></ruby>"
    assert prepare(html) == "<ruby>漢<rt>かん</rt></ruby><ruby>字<rt>じ</rt></ruby>"
    assert prepare("<ruby>東京<rt>とうきょう</rt></ruby>") == "<ruby>東京<rt>とうきょう</rt></ruby>"


def test_emphasised_characters_each_get_a_span():
    assert prepare('<em class="bouten bouten-sesame">大事&amp;</em>') == (
        '<em class="bouten bouten-sesame"><span class="bouten-c">大</span><span class="bouten-c">事</span>'
        '<span class="bouten-c">&amp;</span></em>')
    assert prepare("<em>強調</em>") == "<em>強調</em>"
