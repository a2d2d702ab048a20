"""中西文间距 as Pango attributes (publish/pdf/autospace.py) draws what the spans drew."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber
import pytest
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from publish.cjk.typography import typeset
from publish.writers.pdf import autospace, justify

FONT = Path(__file__).resolve().parents[3] / "fonts" / "NotoSerifCJKPublish-Regular.otf"
MIXED = ("2020年2月23日，在Apple Books、Kindle和Kobo等阅读器上，中英文混排应当有四分之一个全角的间距，"
         "例如iPhone 11与5G网络、第195期以及COVID-19疫情。数字123456与汉字之间、<strong>粗体</strong>5G"
         "与<em>斜体</em>之间的间距也一样，“引号”中的Latin词也是。他说：“成都，都成”，当然（见《网络传播》）。”"
         "这些连续的标点应当挤压为一个半全角的宽度。")


def _pdf(body: str, width_pt: int) -> bytes:
    justify.install()
    config = FontConfiguration()
    css = CSS(string=f"@font-face {{ font-family: S; src: url('{FONT.as_uri()}'); }}"
              "@page { size: 600pt 800pt; margin: 20pt } body { margin: 0 }"
              f"p {{ font: 10pt S; width: {width_pt}pt; text-align: justify; text-indent: 2em; margin: 0 0 10pt }}"
              ".as-l { margin-left: 0.25em } .as-r { margin-right: 0.25em } .halt { font-feature-settings: 'halt' }",
              font_config=config)
    return HTML(string=body).write_pdf(stylesheets=[css], font_config=config)


def _rows(pdf: bytes) -> list[list[dict]]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        rows: dict[float, list[dict]] = {}
        for char in document.pages[0].chars:
            rows.setdefault(round(char["top"], 1), []).append(char)
    return [sorted(rows[top], key=lambda c: c["x0"]) for top in sorted(rows)]


def _paragraphs() -> str:
    # Inline elements put carriers at the ends of text boxes, where Pango drops half of a spacing.
    parts = re.split(r"(<[^>]+>)", MIXED)
    body = "".join(part if part.startswith("<") else typeset(part, parts[i - 2][-1:] if i > 1 else "",
                                                              parts[i + 2][:1] if i + 2 < len(parts) else "")
                   for i, part in enumerate(parts))
    return "".join(f'<p style="width: {w}pt">{body}</p>' for w in (500, 313, 207))


def test_to_attributes_unwraps_the_spans_and_keeps_the_text():
    html = typeset("在Apple Books上，于 2019 年“会议。”他说")
    assert 'class="halt"' in html and 'class="as-l as-r"' in html
    converted = autospace.to_attributes(html)
    assert "<span" not in converted
    assert converted.replace(autospace.CARRIER, "") == "在Apple Books上，于2019年“会议。”他说"
    assert converted.startswith("在\u200bApple Books\u200b上")


def test_halt_goes_where_typeset_put_its_spans():
    text = "“成都，都成”，当然。”（新华社）。"
    marked = [m.start() for m in autospace.HALT.finditer(text)]
    spans = typeset(text)
    assert [text[i] for i in marked] == re.findall(r'<span class="halt">(.)</span>', spans)


def test_the_carrier_spacing_doubles_at_a_text_edge():
    assert autospace.carrier_spacing("\u200b5G\u200b时代", 10) == [(0, 1, 5.0), (3, 4, 2.5)]
    assert autospace.carrier_spacing("时代\u200b5G\u200b", 10) == [(2, 3, 2.5), (5, 6, 5.0)]


@pytest.fixture(scope="module")
def both():
    html = _paragraphs()
    return _rows(_pdf(html, 500)), _rows(_pdf(autospace.to_attributes(html), 500))


def test_lines_break_where_the_spans_broke_them(both):
    spans, carried = both
    assert len(spans) == len(carried) >= 8
    for row_spans, row_carried in zip(spans, carried):
        assert [c["text"] for c in row_spans] == [c["text"] for c in row_carried]
    # (Within a line the justification's stretch may sit on the other side of a carrier, where
    # the span had a text box's edge; the lines' ends are checked against the measure below.)


def test_a_quarter_em_between_han_and_latin(both):
    _, carried = both
    gaps, last_rows = [], {id(rows[-1]) for rows in _by_paragraph(carried)}
    for row in carried:
        justified = id(row) not in last_rows
        for a, b in zip(row, row[1:]):
            if (_han(a["text"]) and b["text"].isalnum() and b["text"].isascii()) or \
                    (_han(b["text"]) and a["text"].isalnum() and a["text"].isascii()):
                gap = (b["x0"] - a["x1"]) / 10
                gaps.append(gap)
                # Exact where nothing is stretched: a WeasyPrint 70 bug drew each carrier 2.4 % wide.
                assert gap > 0.25 - 0.003 if justified else abs(gap - 0.25) < 0.003, (a["text"], b["text"], gap)
    assert len(gaps) >= 30


def test_no_line_starts_with_a_quarter_em(both):
    _, carried = both
    assert {round(row[0]["x0"], 2) for row in carried} <= {20.0, 40.0}


def _by_paragraph(rows: list[list[dict]]) -> list[list[list[dict]]]:
    """Rows grouped by paragraph: paragraphs are 10 pt apart, lines within one about 4 pt."""
    paragraphs = [[rows[0]]]
    for above, row in zip(rows, rows[1:]):
        if row[0]["top"] - above[0]["bottom"] > 7:
            paragraphs.append([])
        paragraphs[-1].append(row)
    assert len(paragraphs) == 3
    return paragraphs


def _han(text: str) -> bool:
    return "\u4e00" <= text <= "\u9fff"


def test_justified_lines_ending_at_a_carrier_are_flush(both):
    _, carried = both
    paragraphs = _by_paragraph(carried)
    at_carrier = 0
    for rows, width in zip(paragraphs, (500, 313, 207)):
        for index, row in enumerate(rows[:-1]):
            assert abs(row[-1]["x1"] - (20 + width)) < 0.3, ("".join(c["text"] for c in row), row[-1]["x1"])
            latin_before = row[-1]["text"].isascii() and not rows[index + 1][0]["text"].isascii()
            latin_after = rows[index + 1][0]["text"].isascii() and not row[-1]["text"].isascii()
            at_carrier += latin_before or latin_after
    assert at_carrier >= 2, "the fixture must break lines beside a Latin run"


def test_the_carrier_is_not_in_the_text(both):
    _, carried = both
    text = "".join(c["text"] for row in carried for c in row)
    assert "\u200b" not in text
    assert "AppleBooks" in text.replace(" ", "") and "5G网络" in text


def test_page_marks_count_the_text_without_carriers():
    """The page-list's offsets are into the EPUB's text, which has no carriers."""
    from weasyprint.formatting_structure import boxes

    from publish.writers.pdf import anchors
    from publish.writers.pdf.pagemap import page_marks

    text = "".join(f"第{n}段：2020年有{n * 7}个App与5G相关。" for n in range(1, 40))
    body = autospace.to_attributes(typeset(text))
    html = anchors.linked_anchors(f'<article id="a"><p id="a-1">{body}</p></article><a href="#a">a</a>')
    assert '<article id="a">' in html and '<p data-id="a-1">' in html  # linked, not linked
    justify.install()
    config = FontConfiguration()
    css = CSS(string=f"@font-face {{ font-family: S; src: url('{FONT.as_uri()}'); }}"
              "@page { size: 200pt 200pt; margin: 10pt } body { margin: 0 } p { font: 10pt S; margin: 0 }",
              font_config=config)
    document = HTML(string=html).render(stylesheets=[css], font_config=config)
    assert len(document.pages) >= 3
    marks = list(page_marks(document, {"a"}))
    for mark, page in zip(marks[1:], document.pages[1:]):
        assert mark.element == "a-1"
        first = next(b for b in page._page_box.descendants() if isinstance(b, boxes.TextBox))
        assert text[mark.offset:].startswith(first.text.replace(autospace.CARRIER, "")[:12]), (mark, first.text[:12])
