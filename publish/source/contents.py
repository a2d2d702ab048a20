"""publication.yaml's `contents`: article names and sections, in printed order, each article
read by the reader its file's suffix names."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from ..diagnostics import Report, codes
from ..model import Article, Section
from . import schema
from .yamlsource import YamlDoc

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class ArticleSource(Protocol):
    """What the loader asks of an article reader: the Article in a file, its metadata checked."""

    def read(self, root: Path, name: str, path: Path, section: str | None, report: Report) -> Article | None: ...


def article_files(root: Path, suffixes: tuple[str, ...]) -> dict[str, Path]:
    """name → file for every file in manuscript/articles/ that some reader takes."""
    folder = root / "manuscript" / "articles"
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.iterdir()) if p.suffix.lower() in suffixes and not p.name.startswith(".")}


def load_contents(doc: YamlDoc, root: Path, pub_path: Path, readers: Mapping[str, ArticleSource],
                  report: Report, kind: str = "book") -> tuple[Section, ...]:
    """Walk `contents`: article names and sections, in printed order."""
    available = article_files(root, tuple(readers))
    contents = doc.data["contents"]
    if not isinstance(contents, list):
        line, col = doc.mark(("contents",))
        report.add(codes.WRONG_VALUE, "'contents' must be a list of article names and sections", pub_path, line, col)
        return ()
    if not contents:
        line, col = doc.mark(("contents",))
        report.add(codes.EMPTY_MANUSCRIPT, "the manuscript is empty: 'contents' lists no article", pub_path, line, col)
        return ()
    seen: dict[str, tuple[int, int]] = {}

    def article(name: Any, where: tuple, section: str | None) -> Article | None:
        line, col = doc.mark(where)
        if not isinstance(name, str):
            report.add(codes.WRONG_VALUE, "an article entry must be a file name (the stem of articles/<name>.md)",
                       pub_path, line, col)
            return None
        if name in seen:
            report.add(codes.DUPLICATE_ARTICLE, f"article '{name}' is listed twice (first at line {seen[name][0]})",
                       pub_path, line, col)
            return None
        seen[name] = (line, col)
        if not _NAME.match(name):
            report.add(codes.BAD_ARTICLE_NAME, f"article name '{name}' must be lowercase ASCII letters, digits, '-' "
                       "or '_'", pub_path, line, col, "it becomes a file name inside the EPUB; rename the file")
            return None
        path = available.get(name)
        if path is None:
            close = difflib.get_close_matches(name, list(available), n=1)
            report.add(codes.MISSING_ARTICLE, f"article '{name}' is listed but manuscript/articles/{name}.md does "
                       "not exist", pub_path, line, col, f"did you mean '{close[0]}'?" if close else None)
            return None
        return readers[path.suffix.lower()].read(root, name, path, section, report)

    sections: list[Section] = []
    loose: list[Article] = []
    for index, entry in enumerate(contents):
        if isinstance(entry, dict):
            if loose:
                sections.append(_loose(loose, kind))
                loose = []
            meta = schema.check(doc, ("contents", index), schema.SECTION, report, pub_path, what="a section")
            items = entry.get("articles")
            if "articles" in meta and not isinstance(items, list):
                line, col = doc.mark(("contents", index, "articles"))
                report.add(codes.WRONG_VALUE, "a section's 'articles' must be a list of article names", pub_path,
                           line, col)
                continue
            members = [article(name, ("contents", index, "articles", i), meta.get("title"))
                       for i, name in enumerate(items or [])]
            # A magazine runs on, its sections too; a book starts each chapter on a new page.
            flows = kind == "magazine"
            sections.append(Section(meta.get("title"), meta.get("title_en"),
                                    tuple(a for a in members if a is not None), meta.get("run_on", flows),
                                    meta.get("new_page", not flows)))
        else:
            found = article(entry, ("contents", index), None)
            if found is not None:
                loose.append(found)
    if loose:
        sections.append(_loose(loose, kind))
    if not seen and not report.errors:
        line, col = doc.mark(("contents",))
        report.add(codes.EMPTY_MANUSCRIPT, "the manuscript is empty: no section of 'contents' lists an article",
                   pub_path, line, col)
    _check_files(available, seen, report)
    return tuple(sections)


def _loose(articles: list[Article], kind: str) -> Section:
    """Articles listed outside any section: each on a new page in a book, running on in a magazine."""
    return Section(None, None, tuple(articles), kind == "magazine", kind != "magazine")


def _check_files(available: dict[str, Path], listed: dict[str, tuple[int, int]], report: Report) -> None:
    """Article files that differ only in case, or that `contents` does not list."""
    lowered: dict[str, str] = {}
    for name, path in available.items():
        if name.lower() in lowered:
            report.add(codes.DUPLICATE_ARTICLE, f"article files '{available[lowered[name.lower()]].name}' and "
                       f"'{path.name}' differ only in case", path, 1, 1,
                       "they would collide on Windows and macOS; rename one")
        lowered[name.lower()] = name
        if name not in listed:
            report.add(codes.UNLISTED_ARTICLE, f"article '{name}' is not listed in publication.yaml contents",
                       path, 1, 1, "add it to 'contents', or delete the file")
