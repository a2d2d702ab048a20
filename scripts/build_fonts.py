#!/usr/bin/env python3
"""Build the bundled Simplified Chinese fonts in fonts/.

The four fonts are subsets of the Simplified Chinese (SC) faces of Noto Serif
CJK and Noto Sans CJK, as Debian's fonts-noto-cjk package ships them:

    fonts/NotoSerifSC-Regular.otf   "Noto Serif SC", Regular, weight 400
    fonts/NotoSerifSC-Bold.otf      "Noto Serif SC", Bold,    weight 700
    fonts/NotoSansSC-Regular.otf    "Noto Sans SC",  Regular, weight 400
    fonts/NotoSansSC-Bold.otf       "Noto Sans SC",  Bold,    weight 700

They stay CFF-flavoured OpenType (.otf), keep the layout features that
Chinese typesetting needs (see KEEP_FEATURES), and cover exactly the
characters listed in fonts/charset.txt.

Usage (from the repository root):

    /work/venv/bin/python scripts/build_fonts.py
        Subset the four fonts from fonts/charset.txt.

    /work/venv/bin/python scripts/build_fonts.py --refresh-charset [--seed FILE]
        First rebuild fonts/charset.txt from its sources, then subset.
        The sources are: GB 2312 (enumerated with Python's 'gb2312' codec),
        the 8,105 characters of the Table of General Standard Chinese
        Characters (通用规范汉字表, 2013) taken from the kTGH field of the
        Unicode Han Database (Debian package unicode-data), every character
        of the seed text, and a list of Unicode blocks of punctuation and
        symbols (NON_HAN_BLOCKS).  Characters from the blocks are kept only
        where all four source faces have a glyph for them; characters from
        the three other sources must all be present, or the build fails.

Only the normal build is needed to reproduce the committed fonts: it reads
nothing but fonts/charset.txt and the four .ttc files.
"""

from __future__ import annotations

import argparse
import bz2
import sys
import unicodedata
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
FONTS_DIR = ROOT / "fonts"
CHARSET_FILE = FONTS_DIR / "charset.txt"

SOURCE_DIR = Path("/usr/share/fonts/opentype/noto")
# Face order in the Noto CJK .ttc files: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK.
SC_FACE_INDEX = 2

DEFAULT_SEED = Path("/work/shared/seed/issue-2020-02.txt")
DEFAULT_UNIHAN = Path("/usr/share/unicode/Unihan_OtherMappings.txt.bz2")

# (source .ttc, output file, family, subfamily, usWeightClass)
FACES = [
    ("NotoSerifCJK-Regular.ttc", "NotoSerifSC-Regular.otf", "Noto Serif SC", "Regular", 400),
    ("NotoSerifCJK-Bold.ttc", "NotoSerifSC-Bold.otf", "Noto Serif SC", "Bold", 700),
    ("NotoSansCJK-Regular.ttc", "NotoSansSC-Regular.otf", "Noto Sans SC", "Regular", 400),
    ("NotoSansCJK-Bold.ttc", "NotoSansSC-Bold.otf", "Noto Sans SC", "Bold", 700),
]

# OpenType layout features kept in the subsets (where the source has them).
# Dropped on purpose: locl (Japanese, Korean and Traditional Chinese glyph
# variants, useless in an SC font and large), aalt, dlig, hist, ruby (Japanese
# alternates), ljmo/vjmo/tjmo (Hangul jamo).
KEEP_FEATURES = [
    # CJK punctuation spacing, horizontal and vertical
    "halt", "palt", "vhal", "vpal", "chws", "vchw",
    # vertical writing
    "vert", "vrt2", "vkrn",
    # width variants
    "fwid", "hwid", "pwid",
    # Latin and general
    "kern", "liga", "calt", "ccmp", "mark", "mkmk",
]

# Unicode ranges of non-Han characters offered to the subset.  A character
# from these ranges goes into charset.txt only if all four source faces map
# it (and it is not a control, format or separator character).
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
    ("Enclosed CJK Letters and Months", 0x3200, 0x32FF),
    # U+3300..3357 are squared katakana words: left out on purpose.
    ("CJK Compatibility (units)", 0x3358, 0x33FF),
    ("Vertical Forms", 0xFE10, 0xFE1F),
    ("CJK Compatibility Forms", 0xFE30, 0xFE4F),
    ("Small Form Variants", 0xFE50, 0xFE6F),
    ("Halfwidth and Fullwidth Forms", 0xFF00, 0xFFEF),
]

# General categories never written to charset.txt: controls, format
# characters (bidi controls, zero-width joiners...), line/paragraph
# separators, surrogates, private use, unassigned.
EXCLUDED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}

LINE_WIDTH = 50  # characters per data line in charset.txt


# --------------------------------------------------------------------------
# charset.txt format
#
#   * a line starting with "#" is a comment; blank lines are ignored;
#   * a line starting with "U+" lists code points in hex separated by
#     spaces (used for whitespace characters, which would not survive
#     editors as literal characters);
#   * on any other line, every character is in the set.
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


def _chunks(chars: list[str], width: int = LINE_WIDTH) -> list[str]:
    lines = []
    for i in range(0, len(chars), width):
        line = "".join(chars[i:i + width])
        assert not line.startswith(("#", "U+")), line
        lines.append(line)
    return lines


def write_charset(groups: list[tuple[str, list[str]]], path: Path = CHARSET_FILE) -> int:
    """Write groups of characters; return the number of distinct characters."""
    seen: set[str] = set()
    total = sum(len(g) for _, g in groups)
    out = [
        "# Characters covered by the bundled fonts (fonts/*.otf).",
        "# Generated by: scripts/build_fonts.py --refresh-charset",
        "# Format: lines starting with '#' are comments; a line starting with 'U+'",
        "# lists code points in hex (used for whitespace characters); on every",
        "# other line each character is a member of the set.",
        f"# {total} characters.",
    ]
    for title, group in groups:
        assert not seen.intersection(group), title
        seen.update(group)
        out.append("")
        out.append(f"# {title} ({len(group)})")
        visible = [c for c in group if not c.isspace()]
        spaces = [c for c in group if c.isspace()]
        if spaces:
            out.append(" ".join(f"U+{ord(c):04X}" for c in spaces))
        out.extend(_chunks(visible))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return len(seen)


# --------------------------------------------------------------------------
# Character sources
# --------------------------------------------------------------------------


def gb2312_chars() -> set[str]:
    """Every character of GB 2312, enumerated with Python's codec."""
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def tgscc_chars(unihan: Path) -> list[str]:
    """The 8,105 characters of 通用规范汉字表 (2013), in table order.

    Read from the kTGH field of Unihan_OtherMappings.txt ("2013:N", N being
    the character's number in the table).
    """
    by_number: dict[int, str] = {}
    opener = bz2.open if unihan.suffix == ".bz2" else open
    with opener(unihan, "rt", encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3 or parts[1] != "kTGH":
                continue
            for value in parts[2].split():
                year, number = value.split(":")
                if year == "2013":
                    by_number[int(number)] = chr(int(parts[0][2:], 16))
    if sorted(by_number) != list(range(1, 8106)):
        raise SystemExit(f"{unihan}: expected kTGH numbers 1..8105, got {len(by_number)}")
    return [by_number[n] for n in range(1, 8106)]


def is_han(c: str) -> bool:
    return unicodedata.name(c, "").startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))


def wanted(c: str) -> bool:
    return unicodedata.category(c) not in EXCLUDED_CATEGORIES


def source_cmaps() -> list[dict[int, str]]:
    cmaps = []
    for src, *_ in FACES:
        font = TTFont(SOURCE_DIR / src, fontNumber=SC_FACE_INDEX, lazy=True)
        cmaps.append(font.getBestCmap())
        font.close()
    return cmaps


def refresh_charset(seed: Path, unihan: Path) -> int:
    cmaps = source_cmaps()

    def in_all(c: str) -> bool:
        return all(ord(c) in cm for cm in cmaps)

    tgscc = tgscc_chars(unihan)
    gb = gb2312_chars()
    seed_chars = {c for c in seed.read_text(encoding="utf-8") if wanted(c)}

    required = set(tgscc) | gb | seed_chars
    missing = sorted(c for c in required if not in_all(c))
    if missing:
        raise SystemExit("source fonts lack required characters: "
                         + " ".join(f"U+{ord(c):04X}" for c in missing))

    groups: list[tuple[str, list[str]]] = []
    taken: set[str] = set()

    def add(title: str, chars) -> None:
        group = [c for c in chars if c not in taken]
        if group:
            taken.update(group)
            groups.append((title, group))

    add("通用规范汉字表 (2013), level 1, table numbers 1-3500", tgscc[:3500])
    add("通用规范汉字表 (2013), level 2, table numbers 3501-6500", tgscc[3500:6500])
    add("通用规范汉字表 (2013), level 3, table numbers 6501-8105", tgscc[6500:])
    add("GB 2312 ideographs not in 通用规范汉字表", sorted(c for c in gb if is_han(c)))
    add("Other ideographs of the seed text", sorted(c for c in seed_chars if is_han(c)))

    # Non-Han characters, by Unicode block, in code point order.
    non_han = (gb | seed_chars) - taken
    for _, lo, hi in NON_HAN_BLOCKS:
        non_han.update(chr(cp) for cp in range(lo, hi + 1)
                       if wanted(chr(cp)) and in_all(chr(cp)))
    non_han = {c for c in non_han if c not in taken}
    by_block: dict[str, list[str]] = {}
    order: list[str] = []
    for c in sorted(non_han):
        title = next((t for t, lo, hi in NON_HAN_BLOCKS if lo <= ord(c) <= hi), "Other symbols")
        if title not in by_block:
            by_block[title] = []
            order.append(title)
        by_block[title].append(c)
    for title in order:
        add(title, by_block[title])

    return write_charset(groups)


# --------------------------------------------------------------------------
# Subsetting
# --------------------------------------------------------------------------


def subset_options() -> subset.Options:
    opts = subset.Options()
    opts.layout_features = list(KEEP_FEATURES)
    opts.layout_scripts = ["*"]
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.name_legacy = False
    opts.notdef_outline = True
    opts.glyph_names = False
    # Keep the CFF stem hints: they cost about 20% in size (some 2.4 MB for
    # the four files) but keep text crisp at small sizes on screens (EPUB
    # readers); PDF output does not need them.
    opts.hinting = True
    opts.desubroutinize = False   # keep subroutines: smaller CFF
    opts.prune_unicode_ranges = True
    opts.recalc_bounds = True
    opts.drop_tables = list(opts.drop_tables) + ["DSIG"]
    return opts


def set_names(font: TTFont, family: str, style: str, weight: int) -> None:
    """Rename the face to `family` `style` consistently in name, CFF and OS/2."""
    ps_family = family.replace(" ", "")
    ps_name = f"{ps_family}-{style}"
    full_name = f"{family} {style}"
    version = font["head"].fontRevision

    name = font["name"]
    old_unique = name.getDebugName(3) or ""
    version_tag = old_unique.split(";")[0] or f"{version:.3f}"
    new = {
        1: family,
        2: style,
        3: f"{version_tag};GOOG;{ps_name};subset",
        4: full_name,
        6: ps_name,
        16: family,
        17: style,
    }
    # Drop every record of these IDs (including the Chinese-language copies
    # of 1/2/4 that still say "Noto Serif CJK SC"), then write them anew,
    # in English (Windows, Unicode BMP) only.
    name.names = [r for r in name.names if r.nameID not in new]
    for name_id, value in new.items():
        name.setName(value, name_id, 3, 1, 0x409)
    # A modified version: say so in the description (name ID 10).
    desc = name.getDebugName(10) or ""
    name.removeNames(nameID=10)
    note = ("Subset of the Simplified Chinese face of Noto "
            f"{'Serif' if 'Serif' in family else 'Sans'} CJK (GB 2312 + "
            "通用规范汉字表 + punctuation and symbols), made by "
            "scripts/build_fonts.py.")
    name.setName(f"{note} {desc}".strip(), 10, 3, 1, 0x409)

    os2 = font["OS/2"]
    os2.usWeightClass = weight
    bold = style == "Bold"
    # fsSelection: bit 0 italic, bit 5 bold, bit 6 regular.
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


def build_face(src: str, out: str, family: str, style: str, weight: int,
               chars: set[str]) -> Path:
    font = TTFont(SOURCE_DIR / src, fontNumber=SC_FACE_INDEX, lazy=False)
    cmap = font.getBestCmap()
    missing = sorted(c for c in chars if ord(c) not in cmap)
    if missing:
        raise SystemExit(f"{src}: no glyph for " + " ".join(f"U+{ord(c):04X}" for c in missing[:20]))
    subsetter = subset.Subsetter(options=subset_options())
    subsetter.populate(unicodes=sorted(ord(c) for c in chars))
    subsetter.subset(font)
    set_names(font, family, style, weight)
    # Keep head.modified from the source so that rebuilding gives the same bytes.
    font.recalcTimestamp = False
    path = FONTS_DIR / out
    font.save(path)
    font.close()
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--refresh-charset", action="store_true",
                        help="rebuild fonts/charset.txt from its sources first")
    parser.add_argument("--seed", type=Path, default=DEFAULT_SEED,
                        help="seed text whose characters must be covered (with --refresh-charset)")
    parser.add_argument("--unihan", type=Path, default=DEFAULT_UNIHAN,
                        help="Unihan_OtherMappings.txt[.bz2] with the kTGH field (with --refresh-charset)")
    parser.add_argument("--only", action="append", metavar="FILE",
                        help="build only this output file (may be repeated)")
    args = parser.parse_args(argv)

    if args.refresh_charset:
        n = refresh_charset(args.seed, args.unihan)
        print(f"wrote {CHARSET_FILE.relative_to(ROOT)}: {n} characters")

    chars = read_charset()
    print(f"{CHARSET_FILE.relative_to(ROOT)}: {len(chars)} characters")
    total = 0
    for src, out, family, style, weight in FACES:
        if args.only and out not in args.only:
            continue
        path = build_face(src, out, family, style, weight, chars)
        size = path.stat().st_size
        total += size
        print(f"{path.relative_to(ROOT)}: {size:,} bytes ({size / 2**20:.2f} MiB)")
    print(f"total: {total:,} bytes ({total / 2**20:.2f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
