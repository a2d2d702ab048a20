"""A book's title and metadata from the files the other tools keep them in, as publication.yaml
keys: book.toml (mdBook), mkdocs.yml (MkDocs), book.json (GitBook, HonKit), or the first
heading of the README."""

from __future__ import annotations

import html
import json
import re
import tomllib
from pathlib import Path
from typing import Any

from ..diagnostics import codes
from ..source.textfile import DecodeError, decode
from .outline import Reporter

_LANGUAGES = {"zh": "zh-CN", "zh-cn": "zh-CN", "zh-hans": "zh-CN", "zh_cn": "zh-CN", "zh-sg": "zh-SG",
              "zh-hant": "zh-TW", "zh-tw": "zh-TW", "zh_tw": "zh-TW", "zh-hk": "zh-HK", "zh_hk": "zh-HK",
              "ja": "ja", "ja-jp": "ja-JP", "ko": "ko", "en": "en", "en-us": "en-US", "en_us": "en-US"}
_BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class Unreadable(Exception):
    """An order file that cannot be read: the import cannot go on (E401), at this file and line."""

    def __init__(self, message: str, line: int = 1, path: Path | None = None):
        super().__init__(message)
        self.line, self.path = line, path


def text_of(path: Path) -> str:
    try:
        return decode(path.read_bytes())
    except DecodeError as exc:
        raise Unreadable(exc.message, exc.line, path) from None
    except OSError as exc:
        raise Unreadable(f"cannot read {path.name}: {exc.strerror}", 1, path) from None


def plain(value: Any) -> str | None:
    """A metadata value as one line of plain text: HTML tags and entities out (copyright lines
    in mkdocs.yml are HTML: `Copyright &copy; 2026 krahets<br>…`)."""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        return None
    text = re.sub(r"<br\s*/?>", " ", str(value), flags=re.I)
    text = html.unescape(re.sub(r"</?[A-Za-z][^>]*>", "", text))
    text = re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()
    return text or None


def people(value: Any) -> list[str]:
    """Authors as a list: a TOML/YAML list, or one string (GitBook's "A 和 B" is kept whole)."""
    items = value if isinstance(value, list) else [value]
    return [name for name in (plain(v) for v in items) if name]


def language(value: Any) -> str | None:
    """The book's language as a BCP 47 tag publish takes (mkdocs' `zh` → zh-CN, GitBook's zh-hans → zh-CN)."""
    text = plain(value)
    if text is None:
        return None
    mapped = _LANGUAGES.get(text.lower(), text.replace("_", "-"))
    return mapped if _BCP47.fullmatch(mapped) else None


def book_toml(path: Path) -> dict:
    try:
        data = tomllib.loads(text_of(path))
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        raise Unreadable(f"book.toml is not valid TOML: {exc}", int(found.group(1)) if found else 1, path) from None
    book: dict = data["book"] if isinstance(data.get("book"), dict) else {}
    meta = {"title": plain(book.get("title")), "authors": people(book.get("authors", [])),
            "language": language(book.get("language"))}
    html_output = (data.get("output") or {}).get("html") if isinstance(data.get("output"), dict) else None
    notes = {"description": plain(book.get("description")),
             "repository": plain(html_output.get("git-repository-url")) if isinstance(html_output, dict) else None}
    return {"meta": meta, "notes": notes, "src": book.get("src") if isinstance(book.get("src"), str) else "src"}


def book_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(text_of(path))
    except json.JSONDecodeError as exc:
        raise Unreadable(f"book.json is not valid JSON: {exc.msg}", exc.lineno, path) from None
    if not isinstance(data, dict):
        raise Unreadable("book.json must be a JSON object", 1, path)
    structure: dict = data["structure"] if isinstance(data.get("structure"), dict) else {}
    meta = {"title": plain(data.get("title")), "authors": people(data.get("author", [])),
            "language": language(data.get("language"))}
    return {"meta": meta, "notes": {"description": plain(data.get("description"))},
            "root": data.get("root") if isinstance(data.get("root"), str) else ".",
            "summary": structure.get("summary") if isinstance(structure.get("summary"), str) else "SUMMARY.md",
            "readme": structure.get("readme") if isinstance(structure.get("readme"), str) else "README.md"}


def mkdocs_meta(data: dict) -> dict:
    theme = data["theme"] if isinstance(data.get("theme"), dict) else {}
    meta = {"title": plain(data.get("site_name")), "authors": people(data.get("site_author", [])),
            "language": language(theme.get("language")), "rights": plain(data.get("copyright"))}
    repository = plain(data.get("repo_url"))
    notes = {"description": plain(data.get("site_description")), "repository": repository,
             "site": plain(data.get("site_url"))}
    return {"meta": meta, "notes": notes}


def docsify_name(folder: Path) -> str | None:
    """The site's name in docsify's index.html (`window.$docsify = { name: '…' }`), else its <title>."""
    page = folder / "index.html"
    if not page.is_file():
        return None
    try:
        text = text_of(page)
    except Unreadable:
        return None
    found = re.search(r"\bname\s*:\s*(['\"])(.+?)\1", text) or re.search(r"<title>([^<]+)</title>", text)
    return plain(found.group(found.lastindex or 1)) if found else None


def first_heading_of(path: Path) -> str | None:
    """The title a README gives the book: its first heading, if it is a level-1 heading."""
    from ..render.markdown.title import first_heading

    try:
        text = text_of(path)
    except Unreadable:
        return None
    found = first_heading(text)
    if found is None:
        return None
    lines = text.split("\n")[found[1]:found[2]]
    return found[0] if lines[0].lstrip().startswith("# ") or (len(lines) > 1 and "=" in lines[1]) else None


def self_urls(repository: str | None) -> tuple[str, ...]:
    """The URLs under which a GitHub repository shows its own files (blob and tree, any branch)."""
    if not repository:
        return ()
    match = re.match(r"(https?://github\.com/[^/\s]+/[^/\s#?]+?)(?:\.git)?(?:/(?:tree|blob)/([^/\s]+))?/?$",
                     repository)
    if not match:
        return ()
    base, branch = match.group(1), match.group(2)
    branches = (branch,) if branch else ("master", "main")
    return tuple(f"{base}/{kind}/{b}/" for b in branches for kind in ("blob", "tree", "raw"))


def mkdocs_tags_warning(ignored: tuple, path: Path, warn: Reporter) -> None:
    if ignored:
        tags = sorted({tag for tag, _, _ in ignored})
        warn(codes.IMPORT_SIMPLIFIED, f"mkdocs.yml: {len(ignored)} value(s) with YAML tags ({', '.join(tags[:3])}"
             f"{' …' if len(tags) > 3 else ''}) are ignored; nothing is run or constructed from them", path,
             ignored[0][1])
