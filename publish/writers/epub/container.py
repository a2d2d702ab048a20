"""The EPUB container: ebooklib's package written with xml:lang, then zipped reproducibly
(mimetype first and stored, fixed timestamps and permissions), so that the same manuscript
gives the same bytes."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

APPLE_OPTIONS = """<?xml version="1.0" encoding="utf-8"?>
<display_options>
<platform name="*">
<option name="specified-fonts">true</option>
</platform>
</display_options>
"""


def write_package(book: Any, lang: str, modified: dt.datetime) -> bytes:
    from ebooklib import epub

    raw = io.BytesIO()
    # ebooklib's own zip is only read back by reproducible_zip: no use compressing it twice.
    _writer(epub)(raw, book, {"mtime": modified, "epub3_pages": False, "epub2_guide": False, "compresslevel": 0},
                  lang=lang).write()
    return reproducible_zip(raw.getvalue(), modified)


def _writer(epub: Any) -> Any:
    """ebooklib's writer, plus xml:lang on <package> (readers and Ace need the book's language there)."""

    class Writer(epub.EpubWriter):
        def __init__(self, name: Any, book: Any, options: dict, lang: str):
            super().__init__(name, book, options)
            self.lang = lang

        def _write_opf_file(self, root: Any) -> None:
            root.set("{http://www.w3.org/XML/1998/namespace}lang", self.lang)
            super()._write_opf_file(root)

    return Writer


_COMPRESSED = (".jpg", ".jpeg", ".png", ".gif", ".webp")


def reproducible_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite a zip with mimetype first and stored, fixed timestamps and permissions."""
    stamp = max(when.astimezone(dt.UTC).timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    order = ["mimetype"] + [n for n in names if n != "mimetype"]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            # JPEG and PNG are compressed already: deflating a book of photos again took seconds
            # of every EPUB build and saved under 1 %.
            if name == "mimetype" or name.lower().endswith(_COMPRESSED):
                info.compress_type = zipfile.ZIP_STORED
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(name),
                            compresslevel=9 if info.compress_type == zipfile.ZIP_DEFLATED else None)
    return out.getvalue()
