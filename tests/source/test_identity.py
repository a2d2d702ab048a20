"""The slug is derived once: the up-to-date check and the loader name the outputs alike."""

from __future__ import annotations

import pytest

from publish import load
from publish.source import load_slug


@pytest.mark.parametrize("head", [
    'title: " 测试月刊"\n',  # the bug: load_slug hashed the unstripped title, load the stripped one
    "title: 测试月刊\nedition: 5\n",
    "title: 测试月刊\nedition: ' 2020年2月号 '\nidentifier: ' urn:isbn:9787000000000'\n",
    "title: 测试月刊\nslug: monthly\n",
])
def test_load_slug_agrees_with_the_loaded_publication(tmp_path, head):
    (tmp_path / "manuscript" / "articles").mkdir(parents=True)
    (tmp_path / "manuscript" / "publication.yaml").write_text(head + "contents: [a]\n", encoding="utf-8")
    (tmp_path / "manuscript" / "articles" / "a.md").write_text("---\ntitle: 题\n---\n正文。\n", encoding="utf-8")
    publication, report = load(tmp_path)
    assert publication is not None, [d.format() for d in report.items]
    assert load_slug(tmp_path) == publication.slug
