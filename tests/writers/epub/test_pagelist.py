"""Page markers in the EPUB: where a printed page begins, never where XHTML forbids a <span>."""

from __future__ import annotations

from publish.model import PageMark
from publish.writers.epub.pagelist import insert_pagebreaks


def test_a_page_that_begins_at_a_table_row_is_marked_in_its_first_cell():
    html = '<table><tr id="a-tr1"><td>甲</td><td>乙</td></tr><tr id="a-tr2">\n<th scope="row">丙</th></tr></table>'
    marked = insert_pagebreaks(html, [PageMark("3", "a", "a-tr1", 0), PageMark("4", "a", "a-tr2", 0)])
    assert '<tr id="a-tr1"><td><span epub:type="pagebreak"' in marked
    assert '<tr id="a-tr2">\n<th scope="row"><span epub:type="pagebreak"' in marked


def test_a_page_that_begins_inside_a_paragraph_is_marked_at_its_character():
    html = '<p id="a-p1">一二<b>三</b>四</p>'
    marked = insert_pagebreaks(html, [PageMark("2", "a", "a-p1", 3)])
    assert marked.startswith('<p id="a-p1">一二<b>三<span epub:type="pagebreak"'), "before </b> reads the same"
