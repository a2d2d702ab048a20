"""The EPUB's embedded fonts: each face subset to the characters it actually draws.

(The PDF needs none of this: WeasyPrint subsets what it embeds by itself.)

A face is needed only for the text the theme sets in it (sans for headings and captions,
bold for headings and <strong> …), so each of the four faces is subset to the characters
of its own text, not of the whole book: for the sample issue this cuts the embedded fonts
from 2.0 MB to well under the 1.5 MB budget. The element → face mapping mirrors
theme/epub.css; a character outside it still shows, in the reader's fallback font.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ...model import FontFace
from ...source.fonts import file_key
from ...store import write_bytes
from ..xhtml import font_face_css as _font_face_css

XHTML = "{http://www.w3.org/1999/xhtml}"
SANS_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "nav", "figcaption"}
SANS_CLASSES = {"kicker", "subtitle", "column-label", "byline", "sidebar-title", "titlepage"}
BOLD_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "th"}
BOLD_CLASSES = {"figure-label", "sidebar-title"}
ALWAYS = "".join(chr(c) for c in range(0x20, 0x7F)) + "　，。、；：？！（）《》“”‘’…—·"


@dataclass(frozen=True)
class EmbeddedFont:
    face: FontFace
    href: str  # inside the EPUB
    data: bytes


def face_texts(documents: list[bytes]) -> dict[tuple[str, int], set[str]]:
    """Characters drawn in each (family, weight), from the XHTML documents."""
    used: dict[tuple[str, int], set[str]] = {}

    def walk(element, sans: bool, bold: bool) -> None:
        # Sans and bold are inherited: decided once per element from its parent's, top down.
        tag = etree.QName(element).localname
        classes = set((element.get("class") or "").split())
        sans = sans or tag in SANS_TAGS or bool(classes & SANS_CLASSES)
        bold = bold or tag in BOLD_TAGS or bool(classes & BOLD_CLASSES)
        face = ("Publish Sans" if sans else "Publish Serif", 700 if bold else 400)
        chars = used.setdefault(face, set())
        if element.text:
            chars.update(element.text)
        for name in ("alt", "aria-label", "title"):
            if element.get(name):  # shown by some readers in place of images and links
                chars.update(element.get(name))
        for child in element:
            if isinstance(child.tag, str):
                walk(child, sans, bold)
            if child.tail:  # a comment's or processing instruction's tail too
                chars.update(child.tail)

    for data in documents:
        root = etree.fromstring(data)
        body = root.find(f"{XHTML}body")
        if body is not None:
            walk(body, False, False)
    return used


def embedded_fonts(documents: list[bytes], faces: tuple[FontFace, ...], cache_dir: Path,
                   on_font: Callable[[int, int], None] = lambda number, total: None) -> list[EmbeddedFont]:
    """Subsets (cached by face and character set; making one takes seconds) for the faces in use."""
    used = face_texts(documents)
    fonts = []
    for number, face in enumerate(faces):
        on_font(number, len(faces))
        chars = used.get((face.family, face.weight))
        if not chars:
            continue
        text = "".join(sorted(chars | set(ALWAYS)))
        fonts.append(EmbeddedFont(face, f"fonts/{face.file_name}", subset(face, text, cache_dir)))
    return fonts


def font_face_css(fonts: list[EmbeddedFont]) -> str:
    return _font_face_css((f.face, f.href) for f in fonts)


def subset(face: FontFace, chars: str, cache_dir: Path) -> bytes:
    """An OTF subset of `face` for `chars`, with the layout features Chinese needs, cached on disk."""
    text = "".join(sorted(set(chars)))
    key = hashlib.sha256(f"{file_key(face.path)}\n{text}".encode()).hexdigest()[:32]
    cached = cache_dir / f"{face.path.stem}-{key}.otf"
    if cached.is_file():
        return cached.read_bytes()
    from fontTools import subset as ft_subset

    options = ft_subset.Options()
    options.layout_features = ["halt", "vhal", "palt", "vpal", "vert", "vrt2", "kern", "liga", "ccmp"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = False
    font = ft_subset.load_font(str(face.path), options)
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    out = io.BytesIO()
    ft_subset.save_font(font, out, options)
    write_bytes(cached, out.getvalue())
    return out.getvalue()
