"""Checks on the bundled Pan-CJK fonts in fonts/ (built by scripts/build_fonts.py): coverage of
the Simplified, Traditional and Japanese character lists, each language's glyph forms behind
`locl`, the features CJK typesetting needs, names, and the size budget."""

from __future__ import annotations

from pathlib import Path

import pytest
import uharfbuzz as hb
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
FONTS_DIR = ROOT / "fonts"
CHARSET_FILE = FONTS_DIR / "charset.txt"

# file name -> (family, subfamily, usWeightClass)
TEXT_FACES = {
    "NotoSerifCJKPublish-Regular.otf": ("Noto Serif CJK Publish", "Regular", 400),
    "NotoSerifCJKPublish-Bold.otf": ("Noto Serif CJK Publish", "Bold", 700),
    "NotoSansCJKPublish-Regular.otf": ("Noto Sans CJK Publish", "Regular", 400),
    "NotoSansCJKPublish-Bold.otf": ("Noto Sans CJK Publish", "Bold", 700),
}
MONO_FACES = {
    "NotoSansMonoCJKPublish-Regular.otf": ("Noto Sans Mono CJK Publish", "Regular", 400),
    "NotoSansMonoCJKPublish-Bold.otf": ("Noto Sans Mono CJK Publish", "Bold", 700),
}
FACES = {**TEXT_FACES, **MONO_FACES}
MAX_TOTAL_BYTES = 50 * 1000 * 1000


def read_charset(path: Path = CHARSET_FILE) -> set[str]:
    """Parse fonts/charset.txt (format described in its header)."""
    chars: set[str] = set()
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line or line.startswith("#"):
            continue
        if line.startswith("U+"):
            chars.update(chr(int(tok[2:], 16)) for tok in line.split())
        else:
            chars.update(line)
    return chars


def codec_chars(codec: str, lead: range, trail: range) -> set[str]:
    """Every character of a double-byte codec's rows (GB 2312, Big5, EUC-JP)."""
    chars = set()
    for hi in lead:
        for lo in trail:
            try:
                chars.add(bytes((hi, lo)).decode(codec))
            except UnicodeDecodeError:
                pass
    return chars


def is_han(c: str) -> bool:
    return 0x4E00 <= ord(c) <= 0x9FFF or 0x3400 <= ord(c) <= 0x4DBF or ord(c) >= 0x20000 or 0xF900 <= ord(c) <= 0xFAFF


@pytest.fixture(scope="module")
def charset() -> set[str]:
    return read_charset()


@pytest.fixture(scope="module", params=sorted(FACES))
def face(request):
    font = TTFont(FONTS_DIR / request.param, lazy=True)
    yield request.param, font
    font.close()


@pytest.fixture(scope="module", params=sorted(TEXT_FACES))
def text_face(request):
    font = TTFont(FONTS_DIR / request.param, lazy=True)
    yield request.param, font
    font.close()


def _name(font: TTFont, name_id: int) -> str | None:
    record = font["name"].getName(name_id, 3, 1, 0x409)
    return record.toUnicode() if record else None


def test_charset_holds_the_lists_of_three_markets(charset):
    han = {c for c in charset if is_han(c)}
    assert len(han) >= 17_000
    gb2312 = codec_chars("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF))
    assert len(gb2312) == 7445 and gb2312 <= charset
    big5 = {c for c in codec_chars("big5", range(0xA4, 0xFA), range(0x40, 0xFF)) if is_han(c)}
    assert len(big5) >= 13_000 and big5 <= charset, "Big5 levels 1 and 2"
    jis = {c for c in codec_chars("euc_jp", range(0xB0, 0xF5), range(0xA1, 0xFF)) if is_han(c)}
    assert len(jis) >= 6_300 and jis <= charset, "JIS X 0208 kanji"
    for c in "，。、：；！？“”《》「」『』…—·①ぁァー々〆〇":
        assert c in charset, f"U+{ord(c):04X} {c!r} missing from charset.txt"


def test_is_cff_opentype(face):
    name, font = face
    assert font.sfntVersion == "OTTO", name
    assert "CFF " in font


def test_text_faces_cover_the_charset(text_face, charset):
    name, font = text_face
    cmap = font.getBestCmap()
    missing = sorted(c for c in charset if ord(c) not in cmap)
    assert not missing, f"{name} lacks {len(missing)}: " + " ".join(f"U+{ord(c):04X}" for c in missing[:30])


def test_mono_faces_have_latin_and_leave_han_to_the_sans(face):
    name, font = face
    if name not in MONO_FACES:
        return
    cmap = font.getBestCmap()
    assert all(ord(c) in cmap for c in "AZaz09{}[]()<>=+-*/\\|_~`'\"#$%&@!?.,;:")
    assert ord("中") not in cmap, "the themes take Han from Publish Sans (the same outlines)"
    width = font["hmtx"][font.getBestCmap()[ord("A")]][0]
    assert all(font["hmtx"][cmap[ord(c)]][0] == width for c in "il0WM."), "monospaced"


def _features(font: TTFont, tag: str) -> set[str]:
    if tag not in font or font[tag].table.FeatureList is None:
        return set()
    return {rec.FeatureTag for rec in font[tag].table.FeatureList.FeatureRecord}


def test_layout_features(text_face):
    name, font = text_face
    gsub, gpos = _features(font, "GSUB"), _features(font, "GPOS")
    for tag in ("halt", "palt", "vhal", "vpal", "kern"):
        assert tag in gpos, f"{name}: no {tag!r} in GPOS"
    for tag in ("vert", "vrt2", "locl"):
        assert tag in gsub, f"{name}: no {tag!r} in GSUB"
    systems = {s.ScriptTag: {ls.LangSysTag.strip() for ls in s.Script.LangSysRecord}
               for s in font["GSUB"].table.ScriptList.ScriptRecord}
    assert {"JAN", "ZHS", "ZHT", "ZHH"} <= systems["hani"], systems["hani"]
    assert "KOR" not in systems["hani"]


def _glyph(path: Path, text: str, language: str) -> list[int]:
    blob = hb.Blob.from_file_path(str(path))
    font = hb.Font(hb.Face(blob))
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    buffer.language = language
    hb.shape(font, buffer)
    return [info.codepoint for info in buffer.glyph_infos]


@pytest.mark.parametrize("file_name", ["NotoSerifCJKPublish-Regular.otf", "NotoSansCJKPublish-Bold.otf"])
def test_each_language_gets_its_glyph_forms(file_name):
    """One font, three markets: 今 and 骨 are drawn differently in Japanese, Simplified and
    Traditional Chinese (the locl feature, chosen by the text's language)."""
    path = FONTS_DIR / file_name
    for text in ("今", "骨", "。"):
        forms = {lang: tuple(_glyph(path, text, lang)) for lang in ("ja", "zh-Hans", "zh-Hant")}
        assert len(set(forms.values())) >= 2, (text, forms)
    assert _glyph(path, "今", "ja") != _glyph(path, "今", "zh-Hans") != _glyph(path, "今", "zh-Hant")


def test_vertical_metrics_tables(text_face):
    name, font = text_face
    for table in ("vhea", "vmtx", "VORG"):
        assert table in font, f"{name}: no {table}"


def test_names_and_weight(face):
    name, font = face
    family, style, weight = FACES[name]
    ps_name = f"{family.replace(' ', '')}-{style}"
    assert _name(font, 1) == family
    assert _name(font, 2) == style
    assert _name(font, 4) == f"{family} {style}"
    assert _name(font, 6) == ps_name
    assert _name(font, 16) == family
    assert _name(font, 17) == style
    for record in font["name"].names:  # the Reserved Font Name of Noto CJK's licence
        assert "Source" not in record.toUnicode(), record
    assert font["CFF "].cff.fontNames == [ps_name]
    assert font["OS/2"].usWeightClass == weight
    fs = font["OS/2"].fsSelection
    is_bold = style == "Bold"
    assert bool(fs & (1 << 5)) == is_bold          # BOLD
    assert bool(fs & (1 << 6)) == (not is_bold)    # REGULAR
    assert not fs & 1                              # not italic
    assert bool(font["head"].macStyle & 1) == is_bold


def test_licence_and_readme_present():
    ofl = (FONTS_DIR / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in ofl
    assert "Reserved Font Name 'Source'" in ofl
    assert (FONTS_DIR / "README.md").is_file()


def test_total_size_under_limit():
    total = sum(p.stat().st_size for p in FONTS_DIR.rglob("*") if p.is_file())
    assert total < MAX_TOTAL_BYTES, f"fonts/ is {total:,} bytes"
