"""Schemas of publication.yaml and of article front matter.

Each key is declared once with its kind and what it means; `check` converts a YAML
mapping to clean Python values and reports every problem (missing, wrong type, unknown
key with a "did you mean") at the key's own line and column. docs/manuscript-format.md
documents every key declared here (a test checks it).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..cjk import locale
from ..diagnostics import Report, Suppression, codes
from ..diagnostics.codes import lookup
from .yamlsource import YamlDoc

_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mm|cm|in|pt)\s*$")
_MM = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72}
# Characters no output can carry: controls (XML forbids most of them) and lone surrogates,
# which YAML escapes such as \a and \ud800 in double-quoted strings can produce.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
MAX_TEXT = 2000  # characters in one metadata value: a summary is a paragraph, not a chapter


class Invalid(Exception):
    """A value has the wrong kind; the message says what was expected."""


def text(value: Any) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        raise Invalid("expected text")
    if isinstance(value, (dt.date, int, float)):
        return str(value)
    result = str(value).strip()
    if not result:
        raise Invalid("must not be empty")
    bad = _UNPRINTABLE.search(result)
    if bad:
        raise Invalid(f"contains the control character U+{ord(bad.group()):04X}")
    if len(result) > MAX_TEXT:
        raise Invalid(f"is longer than {MAX_TEXT} characters")
    return result


def texts(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (text(value),)
    if not isinstance(value, list):
        raise Invalid("expected a list of text")
    return tuple(text(v) for v in value)


def date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise Invalid("expected an ISO date such as 2020-02-15")


def lang(value: Any) -> str:
    if not isinstance(value, str) or not _LANG.fullmatch(value):
        raise Invalid("expected a BCP 47 language tag such as zh-CN")
    return value


def slug(value: Any) -> str:
    if not isinstance(value, str) or not _SLUG.fullmatch(value) or len(value) > 100:
        raise Invalid("expected ASCII letters, digits, '.', '-' or '_' (it names the output files)")
    return value


def columns(value: Any) -> int:
    if isinstance(value, bool) or value not in (1, 2):
        raise Invalid("expected 1 or 2")
    return int(value)


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid("expected true or false")
    return value


def _length(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    match = _LENGTH.match(str(value))
    if not match:
        raise Invalid("expected a length such as 210mm, 21cm or 8.5in")
    return float(match.group(1)) * _MM[match.group(2)]


def length_mm(value: Any) -> float:
    """A page side: from a business card to a poster."""
    result = _length(value)
    if not 50 <= result <= 1200:
        raise Invalid("expected a page side between 50mm and 1200mm")
    return result


def bleed_mm(value: Any) -> float:
    result = _length(value)
    if not 0 <= result <= 20:
        raise Invalid("expected a bleed between 0mm and 20mm (3mm is usual)")
    return result


def writing_mode(value: Any) -> str:
    if value not in ("horizontal", "vertical"):
        raise Invalid("expected horizontal or vertical")
    return str(value)


CONVERSIONS = ("zh-Hant-TW", "zh-Hant-HK", "zh-Hans")


def convert_to(value: Any) -> str:
    if value not in CONVERSIONS:
        raise Invalid("expected one of " + ", ".join(CONVERSIONS))
    return str(value)


def anything(value: Any) -> Any:
    return value


def kind(value: Any) -> str:
    if value not in ("magazine", "book"):
        raise Invalid("expected magazine or book")
    return str(value)


def _bounded(low: float, high: float, what: str, whole: bool = False) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high \
                or (whole and value != int(value)):
            raise Invalid(f"expected {'a whole number' if whole else 'a number'} of {what} from {low:g} to {high:g}")
        return int(value) if whole else float(value)
    return convert


def points(low: float, high: float) -> Callable[[Any], float]:
    def convert(value: Any) -> float:
        result = _length(value) * 72 / 25.4 if isinstance(value, str) else _bounded(low, high, "points")(value)
        if not low <= result <= high:
            raise Invalid(f"expected a size from {low:g}pt to {high:g}pt")
        return float(result)
    return convert


def suppressions(value: Any) -> tuple[Suppression, ...]:
    """A warning code (everywhere), or a code, a space and a file glob (only in those files)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise Invalid("expected a list of warning codes, e.g. [W209, W213]")
    found = []
    for item in value:
        code, _, files = text(item).partition(" ")
        known = lookup(code.upper())
        if known is None:
            raise Invalid(f"{code} is no diagnostic code (see docs/diagnostics.md)")
        if not known.suppressible:
            raise Invalid(f"{known.code} is an error, which cannot be suppressed; only warnings can")
        found.append(Suppression(known.code, files.strip() or None))
    return tuple(found)


@dataclass(frozen=True)
class Key:
    convert: Callable[[Any], Any]
    doc: str  # what the key means: docs/manuscript-format.md says the same
    required: bool = False


PAGE = {
    "width": Key(length_mm, "the trim width (210mm)"),
    "height": Key(length_mm, "the trim height (285mm)"),
    "bleed": Key(bleed_mm, "the bleed around the trim of the print PDF (3mm)"),
    "recto_openers": Key(boolean, "every article opens on a right-hand page"),
    "output_profile": Key(text, "the printer's ICC profile: the print PDF's PDF/X output intent"),
}

PUBLICATION = {
    "title": Key(text, "the publication's title", required=True),
    "subtitle": Key(text, "a line under the title"),
    "edition": Key(text, "the printed edition (2020年2月号)"),
    "number": Key(text, "the issue number (总第195期)"),
    "date": Key(date, "ISO date; also fixes dcterms:modified of the EPUB"),
    "language": Key(lang, "BCP 47 language tag (zh-CN)"),
    "running_head": Key(text, "the verso running head of the PDF; default \"<title> <edition>\""),
    "authors": Key(texts, "the book's authors"),
    "editors": Key(texts, "the editors"),
    "translators": Key(texts, "the translators (a translated book)"),
    "publisher": Key(text, "the publisher"),
    "identifier": Key(text, "ISSN/ISBN URN; default a urn:uuid derived from title + edition"),
    "rights": Key(text, "the copyright line"),
    "slug": Key(slug, "output file name: build/<slug>.epub; default derived from the identifier"),
    "cover": Key(text, "the cover image (any raster image; the EPUB gets it as the stores ask); default drawn "
                 "from the masthead data"),
    "page": Key(anything, "print geometry: the keys of PAGE"),  # checked against PAGE
    "kind": Key(kind, "magazine or book: the grid's and the theme's defaults (default book)"),
    "grid": Key(anything, "the frame grid (版心): the keys of GRID"),  # checked against GRID
    "suppress": Key(suppressions, "warnings the project accepts: codes, each optionally with a file glob"),
    "fonts": Key(anything, "fonts the project adds: the keys of FONTS"),  # checked against FONTS
    "images": Key(anything, "how the images are made for each output: the keys of IMAGES"),  # source/images.py
    "contents": Key(anything, "the printed order: article names and sections", required=True),  # source/contents.py
    # Languages (issue 15): labels by language, the vertical EPUB, a converted edition.
    "labels": Key(anything, "labels and conventions that replace the language's (cjk/locale.py): the keys of "
                  "LABELS"),  # checked against LABELS
    "writing_mode": Key(writing_mode, "the EPUB's writing: horizontal (default) or vertical (縦書き, right to "
                        "left); the PDF stays horizontal"),
    "convert": Key(convert_to, "an edition in the other script, converted with OpenCC: zh-Hant-TW, zh-Hant-HK "
                   "or zh-Hans"),
    "phrases": Key(text, "the project's phrase table for `convert`: lines of `source<tab>replacement`"),
}

LABELS = {key: Key(text, doc) for key, doc in locale.KEYS.items()}

ARTICLE = {
    "title": Key(text, "the article's title", required=True),
    "kicker": Key(text, "the line above the title"),
    "subtitle": Key(text, "the line below the title"),
    "authors": Key(texts, "the byline"),
    "author_note": Key(text, "printed at the end, in parentheses"),
    "source": Key(text, "printed at the end: 资料来源：…"),
    "summary": Key(text, "the standfirst (导语), one paragraph"),
    "date": Key(date, "ISO date"),
    "lang": Key(lang, "BCP 47 language tag, if not the publication's"),
    "columns": Key(columns, "the PDF body in 1 or 2 columns"),
}

GRID = {
    "columns": Key(_bounded(1, 4, "columns", whole=True), "columns of text (magazine 2, book 1)"),
    "chars": Key(_bounded(8, 80, "characters", whole=True), "characters a line in one column"),
    "lines": Key(_bounded(8, 120, "lines", whole=True), "lines a column"),
    "gap": Key(_bounded(0, 10, "characters"), "the gap between columns, in characters (2)"),
    "size": Key(points(6, 24), "the body size, one character (magazine 9.5pt, book 10pt)"),
    "pitch": Key(points(6, 48), "the line pitch, from a line to the next (magazine 16.5pt, book 17.5pt)"),
}

FAMILIES = {"serif": "Publish Serif", "sans": "Publish Sans", "mono": "Publish Mono"}


def families(value: Any) -> tuple[str, ...]:
    names = texts(value)
    unknown = [n for n in names if n not in FAMILIES]
    if unknown:
        raise Invalid(f"expected some of {', '.join(FAMILIES)}, not {unknown[0]!r}")
    return tuple(FAMILIES[n] for n in names)


def weight(value: Any) -> int:
    if isinstance(value, bool) or value not in (100, 200, 300, 400, 500, 600, 700, 800, 900):
        raise Invalid("expected a CSS weight: 400 (regular) or 700 (bold) …")
    return int(value)


FONTS = {
    "fallback": Key(anything, "fonts for the characters the bundled ones lack, tried in order: the keys of "
                    "FALLBACK"),
}

FALLBACK = {
    "file": Key(text, "the font file, a path in the project (fonts/HanaMinA.ttf)", required=True),
    "for": Key(families, "the theme's families it backs: serif, sans, mono (default serif and sans)"),
    "weight": Key(weight, "its weight (default 400; a regular face backs the bold text too)"),
}

IMAGES = {
    "epub_megapixels": Key(_bounded(0.5, 50, "megapixels"), "an EPUB image's largest size, in megapixels "
                           "(4: Apple Books' guidance; readers decode every image to a bitmap)"),
    "epub_kilobytes": Key(_bounded(50, 20_000, "KiB", whole=True), "an EPUB photo's largest file, in KiB (1024; "
                          "Kobo refuses images over 5 MB, and a book of photos must download)"),
    "jpeg_quality": Key(_bounded(50, 100, "quality", whole=True), "the JPEG quality of the EPUB's and the screen "
                        "PDF's photos (85)"),
    "cover_width": Key(_bounded(600, 10_000, "pixels", whole=True), "the EPUB cover's largest width (1600: "
                       "Kindle's and Apple's 1600 × 2560)"),
    "cover_height": Key(_bounded(800, 10_000, "pixels", whole=True), "the EPUB cover's largest height (2560)"),
    "screen_ppi": Key(_bounded(72, 600, "pixels an inch", whole=True), "the screen PDF's images at their printed "
                      "size, in ppi (150)"),
    "print_ppi": Key(_bounded(72, 2400, "pixels an inch", whole=True), "the least resolution at printed size "
                     "before W209 (300, what offset printers ask for photos)"),
    "total_ink": Key(_bounded(200, 400, "percent", whole=True), "the most ink (C+M+Y+K, %) a CMYK image may lay "
                     "down before W252 (300; ask the printer: coated paper takes 300-330, newsprint 240-260)"),
    "max_megapixels": Key(_bounded(10, 2000, "megapixels"), "the decompression-bomb guard: an image claiming more "
                          "pixels is refused (250; a 61 MP camera file or a 600 dpi A3 scan pass)"),
}

# For readers that can take the title from the text itself (the Markdown reader: the first heading).
ARTICLE_TITLE_OPTIONAL = {**ARTICLE, "title": Key(text, ARTICLE["title"].doc)}

SECTION = {
    "title": Key(text, "the section's (栏目) title", required=True),
    "run_on": Key(boolean, "its articles follow one another on the page, not each on a new one (default: "
                  "magazine yes, book no)"),
    "new_page": Key(boolean, "its first article starts a new page (default: yes; a magazine's 栏目 opens a page, "
                                "its articles run on, and each section is a unit of the PDF's layout)"),
    "title_en": Key(text, "its English title, shown beside it"),
    "articles": Key(anything, "the section's article names", required=True),
}


def check(doc: YamlDoc, base: tuple, schema: dict[str, Key], report: Report, path: Path,
          line_offset: int = 0, what: str = "") -> dict[str, Any]:
    """Convert the mapping at `base` in `doc` by `schema`; report every problem."""
    mapping = doc.data
    for key in base:
        mapping = mapping[key]
    if not isinstance(mapping, dict):
        line, col = doc.mark(base, line_offset)
        report.add(codes.WRONG_VALUE, f"{what or 'this'} must be a mapping of keys to values", path, line, col)
        return {}
    clean: dict[str, Any] = {}
    for key, value in mapping.items():
        line, col = doc.mark(base + (key,), line_offset)
        spec = schema.get(key) if isinstance(key, str) else None
        if spec is None:
            close = difflib.get_close_matches(str(key), list(schema), n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else "known keys: " + ", ".join(schema)
            report.add(codes.UNKNOWN_KEY, f"unknown key '{key}'", path, line, col, hint)
            continue
        if value is None or (spec.required and isinstance(value, str) and not value.strip()):
            if spec.required:
                report.add(codes.MISSING_KEY, f"'{key}' is required and must not be empty", path, line, col)
            continue
        try:
            clean[key] = spec.convert(value)
        except Invalid as exc:
            shown = repr(value) if len(repr(value)) < 40 else repr(value)[:37] + "..."
            report.add(codes.WRONG_VALUE, f"'{key}': {exc} (got {shown})", path, line, col)
    for key, spec in schema.items():
        if spec.required and key not in mapping:
            line, col = doc.mark(base, line_offset)
            report.add(codes.MISSING_KEY, f"missing required key '{key}'" + (f" in {what}" if what else ""),
                         path, line, col)
    return clean
