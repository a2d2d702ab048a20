"""Decode manuscript files: UTF-8 only, BOM and CRLF tolerated, clear errors otherwise."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DecodeError(Exception):
    code: str
    message: str
    line: int
    col: int
    hint: str | None = None


def decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(data) > 1 and (data[0] == 0 or data[1] == 0)):
        raise DecodeError("E109", "file is UTF-16, not UTF-8", 1, 1,
                          "save the file as UTF-8 (most editors: File › Save with Encoding › UTF-8)")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DecodeError("E109", f"invalid UTF-8 byte 0x{data[exc.start]:02x}", line, col,
                          "save the file as UTF-8; it may be in GBK/GB18030") from None
    nul = text.find("\x00")
    if nul != -1:
        line = text.count("\n", 0, nul) + 1
        col = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise DecodeError("E110", "NUL byte in text file", line, col, "the file may be binary or corrupt")
    return text.replace("\r\n", "\n").replace("\r", "\n")
