"""The PNGs that can go into a PDF as they are.

The IDAT data of a non-interlaced PNG already is what a PDF FlateDecode image with a PNG
predictor (/DecodeParms << /Predictor 15 ... >>) expects, and a PNG palette maps onto an
/Indexed colour space, so such files can be copied into the PDF as they are (img2pdf does the
same for lossless embedding): 8 or 16 bits, grey, RGB or palette, without transparency.
"""

from __future__ import annotations

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Colour type -> PDF colour components; only the types without an alpha channel.
COLORS = {0: 1, 2: 3, 3: 1}
# 16 bit copies as well: PNG and PDF are both big-endian, and a PDF image may have 16 bits a
# component (PDF 1.5). WeasyPrint's own code wrote 16-bit grey as 8-bit RGB from too few bytes.
DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8)}


def parse(data: bytes) -> dict | None:
    """IHDR fields, palette, ICC profile and IDAT bytes of a PNG that can be copied as is, else None."""
    if not data.startswith(SIGNATURE):
        return None
    pos, header, palette, idat, icc = len(SIGNATURE), None, None, [], None
    while pos + 12 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, pos)
        body = data[pos + 8:pos + 8 + length]
        crc = data[pos + 8 + length:pos + 12 + length]
        # A damaged file goes to Pillow, which knows how to be lenient with it.
        if len(body) != length or len(crc) != 4 or zlib.crc32(kind + body) != struct.unpack(">I", crc)[0]:
            return None
        if header is None and kind != b"IHDR":
            return None
        if kind == b"IHDR":
            if header is not None or length != 13:
                return None
            header = dict(zip(("width", "height", "depth", "colour", "compression", "filter", "interlace"),
                              struct.unpack(">IIBBBBB", body)))
        elif kind == b"PLTE":
            palette = body
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"iCCP":
            name_end = body.find(b"\0")
            try:
                icc = zlib.decompress(body[name_end + 2:]) if name_end > 0 else None
            except zlib.error:
                return None
        elif kind in (b"tRNS", b"eXIf"):
            # Transparency needs a soft mask, EXIF may rotate the image: WeasyPrint's job.
            return None
        elif kind == b"IEND":
            break
        pos += 12 + length
    else:
        return None
    if (header is None or not idat or header["colour"] not in COLORS
            or header["depth"] not in DEPTHS[header["colour"]]
            or (header["compression"], header["filter"], header["interlace"]) != (0, 0, 0)
            or not header["width"] or not header["height"]):
        return None
    if header["colour"] == 3 and (palette is None or not 3 <= len(palette) <= 768 or len(palette) % 3):
        return None
    header["palette"] = palette if header["colour"] == 3 else None
    header["idat"] = b"".join(idat)
    header["icc"] = icc
    return header
