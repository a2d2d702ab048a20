"""checks/languages.py: the rendered articles in their edition's language."""

from __future__ import annotations

from PIL import Image

from publish.checks import check
from publish.diagnostics import Report


def test_figure_labels_follow_each_articles_language(tmp_path):
    """A Japanese article of a Chinese book labels its figures 図, its Chinese neighbour 图 (numbered
    through the book)."""
    manuscript = tmp_path / "manuscript"
    (manuscript / "articles").mkdir(parents=True)
    (manuscript / "images").mkdir()
    Image.new("RGB", (1200, 800), (40, 90, 160)).save(manuscript / "images" / "a.png")
    (manuscript / "publication.yaml").write_text("title: 书\nlanguage: zh-Hans\ncontents: [zh, ja]\n",
                                                 encoding="utf-8")
    figure = "\n\n![一张图](../images/a.png)\n图：说明\n"
    (manuscript / "articles" / "zh.md").write_text("---\ntitle: 中文\n---\n正文。" + figure, encoding="utf-8")
    (manuscript / "articles" / "ja.md").write_text("---\ntitle: 日本語\nlang: ja\n---\n本文。" + figure,
                                                   encoding="utf-8")
    report = Report()
    book = check(tmp_path, report)
    assert book is not None, [d.format(tmp_path) for d in report.items]
    html = {item.article.name: item.html for item in book.rendered}
    assert '<span class="figure-label">图1</span>' in html["zh"]
    assert '<span class="figure-label">図2</span>' in html["ja"]
