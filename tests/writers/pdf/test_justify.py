"""The CJK justification extension is tied to WeasyPrint internals: these tests fail on an upgrade
that breaks it (see also test_typography's flush-line measure)."""

from __future__ import annotations

import weasyprint
from weasyprint.layout import inline
from weasyprint.text import line_break

from publish.writers.pdf import justify


def test_weasyprint_is_the_pinned_version():
    from publish.writers.pdf import engine

    assert weasyprint.__version__ == engine.PINNED, (
        "publish/pdf/justify.py, images.py and pagerefs.py extend WeasyPrint internals; re-check them "
        "against this version, then update PINNED in publish/pdf/engine.py and the pin in pyproject.toml")


def test_install_replaces_the_justification_hooks():
    justify.install()
    assert inline.count_expandable_spaces.__module__ == justify.__name__
    assert inline.justify_line.__module__ == justify.__name__
    assert line_break.Layout.set_text.__module__ == justify.__name__


def test_gaps_after_cjk_characters_are_expandable():
    assert justify.expandable("中文排版") == 3
    assert justify.expandable("中文，排版。”") == 3  # 中 ， 排: none before a mark
    assert justify.expandable("中文 ABC") == 2  # 文 is followed by a space, counted once (the space)
    assert justify.expandable("plain text") == 1


def test_a_chinese_paragraph_fills_the_measure():
    html = ('<p style="width: 300pt; text-align: justify; font: 10pt \'Publish Serif\'; margin: 0">'
            + "这是一段没有空格的中文文字，用来检验两端对齐。" * 6 + "</p>")
    from pathlib import Path

    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    justify.install()
    fonts = Path(__file__).resolve().parents[3] / "fonts"
    config = FontConfiguration()
    css = CSS(string=f"@font-face {{ font-family: 'Publish Serif'; src: url('{(fonts / 'NotoSerifCJKPublish-Regular.otf').as_uri()}'); }}"
              "@page { size: 400pt 400pt; margin: 10pt } body { margin: 0 }", font_config=config)
    document = HTML(string=html).render(stylesheets=[css], font_config=config)
    lines = list(_line_boxes(document.pages[0]._page_box))
    assert len(lines) >= 4
    for line in lines[:-1]:
        text_end = max(child.position_x + child.width for child in line.children)
        assert abs(text_end - (10 + 300) * 4 / 3) < 0.5 * 4 / 3, text_end


def _line_boxes(box):
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.LineBox):
        yield box
        return
    for child in getattr(box, "children", ()):
        yield from _line_boxes(child)


def test_page_styles_hook_is_installed():
    from weasyprint.layout import page

    from publish.writers.pdf import pagestyles

    pagestyles.install()
    assert page.set_page_type_computed_styles.__module__ == pagestyles.__name__
