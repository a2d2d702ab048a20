"""Only linked ids stay anchors in the PDF (publish/pdf/anchors.py)."""

from __future__ import annotations

from publish.writers.pdf.anchors import element_id, linked_anchors


def test_linked_ids_stay_and_the_others_move_to_data_id():
    html = ('<nav><a href="#art">x</a></nav><article id="art" class="article"><p id="art-1">文</p>'
            '<h2 class="h" id="art-2">题</h2></article>')
    assert linked_anchors(html) == ('<nav><a href="#art">x</a></nav><article id="art" class="article">'
                                    '<p data-id="art-1">文</p><h2 class="h" data-id="art-2">题</h2></article>')


def test_text_that_looks_like_an_id_is_left_alone():
    html = '<pre class="code">&lt;div id="x"&gt; href="#y" id="y"</pre><p id="p">a id="q" b</p>'
    assert linked_anchors(html) == '<pre class="code">&lt;div id="x"&gt; href="#y" id="y"</pre><p data-id="p">a id="q" b</p>'


def test_element_id_reads_either():
    assert element_id({"id": "a"}) == "a" and element_id({"data-id": "b"}) == "b" and element_id({}) is None
