"""A converted edition (cjk/convert.py): OpenCC with Taiwan's and Hong Kong's phrases, the
project's phrase table, markup untouched; and a whole publication built both ways."""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from conftest import copy_case, run_publish

from publish.cjk.convert import Converter, parse_phrases


def test_taiwan_and_hong_kong_phrases():
    assert Converter("zh-Hant-TW").text("软件和鼠标，网络传播") == "軟體和滑鼠，網路傳播"
    assert Converter("zh-Hant-HK").text("软件和鼠标，网络传播") == "軟件和鼠標，網絡傳播"
    assert Converter("zh-Hans", source_language="zh-TW").text("軟體和滑鼠，網路傳播") == "软件和鼠标，网络传播"


def test_the_phrase_table_corrects_the_conversion():
    phrases, problems = parse_phrases("# comment\n網路傳播\t網絡傳播\n傳播\t傳布  # longest wins\nbad\n")
    assert problems == [(4, "line 4 of the phrase table is not 'phrase<tab>replacement': 'bad'")]
    converter = Converter("zh-Hant-TW", phrases)
    assert converter.text("网络传播的传播") == "網絡傳播的傳布"


def test_only_text_is_converted_never_markup():
    html = '<p id="a-网络"><a href="#a-网络">网络</a><img src="images/图.png" alt="鼠标" /></p>'
    assert Converter("zh-Hant-TW").html(html) == '<p id="a-网络"><a href="#a-网络">網路</a>' \
        '<img src="images/图.png" alt="滑鼠" /></p>'


def _build(project: Path, convert: str, phrases: str = "") -> str:
    yaml = project / "manuscript" / "publication.yaml"
    extra = f"convert: {convert}\n" + ("phrases: phrases.txt\n" if phrases else "")
    yaml.write_text(yaml.read_text(encoding="utf-8") + extra, encoding="utf-8")
    if phrases:
        (project / "manuscript" / "phrases.txt").write_text(phrases, encoding="utf-8")
    result = run_publish("-C", str(project), "epub")
    assert result.returncode == 0, result.stderr
    return next((project / "build").glob("*.epub")).name


def test_a_simplified_manuscript_as_a_taiwan_edition(tmp_path):
    project = copy_case("typography", tmp_path)
    name = _build(project, "zh-Hant-TW", "網路\t網絡\n")
    with zipfile.ZipFile(project / "build" / name) as epub:
        nav = epub.read("EPUB/nav.xhtml").decode()
        opf = epub.read("EPUB/content.opf").decode()
        texts = "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml"))
    assert "目錄" in nav and "<dc:language>zh-Hant-TW</dc:language>" in opf
    plain = re.sub(r"<[^>]+>", "", texts)
    assert "網絡" in plain and "网络" not in plain and "網路" not in plain  # the phrase table's choice
    assert 'lang="zh-Hant-TW"' in texts


def test_a_traditional_manuscript_as_a_simplified_edition(tmp_path):
    project = copy_case("zh-hant", tmp_path)
    name = _build(project, "zh-Hans")
    with zipfile.ZipFile(project / "build" / name) as epub:
        text = re.sub(r"<[^>]+>", "", epub.read("EPUB/taohuayuan.xhtml").decode())
        nav = epub.read("EPUB/nav.xhtml").decode()
    assert "桃花源记" in text and "晋太元中，武陵人捕鱼为业" in text and "目录" in nav
