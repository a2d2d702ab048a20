"""What mdBook does to a chapter before rendering it, done once at import time, since the text
it brings in is part of the book:

    {{#include ../listings/main.rs}}            the whole file
    {{#include file.rs:2}} {{#include file.rs:2:10}} {{#include file.rs:2:}} {{#include file.rs::10}}
    {{#include file.rs:anchor}}                 the lines between ANCHOR: anchor and ANCHOR_END: anchor
    {{#rustdoc_include file.rs:anchor}}         the same: the lines rustdoc would hide are not printed
    {{#playground file.rs}}                     the whole file
    {{#title 标题}}                             dropped (it sets the browser tab's title)
    \\{{#include …}}                             the directive itself, as text

and in Rust code blocks, the lines rustdoc hides (`# fn main() {`) are dropped and `rust,ignore`
info strings become `rust ignore` (a language, then attributes).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from ..diagnostics import codes
from ..source.sandbox import inside, real
from ..source.textfile import DecodeError, decode
from .outline import Reporter

MAX_DEPTH = 10  # as mdBook: an include of an include … of itself stops here
_DIRECTIVE = re.compile(r"(?P<escape>\\?)\{\{#(?P<kind>include|rustdoc_include|playground|title)\s+"
                        r"(?P<args>[^}]*?)\s*\}\}")
_ANCHOR = re.compile(r"ANCHOR(?:_END)?:\s*[\w_-]+")
_FENCE = re.compile(r"^(?P<indent>[ \t]*(?:>[ \t]?)*)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
_QUOTE = re.compile(r"^[ \t]*(?:>[ \t]?)*")  # a fence may sit in a blockquote: > ```rust


def _select(lines: list[str], selector: str) -> list[str] | None:
    """The lines a selector after the file name takes, or None if it names nothing in them."""
    if not selector:
        return [line for line in lines if not _ANCHOR.search(line)]
    if re.fullmatch(r"\d*(:\d*)?", selector):
        first, colon, last = selector.partition(":")
        start = int(first) - 1 if first else 0
        end = (int(last) if last else len(lines)) if colon else start + 1
        if start >= len(lines) or start < 0:
            return None
        return [line for line in lines[start:end] if not _ANCHOR.search(line)]
    begin = re.compile(rf"ANCHOR:\s*{re.escape(selector)}\b")
    finish = re.compile(rf"ANCHOR_END:\s*{re.escape(selector)}\b")
    taken: list[str] | None = None
    for line in lines:
        if taken is None:
            if begin.search(line):
                taken = []
            continue
        if finish.search(line):
            return taken
        if not _ANCHOR.search(line):
            taken.append(line)
    return taken  # an anchor never closed runs to the end, as in mdBook


def expand(text: str, path: Path, source: Path, warn: Reporter, depth: int = 0, rewrite=None) -> str:
    """`text` (of the file `path`) with its includes expanded. Included Markdown is pasted in, as
    mdBook does: its links are the including chapter's, and `rewrite(path, text)` treats them so."""
    lines = text.split("\n")
    out: list[str] = []
    for number, line in enumerate(lines, 1):
        if "{{#" not in line:
            out.append(line)
            continue
        out.append(_DIRECTIVE.sub(functools.partial(_one, path=path, source=source, warn=warn, line=number,
                                                    depth=depth, rewrite=rewrite), line))
    return "\n".join(out)


def _one(match: re.Match, path: Path, source: Path, warn: Reporter, line: int, depth: int, rewrite) -> str:
    if match.group("escape"):
        return match.group(0)[1:]
    kind, args = match.group("kind"), match.group("args").strip()
    if kind == "title":
        return ""
    written, _, selector = args.split()[0].partition(":") if args else ("", "", "")
    target = path.parent / written
    if depth >= MAX_DEPTH:
        warn(codes.INCLUDE_NOT_EXPANDED, f"{{{{#{kind} {args}}}}}: includes nest more than {MAX_DEPTH} deep", path,
             line)
        return match.group(0)
    if not written or not inside(source, target) or not target.is_file():
        why = "lies outside the book" if written and not inside(source, target) else "is not found"
        warn(codes.INCLUDE_NOT_EXPANDED, f"{{{{#{kind} {args}}}}}: the file {written or '(none)'} {why}", path, line)
        return match.group(0)
    try:
        included = decode(real(target).read_bytes())
    except (DecodeError, OSError) as exc:
        warn(codes.INCLUDE_NOT_EXPANDED, f"{{{{#{kind} {args}}}}}: {getattr(exc, 'message', exc)}", path, line)
        return match.group(0)
    chosen = _select(included.split("\n"), "" if kind == "playground" else selector)
    if chosen is None:
        warn(codes.INCLUDE_NOT_EXPANDED, f"{{{{#{kind} {args}}}}}: {written} has no "
             f"{'anchor' if not selector[:1].isdigit() else 'line'} {selector}", path, line)
        return match.group(0)
    while chosen and not chosen[-1].strip():
        chosen.pop()
    body = "\n".join(chosen)
    if target.suffix.lower() == ".md":
        if rewrite is not None:
            body = rewrite(path, body)
        body = expand(body, real(target), source, warn, depth + 1, rewrite)
    return body


def rust_code(text: str) -> str:
    """Rust code blocks as rustdoc shows them: hidden lines out, attributes after the language."""
    out: list[str] = []
    fence: str | None = None
    rust = False
    for line in text.split("\n"):
        if fence is None:
            opening = _FENCE.match(line)
            if opening:
                fence = opening.group("fence")
                info = opening.group("info").strip()
                language = re.split(r"[,\s]", info, maxsplit=1)[0]
                rust = language == "rust"
                if "," in info.split(" ")[0]:
                    line = opening.group("indent") + fence + " ".join(p for p in re.split(r"[,\s]+", info) if p)
            out.append(line)
            continue
        quote = _QUOTE.match(line).group()  # type: ignore[union-attr]  # it matches the empty string
        body = line[len(quote):].lstrip()
        if body.startswith(fence) and not body.lstrip(fence[0]).strip():
            fence = None
            out.append(line)
            continue
        if rust:
            if body == "#" or body.startswith("# "):
                continue  # hidden from readers by rustdoc and mdBook
            if body.startswith("##"):
                line = line[:len(quote)] + line[len(quote):].replace("##", "#", 1)
        out.append(line)
    return "\n".join(out)
