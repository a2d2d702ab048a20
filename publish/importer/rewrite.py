"""The links and images of an imported chapter, pointed at the files of the copy.

A chapter is copied as its author wrote it, with only the destinations of its links and
images changed where they would not work in publish (each change stays on its line, so
line numbers do not move):

    ![图](img\\ch14\\思维导图.png)             → img/ch14/思维导图.png          (Windows separators)
    ![图](https://cdn…/pics/a.png)           → ../pics/a.png                 (--map-url https://cdn…/=pics)
    ![图](a.png)  where a.png is elsewhere   → ../assets/a.png               (the one file of that name)
    [所有权](ch04-01-ownership.html#x)       → ch04-01-ownership.md#x        (mdBook, GitBook pages)
    [目录](https://github.com/u/b/blob/master/notes/目录.md) → 目录.md        (the book's own GitHub URLs)

Code (fenced and inline) and HTML comments are never touched. What cannot be resolved is
left as written and reported (W404, W405).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

from ..diagnostics import codes
from ..source.sandbox import inside, is_remote, real
from ..source.textfile import position
from .outline import Reporter

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp")
_FENCE = re.compile(r"^[ \t]*(?:>[ \t]?)*[ \t]*(`{3,}|~{3,})")
_QUOTE = re.compile(r"^[ \t]*(?:>[ \t]?)*")
_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_TITLE_END = re.compile(r"[ \t]*\n?[ \t]*(?:(?:\"[^\"]*\"|'[^']*'|\([^()]*\))[ \t]*)?\)")
_DEFINITION = re.compile(r"^ {0,3}\[(?!\^)(?:[^\]\\\n]|\\.)+\]:[ \t]*(?:<([^>\n]*)>|(\S+))", re.M)
_HTML = re.compile(r"<(img|a|source)\b[^>]*?\b(src|href)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.I)


@dataclass
class Book:
    """What rewriting one chapter needs to know of the whole import."""

    source: Path  # the book's folder, real: nothing outside it is read
    content: Path  # where the chapters live: `/x.png` in docsify and MkDocs is relative to it
    chapters: set[Path]  # real paths of the imported chapters
    url_maps: list[tuple[str, Path]]  # URL prefix → the folder it corresponds to
    warn: Reporter
    images: set[Path] = field(default_factory=set)  # what the chapters use: copied with them
    _by_name: dict[str, list[Path]] | None = None

    def by_name(self, name: str) -> list[Path]:
        """The images of the book with this file name (for references to a file that moved)."""
        if self._by_name is None:
            self._by_name = {}
            for dirpath, dirnames, filenames in os.walk(self.source):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for file_name in filenames:
                    if file_name.lower().endswith(IMAGE_SUFFIXES):
                        self._by_name.setdefault(file_name, []).append(real(Path(dirpath) / file_name))
        return self._by_name.get(name, [])

    def mapped(self, url: str) -> Path | None:
        for prefix, folder in self.url_maps:
            if url.startswith(prefix):
                rest = unquote(url[len(prefix):].split("#")[0].split("?")[0])
                return folder / rest
        return None


def masked(text: str) -> str:
    """`text` with fenced code, code spans and HTML comments blanked (same length, same lines)."""
    out = []
    fence: str | None = None
    for line in text.split("\n"):
        if fence is not None:
            body = line[_QUOTE.match(line).end():].strip()  # type: ignore[union-attr]  # matches ""
            if body.startswith(fence) and not body.lstrip(fence[0]).strip():
                fence = None
            out.append(" " * len(line))
            continue
        opening = _FENCE.match(line)
        if opening:
            fence = opening.group(1)
            out.append(" " * len(line))
            continue
        out.append(_CODE_SPAN.sub(lambda m: " " * len(m.group()), line))
    joined = "\n".join(out)
    return re.sub(r"<!--.*?(?:-->|$)", lambda m: re.sub(r"[^\n]", " ", m.group()), joined, flags=re.S)


def _opening_bracket(text: str, close: int) -> int | None:
    depth = 0
    for index in range(close, -1, -1):
        char = text[index]
        if index > 0 and text[index - 1] == "\\":
            continue
        if char == "]":
            depth += 1
        elif char == "[":
            depth -= 1
            if depth == 0:
                return index
        elif char == "\n" and index < close and text[index - 1:index] == "\n":
            return None  # a blank line: no link spans paragraphs
    return None


def _inline_destination(text: str, start: int) -> tuple[int, int] | None:
    """Start and end of the destination of `](…)` whose `(` is at start - 1, if it is a link:
    the destination, then only an optional quoted title before the `)` (CommonMark)."""
    index = start
    while index < len(text) and text[index] in " \t":
        index += 1
    if index < len(text) and text[index] == "<":
        end = text.find(">", index)
        if end == -1 or "\n" in text[index:end]:
            return None
        begin, index = index + 1, end + 1
        finish = end
    else:
        depth, begin = 0, index
        while index < len(text) and not text[index].isspace():
            if text[index] == "\\":
                index += 2
                continue
            if text[index] == "(":
                depth += 1
            elif text[index] == ")":
                if depth == 0:
                    break
                depth -= 1
            index += 1
        finish = index
    rest = _TITLE_END.match(text, index)
    return (begin, finish) if rest and finish > begin else None


def destinations(text: str) -> Iterator[tuple[int, int, bool]]:
    """(start, end, is an image) of every link and image destination outside code and comments."""
    hidden = masked(text)
    for match in re.finditer(r"\]\(", hidden):
        opening = _opening_bracket(hidden, match.start())
        if opening is None:
            continue
        found = _inline_destination(hidden, match.end())
        if found:
            yield found[0], found[1], opening > 0 and hidden[opening - 1] == "!"
    for match in _DEFINITION.finditer(hidden):
        group = 1 if match.group(1) is not None else 2
        value = match.group(group)
        yield match.start(group), match.end(group), value.lower().split("?")[0].endswith(IMAGE_SUFFIXES)
    for match in _HTML.finditer(hidden):
        group = next(g for g in (3, 4, 5) if match.group(g) is not None)
        yield match.start(group), match.end(group), match.group(2).lower() == "src"


def _written(path: Path, base: Path) -> str:
    """A path as a Markdown destination: relative, with /, and only what would end it encoded."""
    relative = Path(os.path.relpath(path, base)).as_posix()
    return re.sub(r"[%\s()<>#?\\]", lambda m: quote(m.group()), relative)


class Chapter:
    """One chapter's rewriting: where it is, and the warnings at its lines."""

    def __init__(self, book: Book, path: Path, text: str):
        self.book, self.path, self.text = book, path, text

    def warn(self, code, message: str, offset: int, hint: str | None = None) -> None:
        self.book.warn(code, message, self.path, position(self.text, offset)[0], hint)

    def _local(self, written: str) -> tuple[Path, str] | None:
        """The file a local destination names, and its #fragment (a `#` that is part of a file
        name, as in C#.md, is taken as such when that file exists and the shorter name does not)."""
        path, _, fragment = written.partition("#")
        if fragment and not self._base(path).is_file() and self._base(written).is_file():
            path, fragment = written, ""
        local = unquote(path.split("?")[0]).replace("\\", "/")
        if re.match(r"[A-Za-z]:/", local):
            return None
        return self._base(path), fragment

    def _base(self, path: str) -> Path:
        local = unquote(path.split("?")[0]).replace("\\", "/")
        base = self.book.content if local.startswith("/") else self.path.parent
        return Path(os.path.normpath(base / local.lstrip("/")))

    def image(self, written: str, offset: int) -> str | None:
        """The new destination of an image, or None to leave it; the image is noted for copying."""
        if written.startswith("data:"):
            return None
        remote = is_remote(written)
        if remote:
            found = self.book.mapped(written)
            if found is None:
                self.warn(codes.REMOTE_NOT_MAPPED, f"remote image {written[:80]} is left remote", offset,
                          "map it onto a folder of the book: publish import … --map-url PREFIX=FOLDER")
                return None
        else:
            local = self._local(written)
            if local is None:
                self.warn(codes.NOT_RESOLVED, f"image {written}: an absolute path of another machine", offset)
                return None
            found = local[0]
        candidates = [found]
        if not remote and not found.is_file():
            candidates.append(self.book.content / Path(os.path.relpath(found, self.path.parent)))
            candidates += self.book.by_name(found.name)[:1] if len(self.book.by_name(found.name)) == 1 else []
        existing = next((c for c in candidates if c.is_file()), None)
        if existing is None:
            self.warn(codes.NOT_RESOLVED, f"image not found in the book: {written}", offset)
            return None
        if not inside(self.book.source, existing):
            self.warn(codes.NOT_RESOLVED, f"image {written} lies outside the book: not copied", offset)
            return None
        self.book.images.add(real(existing))
        new = _written(existing, self.path.parent)
        return new if remote or "\\" in written or unquote(written) != unquote(new) else None

    def link(self, written: str, offset: int) -> str | None:
        """The new destination of a link, or None to leave it."""
        if not written or written.startswith(("#", "mailto:", "data:")):
            return None
        remote = is_remote(written)
        if remote:
            target = self.book.mapped(written)
            if target is None:
                return None  # a link out of the book: it stays one
            fragment = written.partition("#")[2]
        else:
            local = self._local(written)
            if local is None:
                return None
            target, fragment = local
        suffix = f"#{fragment}" if fragment else ""
        candidates = [target]
        if target.suffix.lower() in (".html", ".htm") or not target.suffix:
            candidates.append(target.with_suffix(".md"))
        if not target.suffix or written.endswith("/"):
            candidates += [target / "README.md", target / "index.md"]
        chapter = next((c for c in candidates if c.is_file() and real(c) in self.book.chapters), None)
        if chapter is None:
            if target.is_file() and target.suffix.lower() not in (".md", ".markdown", ".html", ".htm"):
                return None  # a link to a listing or a download: the build says what it makes of it
            self.warn(codes.NOT_RESOLVED, f"link to {unquote(written)}, which is no chapter of the book", offset,
                      "the build reports it as a broken link (E206) until it points to a chapter or a heading")
            return None
        if chapter == target and not remote and "\\" not in written and not written.startswith("/") \
                and "#" not in unquote(written.partition("#")[0] if fragment else written):
            return None
        return _written(chapter, self.path.parent) + suffix


def rewrite(book: Book, path: Path, text: str) -> str:
    """The chapter's text with the destinations of its links and images rewritten."""
    chapter = Chapter(book, path, text)
    changes = []
    for start, end, is_image in sorted(set(destinations(text))):
        written = text[start:end]
        new = chapter.image(written, start) if is_image else chapter.link(written, start)
        if new is not None and new != written:
            changes.append((start, end, new))
    for start, end, new in reversed(changes):
        text = text[:start] + new + text[end:]
    return text
