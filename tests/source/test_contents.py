"""`contents` by path: nested folders, any Unicode file name, front matter optional, and the
ASCII names the outputs use."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

import pytest

from publish import load
from publish.checks import check
from publish.diagnostics import Report
from publish.source.names import article_names


def book(tmp_path: Path, publication: str, files: dict[str, str]) -> Path:
    manuscript = tmp_path / "manuscript"
    manuscript.mkdir(parents=True)
    (manuscript / "publication.yaml").write_text(publication, encoding="utf-8")
    for name, text in files.items():
        (manuscript / name).parent.mkdir(parents=True, exist_ok=True)
        (manuscript / name).write_text(text, encoding="utf-8")
    return tmp_path


def found(root: Path) -> list[str]:
    report = Report()
    check(root, report)
    return [d.format(root) for d in report.items]


NESTED = """title: 书
contents:
  - 前言.md
  - title: 第一部分
    articles:
      - 第一部分/第 1 章 引言.md
      - 第一部分/C#.md
      - ../manuscript/第一部分/节/深入.md
"""
FILES = {
    "前言.md": "# 前言\n\n见[第一章](第一部分/第%201%20章%20引言.md#summary)与[深入](<第一部分/节/深入.md>)。\n",
    "第一部分/第 1 章 引言.md": "---\nauthors: [某]\n---\n\n## 引言 *一*\n\n正文。\n\n## 小结 {#summary}\n\n回到[前言](../前言.md)。\n",
    "第一部分/C#.md": "C# 语言\n=======\n\n见[下一节](节/深入.md)。\n",
    "第一部分/节/深入.md": "```\n# 不是标题\n```\n<!--\n# 也不是\n-->\n### 深入 `a<b>`\n正文。\n",
}


def test_articles_listed_by_nested_unicode_paths_load_with_ascii_names(tmp_path):
    root = book(tmp_path, NESTED, FILES)
    publication, report = load(root)
    assert not report.items, [d.format(root) for d in report.items]
    articles = publication.articles
    assert [a.title for a in articles] == ["前言", "引言 一", "C# 语言", "深入 a<b>"]
    assert articles[1].authors == ("某",)
    names = [a.name for a in articles]
    assert len(set(names)) == 4
    assert all(re.fullmatch(r"[a-z][a-z0-9_-]*", n) for n in names), names
    assert [s.title for s in publication.sections] == [None, "第一部分"]


def test_the_title_heading_is_not_repeated_and_lines_stay_true(tmp_path):
    root = book(tmp_path, NESTED, FILES)
    articles = load(root)[0].articles
    intro = articles[1].body
    assert "引言" not in intro.text.split("## 小结")[0]
    assert intro.first_line == 4 and intro.text.split("\n")[5] == "## 小结 {#summary}", "the line numbers are kept"
    assert articles[2].body.text.startswith("\n\n\n见"), "a setext heading is two lines"
    assert "# 不是标题" in articles[3].body.text, "code and comments hide headings"


def test_links_between_files_resolve_by_path(tmp_path):
    root = book(tmp_path, NESTED, FILES)
    report = Report()
    built = check(root, report)
    assert not report.items, [d.format(root) for d in report.items]
    names = {r.article.title: r.name for r in built.rendered}
    html = {r.article.title: r.html for r in built.rendered}
    assert f'href="#{names["引言 一"]}-summary"' in html["前言"]
    assert f'href="#{names["深入 a<b>"]}"' in html["前言"]
    assert f'href="#{names["前言"]}"' in html["引言 一"]
    assert f'href="#{names["深入 a<b>"]}"' in html["C# 语言"]


def test_a_folder_link_is_its_index(tmp_path):
    root = book(tmp_path, "title: 书\ncontents: [a.md, 部/index.md, 部/b.md]\n",
                {"a.md": "# A\n\n[部](部/)与[部](部)\n", "部/index.md": "# 部\n", "部/b.md": "# B\n\n[上](../部/)\n"})
    built = check(root, Report())
    index = built.rendered[1].name
    assert built.rendered[0].html.count(f'href="#{index}"') == 2
    assert f'href="#{index}"' in built.rendered[2].html


@pytest.mark.parametrize("publication, files, expected", [
    ("title: 书\ncontents: [甲.md]\n", {"甲.md": "# 甲\n", "乙/丙.md": "# 丙\n"},
     "manuscript/乙/丙.md:1:1: warning W108: article file '乙/丙.md' is not listed in publication.yaml contents\n"
     "  hint: add '乙/丙.md' to 'contents', or delete the file"),
    ("title: 书\ncontents: [甲.md, ./甲.md]\n", {"甲.md": "# 甲\n"},
     "manuscript/publication.yaml:2:18: error E106: article './甲.md' is listed twice (first at line 2, as '甲.md')"),
    ("title: 书\ncontents: [第一张.md]\n", {"第一章.md": "# 甲\n"},
     "manuscript/publication.yaml:2:12: error E107: article '第一张.md' is listed but manuscript/第一张.md does not exist\n"
     "  hint: did you mean '第一章.md'?"),
    ("title: 书\ncontents: [../../etc/passwd.md]\n", {},
     "manuscript/publication.yaml:2:12: error E205: article '../../etc/passwd.md' points outside the project"),
    ("title: 书\ncontents: [/etc/x.md]\n", {},
     "manuscript/publication.yaml:2:12: error E205: article absolute path '/etc/x.md' is not allowed"),
    ("title: 书\ncontents: [甲.md]\n", {"甲.md": "正文，没有标题。\n"},
     "manuscript/甲.md:1:1: error E115: the article has no title: it has no front matter and its text no heading"),
    ("title: 书\ncontents: [a/甲.md]\n", {"a/甲.md": "# 甲\n", "A/甲.md": "# 甲\n"},
     "manuscript/a/甲.md:1:1: error E106: article files 'A/甲.md' and 'a/甲.md' differ only in case"),
])
def test_mistakes_in_path_contents(tmp_path, publication, files, expected):
    root = book(tmp_path, publication, files)
    assert any(d.startswith(expected) for d in found(root)), found(root)


def test_bare_names_work_as_before_and_beside_paths(tmp_path):
    root = book(tmp_path, "title: 书\ncontents: [intro, articles/intro2.md, intro.md]\n",
                {"articles/intro.md": "---\ntitle: 甲\n---\n正文\n", "articles/intro2.md": "# 乙\n", "intro.md": "# 丙\n"})
    publication, report = load(root)
    assert not report.items, [d.format(root) for d in report.items]
    names = [a.name for a in publication.articles]
    assert names[:2] == ["intro", "intro2"], "articles/<name>.md listed by its path is <name>"
    assert names[2].startswith("intro-") and len(names[2]) == len("intro-") + 8, "a path never takes a bare name"


def test_names_are_slugs_with_a_hash_when_something_was_lost():
    paths = ["src/ch01-00-intro.md", "第一章.md", "10.1 斐波那契数列.md", "a/b.md", "a-b.md", "Chapter.md"]
    names = article_names([(PurePosixPath(p), None) for p in paths])
    assert names[0] == "src-ch01-00-intro"
    assert re.fullmatch(r"article-[0-9a-f]{8}", names[1])
    assert re.fullmatch(r"n10-1-[0-9a-f]{8}", names[2]), "an id begins with a letter"
    assert names[3] != names[4] and names[3].startswith("a-b-") and names[4].startswith("a-b-")
    assert re.fullmatch(r"chapter-[0-9a-f]{8}", names[5])
    again = article_names([(PurePosixPath(p), None) for p in reversed(paths)])
    assert list(reversed(again)) == names, "a path's name does not depend on the order"
    assert article_names([(PurePosixPath("x" * 60 + ".md"), None)])[0] == "x" * 40 + "-" + names[0][:0] + \
        article_names([(PurePosixPath("x" * 60 + ".md"), None)])[0][-8:]
