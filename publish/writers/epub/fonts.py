"""The EPUB's embedded fonts: each face subset to the characters it actually draws.

(The PDF needs none of this: WeasyPrint subsets what it embeds by itself.)

A face is needed only for the text the theme sets in it (sans for headings and captions,
bold for headings and <strong>, mono for code …), so each face is subset to the characters
of its own text, not of the whole book. The element → face mapping mirrors theme/epub.css;
code takes Han from the sans (the mono faces carry none: "Publish Mono", "Publish Sans"), and
a fallback font the project adds gets what its family lacks. A character outside all of them
still shows, in the reader's own font.

The subsets are made with HarfBuzz (hb-subset, as WeasyPrint does for the PDF): a face of
the Pan-CJK fonts takes it 0.07 s, where fontTools took 18 s.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ...checks.fonts import coverage
from ...model import FontFace
from ...source.fonts import file_key
from ...store import read_cached, write_cached
from ..xhtml import font_face_css as _font_face_css

XHTML = "{http://www.w3.org/1999/xhtml}"
SANS_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "nav", "figcaption"}
SANS_CLASSES = {"kicker", "subtitle", "column-label", "byline", "sidebar-title", "titlepage", "admonition-title",
                "tab-label"}
BOLD_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "th"}
BOLD_CLASSES = {"figure-label", "sidebar-title", "admonition-title", "tab-label",
                # Pygments' keyword classes, bold in the theme's highlighting
                "k", "kc", "kd", "kn", "kp", "kr", "kt", "ow", "nt"}
MONO_TAGS = {"pre", "code", "kbd", "samp"}
ALWAYS = "".join(chr(c) for c in range(0x20, 0x7F)) + "　，。、；：？！（）《》“”‘’…—·"
# The OpenType features kept in a subset: CJK punctuation spacing, vertical writing, widths,
# the regional forms (locl) and ruby forms. hb-subset's default list would drop some of them.
FEATURES = ("ccmp", "liga", "locl", "kern", "mark", "mkmk", "halt", "palt", "vhal", "vpal", "vkrn", "vert",
            "vrt2", "fwid", "hwid", "pwid", "ruby")


@dataclass(frozen=True)
class EmbeddedFont:
    face: FontFace
    href: str  # inside the EPUB
    data: bytes


def face_texts(documents: list[bytes]) -> dict[tuple[str, int], set[str]]:
    """Characters drawn in each (family, weight), from the XHTML documents."""
    used: dict[tuple[str, int], set[str]] = {}

    def walk(element: etree._Element, sans: bool, bold: bool, mono: bool) -> None:
        # Inherited: decided once per element from its parent's, top down.
        tag = etree.QName(element).localname
        classes = set((element.get("class") or "").split())
        sans = sans or tag in SANS_TAGS or bool(classes & SANS_CLASSES)
        bold = bold or tag in BOLD_TAGS or bool(classes & BOLD_CLASSES)
        mono = mono or tag in MONO_TAGS
        family = "Publish Mono" if mono else "Publish Sans" if sans else "Publish Serif"
        chars = used.setdefault((family, 700 if bold else 400), set())
        if element.text:
            chars.update(element.text)
        for name in ("alt", "aria-label", "title"):
            if element.get(name):  # shown by some readers in place of images and links
                chars.update(str(element.get(name)))
        for child in element:
            if isinstance(child.tag, str):
                walk(child, sans, bold, mono)
            if child.tail:  # a comment's or processing instruction's tail too
                chars.update(child.tail)

    for data in documents:
        root = etree.fromstring(data)
        body = root.find(f"{XHTML}body")
        if body is not None:
            walk(body, False, False, False)
    return used


def _shares(faces: tuple[FontFace, ...], used: dict[tuple[str, int], set[str]]) -> dict[FontFace, set[str]]:
    """What each face draws: its text; what the mono faces lack, drawn by the sans; what a
    family lacks, drawn by its fallbacks in order."""
    primary = {(f.family, f.weight): f for f in faces if f.backs is None}
    shares: dict[FontFace, set[str]] = {f: set() for f in faces}
    for (family, weight), chars in used.items():
        if family == "Publish Mono" and (family, weight) in primary:
            mono_cmap = coverage((primary[(family, weight)],))
            shares[primary[(family, weight)]] |= {c for c in chars if ord(c) in mono_cmap}
            family, chars = "Publish Sans", {c for c in chars if ord(c) not in mono_cmap}
        face = primary.get((family, weight)) or primary.get((family, 400))
        if face is None:
            continue
        shares[face] |= chars
        # coverage() is a fresh set of ~19,000 code points: once a face, not once a character
        # (per character it was 4 of the 6 s of an EPUB rebuild).
        covered = coverage((face,))
        lacking = {c for c in chars if ord(c) not in covered}
        for fallback in (f for f in faces if f.backs == family):
            fallback_covers = coverage((fallback,))
            found = {c for c in lacking if ord(c) in fallback_covers}
            shares[fallback] |= found
            lacking -= found
    return shares


def simplified_only(languages: set[str]) -> bool:
    """Whether every text is Simplified Chinese (or not CJK), whose forms are the fonts' defaults."""
    return all(not lang.lower().startswith(("zh-hant", "zh-tw", "zh-hk", "zh-mo", "ja", "ko", "yue"))
               for lang in languages)


def embedded_fonts(documents: list[bytes], faces: tuple[FontFace, ...], cache_dir: Path, languages: set[str],
                   on_font: Callable[[int, int], None] = lambda number, total: None) -> list[EmbeddedFont]:
    """Subsets (cached by face and character set) for the faces in use. A book in Simplified
    Chinese only needs no other region's glyph forms: its subsets leave out `locl` (a third
    of their size)."""
    features = tuple(f for f in FEATURES if f != "locl") if simplified_only(languages) else FEATURES
    shares = _shares(faces, face_texts(documents))
    fonts = []
    for number, face in enumerate(faces):
        on_font(number, len(faces))
        chars = shares.get(face)
        if not chars:
            continue
        text = "".join(sorted(chars | (set(ALWAYS) if face.backs is None else set())))
        fonts.append(EmbeddedFont(face, f"fonts/{face.file_name}", subset(face, text, cache_dir, features)))
    return fonts


def font_face_css(fonts: list[EmbeddedFont]) -> str:
    return _font_face_css((f.face, f.href) for f in fonts)


def subset(face: FontFace, chars: str, cache_dir: Path, features: tuple[str, ...] = FEATURES) -> bytes:
    """A subset of `face` for `chars`, with the layout features CJK needs, cached on disk."""
    import uharfbuzz as hb

    text = "".join(sorted(set(chars)))
    key = hashlib.sha256(f"hb{hb.__version__}|{file_key(face.path)}|{' '.join(features)}\n{text}".encode()
                         ).hexdigest()[:32]
    cached = cache_dir / f"{Path(face.file_name).stem}-{key}.otf"
    known = read_cached(cached)  # sealed: a damaged subset is made again, not embedded
    if known is not None:
        return known
    request = hb.SubsetInput()
    request.unicode_set.update(ord(c) for c in text)
    kept = request.layout_feature_tag_set
    kept.clear()
    kept.update(int.from_bytes(tag.encode(), "big") for tag in features)
    request.name_id_set.update(range(0, 26))  # the names, licence and copyright included
    request.flags = hb.SubsetFlags.NO_HINTING
    data = bytes(hb.subset(hb.Face(hb.Blob.from_file_path(str(face.path))), request).blob.data)
    write_cached(cached, data)
    return data
