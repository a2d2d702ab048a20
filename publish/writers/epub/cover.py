"""A cover image drawn from the masthead data, for publications that give none."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from ...model import FontFace, Publication
from ...source.fonts import file_key
from ...store import read_cached, write_cached

WIDTH, HEIGHT = 1200, 1680  # 1:1.4, close to the printed trim


def draw_cover(publication: Publication, sans_bold: FontFace, sans_regular: FontFace,
               cache_dir: Path | None = None, accent: tuple[int, int, int] = (58, 74, 92)) -> bytes:
    """The cover PNG; with `cache_dir`, kept there by what it is drawn from (drawing and
    compressing it is a fifth of an EPUB rebuild after an article edit)."""
    if cache_dir is None:
        return _draw(publication, sans_bold, sans_regular, accent)
    key = hashlib.sha256(repr((publication.title, publication.subtitle, publication.edition, publication.number,
                               publication.publisher, publication.authors, publication.language,
                               WIDTH, HEIGHT, accent, Path(__file__).read_bytes(),
                               *(file_key(f.path) for f in (sans_bold, sans_regular))
                               )).encode()).hexdigest()[:32]
    cached = cache_dir / f"cover-{key}.png"
    known = read_cached(cached)  # sealed: a damaged cover is drawn again
    if known is not None:
        return known
    data = _draw(publication, sans_bold, sans_regular, accent)
    write_cached(cached, data)
    return data


def _draw(publication: Publication, sans_bold: FontFace, sans_regular: FontFace,
          accent: tuple[int, int, int]) -> bytes:
    from PIL import Image, ImageDraw, ImageFont, features

    image = Image.new("RGB", (WIDTH, HEIGHT), (250, 248, 243))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 520), fill=accent)

    def centred(text: str, y: int, face: FontFace, size: int, fill) -> None:
        font = ImageFont.truetype(str(face.path), size)
        while draw.textlength(text, font=font) > WIDTH - 140 and size > 20:
            size -= 4
            font = ImageFont.truetype(str(face.path), size)
        x = (WIDTH - draw.textlength(text, font=font)) / 2
        draw.text((x, y), text, font=font, fill=fill, language=language)

    # With libraqm, the text's language picks its glyph forms (the fonts' locl: 今 in ja).
    language = publication.language if features.check("raqm") else None

    centred(publication.title, 150, sans_bold, 200, (255, 255, 255))
    if publication.subtitle:
        centred(publication.subtitle, 410, sans_regular, 52, tuple(255 - (255 - c) // 12 for c in accent))
    y = 640
    for line in (publication.edition, publication.number):
        if line:
            centred(line, y, sans_bold, 84, (40, 40, 40))
            y += 130
    if publication.authors:  # a book's authors, under its title
        centred("　".join(publication.authors), y + 40, sans_regular, 64, (40, 40, 40))
    if publication.publisher:
        centred(publication.publisher, HEIGHT - 170, sans_regular, 48, (80, 80, 80))
    draw.rectangle((60, HEIGHT - 200, WIDTH - 60, HEIGHT - 196), fill=accent)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
