"""Checks on the bundled fonts in fonts/ (built by scripts/build_fonts.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
FONTS_DIR = ROOT / "fonts"
CHARSET_FILE = FONTS_DIR / "charset.txt"

# file name -> (family, subfamily, usWeightClass)
FACES = {
    "NotoSerifSC-Regular.otf": ("Noto Serif SC", "Regular", 400),
    "NotoSerifSC-Bold.otf": ("Noto Serif SC", "Bold", 700),
    "NotoSansSC-Regular.otf": ("Noto Sans SC", "Regular", 400),
    "NotoSansSC-Bold.otf": ("Noto Sans SC", "Bold", 700),
}

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


def gb2312_chars() -> set[str]:
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


@pytest.fixture(scope="module")
def charset() -> set[str]:
    return read_charset()


@pytest.fixture(scope="module", params=sorted(FACES))
def face(request):
    font = TTFont(FONTS_DIR / request.param, lazy=True)
    yield request.param, font
    font.close()


def _name(font: TTFont, name_id: int) -> str | None:
    record = font["name"].getName(name_id, 3, 1, 0x409)
    return record.toUnicode() if record else None


def test_charset_file_has_expected_content(charset):
    han = [c for c in charset if 0x4E00 <= ord(c) <= 0x9FFF or ord(c) >= 0x20000
           or 0x3400 <= ord(c) <= 0x4DBF]
    # 8,105 (通用规范汉字表) + GB 2312 ideographs outside it + a few from the seed.
    assert len(han) >= 8105 + 125
    assert "\n" not in charset
    for c in " ，。、：；！？“”‘’《》〈〉【】〔〕…—–·•×÷©®™°‰№①⑳":
        assert c in charset, f"U+{ord(c):04X} {c!r} missing from charset.txt"
    for c in "0Aa~":
        assert c in charset


def test_gb2312_enumeration_is_complete():
    chars = gb2312_chars()
    # 6,763 hanzi + 682 other characters.
    assert len(chars) == 7445


def test_charset_contains_gb2312(charset):
    missing = sorted(gb2312_chars() - charset)
    assert not missing, "".join(missing)


def test_is_cff_opentype(face):
    name, font = face
    assert font.sfntVersion == "OTTO", name
    assert "CFF " in font


def test_covers_charset(face, charset):
    name, font = face
    cmap = font.getBestCmap()
    missing = sorted(c for c in charset if ord(c) not in cmap)
    assert not missing, f"{name} lacks {len(missing)}: " + " ".join(
        f"U+{ord(c):04X}" for c in missing[:30])


def test_covers_gb2312(face):
    name, font = face
    cmap = font.getBestCmap()
    missing = sorted(c for c in gb2312_chars() if ord(c) not in cmap)
    assert not missing, f"{name} lacks " + "".join(missing[:50])


def _features(font: TTFont, tag: str) -> set[str]:
    if tag not in font or font[tag].table.FeatureList is None:
        return set()
    return {rec.FeatureTag for rec in font[tag].table.FeatureList.FeatureRecord}


def test_layout_features(face):
    name, font = face
    gsub, gpos = _features(font, "GSUB"), _features(font, "GPOS")
    both = gsub | gpos
    for tag in ("halt", "vert"):
        assert tag in both, f"{name}: no {tag!r} feature"
    for tag in ("palt", "vhal", "vpal", "kern"):
        assert tag in gpos, f"{name}: no {tag!r} in GPOS"
    for tag in ("vert", "vrt2"):
        assert tag in gsub, f"{name}: no {tag!r} in GSUB"
    # Japanese/Korean/Traditional variants are left out on purpose.
    assert "locl" not in gsub


def test_vertical_metrics_tables(face):
    name, font = face
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
    # No record in any language may still carry the CJK family name.
    for record in font["name"].names:
        if record.nameID in (1, 4, 6, 16):
            assert "CJK" not in record.toUnicode(), record
    assert font["CFF "].cff.fontNames == [ps_name]
    assert font["OS/2"].usWeightClass == weight
    fs = font["OS/2"].fsSelection
    is_bold = style == "Bold"
    assert bool(fs & (1 << 5)) == is_bold          # BOLD
    assert bool(fs & (1 << 6)) == (not is_bold)    # REGULAR
    assert not fs & 1                              # not italic
    assert bool(font["head"].macStyle & 1) == is_bold


def test_two_families():
    families = {}
    for file_name in FACES:
        font = TTFont(FONTS_DIR / file_name, lazy=True)
        families.setdefault(_name(font, 16), set()).add(
            (_name(font, 17), font["OS/2"].usWeightClass))
        font.close()
    assert families == {
        "Noto Serif SC": {("Regular", 400), ("Bold", 700)},
        "Noto Sans SC": {("Regular", 400), ("Bold", 700)},
    }


def test_licence_and_readme_present():
    ofl = (FONTS_DIR / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in ofl
    assert "Reserved Font Name 'Source'" in ofl
    assert (FONTS_DIR / "README.md").is_file()


def test_total_size_under_limit():
    total = sum(p.stat().st_size for p in FONTS_DIR.rglob("*") if p.is_file())
    assert total < MAX_TOTAL_BYTES, f"fonts/ is {total:,} bytes"
