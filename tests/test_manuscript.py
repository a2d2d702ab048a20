"""Loading and validation: every mistake is a diagnostic with file, line, column and a stable code."""

from __future__ import annotations

from pathlib import Path

import pytest

from publish.build import check
from publish.diagnostics import Report
from publish.manuscript import load


def project(tmp_path: Path, publication: str, articles: dict[str, str], images: dict[str, bytes] = {}) -> Path:
    (tmp_path / "manuscript" / "articles").mkdir(parents=True)
    (tmp_path / "manuscript" / "images").mkdir()
    (tmp_path / "manuscript" / "publication.yaml").write_text(publication, encoding="utf-8")
    for name, text in articles.items():
        (tmp_path / "manuscript" / "articles" / f"{name}.md").write_text(text, encoding="utf-8")
    for name, data in images.items():
        (tmp_path / "manuscript" / "images" / name).write_bytes(data)
    return tmp_path


PUB = "title: 刊物\ncontents:\n  - a\n"
ARTICLE = "---\ntitle: 标题\n---\n\n正文。\n"


def diagnostics(root: Path) -> list[str]:
    report = Report()
    check(root, report)
    return [d.format(root) for d in report.items]


def test_a_valid_manuscript_loads_into_the_model(tmp_path):
    root = project(tmp_path, PUB + "edition: 2020年2月号\n", {"a": ARTICLE})
    publication, report = load(root)
    assert not report.items
    assert publication.title == "刊物" and publication.articles[0].title == "标题"
    assert publication.identifier.startswith("urn:uuid:")
    again, _ = load(root)
    assert again.identifier == publication.identifier, "the default identifier is stable"


@pytest.mark.parametrize("publication, articles, expected", [
    ("title: [x\ncontents: [a]\n", {"a": ARTICLE}, "manuscript/publication.yaml:2:9: error E101: YAML syntax error"),
    (PUB, {"a": "---\ntitle: [x\n---\n正文\n"}, "manuscript/articles/a.md:2:10: error E101: YAML syntax error"),
    (PUB, {"a": "正文，没有前言。\n"}, "manuscript/articles/a.md:1:1: error E102: missing front matter"),
    (PUB, {"a": "---\nauthors: [某]\n---\n正文\n"}, "manuscript/articles/a.md:2:1: error E103: missing required key 'title'"),
    (PUB, {"a": "---\ntitle: 题\ncolumns: 3\n---\n正文\n"}, "manuscript/articles/a.md:3:1: error E104: 'columns': expected 1 or 2"),
    (PUB, {"a": "---\ntitle: 题\nsumary: 导语\n---\n正文\n"}, "manuscript/articles/a.md:3:1: error E105: unknown key 'sumary'\n  hint: did you mean 'summary'?"),
    ("title: 刊\ncontents: [a, a]\n", {"a": ARTICLE}, "manuscript/publication.yaml:2:15: error E106: article 'a' is listed twice"),
    ("title: 刊\ncontents: [a, b]\n", {"a": ARTICLE}, "manuscript/publication.yaml:2:15: error E107: article 'b' is listed but"),
    (PUB, {"a": ARTICLE, "extra": ARTICLE}, "manuscript/articles/extra.md:1:1: warning W108: article 'extra' is not listed"),
    (PUB, {"a": ARTICLE + "\n![图](../images/none.png)\n"}, "manuscript/articles/a.md:7:1: error E201: image not found: ../images/none.png"),
    (PUB, {"a": ARTICLE + "\n见[别处](#nowhere)。\n"}, "manuscript/articles/a.md:7:1: error E206: broken internal link"),
    (PUB, {"a": ARTICLE + "\n注释[^9]。\n"}, "manuscript/articles/a.md:7:1: error E207: footnote reference [^9] has no definition"),
])
def test_each_mistake_has_its_code_and_position(tmp_path, publication, articles, expected):
    root = project(tmp_path, publication, articles)
    found = diagnostics(root)
    assert any(d.startswith(expected) for d in found), found
