"""Which tool a book was written for, and its order: the first of these that the folder has.

    book.toml            mdBook: <src>/SUMMARY.md
    mkdocs.yml           MkDocs: `nav` over docs_dir (or docs_dir's files, when there is no nav)
    book.json            GitBook / HonKit: <root>/SUMMARY.md
    SUMMARY.md           GitBook / HonKit without a book.json
    _sidebar.md          docsify (in the folder or in its docs/)
    *.md, *.docx         a plain folder: files in natural order, README/index first in each folder
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from ..diagnostics import codes
from ..source.sandbox import inside, is_remote, real
from ..source.yamlsource import YamlDoc, YamlError
from ..source.yamlsource import load as load_yaml
from . import meta as metadata
from .meta import Unreadable, text_of
from .outline import Node, Outline, Part, Reporter, parts_of
from .summary import read_summary

CHAPTER_SUFFIXES = (".md", ".markdown", ".docx")
_SKIPPED_FOLDERS = {"node_modules", "_book", "book", "site", "build", "target", "__pycache__"}
_FIRST = ("readme", "index", "_index")


class NotABook(Exception):
    """The folder has nothing to import."""


def natural_key(path: Path) -> tuple:
    """README/index first, then by name with numbers compared as numbers (第2章 before 第10章)."""
    stem = path.stem.lower()
    first = 0 if stem in _FIRST else 1
    name = re.sub(r"\s+", "", path.name.lower())  # 第 1 章 and 第2章 are compared as 第1章, 第2章
    return (first, [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", name)
                    if part])


def folder_files(content: Path, source: Path, exclude: Path | None) -> list[Path]:
    """Every chapter-like file under `content`: folders one after another, each in natural order."""
    found: list[Path] = []

    def walk(folder: Path) -> None:
        try:
            entries = list(folder.iterdir())
        except OSError:
            return
        files = sorted((p for p in entries if p.is_file() and p.suffix.lower() in CHAPTER_SUFFIXES
                        and not p.name.startswith((".", "_", "~$")) and p.name.upper() != "SUMMARY.MD"),
                       key=natural_key)
        found.extend(real(p) for p in files if inside(source, p))
        for sub in sorted((p for p in entries if p.is_dir()), key=natural_key):
            if sub.name.startswith(".") or sub.name in _SKIPPED_FOLDERS or not inside(source, sub):
                continue
            if exclude is not None and real(sub) == exclude:
                continue
            walk(sub)

    walk(content)
    return found


def _readme_title(folder: Path) -> str | None:
    for name in ("README.md", "readme.md", "index.md"):
        if (folder / name).is_file():
            return metadata.first_heading_of(folder / name)
    return None


def _summary_outline(source: Path, content: Path, summary: Path, warn: Reporter,
                     docsify: bool = False) -> tuple[list[Part], str | None]:
    nodes, title = read_summary(summary, text_of(summary), source, content, warn, docsify=docsify)
    return parts_of(nodes, warn, summary), title


def _mdbook(source: Path, warn: Reporter) -> Outline:
    toml = metadata.book_toml(source / "book.toml")
    content = source / toml["src"]
    summary = content / "SUMMARY.md"
    if not summary.is_file():
        raise Unreadable(f"book.toml names the source folder '{toml['src']}', which has no SUMMARY.md", 1,
                         source / "book.toml")
    parts, title = _summary_outline(source, content, summary, warn)
    meta = toml["meta"]
    meta["title"] = meta["title"] or title
    if not meta.get("language") and (source / "book.json").is_file():  # a GitBook config kept beside
        try:
            meta["language"] = metadata.book_json(source / "book.json")["meta"].get("language")
        except Unreadable:
            pass
    return Outline("mdBook", source, content, summary, parts, meta, toml["notes"],
                   metadata.self_urls(toml["notes"].get("repository")))


def _gitbook(source: Path, warn: Reporter) -> Outline:
    config: dict[str, Any] = metadata.book_json(source / "book.json") if (source / "book.json").is_file() else \
        {"meta": {}, "notes": {}, "root": ".", "summary": "SUMMARY.md"}
    content = source / config["root"]
    summary = content / config["summary"]
    if not summary.is_file():
        raise Unreadable(f"book.json's root '{config['root']}' has no {config['summary']}", 1, source / "book.json")
    parts, title = _summary_outline(source, content, summary, warn)
    meta = config["meta"]
    meta["title"] = meta.get("title") or title or _readme_title(content)
    return Outline("GitBook", source, content, summary, parts, meta, config["notes"])


def _docsify(source: Path, sidebar: Path, warn: Reporter) -> Outline:
    content = sidebar.parent
    parts, title = _summary_outline(source, content, sidebar, warn, docsify=True)
    title = metadata.docsify_name(content) or title or _readme_title(content) or _readme_title(source)
    return Outline("docsify", source, content, sidebar, parts, {"title": title})


def _nav_nodes(items: Any, doc: YamlDoc, where: tuple, content: Path, source: Path, path: Path,
               warn: Reporter) -> list[Node]:
    nodes: list[Node] = []
    for index, item in enumerate(items if isinstance(items, list) else []):
        at = where + (index,)
        line = doc.mark(at)[0]
        title, value = (None, item) if not isinstance(item, dict) or len(item) != 1 else next(iter(item.items()))
        title = metadata.plain(title) if title is not None else None
        if isinstance(value, list):
            nodes.append(Node(title or "", None, line, _nav_nodes(value, doc, at + (next(iter(item)),), content,
                                                                   source, path, warn)))
            continue
        if not isinstance(value, str):
            warn(codes.CHAPTER_LEFT_OUT, f"nav entry {item!r} is neither a page nor a section: left out", path, line)
            continue
        if is_remote(value):
            warn(codes.CHAPTER_LEFT_OUT, f"nav entry '{title or value}' links to {value}, outside the book: "
                 "left out", path, line)
            continue
        found = content / value
        if found.is_dir():
            found = found / "index.md"
        if not inside(source, found) or not found.is_file():
            where_text = "lies outside the book" if not inside(source, found) else "does not exist"
            warn(codes.CHAPTER_LEFT_OUT, f"nav entry '{title or value}': {value} {where_text}: left out", path, line)
            continue
        nodes.append(Node(title or value, real(found), line))
    return nodes


def _mkdocs(source: Path, path: Path, warn: Reporter, exclude: Path | None) -> Outline:
    try:
        doc = load_yaml(text_of(path), ignore_tags=True)
    except YamlError as exc:
        raise Unreadable(f"mkdocs.yml: {exc.message}", exc.line, path) from None
    data = doc.data if isinstance(doc.data, dict) else {}
    metadata.mkdocs_tags_warning(doc.ignored, path, warn)
    docs_dir = data["docs_dir"] if isinstance(data.get("docs_dir"), str) else "docs"
    content = source / docs_dir
    if not content.is_dir():
        if docs_dir != "docs" and (source / "docs").is_dir():
            warn(codes.IMPORT_SIMPLIFIED, f"docs_dir '{docs_dir}' does not exist (a build step makes it?): the "
                 "chapters are read from docs/", path, doc.mark(("docs_dir",))[0])
            content = source / "docs"
        else:
            raise Unreadable(f"mkdocs.yml's docs_dir '{docs_dir}' does not exist", doc.mark(("docs_dir",))[0], path)
    found = metadata.mkdocs_meta(data)
    if isinstance(data.get("nav"), list):
        nodes = _nav_nodes(data["nav"], doc, ("nav",), content, source, path, warn)
        parts = parts_of(nodes, warn, path)
    else:
        parts = [Part(None, [(p, 1) for p in folder_files(content, source, exclude)])]
    return Outline("MkDocs", source, content, path, parts, found["meta"], found["notes"],
                   metadata.self_urls(found["notes"].get("repository")))


def _folder(source: Path, warn: Reporter, exclude: Path | None) -> Outline:
    files = folder_files(source, source, exclude)
    by_folder: dict[Path, list[tuple[Path, int]]] = {}
    for file in files:
        by_folder.setdefault(file.parent, []).append((file, 1))
    # The top folder's files are loose chapters; each subfolder is a section, titled by its name.
    parts = [Part(None if folder == real(source) else os.path.relpath(folder, real(source)), chapters)
             for folder, chapters in by_folder.items()]
    return Outline("folder", source, source, None, parts, {"title": _readme_title(source)})


def outline(source: Path, warn: Reporter, exclude: Path | None = None) -> Outline:
    """The book in `source` (a folder, or its order file), or Unreadable/NotABook."""
    if source.is_file():
        if source.name in ("book.toml", "mkdocs.yml", "mkdocs.yaml", "book.json"):
            source = source.parent
        elif source.name in ("SUMMARY.md", "_sidebar.md"):
            order = source
            source = source.parent
            return _docsify(source, order, warn) if order.name == "_sidebar.md" else _gitbook(source, warn)
        else:
            raise NotABook(f"{source.name} is neither a folder, a .docx nor a book's order file")
    if (source / "book.toml").is_file():
        return _mdbook(source, warn)
    for name in ("mkdocs.yml", "mkdocs.yaml"):
        if (source / name).is_file():
            return _mkdocs(source, source / name, warn, exclude)
    if (source / "book.json").is_file() or (source / "SUMMARY.md").is_file():
        return _gitbook(source, warn)
    for sidebar in (source / "_sidebar.md", source / "docs" / "_sidebar.md"):
        if sidebar.is_file():
            return _docsify(source, sidebar, warn)
    found = _folder(source, warn, exclude)
    if not found.chapters:
        raise NotABook("the folder has no SUMMARY.md, mkdocs.yml, _sidebar.md, and no .md or .docx file")
    return found
