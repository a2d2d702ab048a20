#!/usr/bin/env python3
"""Build the bundled Pan-CJK fonts (zh-Hans, zh-Hant, ja) in fonts/.

Six fonts, subsets of Debian's fonts-noto-cjk (Noto Serif CJK 2.001, Noto
Sans CJK 2.004), all taken from the Simplified Chinese (SC) faces, so that
text without a language tag gets the Simplified Chinese glyph forms:

    NotoSerifCJKPublish-Regular.otf     face 2 of NotoSerifCJK-Regular.ttc
    NotoSerifCJKPublish-Bold.otf        face 2 of NotoSerifCJK-Bold.ttc
    NotoSansCJKPublish-Regular.otf      face 2 of NotoSansCJK-Regular.ttc
    NotoSansCJKPublish-Bold.otf         face 2 of NotoSansCJK-Bold.ttc
    NotoSansMonoCJKPublish-Regular.otf  face 7 (Noto Sans Mono CJK SC), non-Han only
    NotoSansMonoCJKPublish-Bold.otf     face 7 of NotoSansCJK-Bold.ttc, non-Han only

The four text faces keep the OpenType `locl` feature of the language systems
JAN, ZHS, ZHT and ZHH and the glyphs it reaches, so one font draws each
language's forms, chosen by the text's language (lang="ja" -> JAN,
"zh-Hant"/"zh-TW" -> ZHT, "zh-HK" -> ZHH, "zh-Hans"/"zh-CN" -> ZHS; see
REPORT.md for how Pango and Chromium really map tags).  The Korean language
system (KOR) and the Hangul script are dropped.  CFF hints are dropped by
default (--hinting keeps them, +21%).

Usage:

    python scripts/build_fonts.py [--out DIR] [--charset FILE] [--hinting]
            [--desubroutinize] [--mono-han] [--mono-no-locl] [--only FILE ...]
        Subset the fonts from charset.txt (reads nothing else but the .ttc files).

    python scripts/build_fonts.py --refresh-charset [--coverage]
            [--with-jis0213] [--with-hkscs] [--no-big5-rest] [--seed FILE]
        First rebuild charset.txt (and coverage.txt) from its sources (see
        all_sources), then subset; --coverage stops after the charset.

Output bytes are reproducible: head.modified is kept from the source and
fontTools' subsetter is deterministic.
"""

from __future__ import annotations

import argparse
import bz2
import hashlib
import sys
import time
import unicodedata
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent  # the repository
OUT_DIR = ROOT / "fonts"
CHARSET_FILE = OUT_DIR / "charset.txt"
SOURCES_DIR = OUT_DIR / "sources"

SOURCE_DIR = Path("/usr/share/fonts/opentype/noto")
DEFAULT_SEED = Path("/work/shared/seed/issue-2020-02.txt")
UNIHAN_DIR = Path("/usr/share/unicode")

# Taiwan Ministry of Education lists, one "char<TAB>hex" per line, from
# github.com/ButTaiwan/cjktables (commit 98104fac, taiwan/edu_standard_{1,2}.txt),
# cross-checked against github.com/kitty-panics/cn-tables (commit 3a140fb3):
# identical except that one has 汨 (U+6C68) and the other 汩 (U+6C69) in the
# 4,808 list; both are taken (both are Big5 level 1 anyway).
MOE_1 = SOURCES_DIR / "moe-changyong-4808.txt"
MOE_2 = SOURCES_DIR / "moe-cichangyong-6343.txt"
MOE_1_EXTRA = ["\u6C68", "\u6C69"]

# Face order in the Noto CJK .ttc files: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK;
# NotoSansCJK-*.ttc also has Noto Sans Mono CJK at 5 JP ... 7 SC ... 9 HK.
SC = 2
MONO_SC = 7

# (source .ttc, face index, output file, family, style, usWeightClass, scope)
# scope "all": every character of charset.txt; "non-han": only its non-Han characters
# (the mono faces: Noto Sans Mono CJK shares the CFF, hmtx, vmtx and GSUB tables of
# Noto Sans CJK in the .ttc and differs only in the cmap of ~100 characters, ASCII and
# a few symbols, and in GPOS; its ideographs are the Sans glyphs, so code blocks take
# them from "Publish Sans" by CSS fallback: font-family: "Publish Mono", "Publish Sans").
# --mono-han gives the mono faces the ideographs too (scope "all").
SERIF, SANS, MONO = "Noto Serif CJK Publish", "Noto Sans CJK Publish", "Noto Sans Mono CJK Publish"
FACES = [  # (source, face index, output, family, style, weight, scope)
    ("NotoSerifCJK-Regular.ttc", SC, "NotoSerifCJKPublish-Regular.otf", SERIF, "Regular", 400, "all"),
    ("NotoSerifCJK-Bold.ttc", SC, "NotoSerifCJKPublish-Bold.otf", SERIF, "Bold", 700, "all"),
    ("NotoSansCJK-Regular.ttc", SC, "NotoSansCJKPublish-Regular.otf", SANS, "Regular", 400, "all"),
    ("NotoSansCJK-Bold.ttc", SC, "NotoSansCJKPublish-Bold.otf", SANS, "Bold", 700, "all"),
    ("NotoSansCJK-Regular.ttc", MONO_SC, "NotoSansMonoCJKPublish-Regular.otf", MONO, "Regular", 400, "non-han"),
    ("NotoSansCJK-Bold.ttc", MONO_SC, "NotoSansMonoCJKPublish-Bold.otf", MONO, "Bold", 700, "non-han"),
]

# Layout features kept (where the source has them).  Noto CJK 2.001 has, of
# these: GSUB calt ccmp fwid hwid liga locl pwid ruby vert vrt2, GPOS halt kern
# mark palt vert vhal vkrn vpal.  Dropped: aalt, dlig, hist, ljmo/vjmo/tjmo.
KEEP_FEATURES = [
    "locl",
    "halt", "palt", "vhal", "vpal", "chws", "vchw",
    "vert", "vrt2", "vkrn",
    "fwid", "hwid", "pwid",
    "ruby",
    "kern", "liga", "calt", "ccmp", "mark", "mkmk",
]
# Scripts kept: everything but Hangul.  Language systems dropped: KOR.
KEEP_SCRIPTS = ["DFLT", "hani", "kana", "latn", "grek", "cyrl"]
DROP_LANGSYS = {"KOR "}

# Non-Han characters, by Unicode block: kept where every source face has a
# glyph (same list as the SC-only build, plus Katakana Phonetic Extensions and
# Bopomofo Extended).
NON_HAN_BLOCKS = [
    ("Basic Latin (ASCII)", 0x0020, 0x007E),
    ("Latin-1 Supplement", 0x00A0, 0x00FF),
    ("Latin Extended-A", 0x0100, 0x017F),
    ("Latin Extended-B (pinyin)", 0x01CD, 0x01DC),
    ("Latin Extended-B (pinyin)", 0x01F8, 0x01F9),
    ("IPA (pinyin ɑ ɡ)", 0x0251, 0x0251),
    ("IPA (pinyin ɑ ɡ)", 0x0261, 0x0261),
    ("Spacing Modifier Letters", 0x02B0, 0x02FF),
    ("Greek", 0x0391, 0x03C9),
    ("Cyrillic", 0x0401, 0x0451),
    ("Latin Extended Additional (pinyin ḿ ế ề)", 0x1E3E, 0x1E3F),
    ("Latin Extended Additional (pinyin ḿ ế ề)", 0x1EBE, 0x1EC1),
    ("General Punctuation", 0x2000, 0x206F),
    ("Superscripts and Subscripts", 0x2070, 0x209F),
    ("Currency Symbols", 0x20A0, 0x20CF),
    ("Letterlike Symbols", 0x2100, 0x214F),
    ("Number Forms", 0x2150, 0x218F),
    ("Arrows", 0x2190, 0x21FF),
    ("Mathematical Operators", 0x2200, 0x22FF),
    ("Miscellaneous Technical", 0x2300, 0x23FF),
    ("Enclosed Alphanumerics", 0x2460, 0x24FF),
    ("Box Drawing", 0x2500, 0x257F),
    ("Block Elements", 0x2580, 0x259F),
    ("Geometric Shapes", 0x25A0, 0x25FF),
    ("Miscellaneous Symbols", 0x2600, 0x26FF),
    ("Dingbats", 0x2700, 0x27BF),
    ("CJK Symbols and Punctuation", 0x3000, 0x303F),
    ("Hiragana", 0x3040, 0x309F),
    ("Katakana", 0x30A0, 0x30FF),
    ("Bopomofo", 0x3100, 0x312F),
    ("Bopomofo Extended", 0x31A0, 0x31BF),
    ("Katakana Phonetic Extensions", 0x31F0, 0x31FF),
    ("Enclosed CJK Letters and Months", 0x3200, 0x32FF),
    # U+3300..3357 are squared katakana words: left out on purpose.
    ("CJK Compatibility (units)", 0x3358, 0x33FF),
    ("Vertical Forms", 0xFE10, 0xFE1F),
    ("CJK Compatibility Forms", 0xFE30, 0xFE4F),
    ("Small Form Variants", 0xFE50, 0xFE6F),
    ("Halfwidth and Fullwidth Forms", 0xFF00, 0xFFEF),
]

EXCLUDED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn", "Mn"}
# Combining marks (Mn) are left out except the kana voicing marks, which
# JIS X 0213 uses (か゚ = U+304B U+309A).
KEEP_MARKS = {"\u3099", "\u309A"}

LINE_WIDTH = 50


# --------------------------------------------------------------------------
# charset.txt (same format as the project's fonts/charset.txt)
# --------------------------------------------------------------------------


def read_charset(path: Path = CHARSET_FILE) -> set[str]:
    chars: set[str] = set()
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line or line.startswith("#"):
            continue
        if line.startswith("U+"):
            chars.update(chr(int(tok[2:], 16)) for tok in line.split())
        else:
            chars.update(line)
    return chars


def write_charset(groups: list[tuple[str, list[str]]], header: list[str],
                  path: Path = CHARSET_FILE) -> int:
    seen: set[str] = set()
    total = sum(len(g) for _, g in groups)
    out = [
        "# Characters covered by the Pan-CJK fonts (fonts/*.otf).",
        "# Generated by: build_fonts.py --refresh-charset",
        "# Format: lines starting with '#' are comments; a line starting with 'U+'",
        "# lists code points in hex (whitespace and combining characters); on every",
        "# other line each character is a member of the set.",
        "# Each character is listed once, in the first group (source) that has it.",
        f"# {total} characters.",
    ] + [f"# {h}" for h in header]
    for title, group in groups:
        assert not seen.intersection(group), title
        seen.update(group)
        out.append("")
        out.append(f"# {title} ({len(group)})")
        visible = [c for c in group if not (c.isspace() or unicodedata.category(c) == "Mn")]
        hidden = [c for c in group if c not in visible]
        if hidden:
            out.append(" ".join(f"U+{ord(c):04X}" for c in hidden))
        for i in range(0, len(visible), LINE_WIDTH):
            line = "".join(visible[i:i + LINE_WIDTH])
            assert not line.startswith(("#", "U+")), line
            out.append(line)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return len(seen)


# --------------------------------------------------------------------------
# Character sources
# --------------------------------------------------------------------------


def _decode_table(codec: str, leads, trails, prefix: bytes = b"") -> list[str]:
    """Characters of a double-byte code, in code order (sequences split)."""
    out: list[str] = []
    for hi in leads:
        for lo in trails:
            try:
                s = (prefix + bytes((hi, lo))).decode(codec)
            except UnicodeDecodeError:
                continue
            for c in s:
                if c not in out[-3:]:
                    out.append(c)
    return list(dict.fromkeys(out))


def gb2312_chars() -> list[str]:
    return _decode_table("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF))


BIG5_TRAILS = list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF))


def big5_range(first: int, last: int) -> list[str]:
    out = []
    for code in range(first, last + 1):
        hi, lo = code >> 8, code & 0xFF
        if lo not in BIG5_TRAILS:
            continue
        try:
            out.append(bytes((hi, lo)).decode("big5"))
        except UnicodeDecodeError:
            pass
    return list(dict.fromkeys(out))


def big5_symbols() -> list[str]:
    return big5_range(0xA140, 0xA3BF)


def big5_level1() -> list[str]:
    return big5_range(0xA440, 0xC67E)


def big5_level2() -> list[str]:
    return big5_range(0xC940, 0xF9D5)


def jisx0208_chars() -> list[str]:
    """JIS X 0208 (rows 1-84), through EUC-JP; checked against ISO-2022-JP."""
    chars = _decode_table("euc_jp", range(0xA1, 0xF5), range(0xA1, 0xFF))
    check = []
    for row in range(0x21, 0x75):
        for cell in range(0x21, 0x7F):
            try:
                check.append((b"\x1b$B" + bytes((row, cell)) + b"\x1b(B").decode("iso2022_jp"))
            except UnicodeDecodeError:
                pass
    assert set(chars) == set(check), "euc_jp and iso2022_jp disagree"
    return chars


JIS_X_0213_PLANE2_ROWS = [1, 3, 4, 5, 8, 12, 13, 14, 15] + list(range(78, 95))


def jisx0213_chars() -> list[str]:
    """JIS X 0213:2004, planes 1 and 2, through EUC-JIS-2004.  Python's codec also decodes
    JIS X 0212 behind 0x8F in the rows that plane 2 does not use: only plane 2's rows are read."""
    plane1 = _decode_table("euc_jis_2004", range(0xA1, 0xFF), range(0xA1, 0xFF))
    plane2 = _decode_table("euc_jis_2004", [0xA0 + r for r in JIS_X_0213_PLANE2_ROWS],
                           range(0xA1, 0xFF), b"\x8f")
    chars = list(dict.fromkeys(plane1 + plane2))
    # Cross-check the kanji with Unihan kJIS0213 (the JIS X 0213 kanji not in JIS X 0208).
    extra = set(unihan("kJIS0213", "Unihan_OtherMappings.txt.bz2"))
    kanji = {c for c in chars if is_han(c)}
    base = {c for c in jisx0208_chars() if is_han(c)}
    assert kanji - base == extra - base, (len(kanji - base), len(extra - base))
    return chars


def unihan(field: str, filename: str) -> dict[str, str]:
    out: dict[str, str] = {}
    with bz2.open(UNIHAN_DIR / filename, "rt", encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3 and parts[1] == field:
                out[chr(int(parts[0][2:], 16))] = parts[2]
    return out


def tgscc_chars() -> list[str]:
    """通用规范汉字表 (2013) in table order, from Unihan kTGH ("2013:N")."""
    by_number: dict[int, str] = {}
    for c, value in unihan("kTGH", "Unihan_OtherMappings.txt.bz2").items():
        for v in value.split():
            year, number = v.split(":")
            if year == "2013":
                by_number[int(number)] = c
    if sorted(by_number) != list(range(1, 8106)):
        raise SystemExit(f"kTGH: expected numbers 1..8105, got {len(by_number)}")
    return [by_number[n] for n in range(1, 8106)]


def joyo_jinmeiyo_chars() -> list[str]:
    """常用漢字 (2010) and 人名用漢字 from Unihan kJoyoKanji/kJinmeiyoKanji,
    including the standard forms these fields point to (e.g. 𠮟 U+20B9F)."""
    out: list[str] = []
    for field in ("kJoyoKanji", "kJinmeiyoKanji"):
        for c, value in sorted(unihan(field, "Unihan_OtherMappings.txt.bz2").items()):
            out.append(c)
            for v in value.split():
                if "U+" in v:
                    out.append(chr(int(v.split("U+")[1], 16)))
    return list(dict.fromkeys(out))


def hk_glyph_chars() -> list[str]:
    """常用字字形表 (Hong Kong, 2000), kHKGlyph, in list order."""
    items = unihan("kHKGlyph", "Unihan_DictionaryLikeData.txt.bz2")
    keyed = sorted((min(int(v) for v in value.split()), c) for c, value in items.items())
    return [c for _, c in keyed]


def hkscs_chars() -> list[str]:
    """HKSCS-2008 ideographs, kHKSCS, in Big5-HKSCS code order."""
    items = unihan("kHKSCS", "Unihan_OtherMappings.txt.bz2")
    return [c for c, _ in sorted(items.items(), key=lambda kv: kv[1])]


def moe_list(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line or line.startswith("#"):
            continue
        char, hexcode = line.split("\t")[:2]
        assert ord(char) == int(hexcode, 16), line
        out.append(char)
    return out


def is_han(c: str) -> bool:
    cp = ord(c)
    return (0x3400 <= cp <= 0x4DBF or 0x4E00 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF
            or 0x20000 <= cp <= 0x3FFFF or c == "\u3007")


def wanted(c: str) -> bool:
    return unicodedata.category(c) not in EXCLUDED_CATEGORIES or c in KEEP_MARKS


def source_cmaps() -> dict[str, set[int]]:
    cmaps = {}
    for src, index, out, *_ in FACES:
        font = TTFont(SOURCE_DIR / src, fontNumber=index, lazy=True)
        cmaps[out] = set(font.getBestCmap())
        font.close()
    return cmaps


def all_sources(seed: Path) -> list[tuple[str, str, list[str], bool]]:
    """(key, title, characters, required) for every source, in priority order."""
    tgscc = tgscc_chars()
    seed_chars = list(dict.fromkeys(c for c in seed.read_text(encoding="utf-8") if wanted(c)))
    moe1 = list(dict.fromkeys(moe_list(MOE_1) + MOE_1_EXTRA))
    moe2 = moe_list(MOE_2)
    return [
        ("tgscc1", "通用规范汉字表 (2013) level 1, nos. 1-3500 [Unihan kTGH]", tgscc[:3500], True),
        ("tgscc2", "通用规范汉字表 (2013) level 2, nos. 3501-6500 [Unihan kTGH]", tgscc[3500:6500], True),
        ("tgscc3", "通用规范汉字表 (2013) level 3, nos. 6501-8105 [Unihan kTGH]", tgscc[6500:], True),
        ("gb2312", "GB 2312 [Python gb2312 codec]", gb2312_chars(), True),
        ("moe1", "常用國字標準字體表 (Taiwan MOE, 4,808) [ButTaiwan/cjktables]", moe1, True),
        ("moe2", "次常用國字標準字體表 (Taiwan MOE, 6,343) [ButTaiwan/cjktables]", moe2, True),
        ("big5sym", "Big5 symbols 0xA140-0xA3BF [Python big5 codec]", big5_symbols(), False),
        ("big5l1", "Big5 level 1 0xA440-0xC67E [Python big5 codec]", big5_level1(), True),
        ("big5l2", "Big5 level 2 0xC940-0xF9D5 [Python big5 codec]", big5_level2(), True),
        ("jis0208", "JIS X 0208 [Python euc_jp codec]", jisx0208_chars(), True),
        ("joyo", "常用漢字 (2010) + 人名用漢字 [Unihan kJoyoKanji, kJinmeiyoKanji]",
         joyo_jinmeiyo_chars(), True),
        ("hkglyph", "常用字字形表 (Hong Kong, 4,759) [Unihan kHKGlyph]", hk_glyph_chars(), True),
        ("hkscs", "HKSCS-2008 ideographs [Unihan kHKSCS]", hkscs_chars(), False),
        ("jis0213", "JIS X 0213:2004 [Python euc_jis_2004 codec]", jisx0213_chars(), False),
        ("seed", f"seed text {seed.name}", seed_chars, True),
    ]


def coverage_table(sources, cmaps, chosen: set[str], skip: set[str]) -> list[str]:
    """One line per source list: size (all / ideographs), how many are in every source face,
    how many are in the final set, and how many this list adds to the lists above it."""
    lines = [f"{'source':9} {'chars':>6} {'Han':>6} {'in font':>7} {'missing':>7} {'in set':>6} "
             f"{'new':>5}  notes / missing characters"]
    taken: set[str] = set()
    for key, _title, chars, _ in sources:
        chars = [c for c in chars if wanted(c)]
        han = sum(1 for c in chars if is_han(c))
        have = [c for c in chars if all(ord(c) in cm for cm in cmaps.values())]
        miss = [c for c in chars if c not in have]
        in_set = [c for c in have if c in chosen]
        if key in skip:
            note = f"LEFT OUT (would add {len([c for c in have if c not in chosen])}) "
            new = 0
        else:
            note = ""
            new = len([c for c in in_set if c not in taken])
            taken.update(in_set)
        lines.append(f"{key:9} {len(chars):6} {han:6} {len(have):7} {len(miss):7} {len(in_set):6} {new:5}  "
                     + note + " ".join(f"U+{ord(c):04X}" for c in miss[:10]) + (" ..." if len(miss) > 10 else ""))
    lines.append(f"total     {len(chosen):6} {sum(1 for c in chosen if is_han(c)):6}")
    return lines


def refresh_charset(seed: Path, skip: set[str], path: Path = CHARSET_FILE) -> tuple[int, list[str]]:
    cmaps = source_cmaps()

    def in_all(c: str) -> bool:
        return all(ord(c) in cm for cm in cmaps.values())

    sources = all_sources(seed)
    groups: list[tuple[str, list[str]]] = []
    taken: set[str] = set()
    non_han: set[str] = set()
    header = []
    for key, title, chars, required in sources:
        if key in skip:
            header.append(f"left out: {title}")
            continue
        chars = [c for c in chars if wanted(c)]
        missing = [c for c in chars if not in_all(c)]
        if missing and required and any(is_han(c) for c in missing):
            raise SystemExit(f"{key}: source fonts lack " + " ".join(f"U+{ord(c):04X}" for c in missing))
        if missing:
            header.append(f"{key}: {len(missing)} characters not in every source face, left out: "
                          + " ".join(f"U+{ord(c):04X}" for c in missing))
        han = [c for c in chars if is_han(c) and c not in taken and in_all(c)]
        if han:
            taken.update(han)
            groups.append((f"{title}: ideographs", han))
        non_han.update(c for c in chars if not is_han(c) and in_all(c))

    for _, lo, hi in NON_HAN_BLOCKS:
        non_han.update(chr(cp) for cp in range(lo, hi + 1) if wanted(chr(cp)) and in_all(chr(cp)))
    non_han -= taken
    by_block: dict[str, list[str]] = {}
    for c in sorted(non_han):
        title = next((t for t, lo, hi in NON_HAN_BLOCKS if lo <= ord(c) <= hi),
                     "Other symbols (from the encodings above)")
        by_block.setdefault(title, []).append(c)
    for title, chars in by_block.items():
        groups.append((title, chars))
        taken.update(chars)
    n = write_charset(groups, header, path)
    return n, coverage_table(sources, cmaps, taken, skip)


# --------------------------------------------------------------------------
# Subsetting
# --------------------------------------------------------------------------


def subset_options(hinting: bool, desubroutinize: bool) -> subset.Options:
    opts = subset.Options()
    opts.layout_features = list(KEEP_FEATURES)
    opts.layout_scripts = list(KEEP_SCRIPTS)
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.name_legacy = False
    opts.notdef_outline = True
    opts.glyph_names = False
    opts.hinting = hinting
    opts.desubroutinize = desubroutinize
    opts.prune_unicode_ranges = True
    opts.prune_codepage_ranges = True
    opts.recalc_bounds = True
    opts.drop_tables = list(opts.drop_tables) + ["DSIG"]
    return opts


def drop_langsys(font: TTFont) -> None:
    """Remove the language systems in DROP_LANGSYS from GSUB and GPOS, so that
    their lookups (and the glyphs only they reach) are pruned."""
    for tag in ("GSUB", "GPOS"):
        table = font[tag].table
        for rec in table.ScriptList.ScriptRecord:
            script = rec.Script
            script.LangSysRecord = [r for r in script.LangSysRecord if r.LangSysTag not in DROP_LANGSYS]
            script.LangSysCount = len(script.LangSysRecord)


def langsys_for_common_script(font: TTFont) -> None:
    """Copy the language systems of script 'hani' (JAN ZHH ZHS ZHT) into script 'DFLT'.

    HarfBuzz shapes a run of Common-script characters only (a paragraph of punctuation, or
    what Chromium splits off after Latin text: "iPhone。") with script DFLT, which in Noto CJK
    has no language systems, so `locl` never applies there and zh-Hant text gets the
    Simplified Chinese (corner) forms of 。，、.  With the records copied, DFLT + ZHT picks
    the Traditional Chinese (centred) forms (verified in WeasyPrint 70 and Chromium 156).
    DFLT keeps its DefaultLangSys, which OTS (Chromium's font sanitiser) requires."""
    import copy
    for tag in ("GSUB", "GPOS"):
        if tag not in font:
            continue
        scripts = {r.ScriptTag: r.Script for r in font[tag].table.ScriptList.ScriptRecord}
        if "DFLT" in scripts and "hani" in scripts:
            scripts["DFLT"].LangSysRecord = copy.deepcopy(scripts["hani"].LangSysRecord)
            scripts["DFLT"].LangSysCount = len(scripts["DFLT"].LangSysRecord)


def set_names(font: TTFont, family: str, style: str, weight: int, src_label: str) -> None:
    ps_family = family.replace(" ", "")
    ps_name = f"{ps_family}-{style}"
    full_name = f"{family} {style}"
    name = font["name"]
    old_unique = name.getDebugName(3) or ""
    version_tag = old_unique.split(";")[0] or f"{font['head'].fontRevision:.3f}"
    new = {1: family, 2: style, 3: f"{version_tag};GOOG;{ps_name};subset", 4: full_name,
           6: ps_name, 16: family, 17: style}
    name.names = [r for r in name.names if r.nameID not in new]
    for name_id, value in new.items():
        name.setName(value, name_id, 3, 1, 0x409)
    desc = name.getDebugName(10) or ""
    name.removeNames(nameID=10)
    note = (f"Pan-CJK subset of {src_label} (Simplified Chinese default forms; Japanese, "
            "Traditional Chinese (Taiwan) and Hong Kong forms through locl), made by build_fonts.py.")
    name.setName(f"{note} {desc}".strip(), 10, 3, 1, 0x409)

    os2 = font["OS/2"]
    os2.usWeightClass = weight
    bold = style == "Bold"
    fs = os2.fsSelection & ~((1 << 0) | (1 << 5) | (1 << 6))
    fs |= (1 << 5) if bold else (1 << 6)
    os2.fsSelection = fs
    head = font["head"]
    head.macStyle = (head.macStyle & ~0b11) | (0b1 if bold else 0)

    cff = font["CFF "].cff
    old_ps = cff.fontNames[0]
    cff.fontNames[0] = ps_name
    top = cff.topDictIndex[0]
    top.FullName = full_name
    top.FamilyName = family
    top.Weight = style
    if hasattr(top, "FDArray"):
        for fd in top.FDArray:
            fd_name = getattr(fd, "FontName", None)
            if fd_name and fd_name.startswith(old_ps):
                fd.FontName = ps_name + fd_name[len(old_ps):]


def build_face(src: str, index: int, out: Path, family: str, style: str, weight: int,
               chars: set[str], hinting: bool, desubroutinize: bool,
               features: list[str] = KEEP_FEATURES) -> Path:
    font = TTFont(SOURCE_DIR / src, fontNumber=index, lazy=False)
    src_label = font["name"].getDebugName(4)
    cmap = font.getBestCmap()
    missing = sorted(c for c in chars if ord(c) not in cmap)
    if missing:
        raise SystemExit(f"{src}#{index}: no glyph for " + " ".join(f"U+{ord(c):04X}" for c in missing[:20]))
    drop_langsys(font)
    opts = subset_options(hinting, desubroutinize)
    opts.layout_features = list(features)
    subsetter = subset.Subsetter(options=opts)
    subsetter.populate(unicodes=sorted(ord(c) for c in chars))
    subsetter.subset(font)
    langsys_for_common_script(font)
    set_names(font, family, style, weight, src_label)
    if any(is_han(c) for c in chars):
        # Code pages 932 (JIS), 936 (GBK) and 950 (Big5): the subsetter leaves only those
        # of the SC source (932, 936); the faces with ideographs cover Big5 levels 1-2 too.
        font["OS/2"].ulCodePageRange1 |= (1 << 17) | (1 << 18) | (1 << 20)
    font.recalcTimestamp = False
    out.parent.mkdir(parents=True, exist_ok=True)
    font.save(out)
    font.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--refresh-charset", action="store_true")
    parser.add_argument("--coverage", action="store_true", help="with --refresh-charset: stop after it")
    parser.add_argument("--seed", type=Path, default=DEFAULT_SEED)
    parser.add_argument("--with-jis0213", action="store_true", help="add JIS X 0213:2004 (about +2,100 characters)")
    parser.add_argument("--with-hkscs", action="store_true", help="add HKSCS-2008 ideographs (about +3,600)")
    parser.add_argument("--no-big5-rest", action="store_true",
                        help="take Big5 only through the MOE lists (leave the other Big5 ideographs out)")
    parser.add_argument("--charset", type=Path, default=CHARSET_FILE)
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("--hinting", action="store_true",
                        help="keep the CFF stem hints (+21%% in size; PDF output never uses them)")
    parser.add_argument("--mono-han", action="store_true",
                        help="give the mono faces the ideographs of charset.txt too")
    parser.add_argument("--mono-no-locl", action="store_true", help="mono faces without locl")
    parser.add_argument("--desubroutinize", action="store_true")
    parser.add_argument("--only", action="append", metavar="FILE")
    args = parser.parse_args(argv)

    if args.refresh_charset:
        skip = set()
        if not args.with_jis0213:
            skip.add("jis0213")
        if not args.with_hkscs:
            skip.add("hkscs")
        if args.no_big5_rest:
            skip.update({"big5l1", "big5l2"})
        n, table = refresh_charset(args.seed, skip, args.charset)
        print(f"wrote {args.charset}: {n} characters")
        print("\n".join(table))
        if args.charset == CHARSET_FILE:
            (OUT_DIR / "coverage.txt").write_text(
                "# Coverage of each source list (build_fonts.py --refresh-charset).\n"
                "# chars: characters in the list (controls, format characters, combining marks left out);\n"
                "# in fonts: of these, in every source face; new: added by this list to those above it.\n"
                + "\n".join(table) + "\n", encoding="utf-8")
        if args.coverage:
            return 0

    chars = read_charset(args.charset)
    print(f"{args.charset}: {len(chars)} characters")
    total = 0
    for src, index, out, family, style, weight, scope in FACES:
        if args.only and out not in args.only:
            continue
        t0 = time.perf_counter()
        mono = index == MONO_SC
        face_chars = chars
        if scope == "non-han" and not args.mono_han:
            face_chars = {c for c in chars if not is_han(c)}
        features = KEEP_FEATURES
        if mono and args.mono_no_locl:
            features = [f for f in KEEP_FEATURES if f != "locl"]
        path = build_face(src, index, args.out / out, family, style, weight, face_chars,
                          hinting=args.hinting, desubroutinize=args.desubroutinize, features=features)
        size = path.stat().st_size
        total += size
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        glyphs = TTFont(path, lazy=True)["maxp"].numGlyphs
        print(f"{path}: {size:,} bytes ({size / 2**20:.2f} MiB), {len(face_chars)} chars, {glyphs} glyphs, "
              f"sha256 {digest}, {time.perf_counter() - t0:.1f} s", flush=True)
    print(f"total: {total:,} bytes ({total / 2**20:.2f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
