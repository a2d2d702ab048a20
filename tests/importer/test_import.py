"""`publish import` on small books of each kind (tests/cases/import/): the project it makes, the
warnings it gives at the source's file and line, and that the project builds."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import CASES, epubcheck, epubcheck_counts, run_publish

from publish import load
from publish.checks import check
from publish.diagnostics import Report
from publish.importer import ImportOptions, import_book

BOOKS = CASES / "import"


def imported(tmp_path: Path, book: str, *maps: tuple[str, str]) -> tuple[Path, list[str]]:
    source = tmp_path / book
    shutil.copytree(BOOKS / book, source)
    report = Report()
    result = import_book(source, tmp_path / "out", ImportOptions(tuple(maps)), report)
    assert result is not None, [d.format(tmp_path) for d in report.items]
    return tmp_path / "out", [d.format(tmp_path) for d in report.items]


def contents(project: Path) -> list:
    publication, report = load(project)
    assert publication is not None, [d.format(project) for d in report.items]
    return [(s.title, [a.path.relative_to(project / "manuscript").as_posix() for a in s.articles])
            for s in publication.sections]


def built(project: Path) -> tuple[object, list[str]]:
    report = Report()
    book = check(project, report)
    return book, [d.format(project) for d in report.items]


def test_an_mdbook_comes_in_with_its_parts_includes_and_links(tmp_path):
    project, warnings = imported(tmp_path, "mdbook")
    assert contents(project) == [
        (None, ["foreword.md"]),
        ("第一部分 基础", ["ch01-00-start.md", "ch01-01-install.md"]),
        ("第二部分 进阶", ["ch02-00-ownership.md"]),
        (None, ["appendix.md"])]
    publication = load(project)[0]
    assert publication.title == "小小 Rust 书" and publication.authors == ("作者甲", "作者乙")
    assert [a.title for a in publication.articles] == ["前言", "入门", "安装", "所有权", "附录"]
    assert [w.split(": warning ")[1][:4] for w in warnings] == ["W402", "W402", "W406", "W403", "W404"]
    assert warnings[0].startswith("mdbook/src/SUMMARY.md:9:1: warning W402: '草稿章节' is a draft chapter")
    assert warnings[3].startswith("mdbook/src/ch01-00-start.md:28:1: warning W403: {{#include ../listings/none.txt}}")
    start = (project / "manuscript" / "ch01-00-start.md").read_text(encoding="utf-8")
    assert '```rust\nfn main() {\n    println!("你好，世界！");\n}\n```' in start, "the anchor's lines, no ANCHOR lines"
    assert '```rust ignore\nfn main() {\n    println!("你好，世界！");\n```' in start, "lines 3 to 4"
    assert "# fn hidden" not in start and "fn shown() {}\n# 这一行以一个井号开头" in start, "rustdoc's hidden lines"
    assert "{{#include ../listings/none.txt}}" in start and "字面写出指令：{{#include file.rs}}" in start
    foreword = (project / "manuscript" / "foreword.md").read_text(encoding="utf-8")
    assert "[入门](ch01-00-start.md)" in foreword and "(ch02-00-ownership.md#rules)" in foreword
    assert "[本书仓库里的安装一章](ch01-01-install.md)" in foreword, "the book's own GitHub URL"
    ownership = (project / "manuscript" / "ch02-00-ownership.md").read_text(encoding="utf-8")
    assert "> ```rust ignore\n> let s" in ownership and "{{#title" not in ownership
    assert (project / "manuscript" / "img" / "ferris.svg").is_file()
    assert not (project / "manuscript" / "SUMMARY.md").exists(), "the order file is publication.yaml now"
    _, found = built(project)
    assert found == ["manuscript/ch02-00-ownership.md:11:1: error E206: broken internal link 'elsewhere.html': "
                     "nothing has the id 'elsewhere'\n  hint: link to another article as name.md, or to a heading "
                     "of it as name.md#id"], "only the link the import said it could not resolve"


def test_a_mkdocs_book_comes_in_by_its_nav_and_its_yaml_tags_run_nothing(tmp_path):
    marker = tmp_path / "pwned"
    source = tmp_path / "mkdocs"
    shutil.copytree(BOOKS / "mkdocs", source)
    yml = source / "mkdocs.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + f"evil: !!python/object/apply:os.system [touch {marker}]\n",
                   encoding="utf-8")
    report = Report()
    assert import_book(source, tmp_path / "out", ImportOptions(), report) is not None
    assert not marker.exists()
    warnings = [d.format(tmp_path) for d in report.items]
    assert warnings[0].startswith("mkdocs/mkdocs.yml:11:1: warning W406: mkdocs.yml: 4 value(s) with YAML tags")
    project = tmp_path / "out"
    assert contents(project) == [
        (None, ["index.md"]),
        ("第 1 章 开始", ["chapter_intro/index.md", "chapter_intro/start.md", "chapter_intro/details.md"]),
        ("第 2 章 更多", ["chapter_more/index.md"])]
    publication = load(project)[0]
    assert (publication.title, publication.authors, publication.language) == ("小小算法书", ("某作者",), "zh-CN")
    assert publication.rights == "Copyright © 2026 某作者 内容以 CC BY 4.0 授权"
    index = (project / "manuscript" / "index.md").read_text(encoding="utf-8")
    assert index.startswith("---\n# comments: true\n# icon: material/home\n# hide:\n#   - navigation\n")
    assert "(chapter_intro/index.md)" in index and "[本书的 GitHub 页](chapter_more/index.md)" in index
    assert any("W402: nav entry '项目主页' links to https://example.com/" in w for w in warnings)
    assert any("W406: front matter keys comments, icon, hide commented out" in w for w in warnings)
    book, found = built(project)
    assert not [d for d in found if " error " in d], found
    assert book.rendered[2].figures[0].asset.source.name == "diagram.png"


def test_a_docsify_book_with_a_cdn_mapped_onto_a_folder(tmp_path):
    project, warnings = imported(tmp_path, "docsify", ("https://cdn.example.com/book/", "pics"))
    # pics/ lies beside docs/: manuscript/ is then the whole book, so that relative paths hold.
    assert contents(project) == [(None, ["docs/README.md", "docs/chapter1/README.md", "docs/chapter2/chapter2.md"])]
    assert load(project)[0].title == "小小南瓜书", "docsify's name in index.html"
    chapter = (project / "manuscript" / "docs" / "chapter1" / "README.md").read_text(encoding="utf-8")
    assert "![一张图](img/a.png)" in chapter, "Windows separators"
    assert "![远处的图](../../pics/remote.png)" in chapter and (project / "manuscript" / "pics" / "remote.png").is_file()
    assert warnings == [
        "docsify/docs/_sidebar.md:4:1: warning W402: '项目主页' links to https://example.com/pumpkin, outside the book: "
        "left out",
        "docsify/docs/chapter1/README.md:7:1: warning W405: remote image https://other.example.com/x.png is left remote"
        "\n  hint: map it onto a folder of the book: publish import … --map-url PREFIX=FOLDER"]
    _, found = built(project)
    # W209 too: the check reports what the print would, and the book's test pictures are tiny.
    assert [d.split(": ")[1] for d in found] == ["warning W204", "warning W209", "warning W209"]


def test_a_folder_with_nested_unicode_names_builds_a_valid_epub(tmp_path):
    project, warnings = imported(tmp_path, "folder")
    assert warnings == []
    assert contents(project) == [
        (None, ["README.md"]),
        ("第一部分", ["第一部分/第 1 章 引言.md", "第一部分/第2章.md", "第一部分/第10章.md"]),
        ("附录", ["附录/C#.md"])]
    assert [a.title for a in load(project)[0].articles] == ["嵌套的书", "第 1 章 引言", "第 2 章", "第 10 章", "C#"]
    assert "(<附录/C%23.md>)" in (project / "manuscript" / "README.md").read_text(encoding="utf-8")
    result = run_publish("-C", str(project), "epub", "--no-embed-fonts")
    assert result.returncode == 0, result.stderr
    epub = project / "build" / "folder.epub"
    first, appendix = (load(project)[0].articles[i].name for i in (0, 4))
    with zipfile.ZipFile(epub) as z:
        names = z.namelist()
        readme = z.read(f"EPUB/{first}.xhtml").decode()
    assert all(re.fullmatch(r"[A-Za-z0-9._/-]+", n) for n in names), names
    assert f'href="{appendix}.xhtml#{appendix}"' in readme, "a link to C#.md, into its file"
    report = epubcheck(epub, tmp_path)
    counts = epubcheck_counts(report)
    assert not any(counts.get(s, 0) for s in ("FATAL", "ERROR", "WARNING")), report["messages"]


def test_a_second_import_needs_force_and_replaces_only_the_manuscript(tmp_path):
    project, _ = imported(tmp_path, "folder")
    (project / "styles").mkdir()
    (project / "styles" / "custom.css").write_text("p {}", encoding="utf-8")
    report = Report()
    assert import_book(tmp_path / "folder", project, ImportOptions(), report) is None
    assert "is not empty: give a new folder, or --force" in report.items[0].message
    (tmp_path / "folder" / "README.md").unlink()
    assert import_book(tmp_path / "folder", project, ImportOptions(force=True), Report()) is not None
    assert not (project / "manuscript" / "README.md").exists()
    assert (project / "styles" / "custom.css").is_file(), "only manuscript/ is replaced"
    assert not list(project.glob(".manuscript-*")), "no temporary folder left"


def _not_a_project(folder: Path) -> Path:
    folder.mkdir()
    (folder / "notes.txt").write_text("x", encoding="utf-8")
    return folder


@pytest.mark.parametrize("setup, expected", [
    (lambda t: (t / "nothing", t / "out"), "nothing does not exist"),
    (lambda t: ((t / "empty").mkdir() or t / "empty", t / "out"), "has no SUMMARY.md, mkdocs.yml, _sidebar.md"),
    (lambda t: (t / "folder", _not_a_project(t / "other")), "is not empty and is not a publish project"),
    (lambda t: (t / "folder", t), "lies inside"),
])
def test_what_cannot_be_imported_is_E401(tmp_path, setup, expected):
    shutil.copytree(BOOKS / "folder", tmp_path / "folder")
    source, dest = setup(tmp_path)
    report = Report()
    assert import_book(source, dest, ImportOptions(force=True), report) is None
    assert report.items[0].code == "E401" and expected in report.items[0].message, report.items[0].message


def test_the_command_line(tmp_path):
    shutil.copytree(BOOKS / "docsify", tmp_path / "book")
    result = run_publish("-C", str(tmp_path), "import", "book", "out", "--map-url", "https://cdn.example.com/book/=pics")
    assert result.returncode == 0, result.stderr
    assert "imported 3 chapter(s) (0 section(s)) and 2 image(s) of the docsify book '小小南瓜书' into out" in result.stdout
    assert "--map-url https://cdn.example.com/book/=pics" in (tmp_path / "out" / "manuscript" / "publication.yaml"
                                                               ).read_text(encoding="utf-8")
    again = run_publish("-C", str(tmp_path), "import", "book", "out")
    assert again.returncode == 1 and "error E401" in again.stderr and "Traceback" not in again.stderr
    wrong = run_publish("-C", str(tmp_path), "import", "book", "out2", "--map-url", "no-equals")
    assert wrong.returncode == 2 and "PREFIX=FOLDER" in wrong.stderr


def test_nothing_outside_the_book_is_read(tmp_path):
    """A chapter, an image or an include that leads out of the book (a symlink, ../..) is left out."""
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "passwd.md").write_text("# 机密\n", encoding="utf-8")
    (secret / "x.png").write_bytes((BOOKS / "folder" / "images" / "图一.png").read_bytes())
    book = tmp_path / "book"
    book.mkdir()
    (book / "SUMMARY.md").write_text("- [一](one.md)\n- [二](../secret/passwd.md)\n- [三](link.md)\n",
                                     encoding="utf-8")
    (book / "link.md").symlink_to(secret / "passwd.md")
    (book / "pic.png").symlink_to(secret / "x.png")
    (book / "one.md").write_text("# 一\n\n![图](pic.png)\n\n![图](../secret/x.png)\n", encoding="utf-8")
    report = Report()
    assert import_book(book, tmp_path / "out", ImportOptions(), report) is not None
    found = [d.format(tmp_path) for d in report.items]
    assert [d.split(": warning ")[1][:4] for d in found] == ["W402", "W402", "W404", "W404"], found
    copied = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert copied == [".gitignore", "manuscript/one.md", "manuscript/publication.yaml"]
