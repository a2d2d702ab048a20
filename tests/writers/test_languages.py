"""Traditional Chinese and Japanese as first-class languages (issue 15), on two fixtures of
public-domain texts built on a machine whose fontconfig knows only DejaVu:

- tests/cases/ja: 夏目漱石「坊っちゃん」's opening as Aozora Bunko ships it (Shift_JIS, ruby in
  Aozora notation), and a Markdown article with {ruby}, 傍点 and raw <ruby>;
- tests/cases/zh-hant: 桃花源記, 岳陽樓記, 師說, and a preface with Latin and digits.

Glyph forms, centred punctuation and ruby are checked on the PDF's pixels and glyph boxes.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from conftest import copy_case, epubcheck, epubcheck_counts, fresh_machine, run_publish
from typometrics import CLOSING, measure

JA_NO_START = CLOSING + "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶー・"


def _build(name: str, tmp_path_factory, *args: str, edit=None) -> Path:
    project = copy_case(name, tmp_path_factory.mktemp(name))
    if edit is not None:
        edit(project)
    env = fresh_machine(project.parent)
    result = run_publish("-C", str(project), *args, env=env)
    assert result.returncode == 0, result.stderr
    assert "W214" not in result.stderr and "E208" not in result.stderr, result.stderr
    project.joinpath("stdout.txt").write_text(result.stdout, encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def ja(tmp_path_factory) -> Path:
    return _build("ja", tmp_path_factory)


@pytest.fixture(scope="module")
def zh_hant(tmp_path_factory) -> Path:
    return _build("zh-hant", tmp_path_factory)


@pytest.fixture(scope="module")
def ja_as_hans(tmp_path_factory) -> Path:
    """The ja fixture's Markdown article, built as Simplified Chinese: the same characters."""
    def edit(project: Path) -> None:
        yaml = project / "manuscript" / "publication.yaml"
        text = yaml.read_text(encoding="utf-8").replace("language: ja", "language: zh-CN")
        yaml.write_text(text.replace("  - botchan\n", ""), encoding="utf-8")
        (project / "manuscript" / "articles" / "botchan.txt").unlink()
    return _build("ja", tmp_path_factory, "pdf", "--variant", "screen", edit=edit)


def _chars(pdf: Path, text: str, size: float = 10.0) -> list[tuple[int, dict]]:
    import pdfplumber

    found = []
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages, 1):
            found += [(number, c) for c in page.chars if c["text"] == text and abs(c["size"] - size) < 0.2]
    return found


def _ink(pdf: Path, page: int, char: dict, tmp_path: Path, dpi: int = 600):
    """The pixels of one glyph's em box, as a 2-D list of 0/1 (ink)."""
    from PIL import Image

    tmp_path.mkdir(parents=True, exist_ok=True)
    out = tmp_path / f"p{page}-{int(char['x0'])}-{int(char['top'])}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-gray", "-png", str(pdf),
                    str(out)], check=True)
    image = Image.open(next(tmp_path.glob(out.name + "*.png"))).convert("L")
    scale = dpi / 72
    box = (round(char["x0"] * scale), round(char["top"] * scale), round(char["x1"] * scale),
           round(char["bottom"] * scale))
    crop = image.crop(box)
    return [[1 if crop.getpixel((x, y)) < 128 else 0 for x in range(crop.width)] for y in range(crop.height)]


def _centroid(ink) -> tuple[float, float]:
    points = [(x, y) for y, row in enumerate(ink) for x, v in enumerate(row) if v]
    assert points, "no ink in the glyph's box"
    width, height = len(ink[0]), len(ink)
    return sum(p[0] for p in points) / len(points) / width, sum(p[1] for p in points) / len(points) / height


def _epub_text(epub: Path, name: str) -> str:
    with zipfile.ZipFile(epub) as archive:
        return archive.read(f"EPUB/{name}").decode("utf-8")


# -- fonts: the glyph forms of each language -------------------------------------------------------

def test_the_glyph_of_kon_differs_between_japanese_and_simplified_chinese(ja, ja_as_hans, tmp_path):
    (page_ja, char_ja), = _chars(ja / "build" / "botchan.pdf", "今")[-1:]
    (page_sc, char_sc), = _chars(ja_as_hans / "build" / "botchan.pdf", "今")[-1:]
    ink_ja = _ink(ja / "build" / "botchan.pdf", page_ja, char_ja, tmp_path / "ja")
    ink_sc = _ink(ja_as_hans / "build" / "botchan.pdf", page_sc, char_sc, tmp_path / "sc")
    height = min(len(ink_ja), len(ink_sc))
    width = min(len(ink_ja[0]), len(ink_sc[0]))
    differing = sum(ink_ja[y][x] != ink_sc[y][x] for y in range(height) for x in range(width))
    assert differing > 0.02 * width * height, f"今 is drawn alike in ja and zh-Hans ({differing} pixels differ)"


def test_traditional_punctuation_is_centred_in_its_em_box(zh_hant, ja_as_hans, tmp_path):
    """，and 。 sit in the middle of their box in Taiwan's forms, bottom left in the mainland's."""
    for mark in ("，", "。", "、"):
        page, char = _chars(zh_hant / "build" / "guwen.pdf", mark)[3]
        x, y = _centroid(_ink(zh_hant / "build" / "guwen.pdf", page, char, tmp_path / f"tc{ord(mark)}"))
        assert 0.35 < x < 0.65, f"{mark} not centred across its box in zh-Hant: {x:.2f}"
    for mark in ("。", "、"):
        page, char = _chars(ja_as_hans / "build" / "botchan.pdf", mark)[0]
        x_sc, _ = _centroid(_ink(ja_as_hans / "build" / "botchan.pdf", page, char, tmp_path / f"sc{ord(mark)}"))
        assert x_sc < 0.35, f"{mark} of the Simplified build is not at the left: {x_sc:.2f}"


# -- lang on every element ------------------------------------------------------------------------

def test_every_document_and_article_carries_its_language(ja, zh_hant):
    for project, slug, lang in ((ja, "botchan", "ja"), (zh_hant, "guwen", "zh-Hant-TW")):
        epub = project / "build" / f"{slug}.epub"
        with zipfile.ZipFile(epub) as archive:
            documents = [n for n in archive.namelist() if n.endswith(".xhtml")]
            for name in documents:
                head = archive.read(name).decode("utf-8")[:400]
                assert f'lang="{lang}" xml:lang="{lang}"' in head, (name, head)
            opf = archive.read("EPUB/content.opf").decode("utf-8")
        assert f"<dc:language>{lang}</dc:language>" in opf


# -- labels ---------------------------------------------------------------------------------------

def test_labels_follow_the_language(ja, zh_hant):
    nav = _epub_text(ja / "build" / "botchan.epub", "nav.xhtml")
    assert "<h1 id=\"toc-title\">目次</h1>" in nav and "目录" not in nav
    notation = _epub_text(ja / "build" / "botchan.epub", "notation.xhtml")
    assert "文／編集部" in notation
    botchan = _epub_text(ja / "build" / "botchan.epub", "botchan.xhtml")
    assert "（出典：「ちくま日本文学全集　夏目漱石」筑摩書房）" in botchan
    opf = _epub_text(ja / "build" / "botchan.epub", "content.opf")
    assert "本書はリフロー型の EPUB 3" in opf
    nav = _epub_text(zh_hant / "build" / "guwen.epub", "nav.xhtml")
    assert "目錄" in nav and "目录" not in nav
    preface = re.sub(r"<[^>]+>", "", _epub_text(zh_hant / "build" / "guwen.epub", "preface.xhtml"))
    assert "（資料來源：publish測試書局）" in preface
    assert "本出版品為可重排的 EPUB 3" in _epub_text(zh_hant / "build" / "guwen.epub", "content.opf")
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "2", str(ja / "build" / "botchan.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "目次" in text and "Contents" not in text and "夏目漱石" in text  # the cover shows the author
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "2", str(zh_hant / "build" / "guwen.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "目錄" in text and "陶淵明" in text


def test_labels_can_be_overridden(tmp_path_factory):
    def edit(project: Path) -> None:
        yaml = project / "manuscript" / "publication.yaml"
        yaml.write_text(yaml.read_text(encoding="utf-8") + "labels:\n  contents: もくじ\n  byline: 著・\n",
                        encoding="utf-8")
    project = _build("ja", tmp_path_factory, "epub", edit=edit)
    assert "<h1 id=\"toc-title\">もくじ</h1>" in _epub_text(project / "build" / "botchan.epub", "nav.xhtml")
    assert "著・編集部" in _epub_text(project / "build" / "botchan.epub", "notation.xhtml")


# -- ruby -----------------------------------------------------------------------------------------

def test_ruby_in_the_epub(ja):
    botchan = _epub_text(ja / "build" / "botchan.epub", "botchan.xhtml")
    assert "<ruby>親譲<rt>おやゆず</rt></ruby>りの<ruby>無鉄砲<rt>むてっぽう</rt></ruby>" in botchan
    assert "<ruby>怒<rt>おこ</rt></ruby>" in botchan  # ｜怒《おこ》: an explicit base after a kanji
    assert "《" not in botchan and "｜" not in botchan
    notation = _epub_text(ja / "build" / "botchan.epub", "notation.xhtml")
    assert "<ruby>東京<rt>とうきょう</rt></ruby>" in notation
    assert "<ruby>大<rt>だい</rt>学<rt>がく</rt></ruby>" in notation
    assert "<ruby>漢字<rt>かんじ</rt></ruby>" in notation
    assert '<em class="bouten bouten-sesame">大事</em>' in notation
    assert "<ruby>振仮名<rp>（</rp><rt>ふりがな</rt><rp>）</rp></ruby>" in notation  # raw HTML kept whole
    css = _epub_text(ja / "build" / "botchan.epub", "style.css")
    assert "text-emphasis-style: filled sesame" in css


def test_ruby_in_the_pdf_sits_above_its_base_centred(ja):
    """Every reading of 親譲 (おやゆず) is set at half size above the base, centred on it, and the
    raw HTML ruby keeps both its base and its reading."""
    import pdfplumber

    with pdfplumber.open(ja / "build" / "botchan.pdf") as document:
        page = next(p for p in document.pages if "親譲" in (p.extract_text() or "").replace("\n", ""))
        chars = page.chars
    base = [c for c in chars if abs(c["size"] - 10) < 0.2]
    small = [c for c in chars if abs(c["size"] - 5) < 0.2]
    first = next(i for i in range(len(base) - 1) if base[i]["text"] == "親" and base[i + 1]["text"] == "譲")
    oya, yuzu = base[first], base[first + 1]
    reading = [c for c in small if c["bottom"] <= oya["top"] + 0.5 and c["top"] > oya["top"] - 8
               and oya["x0"] - 6 <= c["x0"] and c["x1"] <= yuzu["x1"] + 6]
    assert "".join(c["text"] for c in sorted(reading, key=lambda c: c["x0"])) == "おやゆず"
    centre_base = (oya["x0"] + yuzu["x1"]) / 2
    centre_reading = (min(c["x0"] for c in reading) + max(c["x1"] for c in reading)) / 2
    assert abs(centre_base - centre_reading) < 0.5
    text = subprocess.run(["pdftotext", str(ja / "build" / "botchan.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert "振仮名" in flat and "ふりがな" in flat and "漢字" in flat


def test_ruby_keeps_the_line_pitch(ja):
    """Lines with ruby and lines without are one pitch apart (the grid's 17.5 pt)."""
    from typometrics import body_lines

    lines = body_lines(ja / "build" / "botchan.pdf")
    tops = [l.top for l in lines if l.page == lines[0].page]
    gaps = {round(b - a, 1) for a, b in zip(tops, tops[1:]) if b - a < 30}
    assert gaps <= {17.5}, gaps


# -- typography measures --------------------------------------------------------------------------

@pytest.mark.parametrize("case, slug, indent, no_start", [("ja", "botchan", 1.0, JA_NO_START),
                                                          ("zh_hant", "guwen", 2.0, CLOSING)])
def test_typography_measures_hold(case, slug, indent, no_start, request):
    project = request.getfixturevalue(case)
    metrics = measure(project / "build" / f"{slug}.pdf", indent=indent, closing=no_start)
    assert metrics.justified_lines >= 15
    assert metrics.ragged == [] and metrics.worst_shortfall <= 0.5, metrics.ragged[:5]
    assert metrics.kinsoku == [], metrics.kinsoku
    assert len(metrics.indents) >= 5 and all(abs(i - indent) < 0.01 for i in metrics.indents)
    assert metrics.pairs >= 2 and max(metrics.pair_widths) <= 1.55, sorted(metrics.pair_widths)[-3:]
    assert len(metrics.latin_gaps) >= 2 and min(metrics.latin_gaps) >= 0.24, metrics.latin_gaps


# -- the vertical EPUB ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def vertical(ja) -> Path:
    env = fresh_machine(ja.parent)
    result = run_publish("-C", str(ja), "epub-vertical", env=env)
    assert result.returncode == 0, result.stderr
    return ja / "build" / "botchan-vertical.epub"


def test_the_vertical_epub(vertical, tmp_path):
    opf = _epub_text(vertical, "content.opf")
    assert 'page-progression-direction="rtl"' in opf
    assert '<meta name="primary-writing-mode" content="vertical-rl"' in opf
    css = _epub_text(vertical, "style.css")
    assert "writing-mode: vertical-rl" in css and "text-combine-upright: all" in css
    notation = _epub_text(vertical, "notation.xhtml")
    assert 'Unicode <span class="tcy">15</span>' in notation  # two digits across the column
    assert "<span class=\"tcy\">2004" not in notation  # four do not
    assert epubcheck_counts(epubcheck(vertical, tmp_path)) == {}


def test_the_vertical_epubs_fonts_keep_the_vertical_forms(vertical, tmp_path):
    from fontTools.ttLib import TTFont

    with zipfile.ZipFile(vertical) as archive:
        name = next(n for n in archive.namelist() if n.startswith("EPUB/fonts/NotoSerif") and "Regular" in n)
        (tmp_path / "serif.otf").write_bytes(archive.read(name))
    font = TTFont(tmp_path / "serif.otf")
    features = {record.FeatureTag for record in font["GSUB"].table.FeatureList.FeatureRecord}
    assert {"vert", "vrt2", "locl"} <= features
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(str(tmp_path / "serif.otf")))
    hbfont = hb.Font(face)

    def glyph(text: str, direction: str) -> int:
        buffer = hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        buffer.direction = direction
        buffer.language = "ja"
        hb.shape(hbfont, buffer, {})
        return buffer.glyph_infos[0].codepoint

    assert glyph("「", "ttb") != glyph("「", "ltr")
    assert glyph("。", "ttb") != glyph("。", "ltr")


def test_a_plain_publish_builds_no_vertical_epub(ja):
    built = (ja / "stdout.txt").read_text(encoding="utf-8")
    assert "botchan.epub" in built and "vertical" not in built


def test_emphasis_dots_are_drawn_in_the_pdf_and_add_no_text(ja, tmp_path):
    """大事 with 傍点: ink just above each of its glyph boxes, none above its neighbours; the
    dots are pictures, not characters."""
    import pdfplumber

    pdf = ja / "build" / "botchan.pdf"
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages, 1):
            chars = [c for c in page.chars if abs(c["size"] - 10) < 0.2]
            found = [i for i in range(len(chars) - 3)
                     if "".join(c["text"] for c in chars[i:i + 4]) == "大事な点"]  # the notation article's
            if found:
                break
    index = found[0]
    assert "﹅" not in "".join(c["text"] for c in page.chars)

    def ink_above(char: dict) -> int:
        band = dict(char, top=char["top"] - 6.0, bottom=char["top"] - 2.0)  # the dot: 4–5 pt up
        return sum(map(sum, _ink(pdf, number, band, tmp_path / f"b{int(char['x0'])}", dpi=600)))

    marked = [ink_above(chars[index]), ink_above(chars[index + 1])]
    plain = [ink_above(chars[index + 2]), ink_above(chars[index - 1])]
    assert min(marked) > 10 and max(plain) < min(marked) / 4, (marked, plain)


def test_figures_and_tables_stay_upright_in_the_vertical_epub(vertical):
    css = _epub_text(vertical, "style.css")
    upright = css[css.index("/* Upright"):]
    assert re.search(r"figure, \.table, table, pre[^{]*\{\s*writing-mode: horizontal-tb", upright)
    notation = _epub_text(vertical, "notation.xhtml")
    assert '<figure id="notation-fig1" class="figure">' in notation and "<table>" in notation
    assert '<span class="figure-label">図1</span>' in notation


def test_japanese_line_start_rules_at_the_break(tmp_path):
    """Paragraphs made so that the natural break falls just before a small kana, ー, 。, 」 or
    ）, or just after 「: the line breaks elsewhere (JIS X 4051, at the usual strictness)."""
    project = copy_case("ja", tmp_path)
    manuscript = project / "manuscript"
    (manuscript / "articles" / "botchan.txt").unlink()
    (manuscript / "articles" / "notation.md").unlink()
    yaml = manuscript / "publication.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("  - botchan\n  - notation\n", "  - breaks\n"),
                    encoding="utf-8")
    # 49 characters a line; a paragraph's first line has 48 after its one-character indent.
    cases = {"ッ": "カ", "ゃ": "き", "ー": "コ", "ョ": "シ", "。": "る", "」": "る", "）": "る"}
    paragraphs = ["あ" * 47 + before + mark + "いうえおかきくけこ" * 4 for mark, before in cases.items()]
    paragraphs.append("あ" * 47 + "「かぎ」" + "いうえおかきくけこ" * 4)  # 「 would end the first line
    paragraphs.append("い" * 47 + "かき" + "いうえおかきくけこ" * 4)  # the control: no rule moves its break
    (manuscript / "articles" / "breaks.md").write_text("---\ntitle: 禁則\n---\n\n" + "\n\n".join(paragraphs) + "\n",
                                                       encoding="utf-8")
    result = run_publish("-C", str(project), "pdf", "--variant", "screen", env=fresh_machine(tmp_path))
    assert result.returncode == 0, result.stderr
    from typometrics import body_lines

    lines = body_lines(project / "build" / "botchan.pdf")
    starts = [l.text[0] for l in lines]
    ends = [l.text[-1] for l in lines]
    assert len(lines) >= 2 * len(paragraphs)
    assert any(len(l.chars) == 48 and l.text.endswith("いか") for l in lines), "the break is not where the test thinks"
    assert all(len(l.chars) == 47 for l in lines if l.text.startswith("あ")), "a rule did not move a break"
    assert not set(starts) & set(JA_NO_START), starts
    assert "「" not in ends, ends
