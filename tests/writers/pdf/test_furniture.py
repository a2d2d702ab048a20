"""Margin boxes made apart from the body (furniture.py): a document laid out while recording has
no margin boxes and gives its plan; the plan furnished at a shift gives the margin boxes stock
WeasyPrint makes for the document laid out there; what cannot move is said."""

from __future__ import annotations

import pytest
from weasyprint import CSS, HTML
from weasyprint.formatting_structure import boxes

from publish.writers.pdf import furniture, runs

STYLE = """
@page { size: 100mm 80mm; margin: 15mm 10mm; }
@page :left { margin-left: 20mm; margin-right: 10mm; @bottom-left { content: counter(page); } @top-left { content: string(title); } }
@page :right { margin-left: 10mm; margin-right: 20mm; @bottom-right { content: counter(page); } @top-right { content: string(title, last); } }
@page :nth(1 of opener) { @top-left { content: none; } @top-right { content: none; } }
body { font-size: 10pt; }
.article { page: opener; string-set: title attr(data-title); }
"""
BODY = "".join(f"<p>第{i}段，一些正文。</p>" for i in range(60))
HEAD = "<html><body>"
HTML_TEXT = f'{HEAD}<div class="article" data-title="甲">{BODY}</div><h2 class="article" data-title="乙">乙</h2>' \
            f"<p>{BODY}</p></body></html>"


def _render(text: str, start: int):
    runs.install()
    furniture.install()
    with runs.starting_on(start):
        return HTML(string=text).render(stylesheets=[CSS(string=STYLE + runs.start_css(start))])


def _margins(document) -> list[list[tuple[str, str, float, float]]]:
    """Each page's margin boxes: where, what text, at which position."""
    found = []
    for page in document.pages:
        items = []
        for box in page._page_box.children:
            if isinstance(box, boxes.MarginBox):
                text = "".join(b.text for b in box.descendants() if isinstance(b, boxes.TextBox))
                items.append((box.at_keyword, text, round(box.position_x, 3), round(box.position_y, 3)))
        found.append(sorted(items))
    return found


def test_a_recorded_layout_has_no_margin_boxes_and_a_plan():
    with furniture.recording() as recorder:
        document = _render(HTML_TEXT, 1)
    assert len(document.pages) > 2 and _margins(document) == [[]] * len(document.pages)
    plan = recorder.plan()
    assert plan is not None and len(plan.pages) == len(document.pages)
    assert furniture.Plan.from_json(plan.to_json()) == plan
    assert [p.counters["page"] for p in plan.pages] == [[n] for n in range(1, len(plan.pages) + 1)]
    assert plan.strings["title"][1] == ["甲"]


@pytest.mark.parametrize("shift", [0, 1, 2, 7])
def test_the_plan_furnished_at_a_shift_is_the_margin_boxes_laid_out_there(shift):
    with furniture.recording() as recorder:
        _render(HTML_TEXT, 1)
    plan = recorder.plan()
    assert plan is not None and plan.movable(shift)
    with furniture.furnishing(plan, shift) as found:
        furnished = _render(HEAD + "</body></html>", 1 + shift)
    stock = _render(HTML_TEXT, 1 + shift)
    assert _margins(furnished) == _margins(stock)
    assert any(text for page in _margins(stock) for _, text, _, _ in page)  # folios and heads, not nothing
    # The body of a page that changed side moves by the difference of the sides' content boxes.
    side_shift = 20 - 10  # mm: the left page's outer margin is 20, the right page's inner 10
    expected = [0.0] * len(plan.pages) if shift % 2 == 0 else \
        [(side_shift if p.side == "right" else -side_shift) * 96 / 25.4 for p in plan.pages]
    assert found.dx == pytest.approx(expected)


def test_what_cannot_move_by_an_odd_number_of_pages():
    with furniture.recording() as recorder:
        _render(HTML_TEXT.replace('<h2 class="article"', '<h2 class="article" style="break-before: right"'), 1)
    sided = recorder.plan()
    assert sided is not None and sided.sided and sided.movable(2) and not sided.movable(1)
    with furniture.recording() as recorder:
        _render(HTML_TEXT.replace("<html>", "<html><style>@page { background: #eee }</style>"), 1)
    painted = recorder.plan()
    assert painted is not None and not painted.sided and painted.movable(4) and not painted.movable(3)
    with furniture.recording() as recorder:
        _render(HTML_TEXT.replace("<html>", "<html><style>h2 { position: running(head) } "
                                  "@page { @top-center { content: element(head) } }</style>"), 1)
    assert recorder.plan() is None  # running elements: the margin boxes stay with the body
    with furniture.recording() as recorder:
        _render(HTML_TEXT.replace("<html>", "<html><style>@page :left { margin-top: 25mm }</style>"), 1)
    taller = recorder.plan()
    assert taller is not None and taller.movable(1)  # known only when the other side's boxes are made
    with furniture.furnishing(taller, 2):
        _render(HEAD + "</body></html>", 3)
    with pytest.raises(furniture.Unmovable), furniture.furnishing(taller, 1):
        _render(HEAD + "</body></html>", 2)
