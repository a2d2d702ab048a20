"""publish init and publish new: a project that builds at once, articles listed without losing comments."""

from __future__ import annotations

import yaml
from conftest import copy_case, run_publish

from publish import load
from publish.diagnostics import Report
from publish.scaffold import init_project, new_article


def test_new_lists_the_article_and_keeps_the_file_as_written(tmp_path):
    project = copy_case("basic", tmp_path)
    pub = project / "manuscript" / "publication.yaml"
    original = "# 测试月刊的目录\n" + pub.read_text(encoding="utf-8")
    pub.write_text(original, encoding="utf-8")
    report = Report()
    first = new_article(project, "疫情观察", "风向", report)  # into a flow list: [opening, figures]
    second = new_article(project, "Media Notes", None, report)  # at the end of contents
    third = new_article(project, "新栏目的文章", "评论: 观点", report)  # a new section; its title needs quotes
    assert not report.items
    assert (first.name, second.name, third.name) == ("article-001.md", "media-notes.md", "article-002.md")
    text = pub.read_text(encoding="utf-8")
    assert text.startswith("# 测试月刊的目录\n")
    assert "articles: [opening, figures, article-001]" in text
    assert text.endswith('  - closing\n  - media-notes\n  - title: "评论: 观点"\n    articles: [article-002]\n')
    contents = yaml.safe_load(text)["contents"]
    assert contents[-1] == {"title": "评论: 观点", "articles": ["article-002"]}
    publication, load_report = load(project)
    assert not load_report.errors, [d.format() for d in load_report.items]
    assert [a.name for a in publication.articles][-3:] == ["closing", "media-notes", "article-002"]
    assert publication.articles[2].title == "疫情观察"


def test_new_adds_to_a_block_list_in_its_indentation(tmp_path):
    project = tmp_path / "book"
    init_project(project)
    pub = project / "manuscript" / "publication.yaml"
    pub.write_text(pub.read_text(encoding="utf-8").replace("    articles: [welcome]",
                                                           "    articles:\n      - welcome  # 第一篇\n"),
                   encoding="utf-8")
    new_article(project, "第二篇", "专栏", Report())
    assert "      - welcome  # 第一篇\n      - article-001\n" in pub.read_text(encoding="utf-8")


def test_names_that_yaml_would_not_read_as_text_are_not_used(tmp_path):
    project = tmp_path / "book"
    init_project(project)
    names = [new_article(project, title, None, Report()).stem for title in ("2", "yes", "null", "第3期")]
    assert names == ["article-001", "article-002", "article-003", "article-004"]


def test_new_outside_a_project_is_E114(tmp_path):
    report = Report()
    assert new_article(tmp_path, "标题", None, report) is None
    assert [d.code for d in report.errors] == ["E114"]


def test_init_refuses_a_directory_that_is_not_empty(tmp_path):
    (tmp_path / "x.txt").write_text("mine", encoding="utf-8")
    result = run_publish("init", str(tmp_path))
    assert result.returncode == 1
    assert "exists and is not empty" in result.stderr and "Traceback" not in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]
