"""Load a project's manuscript into the document model, or say precisely what is wrong.

files (publication.yaml, articles/*) → `Publication`, plus a `Report` of diagnostics.
Nothing is rendered here; article bodies are kept as `SourceText` with line numbers, read
by the reader that each file's suffix names (the readers are passed in: source/ knows no
format but YAML).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..diagnostics import Report, codes
from ..model import Asset, FallbackFont, PageGeometry, Publication, Section
from . import schema
from .contents import ArticleSource, load_contents
from .fonts import font_problem
from .frontmatter import parse_yaml, read_text
from .grid import check_grid, grid_for
from .identity import identify
from .images import image_options
from .languages import language_options, with_languages
from .sandbox import OutsideProject, Unusable, css_references, escaping_links, find_file, is_remote, read_bytes
from .textfile import DecodeError, decode, position
from .yamlsource import YamlDoc, YamlError
from .yamlsource import load as load_yaml

PUBLICATION_YAML = Path("manuscript") / "publication.yaml"


def _existing(root: Path, base: Path, reference: str | None, doc: YamlDoc, where: tuple, path: Path,
              report: Report) -> Path | None:
    """A file named in publication.yaml: inside the project and present, or a diagnostic."""
    if reference is None:
        return None
    line, col = doc.mark(where)
    if is_remote(reference):
        report.add(codes.MISSING_FILE, f"'{reference}' is a URL; publish never downloads anything", path, line, col,
                   "download the file into the project and name the local copy")
        return None
    try:
        return find_file(root, (base,), reference)
    except OutsideProject as exc:
        report.add(codes.OUTSIDE_PROJECT, str(exc), path, line, col)
    except Unusable as exc:
        report.add(codes.MISSING_FILE, str(exc), path, line, col)
    return None


def _cover(root: Path, found: Path | None, doc: YamlDoc, path: Path) -> Asset | None:
    """The cover, as an image publication.yaml uses (checks/ examines it like every image)."""
    if found is None:
        return None
    return Asset(found, "images/cover" + found.suffix.lower(), path, doc.mark(("cover",))[0])


def _profile(found: Path | None, doc: YamlDoc, path: Path, report: Report) -> Path | None:
    """An ICC profile has the signature 'acsp' at byte 36 and a colour space WeasyPrint can use."""
    if found is None:
        return None
    header = found.read_bytes()[:40]
    if len(header) < 40 or header[36:40] != b"acsp" or header[16:20] not in (b"RGB ", b"CMYK", b"GRAY"):
        line, col = doc.mark(("page", "output_profile"))
        report.add(codes.NOT_AN_IMAGE, f"{found.name} is not an RGB, CMYK or grey ICC colour profile", path, line, col,
                   "ask the printer for their .icc profile")
        return None
    return found


def _check_project_files(root: Path, report: Report) -> None:
    """styles/ and fonts/ shape the output too: no symlink out of the project, no remote or outside URL."""
    for folder in (root / "styles", root / "fonts"):
        for link in escaping_links(root, folder):
            report.add(codes.OUTSIDE_PROJECT, f"'{link.relative_to(root)}' is a symlink that leads outside the "
                       "project", link, 1, 1, "copy the file into the project instead of linking to it")
    styles = root / "styles"
    if report.errors or not styles.is_dir():
        return
    for sheet in sorted(styles.rglob("*.css")):
        text = read_text(root, sheet, report) or ""
        for url, offset in css_references(text):
            line, col = position(text, offset)
            if is_remote(url):
                report.add(codes.REMOTE_RESOURCE, f"remote resource not fetched: {url}", sheet, line, col,
                           "publish never uses the network; put the file in the project")
            elif url.lower().startswith("file:") or url.startswith(("/", "\\")) or ".." in Path(url).parts:
                report.add(codes.OUTSIDE_PROJECT, f"stylesheet reference '{url}' leaves the project or is absolute",
                           sheet, line, col, "refer to fonts and images the build declares (fonts/…, images/…)")


def _page(meta: dict, doc: YamlDoc, root: Path, pub_path: Path, report: Report) -> PageGeometry:
    page = PageGeometry()
    if "page" not in meta:
        return page
    geometry = schema.check(doc, ("page",), schema.PAGE, report, pub_path, what="page")
    profile = _existing(root, root / "manuscript", geometry.get("output_profile"), doc, ("page", "output_profile"),
                        pub_path, report)
    return PageGeometry(
        width_mm=geometry.get("width", page.width_mm),
        height_mm=geometry.get("height", page.height_mm),
        bleed_mm=geometry.get("bleed", page.bleed_mm),
        recto_openers=geometry.get("recto_openers", page.recto_openers),
        output_profile=_profile(profile, doc, pub_path, report),
    )


def _fonts(meta: dict, doc: YamlDoc, root: Path, pub_path: Path, report: Report) -> tuple[FallbackFont, ...]:
    """publication.yaml's `fonts: fallback:`: each file in the project and a font one can read."""
    if "fonts" not in meta:
        return ()
    declared = schema.check(doc, ("fonts",), schema.FONTS, report, pub_path, what="fonts")
    entries = declared.get("fallback")
    if entries is None:
        return ()
    if not isinstance(entries, list):
        line, col = doc.mark(("fonts", "fallback"))
        report.add(codes.WRONG_VALUE, "'fallback' must be a list of fonts ({file: fonts/…})", pub_path, line, col)
        return ()
    found = []
    for index, _ in enumerate(entries):
        where = ("fonts", "fallback", index)
        entry = schema.check(doc, where, schema.FALLBACK, report, pub_path, what="a fallback font")
        path = _existing(root, root, entry.get("file"), doc, (*where, "file"), pub_path, report)
        if path is None:
            continue
        problem = font_problem(path)
        if problem:
            line, col = doc.mark((*where, "file"))
            report.add(codes.BAD_FONT, f"{path.name} is not a usable font: {problem}", pub_path, line, col,
                       "give an OpenType (.otf) or TrueType (.ttf) file")
            continue
        found.append(FallbackFont(path, entry.get("for", ("Publish Serif", "Publish Sans")), entry.get("weight", 400)))
    return tuple(found)


def load(root: Path, readers: Mapping[str, ArticleSource]) -> tuple[Publication | None, Report]:
    """Load and validate the manuscript of the project at `root`; `readers` by file suffix (".md")."""
    report = Report()
    root = root.resolve()
    manuscript = root / "manuscript"
    pub_path = root / PUBLICATION_YAML
    if not pub_path.is_file():
        report.add(codes.UNREADABLE, "no manuscript/publication.yaml here", pub_path, 1, 1,
                   "run publish in a project folder, use -C DIR, or create one with 'publish init DIR'")
        return None, report
    _check_project_files(root, report)
    text = read_text(root, pub_path, report)
    doc = parse_yaml(text, pub_path, report) if text is not None else None
    if doc is None:
        return None, report
    if doc.data is None:
        report.add(codes.EMPTY_MANUSCRIPT, "publication.yaml is empty", pub_path, 1, 1,
                   "it needs at least title and contents")
        return None, report
    meta = schema.check(doc, (), schema.PUBLICATION, report, pub_path, what="publication.yaml")
    page = _page(meta, doc, root, pub_path, report)
    cover = _cover(root, _existing(root, manuscript, meta.get("cover"), doc, ("cover",), pub_path, report), doc,
                   pub_path)
    fonts = _fonts(meta, doc, root, pub_path, report)
    images = image_options(meta, doc, pub_path, report)
    declared = check_grid(doc, pub_path, report) if "grid" in meta else {}
    page = grid_for(page, meta.get("kind", "book"), declared, doc, pub_path, report)
    sections: tuple[Section, ...] = ()
    if isinstance(doc.data, dict) and doc.data.get("contents") is not None:
        sections = load_contents(doc, root, pub_path, readers, report, meta.get("kind", "book"))
    languages = language_options(meta, doc, root, pub_path, report)
    report.suppress(meta.get("suppress", ()), root)
    if report.errors or "title" not in meta:
        return None, report
    identifier, slug = identify(meta["title"], meta.get("edition"), meta.get("identifier"), meta.get("slug"))
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
        translators=meta.get("translators", ()),
        publisher=meta.get("publisher"),
        rights=meta.get("rights"),
        cover=cover,
        page=page,
        suppress=meta.get("suppress", ()),
        fonts=fonts,
        **languages,
        images=images,
    )
    return with_languages(publication), report


def load_slug(root: Path) -> str | None:
    """Just the output slug, for the up-to-date check; None if publication.yaml cannot say.

    The values go through the schema's converters, as in `load`, so that both agree."""
    try:
        data = load_yaml(decode(read_bytes(root, root / PUBLICATION_YAML))).data
        if not isinstance(data, dict):
            return None
        title = schema.text(data.get("title"))
        edition = schema.text(data["edition"]) if data.get("edition") is not None else None
        identifier = schema.text(data["identifier"]) if data.get("identifier") is not None else None
        slug = schema.slug(data["slug"]) if data.get("slug") is not None else None
    except (OSError, OutsideProject, DecodeError, YamlError, schema.Invalid):
        return None
    return identify(title, edition, identifier, slug)[1]
