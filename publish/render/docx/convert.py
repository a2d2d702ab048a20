"""A .docx → HTML by mammoth, made safe: mammoth maps Word's structure (headings, lists, tables,
footnotes, images, links) and drops its looks; our style map adds what Word documents of
Chinese editors use (outline-level heading styles, captions, the TOC left out), and the
HTML goes through render/sanitize.py like any raw HTML, with the images held aside (the
sanitizer keeps no <img>: each is a placeholder until markup.py makes it a figure)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import sanitize
from .meta import count_lost

# Word's own names and the localised ones (WPS, Chinese Word): 题注 is Caption.
_CAPTION_STYLES = ("Caption", "caption", "题注", "图题", "表题")
_IGNORED_STYLES = ("toc ", "TOC ", "目录 ", "Table of Figures", "图表目录")
_PLACEHOLDER = re.compile(r'<img\b[^>]*\bsrc="(docx-image-\d+)"[^>]*>')


@dataclass
class Picture:
    data: bytes
    content_type: str
    alt: str


@dataclass
class Converted:
    html: str  # sanitized XHTML fragment; images as <span class="docx-image" id="docx-image-N">
    pictures: dict[str, Picture] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)  # what the sanitizer took out
    lost: list[str] = field(default_factory=list)  # what mammoth could not carry: "3 equations (OMML)", …
    plain_styles: list[str] = field(default_factory=list)  # paragraph styles printed as body text


def style_map(headings: dict[str, int], captions: tuple[str, ...] | list[str] = ()) -> str:
    """Heading level n is <h n+1>: the article's title is the one <h1> (a Word Heading 1 is the
    first level under it), and the sanitizer keeps no <h1>."""
    levels = {**{f"{heading} {n}": n for n in range(1, 7) for heading in ("Heading", "heading")}, **headings}
    lines = [f"p[style-name='{name}'] => h{min(level + 1, 6)}:fresh" for name, level in sorted(levels.items())
             if "'" not in name]
    lines += [f"p[style-name='{name}'] => p.caption:fresh" for name in {*_CAPTION_STYLES, *captions}
              if "'" not in name]
    lines += [f"p[style-name^='{prefix}'] => !" for prefix in _IGNORED_STYLES]
    lines += ["p[style-name='Title'] => h2.title:fresh", "p[style-name='Subtitle'] => p.subtitle:fresh",
              "p[style-name='TOC Heading'] => !", "p[style-name='目录标题'] => !"]
    return "\n".join(lines)


def _styles(messages: list) -> list[str]:
    """The paragraph styles mammoth set as plain paragraphs (it has no mapping for them)."""
    found = (re.match(r"Unrecognised paragraph style: (.*?) \(Style ID", m.message) for m in messages)
    return [match.group(1) for match in found if match]


def lost(counts: dict[str, int]) -> list[str]:
    said = []
    if counts.get("equations"):
        n = counts["equations"]
        said.append(f"{n} equation{'s' if n > 1 else ''} (Word OMML)")
    if counts.get("drawings"):
        n = counts["drawings"]
        said.append(f"{n} drawing{'s' if n > 1 else ''} (shapes, lines, text boxes)")
    return said


def convert(path: Path, headings: dict[str, int], captions: list[str]) -> Converted:
    import mammoth

    pictures: dict[str, Picture] = {}

    def picture(image) -> dict[str, str]:
        key = f"docx-image-{len(pictures) + 1}"
        with image.open() as stream:
            pictures[key] = Picture(stream.read(), image.content_type or "", (image.alt_text or "").strip())
        return {"src": key}

    with path.open("rb") as stream:
        result = mammoth.convert_to_html(stream, style_map=style_map(headings, captions),
                                         convert_image=mammoth.images.img_element(picture), id_prefix="")
    raw = _PLACEHOLDER.sub(lambda m: f'<span class="docx-image" id="{m.group(1)}"></span>', result.value)
    return Converted(sanitize.clean(raw), pictures, sanitize.removed_parts(raw), lost(count_lost(path)),
                     _styles(result.messages))
