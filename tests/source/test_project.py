"""Loading and validation: every mistake is a diagnostic with file, line, column and a stable code."""

from __future__ import annotations

from pathlib import Path

import pytest

from publish import load
from publish.checks import check
from publish.diagnostics import Report


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
    (PUB, {"a": "---\ntitle: 题\n正文\n"}, "manuscript/articles/a.md:1:1: error E102: front matter is not closed"),
    (PUB, {"a": "正文，没有前言。\n"}, "manuscript/articles/a.md:1:1: error E115: the article has no title: it has no front"),
    (PUB, {"a": "---\nauthors: [某]\n---\n正文\n"}, "manuscript/articles/a.md:1:1: error E115: the article has no title: its front"),
    (PUB, {"a": "---\ntitle: ''\n---\n# 题\n"}, "manuscript/articles/a.md:2:1: error E104: 'title': must not be empty"),
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


PNG_1PX = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b55"
                        "0000000a4944415478da63600000000200015e2a3b610000000049454e44ae426082")


@pytest.mark.parametrize("publication, files, expected", [
    (PUB + "cover: images/cover.png\n", {"cover.png": b"not an image"},
     "manuscript/publication.yaml:4:1: error E202: cover.png is not an image"),
    (PUB + "cover: images/cover.svg\n", {"cover.svg": b'<svg xmlns="http://www.w3.org/2000/svg"/>'},
     "manuscript/publication.yaml:4:1: error E202: the cover cover.svg must be a raster image (PNG, JPEG, GIF, "
     "TIFF, WebP)"),
    (PUB + "cover: https://example.com/cover.jpg\n", {},
     "manuscript/publication.yaml:4:1: error E201: 'https://example.com/cover.jpg' is a URL"),
    (PUB + "cover: ../../../etc/passwd\n", {}, "manuscript/publication.yaml:4:1: error E205: '../../../etc/passwd' points"),
    (PUB + "page:\n  output_profile: images/press.icc\n", {"press.icc": b"\0" * 200},
     "manuscript/publication.yaml:5:3: error E202: press.icc is not an RGB, CMYK or grey ICC colour profile"),
    (PUB + "slug: a\nslug2: b\n", {}, "manuscript/publication.yaml:5:1: error E105: unknown key 'slug2'"),
    ('title: 刊\nslug: "out\\nput"\ncontents: [a]\n', {}, "manuscript/publication.yaml:2:1: error E104: 'slug': expected"),
    ('title: 刊\nlanguage: "zh\\n"\ncontents: [a]\n', {}, "manuscript/publication.yaml:2:1: error E104: 'language'"),
    ('title: ""\ncontents: [a]\n', {}, "manuscript/publication.yaml:1:1: error E103: 'title' is required"),
    ("title: 刊\ncontents:\n  - title: 空栏目\n    articles: []\n", {},
     "manuscript/publication.yaml:2:1: error E111: the manuscript is empty"),
    ("title: 刊\npage:\n  width: .inf\ncontents: [a]\n", {}, "manuscript/publication.yaml:3:3: error E104: 'width'"),
])
def test_publication_files_and_values_are_checked(tmp_path, publication, files, expected):
    root = project(tmp_path, publication, {"a": ARTICLE}, files)
    found = diagnostics(root)
    assert any(d.startswith(expected) for d in found), found
    assert all("Traceback" not in d for d in found)


def test_contents_left_empty_is_one_error_not_two(tmp_path):
    root = project(tmp_path, "title: 刊\ncontents:\n", {"a": ARTICLE})
    assert [d.split("\n")[0] for d in diagnostics(root) if " error " in d] == [
        "manuscript/publication.yaml:2:1: error E103: 'contents' is required and must not be empty"]


def test_image_names_that_sanitize_alike_get_distinct_hrefs(tmp_path):
    """图一.png and 图二.png both become "__.png" when made ASCII: a hash keeps them apart."""
    from publish.render.images import asset_href

    root = project(tmp_path, PUB, {"a": ARTICLE + "\n![一](../images/图一.png)\n\n![二](../images/图二.png)\n"},
                   {"图一.png": PNG_1PX, "图二.png": PNG_1PX, "plain.png": PNG_1PX})
    images = root.resolve() / "manuscript" / "images"
    hrefs = {asset_href(root.resolve(), images / name) for name in ("图一.png", "图二.png")}
    assert len(hrefs) == 2 and all(h.isascii() and h.endswith(".png") for h in hrefs), hrefs
    assert asset_href(root.resolve(), images / "plain.png") == "images/plain.png"
    report = Report()
    model = check(root, report)
    assert model is not None, [d.format(root) for d in report.items]
    assert len(model.images) == 2


def test_a_bom_and_crlf_line_ends_simply_work(tmp_path):
    root = project(tmp_path, PUB, {})
    (root / "manuscript" / "publication.yaml").write_bytes(("\ufeff" + PUB).replace("\n", "\r\n").encode())
    (root / "manuscript" / "articles" / "a.md").write_bytes(
        ("\ufeff" + ARTICLE + "\n注释[^1]。\n\n[^1]: 注。\n").replace("\n", "\r\n").encode())
    publication, report = load(root)
    assert not report.items, [d.format(root) for d in report.items]
    assert publication.articles[0].title == "标题"
    assert "\r" not in publication.articles[0].body.text
    assert not diagnostics(root)


def test_an_image_claiming_too_many_pixels_is_E203_without_being_decoded(tmp_path):
    """The guard is in pixels: a few hundred bytes claiming 400 MP are refused from the header."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    bomb = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 20000, 20000, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 20001)) + chunk(b"IEND", b""))
    root = project(tmp_path, PUB, {"a": ARTICLE + "\n![大图](../images/big.png)\n"}, {"big.png": bomb})
    found = diagnostics(root)
    assert any(d.startswith("manuscript/articles/a.md:7:1: error E203: image big.png claims 20000 × 20000 pixels "
                            "(400 MP), over the guard of 250 MP") for d in found), found


def test_a_truncated_image_is_E202_even_after_weasyprint_is_imported(tmp_path):
    """WeasyPrint sets PIL's LOAD_TRUNCATED_IMAGES on import; the check must not depend on that."""
    import io

    import weasyprint.images  # noqa: F401  (the import is the point)
    from PIL import Image, ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    buffer = io.BytesIO()
    Image.effect_noise((64, 64), 50).convert("RGB").save(buffer, "PNG")
    root = project(tmp_path, PUB, {"a": ARTICLE + "\n![会场](../images/cut.png)\n"},
                   {"cut.png": buffer.getvalue()[:len(buffer.getvalue()) // 2]})
    found = diagnostics(root)
    assert any(d.startswith("manuscript/articles/a.md:7:1: error E202: cut.png is damaged or truncated") for d in found), \
        found
    assert ImageFile.LOAD_TRUNCATED_IMAGES, "WeasyPrint's setting is restored"
