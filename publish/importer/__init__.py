"""`publish import SOURCE DEST`: a book written for another tool → a publish project.

    SOURCE (mdBook, MkDocs, GitBook/HonKit, docsify, a folder of .md, a .docx)
      layouts.py   which tool, and the book's order and metadata          → Outline
      rewrite.py   each chapter's links and images pointed at the copy
      mdbook.py    mdBook's includes expanded, rustdoc's hidden lines out
      project.py   front matter keys publish does not know commented out; publication.yaml
    → DEST/manuscript/: the chapters and the images they use, under their own folders and
      file names, and publication.yaml whose contents lists them in the book's order

The project gets a copy, not a reference to the book in place: it is self-contained (the
build's sandbox is the project, and nothing outside it is read), it builds the same on
any machine, and what the import changed (includes, links) is there to see and edit.
To follow a book that keeps changing, run the import again with --force.

Everything is read and checked before anything is written; the new manuscript/ is
written beside the old one and swapped in at the end, so a failed or interrupted import
leaves DEST as it was.
"""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Report, codes
from ..source.sandbox import inside, real
from ..source.textfile import CONTROL, DecodeError, decode, position
from ..store import write_bytes
from . import layouts, mdbook
from .meta import Unreadable
from .outline import Outline, Part, Reporter
from .project import front_matter, publication_yaml
from .rewrite import Book, rewrite


@dataclass(frozen=True)
class ImportOptions:
    url_maps: tuple[tuple[str, str], ...] = ()  # --map-url PREFIX=FOLDER, FOLDER relative to SOURCE
    force: bool = False  # replace DEST's manuscript/
    command: str = "publish import"  # as the user ran it, for publication.yaml's comment


@dataclass
class Imported:
    outline: Outline
    chapters: int
    images: int
    files: dict[str, bytes | Path] = field(default_factory=dict)  # under manuscript/: text or a file to copy


def _destination_problem(source: Path, dest: Path, force: bool) -> str | None:
    if dest.exists() and not dest.is_dir():
        return f"{dest} exists and is not a folder"
    if dest.exists() and inside(dest, source):
        return f"the book {source} lies inside {dest}: import into another folder"
    if dest.is_dir() and any(dest.iterdir()):
        if not force:
            return f"{dest} is not empty: give a new folder, or --force to replace its manuscript/"
        if not (dest / "manuscript" / "publication.yaml").is_file():
            return f"{dest} is not empty and is not a publish project: --force replaces only a project's manuscript/"
    return None


def _word(source: Path) -> Outline:
    from ..render.docx import first_heading
    from ..render.docx.meta import NotADocx, authors, properties

    try:
        found = properties(source)
        title = found.get("title") or first_heading(source)
    except NotADocx as exc:
        raise Unreadable(str(exc), 1, source) from None
    meta = {"title": title or source.stem, "authors": list(authors(found.get("author")))}
    return Outline("Word", source.parent, source.parent, None, [Part(None, [(real(source), 1)])], meta)


def _copy_root(outline: Outline, files: list[Path]) -> Path:
    """manuscript/ is the chapters' folder, or the whole book's when some image lies beside it."""
    content = real(outline.content)
    return content if all(inside(content, f) for f in files) else real(outline.source)


def plan(source: Path, dest: Path, options: ImportOptions, report: Report) -> Imported | None:
    """Read the book and make every file of the new manuscript/, in memory; None on an error."""
    warn = Reporter(report)
    try:
        if source.is_file() and source.suffix.lower() == ".docx":
            outline = _word(source)
        else:
            outline = layouts.outline(source, warn, real(dest) if dest.exists() else None)
    except Unreadable as exc:
        report.add(codes.IMPORT_FAILED, str(exc), exc.path or source, exc.line, 1)
        return None
    except layouts.NotABook as exc:
        report.add(codes.IMPORT_FAILED, str(exc), source, 1, 1,
                   "give a folder with SUMMARY.md, mkdocs.yml, _sidebar.md or .md files, or a .docx")
        return None
    seen: set[Path] = set()
    for part in outline.parts:
        kept = []
        for path, line in part.chapters:
            if path in seen:
                warn(codes.CHAPTER_LEFT_OUT, f"{os.path.relpath(path, outline.content)} is listed twice: imported "
                     "once, where it is first listed", outline.order_file, line)
                continue
            seen.add(path)
            kept.append((path, line))
        part.chapters = kept
    if not seen:
        report.add(codes.IMPORT_FAILED, "the book lists no chapter that could be imported", outline.order_file or
                   source, 1, 1)
        return None
    book = Book(real(outline.source), real(outline.content), seen,
                [(prefix, real(outline.source / folder)) for prefix, folder in options.url_maps]
                + [(url, real(outline.source)) for url in outline.self_urls], warn)
    texts: dict[Path, bytes] = {}
    for path in outline.chapters:
        texts[path] = _chapter(path, book, outline.kind, outline.title_of(path))
    root = _copy_root(outline, [*seen, *book.images])
    files: dict[str, bytes | Path] = {}
    for path, data in texts.items():
        files[Path(os.path.relpath(path, root)).as_posix()] = data
    for image in sorted(book.images):
        if inside(root, image):
            files.setdefault(Path(os.path.relpath(image, root)).as_posix(), image)
    relative = {path: Path(os.path.relpath(path, root)).as_posix() for path in seen}
    if "publication.yaml" in files:
        report.add(codes.IMPORT_FAILED, "the book has a file named publication.yaml where publish keeps its own",
                   root / "publication.yaml", 1, 1, "rename it in the book, then import again")
        return None
    files["publication.yaml"] = publication_yaml(outline, relative, options.command).encode("utf-8")
    return Imported(outline, len(seen), len(book.images), files)


def _chapter(path: Path, book: Book, kind: str, title: str) -> bytes:
    """A chapter as it goes into the copy (a .docx, or a file that is not UTF-8, unchanged)."""
    data = path.read_bytes()
    if path.suffix.lower() == ".docx":
        return data
    try:
        text = decode(data)
    except DecodeError as exc:
        if exc.code is not codes.CONTROL_CHARACTER:
            return data  # not UTF-8: the build reports it (E109) at its own place
        text = _without_controls(data.decode("utf-8-sig"), path, book.warn)
    text = front_matter(text, path, book.warn, title)
    text = rewrite(book, path, text)
    if kind == "mdBook":
        text = mdbook.expand(text, path, book.source, book.warn, rewrite=lambda p, t: rewrite(book, p, t))
        text = mdbook.rust_code(text)
    return text.encode("utf-8")


def _without_controls(text: str, path: Path, warn: Reporter) -> str:
    """Invisible control characters (pasted from a PDF) deleted, each said where."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for match in CONTROL.finditer(text):
        line, col = position(text, match.start())
        warn(codes.IMPORT_SIMPLIFIED, f"control character U+{ord(match.group()):04X} (column {col}) deleted: no "
             "output can carry it", path, line)
    return CONTROL.sub("", text)


def write(imported: Imported, dest: Path) -> None:
    """The new manuscript/, written beside the old one and swapped in."""
    dest.mkdir(parents=True, exist_ok=True)
    fresh = dest / f".manuscript-{secrets.token_hex(4)}.tmp"
    try:
        for name, content in imported.files.items():
            write_bytes(fresh / name, content if isinstance(content, bytes) else content.read_bytes())
        manuscript = dest / "manuscript"
        old = dest / f".manuscript-old-{secrets.token_hex(4)}.tmp"
        if manuscript.exists():
            manuscript.rename(old)
        fresh.rename(manuscript)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    if not (dest / ".gitignore").exists():
        write_bytes(dest / ".gitignore", b"build/\n")


def import_book(source: Path, dest: Path, options: ImportOptions, report: Report) -> Imported | None:
    """Import the book at `source` into the project `dest`; None (errors in `report`) if it could not be."""
    if not source.exists():
        report.add(codes.IMPORT_FAILED, f"{source} does not exist", None)
        return None
    problem = _destination_problem(real(source), dest, options.force)
    if problem:
        report.add(codes.IMPORT_FAILED, problem, None, None, None,
                   "publish import SOURCE DEST makes DEST a new project")
        return None
    imported = plan(source, dest, options, report)
    if imported is None or report.errors:
        return None
    write(imported, dest)
    return imported
