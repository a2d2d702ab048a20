"""One font program per face in the assembled PDF (assemble.py): each face's font dictionaries
of all runs become one, with one subset of the original file to the union of the runs' glyphs
and the union of their widths and ToUnicode entries.

WeasyPrint subsets with HarfBuzz keeping glyph ids, and names a face's resource alike in every
run, so the runs' dictionaries of a face are found by name; a font whose original is not known
(a system fallback) stays one per run.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from .runs import RunResult

_W_RUN = re.compile(rb"(\d+)\s*\[([^\]]*)\]")  # WeasyPrint's widths: first glyph, [their widths]
_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")


Subsetter = Callable[[Path, int, list[int], bool], bytes]  # (file, face index, glyphs, hinting) → zlib'd program


Parsed = dict[tuple[int, int], tuple[bytes, bytes, dict[int, Any], dict[int, bytes]]]


def prepare(base, parsed: Parsed) -> None:
    """The widths and ToUnicode entries of the font dictionaries in `base` so far, read and
    parsed into `parsed` (by object) ahead of `merge_fonts`: while a late run is awaited
    (assemble.Late), 0.4 s of the x10 join's end."""
    font_dicts: list = []
    seen: set[tuple[int, int]] = set()
    for page in base.pages:
        _font_resources(page.obj.get("/Resources"), font_dicts, seen)
    for fonts in font_dicts:
        for font in fonts.values():
            if font.get("/Subtype") == "/Type0" and "/ToUnicode" in font:
                _parsed(font, parsed)


def merge_fonts(base, results: Sequence[RunResult], originals: Mapping[str, Path], subsetter: Subsetter,
                memo: dict, parsed: Parsed | None = None) -> list:
    """Each face's font dictionaries of all runs (WeasyPrint names a face's resource alike in
    every run) become one, with one font program subset to the union of their glyphs. Returns
    the /Font resource dictionaries of the pages (and their XObjects). `parsed`: the font
    dictionaries read already (`prepare`)."""
    by_name: dict[str, list] = {}
    font_dicts: list = []  # the runs' /Font resource dictionaries
    seen: set[tuple[int, int]] = set()
    for page in base.pages:
        _font_resources(page.obj.get("/Resources"), font_dicts, seen)
    for fonts in font_dicts:
        for name, font in fonts.items():
            group = by_name.setdefault(name, [])
            if not any(font.objgen == other.objgen for other in group):
                group.append(font)
    info: dict[str, Any] = {}
    for result in results:
        for name, recorded in result.fonts.items():
            info.setdefault("/" + name, recorded)
    for name, group in by_name.items():
        font = info.get(name)
        if font is None or font["missing"] or font["variable"] or font["bitmap"]:
            continue
        if len(group) < 2 and not font.get("stub"):
            continue  # one run's font, subset by WeasyPrint already
        original = originals.get(font["fingerprint"])
        if original is None or group[0].get("/Subtype") != "/Type0":
            continue
        merged = _merged_font(base, group, original, font["index"], font["hinting"], subsetter, memo,
                              {} if parsed is None else parsed)
        for fonts in font_dicts:
            if name in fonts:
                fonts[name] = merged
    return font_dicts


def unembedded(font_dicts: list) -> list[str]:
    """The names of the fonts whose descriptor has no embedded program (a Type 3 font has none
    to have)."""
    names = []
    for fonts in font_dicts:
        for font in fonts.values():
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0] if descendants else font).get("/FontDescriptor")
            if descriptor is not None and not any(key in descriptor for key in ("/FontFile", "/FontFile2",
                                                                                 "/FontFile3")):
                names.append(str(descriptor.get("/FontName", "/?"))[1:])
    return names


def _font_resources(resources, found: list, seen: set) -> None:
    if resources is None or (resources.is_indirect and resources.objgen in seen):
        return
    if resources.is_indirect:
        seen.add(resources.objgen)
    fonts = resources.get("/Font")
    if fonts is not None and fonts.objgen not in seen:
        seen.add(fonts.objgen)
        found.append(fonts)
    for xobject in (resources.get("/XObject") or {}).values():
        _font_resources(xobject.get("/Resources"), found, seen)
    for pattern in (resources.get("/Pattern") or {}).values():
        _font_resources(pattern.get("/Resources"), found, seen)


def _parsed(font, parsed: Parsed) -> tuple[bytes, bytes, dict[int, Any], dict[int, bytes]]:
    """A font dictionary's W array and ToUnicode CMap, and what they say (once per object)."""
    found = parsed.get(font.objgen) if font.is_indirect else None
    if found is None:
        w_array, to_unicode = font.DescendantFonts[0].W.unparse(), font.ToUnicode.read_bytes()
        found = (w_array, to_unicode, *_widths_and_unicode([(w_array, to_unicode)]))
        if font.is_indirect:
            parsed[font.objgen] = found
    return found


def _merged_font(base, group: list, original: Path, index: int, hinting: bool, subsetter: Subsetter, memo: dict,
                 parsed: Parsed):
    import hashlib

    import pikepdf

    each = [_parsed(font, parsed) for font in group]
    key = hashlib.sha256(b"\0".join(part for found in each for part in found[:2])).digest()
    if key not in memo:
        widths_: dict[int, Any] = {}
        unicode_: dict[int, bytes] = {}
        for _, _, font_widths, font_unicode in each:  # the first font's entry wins
            for glyph, width in font_widths.items():
                widths_.setdefault(glyph, width)
            for glyph, text in font_unicode.items():
                unicode_.setdefault(glyph, text)
        memo[key] = (widths_, unicode_)
    widths, unicode = memo[key]
    template = group[0]
    descendant = template.DescendantFonts[0]
    descriptor = descendant.FontDescriptor
    file_key = "/FontFile3" if "/FontFile3" in descriptor else "/FontFile2"
    packed = subsetter(original, index, sorted(widths), hinting)
    stream = pikepdf.Stream(base, packed)
    stream.Filter = pikepdf.Name.FlateDecode
    if file_key == "/FontFile3":
        stream.Subtype = pikepdf.Name.OpenType
    else:
        stream.Length1 = len(zlib.decompress(packed))
    ranges: list[Any] = []  # built as Python lists: appending to a pikepdf.Array one by one took 1.2 s
    for gid in sorted(widths):
        if gid - 1 not in widths:
            ranges += [gid, []]
        ranges[-1].append(widths[gid])
    pdf_widths = pikepdf.Array([pikepdf.Array(item) if isinstance(item, list) else item for item in ranges])
    new_descriptor = pikepdf.Dictionary(dict(descriptor.items()))
    new_descriptor[file_key] = stream
    bbox = [float(v) for v in descriptor.FontBBox]
    bbox[2] = max(float(font.DescendantFonts[0].FontDescriptor.FontBBox[2]) for font in group)
    new_descriptor.FontBBox = pikepdf.Array(bbox)
    new_descendant = pikepdf.Dictionary(dict(descendant.items()))
    new_descendant.W = pdf_widths
    new_descendant.FontDescriptor = base.make_indirect(new_descriptor)
    merged = pikepdf.Dictionary(dict(template.items()))
    merged.DescendantFonts = pikepdf.Array([base.make_indirect(new_descendant)])
    merged.ToUnicode = pikepdf.Stream(base, zlib.compress(_to_unicode(unicode), 9))
    merged.ToUnicode.Filter = pikepdf.Name.FlateDecode
    return base.make_indirect(merged)


def _widths_and_unicode(sources: list[tuple[bytes, bytes]]) -> tuple[dict[int, Any], dict[int, bytes]]:
    """The union of the fonts' widths (W arrays) and ToUnicode entries, the first font's winning."""
    widths: dict[int, Any] = {}
    unicode: dict[int, bytes] = {}
    for w_array, to_unicode in sources:
        for first, run in _W_RUN.findall(w_array):
            for offset, width in enumerate(run.split()):
                widths.setdefault(int(first) + offset, Decimal(width.decode()))
        for glyph, text in _BFCHAR.findall(to_unicode.split(b"endcodespacerange", 1)[-1]):
            unicode.setdefault(int(glyph, 16), text)
    return widths, unicode


def _to_unicode(entries: dict[int, bytes]) -> bytes:
    """A ToUnicode CMap as WeasyPrint writes it (pdf/fonts.py)."""
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap", b"/CIDSystemInfo",
             b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0", b">> def",
             b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def", b"1 begincodespacerange",
             b"<0000> <ffff>", b"endcodespacerange"]
    items = sorted(entries.items())
    for start in range(0, len(items), 100):
        batch = items[start:start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [f"<{glyph:04x}> <".encode() + text + b">" for glyph, text in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def subset(original: Path, index: int, glyphs: list[int], hinting: bool) -> bytes:
    """The subset WeasyPrint 70 makes (pdf/fonts.py, Font._harfbuzz_subset), of `glyphs`,
    compressed as it is embedded."""
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(str(original)), index)
    request = hb.SubsetInput()
    request.glyph_set.update(glyphs)
    request.flags = (hb.SubsetFlags.RETAIN_GIDS | hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED
                     | hb.SubsetFlags.DESUBROUTINIZE)
    request.drop_table_tag_set.update(int.from_bytes(tag, "big") for tag in (
        b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG "))
    face = hb.subset(face, request)
    second = hb.SubsetInput()
    second.glyph_set.update(range(max(glyphs) + 1))
    flags = hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.DESUBROUTINIZE
    if not hinting:
        flags |= hb.SubsetFlags.NO_HINTING
    second.flags = flags
    return zlib.compress(bytes(hb.subset(face, second).blob.data), 9)
