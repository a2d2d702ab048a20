"""Small Word documents made for the tests: python-docx for what it writes (headings, lists, a
table, a picture with its caption, core properties), and the footnotes part written as XML,
which python-docx cannot make."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
from docx.shared import Cm

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="{W}">
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
{{notes}}
</w:footnotes>"""
NOTE = ('<w:footnote w:id="{id}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
        '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
        '<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>')
REFERENCE = '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="{id}"/></w:r>'
def png(width: int = 600, height: int = 400) -> bytes:
    """A real PNG: two colour fields, so that it is an image and not noise."""
    from PIL import Image

    image = Image.new("RGB", (width, height), (40, 90, 160))
    image.paste((230, 180, 40), (0, 0, width // 2, height))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def footnotes(data: bytes, notes: list[str]) -> bytes:
    """`data` (a .docx) with footnote n (1-based) at each "[[FNn]]" marker in its text."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "word/document.xml":
                text = content.decode("utf-8")
                # A marker is the whole text of its own run: close the run's text, add the reference.
                text = re.sub(r"<w:r>(?:<w:rPr>.*?</w:rPr>)?<w:t(?: [^>]*)?>\[\[FN(\d+)\]\]</w:t></w:r>",
                              lambda m: REFERENCE.format(id=m.group(1)), text)
                content = text.encode("utf-8")
            elif item.filename == "word/_rels/document.xml.rels":
                content = content.replace(b"</Relationships>", b'<Relationship Id="rIdFootnotes" Type="http://'
                                          b'schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" '
                                          b'Target="footnotes.xml"/></Relationships>')
            elif item.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType="'
                                          b'application/vnd.openxmlformats-officedocument.wordprocessingml.'
                                          b'footnotes+xml"/></Types>')
            target.writestr(item, content)
        body = "".join(NOTE.format(id=n, text=text) for n, text in enumerate(notes, 1))
        target.writestr("word/footnotes.xml", FOOTNOTES.format(notes=body))
    return out.getvalue()


def make_docx(path: Path, title: str | None = "Word 稿件", author: str | None = "张三; 李四",
              image: bytes | None = None) -> Path:
    """A manuscript with what editors receive: headings, lists, a table, a picture with a caption,
    two footnotes, a link; and its title, authors and subject in the document properties."""
    document = docx.Document()
    if title:
        document.core_properties.title = title
    if author:
        document.core_properties.author = author
    document.core_properties.subject = "一个副标题"
    document.add_heading("第一章 引言", level=1)
    paragraph = document.add_paragraph("本文讨论Word稿件的导入")
    paragraph.add_run("[[FN1]]")
    paragraph.add_run("，以及 EPUB 3 的“脚注”。")
    document.add_heading("1.1 列表", level=2)
    document.add_paragraph("第一项", style="List Bullet")
    document.add_paragraph("第二项", style="List Bullet")
    document.add_paragraph("步骤一", style="List Number")
    document.add_heading("1.2 表格", level=2)
    document.add_paragraph("表 1 数据", style="Caption")
    table = document.add_table(rows=2, cols=2)
    for row, cells in enumerate((("名称", "数量"), ("苹果", "3"))):
        for col, text in enumerate(cells):
            table.cell(row, col).text = text
    document.add_heading("1.3 图片", level=2)
    document.add_picture(io.BytesIO(image or png()), width=Cm(4))
    document.inline_shapes[0]._inline.docPr.set("descr", "一张小图")
    document.add_paragraph("图 1 示意图：两个像素", style="Caption")
    last = document.add_paragraph("见脚注")
    last.add_run("[[FN2]]")
    last.add_run("。")
    data = io.BytesIO()
    document.save(data)
    path.write_bytes(footnotes(data.getvalue(), ["这是第一个脚注。", "第二个脚注，含 English。"]))
    return path
