"""publication.yaml's `contents`: articles and sections, in printed order, each article read
by the reader its file's suffix names.

An article is listed by a bare name (`editorial`: the file manuscript/articles/editorial.md,
as publish projects have it) or by its path relative to manuscript/ (`第一章/引言.md`, as
imported books have it: nested folders, any Unicode file name). Either way it gets an
ASCII name for the outputs (names.py).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from ..diagnostics import Code, Report, codes
from ..model import Article, Section
from . import schema
from .names import BARE_NAME, article_names
from .sandbox import OutsideProject, Unusable, local_file, real
from .yamlsource import YamlDoc


class ArticleSource(Protocol):
    """What the loader asks of an article reader: the Article in a file, its metadata checked."""

    def read(self, root: Path, name: str, path: Path, section: str | None, report: Report) -> Article | None: ...


@dataclass(frozen=True)
class _Listed:
    """A `contents` entry whose file was found."""

    path: Path  # the file as listed (symlinks are followed when it is read, and must stay in the project)
    relative: PurePosixPath  # to manuscript/
    bare: str | None  # the bare name it was listed by (or that its path under articles/ amounts to)
    section: str | None
    where: tuple  # its key path in publication.yaml


def article_files(root: Path, suffixes: tuple[str, ...]) -> dict[str, Path]:
    """name → file for every file in manuscript/articles/ that some reader takes."""
    folder = root / "manuscript" / "articles"
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.iterdir()) if p.suffix.lower() in suffixes and not p.name.startswith(".")}


def manuscript_files(root: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """Every file under manuscript/ that some reader takes, but those of articles/ (hidden folders skipped)."""
    manuscript, found = root / "manuscript", []
    for dirpath, dirnames, filenames in os.walk(manuscript):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        if Path(dirpath) == manuscript / "articles":
            continue
        found += [Path(dirpath) / f for f in sorted(filenames)
                  if Path(f).suffix.lower() in suffixes and not f.startswith(".")]
    return found


def is_path(entry: str, suffixes: tuple[str, ...]) -> bool:
    """`第一章/引言.md`, `foreword.md`: a path; `editorial`: a bare name (articles/editorial.md)."""
    return "/" in entry or "\\" in entry or Path(entry).suffix.lower() in suffixes


class _Walk:
    """One pass over `contents`: entries located (or reported), then named and read in order."""

    def __init__(self, doc: YamlDoc, root: Path, pub_path: Path, suffixes: tuple[str, ...], report: Report):
        self.doc, self.root, self.pub_path, self.suffixes, self.report = doc, root, pub_path, suffixes, report
        self.manuscript = root / "manuscript"
        self.available = article_files(root, suffixes)
        self.seen: dict[Path, tuple[str, int]] = {}  # file → (as written, line)
        self.any_path = False
        self.named: set[str] = set()  # bare names listed, usable or not: their files are not "unlisted"

    def add(self, code: Code, message: str, where: tuple, hint: str | None = None) -> None:
        line, col = self.doc.mark(where)
        self.report.add(code, message, self.pub_path, line, col, hint)

    def locate(self, entry: Any, where: tuple, section: str | None) -> _Listed | None:
        if not isinstance(entry, str) or not entry.strip():
            self.add(codes.WRONG_VALUE, "an article entry must be a file name (articles/<name>.md) or a path "
                     "relative to manuscript/", where)
            return None
        if is_path(entry, self.suffixes):
            self.any_path = True
            found = self._by_path(entry, where)
        else:
            found = self._by_name(entry, where)
        if found is None:
            return None
        path, bare = found
        key = real(path)
        if key in self.seen:
            first, line = self.seen[key]
            self.add(codes.DUPLICATE_ARTICLE, f"article '{entry}' is listed twice (first at line {line}"
                     + (f", as '{first}'" if first != entry else "") + ")", where)
            return None
        self.seen[key] = (entry, self.doc.mark(where)[0])
        relative = PurePosixPath(Path(os.path.relpath(path, self.manuscript)).as_posix())
        return _Listed(path, relative, bare, section, where)

    def _by_name(self, name: str, where: tuple) -> tuple[Path, str] | None:
        self.named.add(name)
        if not BARE_NAME.match(name):
            self.add(codes.BAD_ARTICLE_NAME, f"article name '{name}' must be lowercase ASCII letters, digits, '-' "
                     "or '_'", where, "it becomes a file name inside the EPUB; rename the file, or list it by its "
                     f"path ('articles/{name}.md')")
            return None
        path = self.available.get(name)
        if path is None:
            close = difflib.get_close_matches(name, list(self.available), n=1)
            self.add(codes.MISSING_ARTICLE, f"article '{name}' is listed but manuscript/articles/{name}.md does "
                     "not exist", where, f"did you mean '{close[0]}'?" if close else None)
            return None
        return path, name

    def _by_path(self, written: str, where: tuple) -> tuple[Path, str | None] | None:
        candidates = [written] if Path(written).suffix.lower() in self.suffixes else \
            [written + suffix for suffix in self.suffixes]
        problem: Exception | None = None
        for candidate in candidates:
            try:
                local_file(self.root, self.manuscript, candidate)
            except OutsideProject as exc:
                self.add(codes.OUTSIDE_PROJECT, f"article {exc}", where)
                return None
            except Unusable as exc:
                problem = problem or exc
                continue
            path = Path(os.path.normpath(self.manuscript / candidate.strip().replace("\\", "/")))
            # articles/<name>.md listed by its path is the article <name>, as if listed by name.
            bare = path.stem if path.parent == self.manuscript / "articles" and BARE_NAME.match(path.stem) else None
            return path, bare
        if Path(written).suffix.lower() not in self.suffixes and (self.manuscript / written).is_file():
            self.add(codes.BAD_ARTICLE_NAME, f"'{written}' is no article: publish reads "
                     f"{', '.join(self.suffixes)} files", where)
            return None
        known = [p.relative_to(self.manuscript).as_posix() for p in manuscript_files(self.root, self.suffixes)]
        close = difflib.get_close_matches(written.replace("\\", "/"), known, n=1)
        reason = "does not exist" if problem is None or str(problem).startswith("file not found") else \
            f"cannot be read ({problem})"
        self.add(codes.MISSING_ARTICLE, f"article '{written}' is listed but manuscript/{written} {reason}", where,
                 f"did you mean '{close[0]}'?" if close else "paths are relative to manuscript/")
        return None


def load_contents(doc: YamlDoc, root: Path, pub_path: Path, readers: Mapping[str, ArticleSource],
                  report: Report, kind: str = "book") -> tuple[Section, ...]:
    """Walk `contents`: articles and sections, in printed order. A magazine's sections run on
    and do not start a new page, a book's articles each start one, unless a section says."""
    walk = _Walk(doc, root, pub_path, tuple(readers), report)
    contents = doc.data["contents"]
    if not isinstance(contents, list):
        walk.add(codes.WRONG_VALUE, "'contents' must be a list of articles and sections", ("contents",))
        return ()
    if not contents:
        walk.add(codes.EMPTY_MANUSCRIPT, "the manuscript is empty: 'contents' lists no article", ("contents",))
        return ()
    flows = kind == "magazine"
    # (section's metadata or None, entries): a run of loose articles is a section without a title.
    groups: list[tuple[dict | None, list[_Listed | None]]] = []
    for index, entry in enumerate(contents):
        if isinstance(entry, dict):
            meta = schema.check(doc, ("contents", index), schema.SECTION, report, pub_path, what="a section")
            items = entry.get("articles")
            if "articles" in meta and not isinstance(items, list):
                walk.add(codes.WRONG_VALUE, "a section's 'articles' must be a list of articles",
                         ("contents", index, "articles"))
                continue
            groups.append((meta, [walk.locate(item, ("contents", index, "articles", i), meta.get("title"))
                                  for i, item in enumerate(items or [])]))
        else:
            if not groups or groups[-1][0] is not None:
                groups.append((None, []))
            groups[-1][1].append(walk.locate(entry, ("contents", index), None))
    listed = [item for _, items in groups for item in items if item is not None]
    names = dict(zip((item.path for item in listed), article_names([(i.relative, i.bare) for i in listed])))
    sections = []
    for declared, items in groups:
        articles = [readers[item.path.suffix.lower()].read(root, names[item.path], item.path, item.section, report)
                    for item in items if item is not None]
        if declared is not None or articles:
            given = declared or {}
            sections.append(Section(given.get("title"), given.get("title_en"),
                                    tuple(a for a in articles if a is not None),
                                    given.get("run_on", flows), given.get("new_page", True)))
    if not walk.seen and not report.errors:
        walk.add(codes.EMPTY_MANUSCRIPT, "the manuscript is empty: no section of 'contents' lists an article",
                 ("contents",))
    _check_files(walk, report)
    return tuple(sections)


def _check_files(walk: _Walk, report: Report) -> None:
    """Article files that differ only in case, or that `contents` does not list.

    In a project that lists articles by path, every file of a reader's kind under
    manuscript/ is an article: one not listed is reported like an unlisted articles/ file."""
    listed = set(walk.seen)
    lowered: dict[str, Path] = {}
    for name, path in walk.available.items():
        if name.lower() in lowered:
            report.add(codes.DUPLICATE_ARTICLE, f"article files '{lowered[name.lower()].name}' and "
                       f"'{path.name}' differ only in case", path, 1, 1,
                       "they would collide on Windows and macOS; rename one")
        lowered[name.lower()] = path
        if real(path) not in listed and name not in walk.named:
            report.add(codes.UNLISTED_ARTICLE, f"article '{name}' is not listed in publication.yaml contents",
                       path, 1, 1, "add it to 'contents', or delete the file")
    if not walk.any_path:
        return
    for path in manuscript_files(walk.root, walk.suffixes):
        relative = path.relative_to(walk.manuscript).as_posix()
        if relative.lower() in lowered:
            other = lowered[relative.lower()].relative_to(walk.manuscript).as_posix()
            report.add(codes.DUPLICATE_ARTICLE, f"article files '{other}' and '{relative}' differ only in case",
                       path, 1, 1, "they would collide on Windows and macOS; rename one")
        lowered[relative.lower()] = path
        if real(path) not in listed:
            report.add(codes.UNLISTED_ARTICLE, f"article file '{relative}' is not listed in publication.yaml contents",
                       path, 1, 1, f"add '{relative}' to 'contents', or delete the file")
