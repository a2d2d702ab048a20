"""The runs' PDFs joined into one (pikepdf), as WeasyPrint would have written the whole book.

Each run's PDF is complete on its own (runs.py); joining them:
- pages appended in order; the first run's catalog (metadata, output intent, language) kept;
- the tag trees joined under one Document element, the parent tree renumbered (pages by their
  place in the book, then the annotations);
- the named destinations of all runs in one name tree, so links between runs resolve (runs.py
  keeps links whose anchor another run holds);
- the outline built again from the runs' bookmarks with WeasyPrint's own nesting, since a
  section's bookmark (in one run) is the parent of its articles' (in the next ones);
- each face embedded once: its subsets in the runs (HarfBuzz, glyph ids retained) replaced by
  one subset of the original file to the union of their glyphs, with the union of their widths
  and ToUnicode maps. A font whose original is not known (a system fallback) stays one per run.
Saved with a deterministic file identifier: the same runs make the same bytes.
"""

from __future__ import annotations

import io
import re
import warnings
import zlib
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from .runs import RunResult

_W_RUN = re.compile(rb"(\d+)\s*\[([^\]]*)\]")  # WeasyPrint's widths: first glyph, [their widths]
_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")


Subsetter = Callable[[Path, int, list[int], bool], bytes]  # (file, face index, glyphs, hinting) → zlib'd program


def assemble(parts: Sequence[tuple[Path, Path | None]], results: Sequence[RunResult],
             originals: Mapping[str, Path], subsetter: Subsetter | None = None, variant: str = "screen",
             unembedded: list[str] | None = None, memo: dict | None = None) -> bytes:
    """One PDF of the runs' PDFs `parts` (in book order: a body's PDF in `variant`, and its
    furniture's or None); `originals`: font fingerprint → file; `subsetter` makes a face's
    merged program (default: `subset`, uncached); `unembedded` gets the names of the fonts
    without an embedded program (for the preflight: reading them from the PDF written took
    2 s on a 650-page book); `memo` keeps the faces' merged widths and ToUnicode entries for
    the next variant (the same runs' fonts: parsing them is half a second of an edit)."""
    import pikepdf

    base = pikepdf.open(parts[0][0])
    others = [pikepdf.open(body) for body, _ in parts[1:]]
    furnishings = [pikepdf.open(path) if path else None for _, path in parts]
    try:
        offsets, total = [], 0
        for result in results:
            offsets.append(total)
            total += result.pages
        sources = [base] + others
        with warnings.catch_warnings():
            # The named destinations are joined below (_join_destinations).
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning if hasattr(pikepdf, "PageCopyWarning") else Warning)
            for other in others:
                base.pages.extend(other.pages)
        moves = _furnished(base, furnishings, results, offsets, variant == "print")
        _join_tags(base, sources, offsets, total)
        _join_destinations(base, sources, moves)
        _outline(base, results)
        fonts = _merge_fonts(base, results, originals, subsetter or subset, {} if memo is None else memo)
        if unembedded is not None:
            unembedded.extend(_unembedded(fonts))
        out = io.BytesIO()
        base.save(out, deterministic_id=True, compress_streams=True, recompress_flate=False,
                  object_stream_mode=pikepdf.ObjectStreamMode.generate, min_version=base.pdf_version)
        return out.getvalue()
    finally:
        for pdf in others + [f for f in furnishings if f is not None]:
            pdf.close()
        base.close()


def _furnished(base, furnishings, results: Sequence[RunResult], offsets: list[int], marked: bool) -> dict:
    """Each run's margin boxes drawn over its pages (a form XObject each, marked as an artifact:
    running heads and folios are not the text), its body moved across where the page changed
    side (`marked`: the page's first content stream is the crop marks, which stay). Returns
    the pages moved: page object → the move, in PDF units."""
    import pikepdf

    moves: dict = {}
    opening, closing = base.make_stream(b"q\n"), base.make_stream(b"\nQ\n")  # shared by the pages
    for furnishing, result, offset in zip(furnishings, results, offsets):
        if furnishing is None:
            continue
        for index, source in enumerate(furnishing.pages):
            page = base.pages[offset + index]
            xobject = source.as_form_xobject()
            xobject.BBox = source.mediabox  # not the trim box qpdf takes: a margin box may reach the bleed
            form = base.copy_foreign(xobject)
            # A name of its own, not pikepdf's random one: the same runs make the same bytes. (A
            # run's pages may share one resource dictionary: each page's name differs.)
            name = pikepdf.Name(f"/PublishFurniture{offset + index}")
            resources = page.obj.Resources
            if "/XObject" not in resources:
                resources.XObject = pikepdf.Dictionary()
            resources.XObject[name] = form
            dx = result.dx[index] * 0.75 if index < len(result.dx) else 0.0
            contents = page.obj.Contents
            streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
            kept = streams[:1] if marked and len(streams) > 1 else []
            body = streams[len(kept):]
            # The body's painting leaves its transformation (WeasyPrint's y axis downwards) in
            # place: it is closed before the furniture, which sets up its own.
            moved = abs(dx) > 1e-6
            body = [base.make_stream(f"q 1 0 0 1 {dx:.6f} 0 cm\n".encode()) if moved else opening] + body + [closing]
            if moved:
                moves[page.obj.objgen] = dx
                for annotation in page.obj.get("/Annots") or ():
                    rect = [float(v) for v in annotation.Rect]
                    annotation.Rect = pikepdf.Array([rect[0] + dx, rect[1], rect[2] + dx, rect[3]])
            page.obj.Contents = pikepdf.Array(kept + body + [
                base.make_stream(b"q /Artifact BMC " + str(name).encode() + b" Do EMC Q\n")])
    return moves


def _copied(base, source, item):
    """`item` of `source` in `base` (pikepdf copies only indirect objects: direct ones are
    rebuilt around the copies of what they refer to)."""
    import pikepdf

    if source is base:
        return item
    if isinstance(item, (pikepdf.Array, pikepdf.Dictionary, pikepdf.Stream)):
        # A direct object is made indirect in the source first (which is never saved): one
        # copy in qpdf instead of one per element.
        return base.copy_foreign(item if item.is_indirect else source.make_indirect(item))
    return item


def _join_tags(base, sources, offsets: list[int], total: int) -> None:
    import pikepdf

    root = base.Root.get("/StructTreeRoot")
    if root is None:
        return
    document = root.K[0]
    # Python lists, made into PDF arrays once: a pikepdf Array grown item by item is slow.
    kids: list = []
    nums: list = []
    annotation_key = total
    for source, offset in zip(sources, offsets):
        source_root = source.Root.get("/StructTreeRoot")
        if source_root is None:
            continue
        # One copy of the indirect objects each (what they refer to comes along, mapped to the
        # pages already copied).
        source_document = _copied(base, source, source_root.K[0])
        tree = _copied(base, source, source_root.ParentTree)
        for kid in source_document.K:
            if isinstance(kid, pikepdf.Dictionary):
                kid.P = document
            kids.append(kid)
        pages = len(source.pages)
        entries = list(tree.Nums)
        for i in range(0, len(entries), 2):
            key, value = int(entries[i]), entries[i + 1]
            if key < pages:
                nums += [offset + key, value]
            else:
                nums += [annotation_key, value]
                _renumber_annotation(value, key, annotation_key)
                annotation_key += 1
    for index, page in enumerate(base.pages):
        if "/StructParents" in page.obj:
            page.obj.StructParents = index
    document.K = pikepdf.Array(kids)
    root.ParentTree = base.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(nums)))
    root.ParentTreeNextKey = annotation_key


def _renumber_annotation(value, old: int, new: int) -> None:
    """The annotation the parent tree's entry points to (an OBJR's parent element) gets `new`."""
    import pikepdf

    kids = value.get("/K")
    items = kids if isinstance(kids, pikepdf.Array) else [kids]
    for item in items:
        if isinstance(item, pikepdf.Dictionary) and item.get("/Type") == "/OBJR":
            annotation = item.Obj
            if int(annotation.get("/StructParent", -1)) == old:
                annotation.StructParent = new
                return


def _join_destinations(base, sources, moves: dict) -> None:
    import pikepdf

    names: dict[str, Any] = {}
    for source in sources:
        tree = source.Root.get("/Names")
        dests = tree.get("/Dests") if tree is not None else None
        if dests is None:
            continue
        entries = _copied(base, source, dests.Names)
        for i in range(0, len(entries), 2):
            target = entries[i + 1]
            if moves and isinstance(target, pikepdf.Array) and len(target) > 2 and \
                    target[0].objgen in moves and target[1] == pikepdf.Name.XYZ:
                target = pikepdf.Array([target[0], target[1], float(target[2]) + moves[target[0].objgen],
                                        *list(target)[3:]])
            names.setdefault(str(entries[i]), target)  # the first anchor of a name wins
    if not names:
        return
    flat = pikepdf.Array()
    for name in sorted(names):
        flat.extend([pikepdf.String(name), names[name]])
    if "/Names" not in base.Root:
        base.Root.Names = pikepdf.Dictionary()
    base.Root.Names.Dests = base.make_indirect(pikepdf.Dictionary(Names=flat))


def _outline(base, results: Sequence[RunResult]) -> None:
    """The outline, nested as WeasyPrint nests the whole book's bookmarks."""
    import pikepdf
    from weasyprint.document import Document

    pages = [SimpleNamespace(bookmarks=list(marks), height=height)
             for result in results for marks, height in zip(result.bookmarks, result.heights)]
    tree = Document.make_bookmark_tree(SimpleNamespace(pages=pages), 0.75, transform_pages=True)
    if "/Outlines" in base.Root:
        del base.Root["/Outlines"]
    if not tree:
        return
    page_objects = [page.obj for page in base.pages]

    def add(items, parent) -> tuple[list, int]:
        count = len(items)
        made: list = []
        for title, (page, x, y), children, state in items:
            outline = base.make_indirect(pikepdf.Dictionary(
                Title=pikepdf.String(title), Dest=pikepdf.Array([page_objects[page], pikepdf.Name.XYZ, x, y, 0])))
            kids, kids_count = add(children, outline)
            outline.Count = -kids_count if state == "closed" else kids_count
            if state != "closed":
                count += kids_count
            if made:
                outline.Prev = made[-1]
                made[-1].Next = outline
            if kids:
                outline.First, outline.Last = kids[0], kids[-1]
            outline.Parent = parent
            made.append(outline)
        return made, count

    root = base.make_indirect(pikepdf.Dictionary())
    items, count = add(tree, root)
    root.Count, root.First, root.Last = count, items[0], items[-1]
    base.Root.Outlines = root


# -- fonts -----------------------------------------------------------------------------------

def _merge_fonts(base, results: Sequence[RunResult], originals: Mapping[str, Path], subsetter: Subsetter,
                 memo: dict) -> list:
    """Each face's font dictionaries of all runs (WeasyPrint names a face's resource alike in
    every run) become one, with one font program subset to the union of their glyphs. Returns
    the /Font resource dictionaries of the pages (and their XObjects)."""
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
        merged = _merged_font(base, group, original, font["index"], font["hinting"], subsetter, memo)
        for fonts in font_dicts:
            if name in fonts:
                fonts[name] = merged
    return font_dicts


def _unembedded(font_dicts: list) -> list[str]:
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


def _merged_font(base, group: list, original: Path, index: int, hinting: bool, subsetter: Subsetter, memo: dict):
    import hashlib

    import pikepdf

    sources = [(font.DescendantFonts[0].W.unparse(), font.ToUnicode.read_bytes()) for font in group]
    key = hashlib.sha256(b"\0".join(part for pair in sources for part in pair)).digest()
    if key not in memo:
        memo[key] = _widths_and_unicode(sources)
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
