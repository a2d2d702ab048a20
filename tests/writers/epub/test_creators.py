"""Several authors, editors and translators: each its own dc:creator/dc:contributor id and MARC
relator role, so that EPUBCheck accepts the package (two authors used to share one id)."""

from __future__ import annotations

import zipfile

from conftest import epubcheck, epubcheck_counts, run_publish
from lxml import etree

NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


def test_every_creator_and_contributor_has_an_id_and_a_role(tmp_path):
    project = tmp_path / "book"
    (project / "manuscript" / "articles").mkdir(parents=True)
    (project / "manuscript" / "publication.yaml").write_text(
        "title: 译本\nslug: several\nauthors: [Steve Klabnik, Carol Nichols]\neditors: [张三, 李四]\n"
        "translators: [Rust 中文社区]\ncontents: [a]\n", encoding="utf-8")
    (project / "manuscript" / "articles" / "a.md").write_text("# 第一章\n\n正文。\n", encoding="utf-8")
    result = run_publish("-C", str(project), "epub", "--no-embed-fonts")
    assert result.returncode == 0, result.stderr
    epub = project / "build" / "several.epub"
    with zipfile.ZipFile(epub) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
        title_page = z.read("EPUB/title.xhtml").decode()
    people = [(e.tag.split("}")[1], e.get("id"), e.text) for e in opf.iterfind(".//dc:creator", NS)]
    people += [(e.tag.split("}")[1], e.get("id"), e.text) for e in opf.iterfind(".//dc:contributor", NS)]
    roles = {m.get("refines"): m.text for m in opf.iterfind(".//opf:meta[@property='role']", NS)}
    assert [(kind, name, roles["#" + uid]) for kind, uid, name in people] == [
        ("creator", "Steve Klabnik", "aut"), ("creator", "Carol Nichols", "aut"),
        ("contributor", "张三", "edt"), ("contributor", "李四", "edt"), ("contributor", "Rust 中文社区", "trl")]
    assert len({uid for _, uid, _ in people}) == 5
    assert "Rust 中文社区　译" in title_page
    report = epubcheck(epub, tmp_path)
    counts = epubcheck_counts(report)
    messages = [(m["severity"], m["ID"], m["message"]) for m in report["messages"]]
    assert not any(counts.get(s, 0) for s in ("FATAL", "ERROR", "WARNING")), messages
