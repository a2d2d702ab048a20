"""An SVG as the outputs carry it: without its DOCTYPE (checks/images.py let only a harmless one
through), and with its text set in the bundled fonts. An SVG names the fonts of the machine it
was drawn on ("Microsoft YaHei", "SimSun", Arial); WeasyPrint would take whatever fontconfig
finds for them, so each font-family becomes the theme's family of the same kind (serif, sans,
mono), which the PDF's @font-face rules provide."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ...model import FontFace
from .colour import colours_in_cmyk

_SERIF = re.compile(r"(?<!sans-)serif|song|sung|simsun|mingliu|宋|明|ming|mincho|times|georgia|fangsong|仿宋|kai|楷",
                    re.I)
_MONO = re.compile(r"mono|courier|consolas|menlo", re.I)
_STYLE_FAMILY = re.compile(r"(font-family\s*:\s*)([^;}\"]+)", re.I)
_STYLE_FONT = re.compile(r"(\bfont\s*:[^;}\"]*?\d+(?:\.\d+)?(?:px|pt|em|%)?(?:\s*/\s*[\d.]+\w*)?\s+)([^;}\"]+)", re.I)


def family_for(declared: str, faces: Iterable[FontFace]) -> str:
    """The CSS font-family value of the bundled family (and its fallbacks) nearest to `declared`."""
    base = "Publish Mono" if _MONO.search(declared) else "Publish Serif" if _SERIF.search(declared) else "Publish Sans"
    names = [f.family for f in faces if f.family == base or f.backs == base]
    if base not in names:
        base = "Publish Sans"
        names = [f.family for f in faces if f.family == base or f.backs == base] or [base]
    ordered = [base] + sorted({n for n in names if n != base})
    return ", ".join(f"'{n}'" for n in ordered)


_PAINTS = ("fill", "stroke", "stop-color", "flood-color", "lighting-color", "color")


def for_output(data: bytes, faces: Iterable[FontFace] | None, cmyk: bytes | None = None) -> bytes:
    """The SVG's bytes without DOCTYPE, its fonts mapped to the bundled ones (unless `faces` is
    None); with the printer's CMYK profile `cmyk`, its colours in it (text black as K100)."""
    from lxml import etree

    if faces is None:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
        return etree.tostring(root, xml_declaration=True, encoding="utf-8")
    faces = tuple(faces)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    root = etree.fromstring(data, parser)

    def mapped_style(text: str) -> str:
        text = _STYLE_FAMILY.sub(lambda m: m.group(1) + family_for(m.group(2), faces), text)
        text = _STYLE_FONT.sub(lambda m: m.group(1) + family_for(m.group(2), faces), text)
        return colours_in_cmyk(text, cmyk) if cmyk else text

    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        if node.get("font-family") is not None:
            node.set("font-family", family_for(node.get("font-family", ""), faces))
        if node.get("style"):
            node.set("style", mapped_style(node.get("style", "")))
        if etree.QName(node).localname == "style" and node.text:
            node.text = mapped_style(node.text)
        if cmyk:
            for paint in _PAINTS:
                if node.get(paint):
                    node.set(paint, colours_in_cmyk(node.get(paint, ""), cmyk))
    if root.get("font-family") is None:  # text that names no font: the UA default would be the machine's
        root.set("font-family", family_for("sans-serif", faces))
    if cmyk and root.get("fill") is None:  # the default paint, black, as the press's black
        root.set("fill", "device-cmyk(0 0 0 1)")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")
