"""The Aozora Bunko reader (render/aozora/): Shift_JIS, header and footer, headings, gaiji,
ruby and 傍点, on the ja fixture's 坊っちゃん and on small texts."""

from __future__ import annotations

from pathlib import Path

from publish.diagnostics import Report
from publish.render.aozora import AozoraReader, decode_aozora
from publish.render.readers import RenderContext

FIXTURE = Path(__file__).resolve().parents[1] / "cases" / "ja" / "manuscript" / "articles" / "botchan.txt"


def _read(path: Path):
    report = Report()
    article = AozoraReader().read(path.parent, path.stem, path, None, report)
    assert article is not None and not report.items, report.items
    return article, AozoraReader().render(article, RenderContext(path.parent, report)), report


def test_the_fixture_is_shift_jis_with_aozoras_header_and_footer():
    data = FIXTURE.read_bytes()
    data.decode("shift_jis")  # as Aozora ships it
    article, rendered, report = _read(FIXTURE)
    assert (article.title, article.authors, article.lang) == ("坊っちゃん", ("夏目漱石",), "ja")
    assert article.source == "「ちくま日本文学全集　夏目漱石」筑摩書房"
    assert "【テキスト中に現れる記号について】" not in rendered.html and "底本" not in rendered.html
    assert rendered.html.startswith('<h2 id="botchan-h1">一</h2>\n<p id="botchan-p1"><ruby>親譲<rt>おやゆず</rt></ruby>')
    assert "　" not in rendered.html.split("\n")[1][:40]  # the indent is the theme's
    assert report.items == []


def test_gaiji_headings_and_emphasis(tmp_path):
    text = ("題\n著者\n\n［＃「一」は大見出し］\n　※［＃「てへん＋劣」、第3水準1-84-77］と※［＃「口＋世」、U+546D、12-3］。"
            "大事［＃「大事」に傍点］、［＃ここから２字下げ］未知［＃「未知」は縦中横］\n")
    path = tmp_path / "t.txt"
    path.write_bytes(text.encode("utf-8"))
    report = Report()
    article = AozoraReader().read(tmp_path, "t", path, None, report)
    rendered = AozoraReader().render(article, RenderContext(tmp_path, report))
    assert '<h2 id="t-h1">一</h2>' in rendered.html
    assert "挘と呭" in rendered.html
    assert '<em class="bouten bouten-sesame">大事</em>' in rendered.html
    assert [d.code for d in report.items] == ["W232"]  # 縦中横 is not carried out; 字下げ silently


def test_neither_shift_jis_nor_utf8():
    assert decode_aozora(b"\x81\xff\xfe\x00") is None
    assert decode_aozora("親譲《おやゆず》り".encode("cp932")) == "親譲《おやゆず》り"
