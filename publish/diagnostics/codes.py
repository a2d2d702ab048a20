"""Every diagnostic publish can report, declared once: its code, severity, summary and docs.

A call site names the code (`codes.BROKEN_LINK`) and says only what is specific to this
occurrence (the message, the place, a hint); whether it is an error or a warning is decided
here. docs/diagnostics.md is generated from this table (`python -m publish.diagnostics.codes`)
and a test checks that the two agree.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Code:
    code: str  # "E206": stable, searchable, never reused for another meaning
    severity: Severity
    summary: str  # a few words: "broken internal link"
    docs: str  # what it means, for docs/diagnostics.md and `publish explain`

    def __str__(self) -> str:
        return self.code

    @property
    def suppressible(self) -> bool:
        """Warnings can be silenced per project (publication.yaml `suppress`); errors cannot:
        an error means the outputs would be wrong."""
        return self.severity is Severity.WARNING


REGISTRY: dict[str, Code] = {}


def _code(code: str, summary: str, docs: str) -> Code:
    severity = Severity.ERROR if code[0] == "E" else Severity.WARNING
    declared = Code(code, severity, summary, docs)
    assert code not in REGISTRY, f"{code} is declared twice"
    REGISTRY[code] = declared
    return declared


# -- the manuscript: publication.yaml, front matter, files (E1xx) ------------------------------
YAML_SYNTAX = _code("E101", "YAML syntax error",
              "YAML syntax error (publication.yaml or front matter), at the offending position")
NO_FRONT_MATTER = _code("E102", "front matter not closed",
              "an article's front matter is not closed: a first `---` line without a second")
MISSING_KEY = _code("E103", "required key missing",
              "a required key is missing or empty (`title`, `contents`)")
WRONG_VALUE = _code("E104", "wrong value",
              "a value has the wrong type or is out of range (e.g. `columns: 3`, a date that is not "
                    "ISO, a page 5mm wide, a control character in a title)")
UNKNOWN_KEY = _code("E105", "unknown key",
              "unknown key, with a \"did you mean\" suggestion")
DUPLICATE_ARTICLE = _code("E106", "article listed twice",
              "an article is listed twice, or two article files differ only in case")
MISSING_ARTICLE = _code("E107", "listed article has no file",
              "an article listed in `contents` has no file")
UNLISTED_ARTICLE = _code("W108", "article not listed",
              "an article file is not listed in `contents`")
TITLE_FROM_FILE_NAME = _code("W116", "title from the file name",
              "a Word document has no title in its properties and no Heading 1: its file name is its title "
                             "(authors' files are often named so; give it a title in Word to choose another)")
NOT_UTF8 = _code("E109", "not UTF-8",
              "a file is not UTF-8 (UTF-16, GBK …); a BOM and CRLF line ends are fine")
CONTROL_CHARACTER = _code("E110", "control character",
              "a NUL byte or another control character (U+0001–U+001F but tab and line ends, "
                          "U+007F–U+009F, U+FFFE, U+FFFF) in a text file")
EMPTY_MANUSCRIPT = _code("E111", "empty manuscript",
              "the manuscript is empty (`contents` lists nothing, or publication.yaml is empty)")
BAD_ARTICLE_NAME = _code("E112", "unusable article name",
              "an article name that cannot be a file name in the EPUB (use lowercase ASCII)")
UNSAFE_YAML = _code("E113", "unsafe YAML",
              "YAML that is refused for safety: Python and other non-standard tags (`!!python/…`, "
                    "`!!binary`, `!!set`), alias-expansion bombs, recursive aliases, nesting deeper than 50 levels")
UNREADABLE = _code("E114", "unreadable file",
              "a file cannot be read, or there is no manuscript/publication.yaml")
NO_TITLE = _code("E115", "article without a title",
              "an article has no title: no `title:` in its front matter (which is optional) and no heading to "
                 "take it from (for a .docx: no title in its document properties and no heading)")

# -- files the articles use, and the fonts (E2xx) ------------------------------------------------
MISSING_FILE = _code("E201", "file not found",
              "an image (or the cover, or the output profile) is not found, or is named by a URL")
NOT_AN_IMAGE = _code("E202", "not a usable image",
              "a file is not a readable image, or is truncated, or of a kind no output carries (images: "
                     "PNG, JPEG, GIF, TIFF, WebP, SVG; the cover a raster image; the output profile an ICC "
                     "profile)")
IMAGE_TOO_BIG = _code("E203", "image claims too many pixels",
              "an image claims more pixels than the decompression-bomb guard allows (`images: "
                      "max_megapixels`, 250 by default); it is refused before it is decoded. File size is no "
                      "limit: the EPUB and the screen PDF get smaller copies")
REMOTE_RESOURCE = _code("W204", "remote resource not fetched",
              "a remote resource (http…: an image, a `url()` or `@import` in styles/) is not "
                        "fetched; the build never uses the network")
OUTSIDE_PROJECT = _code("E205", "path leaves the project",
              "a path leaves the project (`../../etc/passwd`, an absolute path, `file:`, a "
                        "symlink in manuscript/, styles/ or fonts/ that leads out)")
BROKEN_LINK = _code("E206", "broken internal link",
              "an internal link points to no id")
MISSING_FOOTNOTE = _code("E207", "footnote without definition",
              "a footnote reference has no definition")
NO_GLYPH = _code("E208", "character in no font",
              "a character that no bundled or installed font has (it would print as a blank or a box)")
LOW_RESOLUTION = _code("W209", "low image resolution",
              "an image prints at under 300 ppi (`images: print_ppi`) in the print PDF: its pixels over the "
                        "width it prints at, which the page's frame grid gives (a column, or the whole grid for "
                        "a picture across the columns); `publish check` reports it too")
UNSAFE_SVG = _code("E210", "unsafe SVG",
              "an SVG with entity declarations, scripts or external references (a DOCTYPE alone is "
                   "accepted, and left out of the outputs)")
SANITIZED_HTML = _code("W211", "raw HTML sanitized",
              "raw HTML was sanitized, or a link removed: the message lists what (`<script>`, "
                       "`<iframe>`, `onclick`, `javascript:`/`data:` URLs, any tag or attribute outside the allowed "
                       "set); links may go only to http(s), mailto or inside the publication")
UNKNOWN_LANGUAGE = _code("W212", "unknown code language",
              "a code block's language is unknown; it is not highlighted")
NO_ALT_TEXT = _code("W213", "image without alt text",
              "an image has no alt text")
INSTALLED_GLYPH = _code("W214", "character only in an installed font",
              "a character only an installed (not bundled) font has; e-readers may lack it")
MISSING_FONTS = _code("E215", "bundled fonts missing",
              "the bundled fonts are missing from fonts/")
DUPLICATE_ID = _code("E216", "duplicate or reserved id",
              "a heading's `{#id}` is used twice in an article, or is one the renderer makes itself "
                     "(`p1`, `h1`, `fig1`, `fn1`)")
BAD_FORMULA = _code("E218", "formula not understood",
              "a TeX formula (`$…$`, `$$…$$`, `\\begin{align}`) that cannot be read: unbalanced braces, an unknown "
              "command or environment")
UNSUPPORTED_CONSTRUCT = _code("W219", "construct not supported",
              "syntax of another tool that publish does not support (mdBook `{{#…}}`, GitBook `{% … %}`, `[TOC]`, "
              "MyST directives, unknown `:::` containers): printed as it is written")
BAD_FONT = _code("E220", "not a usable font",
              "a font file of fonts/ or of publication.yaml's `fonts:` that cannot be read (damaged, or no "
              "OpenType/TrueType font)")
NESTED_TOO_DEEP = _code("E221", "nested too deep",
              "Markdown nested deeper than the limit (50 elements inside one another: blockquotes, lists and "
                        "their items, emphasis, links); the line is that of the first element too deep")
TABLE_TOO_WIDE = _code("E222", "table too wide",
              "a table has more columns than a printed page can hold (64); the PDF would lose the columns past "
                       "its edge")
TEMPLATE_ERROR = _code("E217", "template error",
              "a theme template (publish/theme/ or the project's styles/) has an error, or uses "
                       "what the sandbox forbids")

# -- languages: ruby, Aozora Bunko texts, converted editions (E230–E239, W230–W239) ----------------
BAD_PHRASES = _code("E230", "bad phrase table",
              "a line of the phrase table that corrects a converted edition (publication.yaml `phrases:`) is "
                    "not `phrase<tab>replacement`, or the file is not UTF-8 text")
NOT_AOZORA = _code("E231", "text file not readable",
              "a `.txt` article (Aozora Bunko notation) is neither Shift_JIS nor UTF-8 text")
UNCLOSED_RUBY = _code("W230", "ruby not closed",
              "ruby in Aozora notation (`｜親字《るび》`, `漢字《かんじ》`) or in Markdown (`{漢字|かんじ}`) whose "
                      "reading is not closed or whose base is empty: printed as written")
RUBY_COUNT = _code("W231", "ruby readings do not match",
              "per-character ruby `{漢字|かん|じ}` gives a number of readings other than the base's characters: "
                   "the readings are set over the whole base, as group ruby")
ANNOTATION_NOT_FOUND = _code("W232", "Aozora annotation not applied",
              "an Aozora annotation `［＃…］` that publish does not carry out (it is left out), or a "
                             "`［＃「…」に傍点］` whose quoted text is not just before it")
# -- images for each output, and the print preflight (E240-E249, W240-W259) ---------------------
LOSSY_CONVERSION = _code("W240", "colour conversion loses much",
              "converting an image to the output intent's CMYK moves many of its colours far (outside the "
                         "printer's gamut: saturated RGB greens, blues and oranges); the message gives how much. "
                         "Check a proof, or have the image separated by hand")
CMYK_WITHOUT_PROFILE = _code("W241", "CMYK image without a profile",
              "a CMYK image carries no ICC profile: the EPUB and the screen PDF convert it to sRGB by a "
                             "generic rule (or by the printer's profile, if one is given), so its colours there "
                             "are a guess")
EPUB_IMAGE_OVER = _code("W242", "EPUB image over its size",
              "an image stays over `images: epub_kilobytes` in the EPUB even at the lowest quality publish "
                        "uses (a very detailed picture, or line art too large for PNG)")
WRONG_COLOUR_SPACE = _code("W250", "colour space unlike the output intent",
              "preflight: the print PDF has an image or drawing in another colour space than the output "
                           "intent's (RGB in a CMYK PDF: an SVG's colours; device CMYK under an RGB intent)")
FONT_NOT_EMBEDDED = _code("W251", "font not embedded",
              "preflight: a font of the print PDF is not embedded; a printer's RIP substitutes another")
TOO_MUCH_INK = _code("W252", "too much ink",
              "preflight: a CMYK image lays down more ink (C+M+Y+K) than `images: total_ink` (300%); on press "
                     "it sets off and dries slowly. Convert with the printer's profile, which limits it")
NO_BLEED = _code("W253", "image at the trim without bleed",
              "preflight: an image reaches the trim but not the bleed beyond it: a white hairline may show "
                   "after trimming. Extend it to the bleed, or keep it inside the page")
OUTSIDE_SAFE_AREA = _code("W254", "text outside the safe area",
              "preflight: text comes nearer than 3 mm to the trim, where the trimmer's tolerance may cut it")

# -- the build itself (E3xx) -------------------------------------------------------------------
BUSY = _code("E302", "another build is running",
              "another publish is building the same project")
INTERNAL_ERROR = _code("E303", "internal error",
              "an engine failed unexpectedly (run with `--verbose` for the details)")
PORT_IN_USE = _code("E304", "cannot serve on the port",
              "`publish serve` cannot listen on the port (in use?): choose another with `--port`, "
                    "or `--port 0`")

DISK_FULL = _code("E305", "disk full",
              "the disk (or the quota) is full: the file named could not be written. The previous outputs are in "
                  "place and whole, no temporary file is left; free some space and run publish again")

# -- publish import: books written for other tools (E4xx/W4xx) -------------------------------------
IMPORT_FAILED = _code("E401", "cannot import",
              "`publish import` cannot start or finish: the source is not a folder, a book or a .docx; its "
                      "order file (book.toml, mkdocs.yml, SUMMARY.md, book.json) cannot be read; the destination "
                      "is not empty (use `--force` to replace its manuscript/) or lies around the source")
CHAPTER_LEFT_OUT = _code("W402", "chapter left out",
              "an entry of the book's order (SUMMARY.md, mkdocs.yml `nav`, _sidebar.md) is not imported: a "
                         "draft chapter with an empty link, a file that is missing or outside the book, an external "
                         "link, a file listed twice")
INCLUDE_NOT_EXPANDED = _code("W403", "include not expanded",
              "an mdBook `{{#include}}`/`{{#rustdoc_include}}` cannot be expanded (the file is missing or "
                             "outside the book, the anchor or the line range is not in it, includes nest too deep); "
                             "the directive is left in the text")
NOT_RESOLVED = _code("W404", "link or image not resolved",
              "a link or an image of an imported chapter points to no file of the book (an image not found, "
                     "a link to a file that is no chapter, a path that leaves the book); it is left as written")
REMOTE_NOT_MAPPED = _code("W405", "remote image left remote",
              "an imported chapter shows an image from the network, which the build will not fetch; "
                          "`--map-url PREFIX=FOLDER` maps such URLs onto a folder of the book")
IMPORT_SIMPLIFIED = _code("W406", "not carried over",
              "something the other tool uses and publish does not was dropped or simplified: front matter keys "
                          "(commented out), YAML tags in mkdocs.yml, chapters nested deeper than sections (listed "
                          "flat), a `docs_dir` that does not exist, control characters pasted from a PDF (deleted)")
WORD_NOT_CARRIED = _code("W407", "Word content not carried over",
              "part of a .docx cannot be carried into the outputs: equations (OMML), drawings and text boxes, "
                         "a picture in a format the outputs cannot show (EMF, WMF), a heading style without an "
                         "outline level (printed as body text)")


def table() -> str:
    """The table of docs/diagnostics.md, in code order."""
    rows = ["| code | severity | meaning |", "| --- | --- | --- |"]
    rows += [f"| {c.code} | {c.severity.value} | {c.docs} |"
             for c in sorted(REGISTRY.values(), key=lambda c: c.code[1:])]
    return "\n".join(rows)


def lookup(code: str) -> Code | None:
    return REGISTRY.get(code)


if __name__ == "__main__":
    print(table())
