"""The EPUB of the `basic` fixture: valid, structured, reproducible."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from conftest import epubcheck, epubcheck_counts
from lxml import etree

NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


def _epub(project):
    return project / "build" / "test-monthly.epub"


def test_epubcheck_reports_nothing(basic_build, tmp_path):
    report = epubcheck(_epub(basic_build), tmp_path)
    counts = epubcheck_counts(report)
    messages = [(m["severity"], m["ID"], m["message"]) for m in report["messages"]]
    assert counts.get("FATAL", 0) == 0 and counts.get("ERROR", 0) == 0 and counts.get("WARNING", 0) == 0, messages
    assert counts.get("USAGE", 0) == 0, messages


def test_one_xhtml_per_article_in_spine_order(basic_build):
    with zipfile.ZipFile(_epub(basic_build)) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
    manifest = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:manifest/opf:item", NS)}
    spine = [manifest[r.get("idref")] for r in opf.iterfind(".//opf:spine/opf:itemref", NS)]
    assert spine == ["cover.xhtml", "title.xhtml", "nav.xhtml", "opening.xhtml", "figures.xhtml", "notes.xhtml",
                     "closing.xhtml"]
    assert opf.find(".//dc:language", NS).text == "zh-CN"
    assert opf.find(".//opf:spine", NS).get("toc"), "toc.ncx must be referenced for EPUB 2 readers"


def test_every_document_is_utf8_xhtml_with_lang(basic_build):
    with zipfile.ZipFile(_epub(basic_build)) as z:
        names = [n for n in z.namelist() if n.endswith(".xhtml")]
        assert names
        for name in names:
            data = z.read(name)
            assert data.startswith(b'<?xml version="1.0" encoding="utf-8"?>'), name
            root = etree.fromstring(data)
            assert root.get("lang") == "zh-CN" and root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN"
            assert re.fullmatch(r"[A-Za-z0-9._/-]+", name), f"non-ASCII or spaced file name {name}"


def test_nav_groups_articles_by_section(basic_build):
    with zipfile.ZipFile(_epub(basic_build)) as z:
        nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
    toc = nav.find(".//x:nav[@epub:type='toc']/x:ol", NS)
    top = [li.find("x:a", NS).text for li in toc.findall("x:li", NS)]
    assert top == ["风向 Trend", "探索 Exploration", "征订启示"]
    trend = toc.findall("x:li", NS)[0].findall("x:ol/x:li/x:a", NS)
    assert [a.text for a in trend] == ["坚决打赢疫情防控的人民战争总体战阻击战", "图片新闻"]
    landmarks = [a.get("{http://www.idpf.org/2007/ops}type") for a in
                 nav.findall(".//x:nav[@epub:type='landmarks']//x:a", NS)]
    assert landmarks == ["cover", "toc", "bodymatter"]


def test_figures_notes_sidebars_pullquotes_are_marked_up(basic_build):
    with zipfile.ZipFile(_epub(basic_build)) as z:
        figures = etree.fromstring(z.read("EPUB/figures.xhtml"))
        notes = etree.fromstring(z.read("EPUB/notes.xhtml"))
        opening = etree.fromstring(z.read("EPUB/opening.xhtml"))
    figure = figures.find(".//x:figure", NS)
    assert figure.find("x:img", NS).get("alt").startswith("占位图")
    assert figure.find(".//x:span[@class='credit']", NS).text == "图/新华社记者 鞠鹏 摄"
    assert figures.find(".//x:aside[@class='sidebar']", NS) is not None
    assert figures.find(".//x:table", NS) is not None
    ref = notes.find(".//x:a[@epub:type='noteref']", NS)
    note = notes.find(f".//x:aside[@id='{ref.get('href')[1:]}']", NS)
    assert note.get("{http://www.idpf.org/2007/ops}type") == "footnote"
    back = note.find(".//x:a[@role='doc-backlink']", NS)
    assert back.get("href") == "#" + ref.get("id"), "footnote links go both ways"
    assert opening.find(".//x:blockquote[@class='pullquote']", NS) is not None
    assert notes.find(".//x:pre[@class='code']//x:span", NS) is not None, "code is highlighted"


def test_same_manuscript_same_bytes(basic_build):
    from conftest import run_publish

    first = _epub(basic_build).read_bytes()
    result = run_publish("-C", str(basic_build), "epub", "--force")
    assert result.returncode == 0, result.stderr
    assert _epub(basic_build).read_bytes() == first


def page_list(epub) -> list[tuple[str, str, str]]:
    """(label, file, text right after the pagebreak marker) for every page-list entry."""
    with zipfile.ZipFile(epub) as z:
        nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
        entries = []
        for a in nav.findall(".//x:nav[@epub:type='page-list']//x:a", NS):
            file, anchor = a.get("href").split("#")
            doc = z.read(f"EPUB/{file}").decode()
            marker = re.search(rf'<span epub:type="pagebreak" role="doc-pagebreak" id="{anchor}" '
                               rf'aria-label="{a.text}"[^>]*></span>', doc)
            assert marker, f"page-list entry {a.text} has no pagebreak marker with that aria-label"
            # The column label heads each article file of the EPUB, while the print edition
            # prints it only where a section starts a page (a run-on article has none).
            after = re.sub(r'<p class="column-label">[^<]*</p>', "", doc[marker.end():], count=1)
            after = re.sub(r"<[^>]+>", "", after)
            entries.append((a.text, file, re.sub(r"\s+", "", after)[:8]))
    return entries


def test_page_list_matches_the_printed_pages(basic_build):
    from pypdf import PdfReader

    entries = page_list(_epub(basic_build))
    labels = [label for label, _, _ in entries]
    assert labels == sorted(labels, key=int) and len(set(labels)) == len(labels)
    assert all(label.isdigit() for label in labels)
    pdf = [re.sub(r"\s+", "", p.extract_text() or "") for p in PdfReader(basic_build / "build" / "test-monthly.pdf").pages]
    for label, file, text in entries:
        assert text[:4] in pdf[int(label) - 1], f"p.{label}: the EPUB marker is before '{text}', not on that page"
    with zipfile.ZipFile(_epub(basic_build)) as z:
        opf = z.read("EPUB/content.opf").decode()
    assert "<dc:source>" in opf and 'property="pageBreakSource"' in opf
    assert "pageNavigation" in opf and "printPageNumbers" in opf


def test_reader_pitfalls_are_avoided(basic_build):
    """What Kindle, Kobo and Apple Books trip on (see the issue's list)."""
    import io

    from PIL import Image

    with zipfile.ZipFile(_epub(basic_build)) as z:
        css = z.read("EPUB/style.css").decode()
        cover = etree.fromstring(z.read("EPUB/cover.xhtml"))
        images = [n for n in z.namelist() if n.startswith("EPUB/images/")]
        for name in images:
            with Image.open(io.BytesIO(z.read(name))) as image:
                assert image.format in ("PNG", "JPEG") and image.mode in ("RGB", "P"), (name, image.mode)
        opf = etree.fromstring(z.read("EPUB/content.opf"))
        assert "META-INF/com.apple.ibooks.display-options.xml" in z.namelist()
    assert cover.find(".//x:img", NS) is not None, "the cover is its own XHTML with an <img>"
    assert not re.search(r"(?<![-\w])(transform|position)\s*:|display\s*:\s*(inline-)?flex", css)
    for rule in re.findall(r"(?:^|})\s*((?:html|body|p)\s*\{[^}]*)\}", css):
        assert not re.search(r"(?<![-\w])(font-size|line-height|color)\s*:", rule), f"body text forced: {rule}"
    fonts = [i for i in opf.iterfind(".//opf:manifest/opf:item", NS) if i.get("href").startswith("fonts/")]
    assert fonts and all(i.get("media-type") == "font/otf" for i in fonts)


def test_toc_order_is_spine_order_and_semantics_pair_with_roles(basic_build):
    with zipfile.ZipFile(_epub(basic_build)) as z:
        nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
        opf = etree.fromstring(z.read("EPUB/content.opf"))
        manifest = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:manifest/opf:item", NS)}
        spine = [manifest[r.get("idref")] for r in opf.iterfind(".//opf:spine/opf:itemref", NS)]
        toc = [a.get("href").split("#")[0] for a in nav.findall(".//x:nav[@epub:type='toc']//x:a", NS)]
        assert [spine.index(f) for f in toc] == sorted(spine.index(f) for f in toc)
        roles = {"chapter": "doc-chapter", "noteref": "doc-noteref", "footnote": "doc-footnote",
                 "pullquote": "doc-pullquote", "sidebar": "complementary", "pagebreak": "doc-pagebreak",
                 "toc": "doc-toc", "page-list": "doc-pagelist"}
        for name in z.namelist():
            if not name.endswith(".xhtml"):
                continue
            root = etree.fromstring(z.read(name))
            landmarks = set(root.iterfind(".//x:nav[@epub:type='landmarks']//x:a", NS))
            for element in root.iter():
                kind = element.get("{http://www.idpf.org/2007/ops}type")
                if kind in roles and element not in landmarks:  # landmark links take no role
                    assert element.get("role") == roles[kind], (name, kind, element.get("role"))
            for img in root.iter("{http://www.w3.org/1999/xhtml}img"):
                assert img.get("alt"), f"{name}: image without alt text"


def test_no_embed_fonts_builds_without_fonts(tmp_path):
    from conftest import copy_case, run_publish

    project = copy_case("basic", tmp_path)
    result = run_publish("-C", str(project), "epub", "--no-embed-fonts")
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(project / "build" / "test-monthly.epub") as z:
        assert not [n for n in z.namelist() if "fonts/" in n]
        assert "@font-face" not in z.read("EPUB/style.css").decode()


def test_the_drawn_cover_is_kept_by_what_it_is_drawn_from(tmp_path, monkeypatch):
    """An EPUB rebuild after an article edit does not draw and compress the cover again."""
    import dataclasses

    from publish import load
    from publish.source.fonts import find_faces
    from publish.writers.epub import cover

    publication, _ = load(Path(__file__).resolve().parents[2] / "cases" / "basic")
    sans = {f.weight: f for f in find_faces(publication.root) if f.family == "Publish Sans"}
    first = cover.draw_cover(publication, sans[700], sans[400], tmp_path)
    assert first.startswith(b"\x89PNG") and len(list(tmp_path.glob("cover-*.png"))) == 1

    def no_drawing(*args):
        raise AssertionError("drawn again")

    monkeypatch.setattr(cover, "_draw", no_drawing)
    assert cover.draw_cover(publication, sans[700], sans[400], tmp_path) == first
    retitled = dataclasses.replace(publication, title=publication.title + "增刊")
    with pytest.raises(AssertionError, match="drawn again"):
        cover.draw_cover(retitled, sans[700], sans[400], tmp_path)


def test_each_face_is_given_the_characters_it_draws():
    """Sans and bold are inherited from ancestors (headings, captions, <strong> …); tails belong
    to the parent; alt, aria-label and title text counts as drawn."""
    from publish.writers.epub.fonts import face_texts

    doc = ('<html xmlns="http://www.w3.org/1999/xhtml"><body><p>正文<strong>粗<em>斜</em>体</strong>尾'
           '<img alt="图说"/></p><h2>标<span>题</span></h2><figure><figcaption class="x">说明<b>重</b></figcaption>'
           '</figure><div class="sidebar-title">栏<!-- 注释 -->后</div></body></html>').encode()
    used = face_texts([doc])
    assert set("正文尾图说") <= used[("Publish Serif", 400)]
    assert set("粗斜体") <= used[("Publish Serif", 700)]
    assert set("标题") <= used[("Publish Sans", 700)] and "标" not in used.get(("Publish Serif", 400), set())
    assert set("说明") <= used[("Publish Sans", 400)] and "重" in used[("Publish Sans", 700)]
    assert set("栏后") <= used[("Publish Sans", 700)] and "注" not in "".join(map("".join, used.values()))
