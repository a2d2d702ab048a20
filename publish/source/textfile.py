"""Decode manuscript files: UTF-8 only, BOM and CRLF tolerated, clear errors otherwise."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..diagnostics import Code, codes

# Characters XML cannot carry (C0 controls but tab and line ends, U+FFFE, U+FFFF) and invisible
# controls (DEL, C1) that only ever come from binary or mis-decoded text.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


@dataclass(frozen=True)
class DecodeError(Exception):
    code: Code
    message: str
    line: int
    col: int
    hint: str | None = None


def position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of the character at `index`."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(data) > 1 and (data[0] == 0 or data[1] == 0)):
        raise DecodeError(codes.NOT_UTF8, "file is UTF-16, not UTF-8", 1, 1,
                          "save the file as UTF-8 (most editors: File › Save with Encoding › UTF-8)")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = len(data[data.rfind(b"\n", 0, exc.start) + 1:exc.start].decode("utf-8", "replace")) + 1
        raise DecodeError(codes.NOT_UTF8, f"invalid UTF-8 byte 0x{data[exc.start]:02x}", line, col,
                          "save the file as UTF-8; it may be in GBK/GB18030") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = CONTROL.search(text)
    if bad is not None:
        line, col = position(text, bad.start())
        if bad.group() == "\x00":
            raise DecodeError(codes.CONTROL_CHARACTER, "NUL byte in text file", line, col,
                              "the file may be binary or corrupt")
        raise DecodeError(codes.CONTROL_CHARACTER, f"control character U+{ord(bad.group()):04X} in text file",
                          line, col,
                          "an invisible character, often pasted from a PDF or a word processor: delete it")
    return text
