"""Load a project's manuscript into the document model, or say precisely what is wrong.

files (publication.yaml, articles/*.md) → `Publication`, plus a `Report` of diagnostics.
Nothing is rendered here; Markdown bodies are kept as `SourceText` with line numbers.
"""

from __future__ import annotations

import difflib
import re
import uuid
from pathlib import Path
from typing import Any

from . import config
from .diagnostics import Report
from .model import Article, PageGeometry, Publication, Section, SourceText
from .sandbox import OutsideProject, Unusable, css_references, escaping_links, find_file, is_remote, read_bytes
from .textfile import DecodeError, decode, position
from .yamlsource import YamlDoc, YamlError, load as load_yaml

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_FENCE = re.compile(r"^(---|\.\.\.)\s*$")


def read_text(root: Path, path: Path, report: Report) -> str | None:
    """A manuscript file's text, read only if it lies inside the project (symlinks followed)."""
    try:
        return decode(read_bytes(root, path))
    except DecodeError as exc:
        report.error(exc.code, exc.message, path, exc.line, exc.col, exc.hint)
    except OutsideProject as exc:
        report.error("E205", str(exc), path, 1, 1, "copy the file into the project instead of linking to it")
    except OSError as exc:
        report.error("E114", f"cannot read file: {exc.strerror}", path, 1, 1)
    return None


def parse_yaml(text: str, path: Path, report: Report, line_offset: int = 0) -> YamlDoc | None:
    try:
        return load_yaml(text)
    except YamlError as exc:
        report.error(exc.code, exc.message, path, exc.line + line_offset, exc.col)
        return None


def split_front_matter(text: str, path: Path, report: Report) -> tuple[str, str, int] | None:
    """Return (front matter, body, 1-based line where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        report.error("E102", "missing front matter: the file must begin with a '---' line", path, 1, 1,
                     "start the file with ---, then 'title: …', then another --- line")
        return None
    for index in range(1, len(lines)):
        if _FENCE.match(lines[index]):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    report.error("E102", "front matter is not closed: no second '---' line", path, 1, 1)
    return None


def load_article(root: Path, name: str, path: Path, section: str | None, report: Report) -> Article | None:
    text = read_text(root, path, report)
    if text is None:
        return None
    parts = split_front_matter(text, path, report)
    if parts is None:
        return None
    front, body, body_line = parts
    doc = parse_yaml(front, path, report, line_offset=1)
    if doc is None:
        return None
    if doc.data is None:
        report.error("E103", "missing required key 'title' in the front matter", path, 1, 1)
        return None
    errors_before = len(report.errors)
    meta = config.check(doc, (), config.ARTICLE, report, path, line_offset=1, what="the front matter")
    if len(report.errors) > errors_before or "title" not in meta:
        return None
    return Article(name=name, body=SourceText(body, path, body_line), section=section, **meta)


def _existing(root: Path, base: Path, reference: str | None, doc: YamlDoc, where: tuple, path: Path,
              report: Report) -> Path | None:
    """A file named in publication.yaml: inside the project and present, or a diagnostic."""
    if reference is None:
        return None
    line, col = doc.mark(where)
    if is_remote(reference):
        report.error("E201", f"'{reference}' is a URL; publish never downloads anything", path, line, col,
                     "download the file into the project and name the local copy")
        return None
    try:
        return find_file(root, (base,), reference)
    except OutsideProject as exc:
        report.error("E205", str(exc), path, line, col)
    except Unusable as exc:
        report.error("E201", str(exc), path, line, col)
    return None


def _cover(found: Path | None, doc: YamlDoc, path: Path, report: Report) -> Path | None:
    """The cover must be a sound PNG or JPEG: the EPUB's cover-image and the PDF's first page."""
    from .assets import ImageProblem, examine

    if found is None:
        return None
    line, col = doc.mark(("cover",))
    try:
        media_type, _, _ = examine(found)
    except ImageProblem as problem:
        report.error(problem.code, problem.message, path, line, col, problem.hint)
        return None
    if media_type not in ("image/png", "image/jpeg"):
        report.error("E202", f"the cover {found.name} must be a PNG or JPEG image", path, line, col)
        return None
    return found


def _profile(found: Path | None, doc: YamlDoc, path: Path, report: Report) -> Path | None:
    """An ICC profile has the signature 'acsp' at byte 36 and a colour space WeasyPrint can use."""
    if found is None:
        return None
    header = found.read_bytes()[:40]
    if len(header) < 40 or header[36:40] != b"acsp" or header[16:20] not in (b"RGB ", b"CMYK", b"GRAY"):
        line, col = doc.mark(("page", "output_profile"))
        report.error("E202", f"{found.name} is not an RGB, CMYK or grey ICC colour profile", path, line, col,
                     "ask the printer for their .icc profile")
        return None
    return found


def _check_project_files(root: Path, report: Report) -> None:
    """styles/ and fonts/ shape the output too: no symlink out of the project, no remote or outside URL."""
    for folder in (root / "styles", root / "fonts"):
        for link in escaping_links(root, folder):
            report.error("E205", f"'{link.relative_to(root)}' is a symlink that leads outside the project", link,
                         1, 1, "copy the file into the project instead of linking to it")
    styles = root / "styles"
    if report.errors or not styles.is_dir():
        return
    for sheet in sorted(styles.rglob("*.css")):
        text = read_text(root, sheet, report)
        for url, offset in css_references(text or ""):
            line, col = position(text, offset)
            if is_remote(url):
                report.warning("W204", f"remote resource not fetched: {url}", sheet, line, col,
                               "publish never uses the network; put the file in the project")
            elif url.lower().startswith("file:") or url.startswith(("/", "\\")) or ".." in Path(url).parts:
                report.error("E205", f"stylesheet reference '{url}' leaves the project or is absolute", sheet,
                             line, col, "refer to fonts and images the build declares (fonts/…, images/…)")


def _stable_identifier(title: str, edition: str | None) -> str:
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"publish:{title}:{edition or ''}"))


def load(root: Path) -> tuple[Publication | None, Report]:
    """Load and validate the manuscript of the project at `root`."""
    report = Report()
    root = root.resolve()
    manuscript = root / "manuscript"
    pub_path = manuscript / "publication.yaml"
    if not pub_path.is_file():
        report.error("E114", "no manuscript/publication.yaml here", pub_path, 1, 1,
                     "run publish in a project folder, use -C DIR, or create one with 'publish init DIR'")
        return None, report
    _check_project_files(root, report)
    text = read_text(root, pub_path, report)
    doc = parse_yaml(text, pub_path, report) if text is not None else None
    if doc is None:
        return None, report
    if doc.data is None:
        report.error("E111", "publication.yaml is empty", pub_path, 1, 1, "it needs at least title and contents")
        return None, report
    meta = config.check(doc, (), config.PUBLICATION, report, pub_path, what="publication.yaml")
    page = PageGeometry()
    if "page" in meta:
        geometry = config.check(doc, ("page",), config.PAGE, report, pub_path, what="page")
        page = PageGeometry(
            width_mm=geometry.get("width", page.width_mm),
            height_mm=geometry.get("height", page.height_mm),
            bleed_mm=geometry.get("bleed", page.bleed_mm),
            recto_openers=geometry.get("recto_openers", page.recto_openers),
            output_profile=_profile(_existing(root, manuscript, geometry.get("output_profile"), doc,
                                              ("page", "output_profile"), pub_path, report), doc, pub_path, report),
        )
    cover = _cover(_existing(root, manuscript, meta.get("cover"), doc, ("cover",), pub_path, report), doc,
                   pub_path, report)
    sections = _load_contents(doc, root, pub_path, report) if isinstance(doc.data, dict) and doc.data.get("contents") is not None else ()
    if report.errors or "title" not in meta:
        return None, report
    identifier = meta.get("identifier") or _stable_identifier(meta["title"], meta.get("edition"))
    slug = meta.get("slug") or "book-" + uuid.uuid5(uuid.NAMESPACE_URL, identifier).hex[:8]
    publication = Publication(
        root=root,
        title=meta["title"],
        identifier=identifier,
        slug=slug,
        language=meta.get("language", "zh-CN"),
        sections=sections,
        subtitle=meta.get("subtitle"),
        edition=meta.get("edition"),
        number=meta.get("number"),
        date=meta.get("date"),
        running_head=meta.get("running_head"),
        authors=meta.get("authors", ()),
        editors=meta.get("editors", ()),
        publisher=meta.get("publisher"),
        rights=meta.get("rights"),
        cover=cover,
        page=page,
    )
    return publication, report


def _load_contents(doc: YamlDoc, root: Path, pub_path: Path, report: Report) -> tuple[Section, ...]:
    """Walk `contents`: article names and sections, in printed order."""
    articles_dir = root / "manuscript" / "articles"
    available = {p.stem: p for p in sorted(articles_dir.glob("*.md"))} if articles_dir.is_dir() else {}
    contents = doc.data["contents"]
    if not isinstance(contents, list):
        line, col = doc.mark(("contents",))
        report.error("E104", "'contents' must be a list of article names and sections", pub_path, line, col)
        return ()
    if not contents:
        line, col = doc.mark(("contents",))
        report.error("E111", "the manuscript is empty: 'contents' lists no article", pub_path, line, col)
        return ()
    seen: dict[str, tuple[int, int]] = {}

    def article(name: Any, where: tuple, section: str | None) -> Article | None:
        line, col = doc.mark(where)
        if not isinstance(name, str):
            report.error("E104", "an article entry must be a file name (the stem of articles/<name>.md)",
                         pub_path, line, col)
            return None
        if name in seen:
            report.error("E106", f"article '{name}' is listed twice (first at line {seen[name][0]})",
                         pub_path, line, col)
            return None
        seen[name] = (line, col)
        if not _NAME.match(name):
            report.error("E112", f"article name '{name}' must be lowercase ASCII letters, digits, '-' or '_'",
                         pub_path, line, col, "it becomes a file name inside the EPUB; rename the file")
            return None
        path = available.get(name)
        if path is None:
            close = difflib.get_close_matches(name, list(available), n=1)
            report.error("E107", f"article '{name}' is listed but manuscript/articles/{name}.md does not exist",
                         pub_path, line, col, f"did you mean '{close[0]}'?" if close else None)
            return None
        return load_article(root, name, path, section, report)

    sections: list[Section] = []
    loose: list[Article] = []
    for index, entry in enumerate(contents):
        if isinstance(entry, dict):
            if loose:
                sections.append(Section(None, None, tuple(loose)))
                loose = []
            meta = config.check(doc, ("contents", index), config.SECTION, report, pub_path, what="a section")
            items = entry.get("articles")
            if "articles" in meta and not isinstance(items, list):
                line, col = doc.mark(("contents", index, "articles"))
                report.error("E104", "a section's 'articles' must be a list of article names", pub_path, line, col)
                continue
            members = [article(name, ("contents", index, "articles", i), meta.get("title"))
                       for i, name in enumerate(items or [])]
            sections.append(Section(meta.get("title"), meta.get("title_en"),
                                    tuple(a for a in members if a is not None)))
        else:
            found = article(entry, ("contents", index), None)
            if found is not None:
                loose.append(found)
    if loose:
        sections.append(Section(None, None, tuple(loose)))
    if not seen and not report.errors:
        line, col = doc.mark(("contents",))
        report.error("E111", "the manuscript is empty: no section of 'contents' lists an article", pub_path,
                     line, col)
    lowered: dict[str, str] = {}
    for name in available:
        if name.lower() in lowered:
            report.error("E106", f"article files '{lowered[name.lower()]}.md' and '{name}.md' differ only in case",
                         available[name], 1, 1, "they would collide on Windows and macOS; rename one")
        lowered[name.lower()] = name
        if name not in seen:
            report.warning("W108", f"article '{name}' is not listed in publication.yaml contents",
                           available[name], 1, 1, "add it to 'contents', or delete the file")
    return tuple(sections)


def load_slug(root: Path) -> str | None:
    """Just the output slug, for the up-to-date check; None if publication.yaml cannot say."""
    try:
        text = decode(read_bytes(root, root / "manuscript" / "publication.yaml"))
        data = load_yaml(text).data
    except (OSError, OutsideProject, DecodeError, YamlError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("title"), str):
        return None
    if isinstance(data.get("slug"), str):
        return data["slug"]
    identifier = data.get("identifier") or _stable_identifier(data["title"], str(data.get("edition") or "") or None)
    return "book-" + uuid.uuid5(uuid.NAMESPACE_URL, str(identifier)).hex[:8]
