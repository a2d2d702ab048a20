"""The Word reader: a .docx → an article in the markup contract, with its metadata, figures,
footnotes and pictures; what it cannot carry is said."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from conftest import epubcheck, epubcheck_counts, run_publish
from docx_fixture import make_docx
from lxml import etree

from publish import load
from publish.checks import check
from publish.diagnostics import Report
from publish.render import render_all
from publish.render.readers import readers
from publish.store import Memo


def project(tmp_path: Path, **options) -> Path:
    (tmp_path / "manuscript").mkdir(parents=True)
    make_docx(tmp_path / "manuscript" / "稿件.docx", **options)
    (tmp_path / "manuscript" / "publication.yaml").write_text("title: 书\nslug: word\ncontents: [稿件.docx]\n",
                                                               encoding="utf-8")
    return tmp_path


def rendered(root: Path):
    report = Report()
    book = check(root, report)
    assert book is not None, [d.format(root) for d in report.items]
    return book.rendered[0], [d.format(root) for d in report.items]


def test_metadata_from_the_document_properties(tmp_path):
    article = load(project(tmp_path))[0].articles[0]
    assert (article.title, article.authors, article.subtitle) == ("Word 稿件", ("张三", "李四"), "一个副标题")
    assert re.fullmatch(r"docx sha256:[0-9a-f]{64}", article.body.text), "the memo sees a changed file"


def test_without_a_title_property_the_first_heading_is_the_title_and_is_not_repeated(tmp_path):
    item, _ = rendered(project(tmp_path, title=None))
    assert item.article.title == "第一章 引言"
    assert "第一章 引言" not in item.html


def test_the_markup_contract(tmp_path):
    item, diagnostics = rendered(project(tmp_path))
    # The check reports what the print would (W209: the test's 600 px picture across a column).
    assert [d for d in diagnostics if " W209: " not in d] == []
    name = item.name
    root = etree.fromstring(f'<div xmlns:epub="http://www.idpf.org/2007/ops">{item.html}</div>')
    headings = [(h.tag, h.text or "".join(h.itertext())) for h in root.iter("h2", "h3")]
    assert headings[0] == ("h2", "第一章 引言") and [t for t, _ in headings[1:]] == ["h3", "h3", "h3"], \
        "Word's Heading 1 is the first level under the title"
    for tag, prefix in (("p", "p"), ("li", "li"), ("tr", "tr"), ("h2", "h"), ("h3", "h")):
        for element in root.iter(tag):
            if element.getparent().tag != "figcaption":
                assert re.fullmatch(rf"{name}-{prefix}\d+", element.get("id") or ""), (tag, element.get("id"))
    figure = root.find(".//figure")
    assert figure.get("id") == f"{name}-fig1" and figure.get("class") == "figure"
    assert figure.find("img").get("alt") == "一张小图"
    assert figure.find("img").get("src") == item.assets[0].href and item.assets[0].href.startswith("images/")
    assert "".join(figure.find("figcaption").itertext()) == "图1示意图：两个像素", "Word's own 图 1 is replaced"
    assert item.figures[0].caption == "示意图：两个像素"
    assert item.assets[0].source.is_relative_to(tmp_path / "build" / ".cache" / "docx")
    table = root.find(".//div[@class='table']/table")
    assert "".join(table.find("caption").itertext()) == "表1数据" and table.find(".//td/p") is None
    refs = root.findall(".//sup[@class='noteref']/a")
    notes = root.findall(".//section[@class='footnotes']/aside")
    assert [a.get("href") for a in refs] == [f"#{name}-fn1", f"#{name}-fn2"]
    assert [n.get("id") for n in notes] == [f"{name}-fn1", f"{name}-fn2"]
    assert notes[0].get("{http://www.idpf.org/2007/ops}type") == "footnote"
    assert refs[0].get("{http://www.idpf.org/2007/ops}type") == "noteref"
    assert notes[0].find(".//a[@role='doc-backlink']").get("href") == "#" + refs[0].get("id")
    assert "这是第一个脚注。" in "".join(notes[0].itertext()) and item.has_notes
    assert '<span class="as-l as-r">Word</span>稿件' in item.html, "typeset(): 中西文间距"
    assert '“脚注<span class="halt">”</span>。' in item.html, "typeset(): 标点挤压"
    assert "[1]" not in item.html and "↑" not in item.html, "mammoth's note marks are gone"
    assert {f"{name}-fig1", f"{name}-fn1", f"{name}-fnref2", name} <= item.ids


def _with(data: bytes, replace: tuple[bytes, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/document.xml":
                content = content.replace(*replace)
            target.writestr(info, content)
    return out.getvalue()


OMML = (b'<m:oMath xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"><m:r><m:t>x</m:t></m:r>'
        b'</m:oMath>')


def test_what_a_docx_cannot_bring_is_said(tmp_path):
    root = project(tmp_path)
    path = root / "manuscript" / "稿件.docx"
    data = path.read_bytes()
    data = _with(data, (b"<w:t>\xe7\xac\xac\xe4\xb8\x80\xe9\xa1\xb9</w:t></w:r>", b"<w:t>\xe7\xac\xac\xe4\xb8\x80"
                        b"\xe9\xa1\xb9</w:t></w:r>" + OMML * 2))
    data = _with(data, (b' descr="\xe4\xb8\x80\xe5\xbc\xa0\xe5\xb0\x8f\xe5\x9b\xbe"', b""))
    path.write_bytes(data)
    _, diagnostics = rendered(root)
    assert "manuscript/稿件.docx:1:1: warning W407: 2 equations (Word OMML) left out" in diagnostics[0]
    assert any("warning W213: image without alt text" in d for d in diagnostics), diagnostics


@pytest.mark.parametrize("content, expected", [
    (b"not a zip", "error E114: 稿件.docx is not a Word document (.docx)"),
])
def test_unusable_documents(tmp_path, content, expected):
    root = tmp_path
    (root / "manuscript").mkdir()
    path = root / "manuscript" / "稿件.docx"
    if content is None:
        import docx

        document = docx.Document()
        document.add_paragraph("只有正文。")
        document.save(str(path))
    else:
        path.write_bytes(content)
    (root / "manuscript" / "publication.yaml").write_text("title: 书\ncontents: [稿件.docx]\n", encoding="utf-8")
    report = Report()
    assert check(root, report) is None
    assert any(expected in d.format(root) for d in report.items), [d.format(root) for d in report.items]


def test_the_memo_knows_a_changed_document(tmp_path):
    root = project(tmp_path)
    memo = Memo(root / "build" / ".cache")
    publication, _ = load(root)
    render_all(publication.articles, root, Report(), readers(), memo)
    again = Memo(root / "build" / ".cache")
    render_all(load(root)[0].articles, root, Report(), readers(), again)
    assert again.hits["render"] == 1
    make_docx(root / "manuscript" / "稿件.docx", title="新标题")
    changed = Memo(root / "build" / ".cache")
    result = render_all(load(root)[0].articles, root, Report(), readers(), changed)
    assert changed.misses["render"] == 1 and result[0].article.title == "新标题"


def test_a_word_manuscript_imports_and_builds_a_valid_epub(tmp_path):
    make_docx(tmp_path / "稿件.docx")
    result = run_publish("-C", str(tmp_path), "import", "稿件.docx", "book")
    assert result.returncode == 0, result.stderr
    yaml = (tmp_path / "book" / "manuscript" / "publication.yaml").read_text(encoding="utf-8")
    assert "title: Word 稿件" in yaml and "authors: [张三, 李四]" in yaml and "- 稿件.docx" in yaml
    built = run_publish("-C", str(tmp_path / "book"), "epub", "--no-embed-fonts")
    assert built.returncode == 0, built.stderr
    epub = next((tmp_path / "book" / "build").glob("*.epub"))
    report = epubcheck(epub, tmp_path)
    counts = epubcheck_counts(report)
    assert not any(counts.get(s, 0) for s in ("FATAL", "ERROR", "WARNING")), report["messages"]
    with zipfile.ZipFile(epub) as z:
        assert any(n.startswith("EPUB/images/") and n.endswith(".png") for n in z.namelist())


def test_a_document_without_a_title_or_a_heading_is_titled_by_its_file_name(tmp_path):
    """W116: Word documents as authors send them (and python-docx's own test files) often have no
    Title property and no Heading 1; the file name titles them and the book builds."""
    import docx

    root = tmp_path
    (root / "manuscript").mkdir()
    document = docx.Document()
    document.add_paragraph("只有正文。")
    document.save(str(root / "manuscript" / "第三章 城市传播.docx"))
    (root / "manuscript" / "publication.yaml").write_text("title: 书\ncontents: [第三章 城市传播.docx]\n",
                                                         encoding="utf-8")
    report = Report()
    book = check(root, report)
    assert book is not None, [d.format(root) for d in report.items]
    assert book.publication.articles[0].title == "第三章 城市传播"
    assert [d.format(root) for d in report.items] == [
        "manuscript/第三章 城市传播.docx:1:1: warning W116: the document has no title in its properties and no "
        "heading: titled by its file name, '第三章 城市传播'\n  hint: give the document a title (File › Info › "
        "Title) or begin it with a Heading 1 paragraph"]
