"""Check the images the publication uses: real, readable images of a kind a camera, a scanner
or a design program delivers, under the decompression-bomb guard (in pixels), safe SVG. What is
learnt of each (oriented size, colour mode, profile, transparency) goes into ImageInfo for the
writers, which make each output's copy (writers/images/). With a memo, each image's examination
is remembered by its content digest (decoding every image again to catch a truncated file
takes ~0.2 s a photo)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Code, Report, codes
from ..diagnostics.codes import lookup
from ..model import Asset, ImageInfo, ImageOptions
from ..store import Memo, value_sha

MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "MPO": "image/jpeg", "GIF": "image/gif",
               "TIFF": "image/tiff", "WEBP": "image/webp"}
KINDS = "PNG, JPEG, GIF, TIFF, WebP or SVG"
_SVG = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_XINCLUDE = "{http://www.w3.org/2001/XInclude}"
_SVG_ENTITIES = re.compile(rb"<!ENTITY|<!ATTLIST|<!ELEMENT|<!NOTATION", re.I)
_SVG_FORBIDDEN = {"script", "foreignObject", "iframe", "object", "embed", "handler", "listener"}
_CSS_EXTERNAL = re.compile(r"@import|url\(\s*['\"]?\s*(?!#)", re.I)
_ORIENTATION = 0x0112
DEFAULTS = ImageOptions()
_FIELDS = 8  # of a memo answer: "ok", media type, width, height, mode, orientation, profile, alpha


@dataclass(frozen=True)
class ImageProblem(Exception):
    code: Code
    message: str
    hint: str | None = None


class _Strict:
    """Pillow's process-wide switches as examining needs them, set once around all the threads
    that examine (set and restored by each, two threads would leave them wrong): WeasyPrint,
    once imported, tells Pillow to accept truncated images (ImageFile.LOAD_TRUNCATED_IMAGES), and
    here a truncated file must fail; the size guard is ours, in pixels (Pillow's would warn at
    89 MP and fail at twice that). A class, not a contextlib generator: that would set the
    traceback of the frozen ImageProblem passing through it."""

    def __enter__(self) -> None:
        from PIL import Image, ImageFile

        self.saved = ImageFile.LOAD_TRUNCATED_IMAGES, Image.MAX_IMAGE_PIXELS
        ImageFile.LOAD_TRUNCATED_IMAGES, Image.MAX_IMAGE_PIXELS = False, None

    def __exit__(self, *exc: object) -> None:
        from PIL import Image, ImageFile

        ImageFile.LOAD_TRUNCATED_IMAGES, Image.MAX_IMAGE_PIXELS = self.saved


def examine(path: Path, max_pixels: int = DEFAULTS.max_pixels) -> tuple:
    """(media type, width, height, mode, orientation, profile, alpha) of the image at `path`, the
    size as shown (EXIF orientation applied), or ImageProblem saying what is wrong."""
    with _Strict():
        return _examine(path, max_pixels)


def _examine(path: Path, max_pixels: int) -> tuple:
    """examine's work, under _Strict()."""
    from PIL import Image, UnidentifiedImageError

    if path.suffix.lower() == ".svg":
        _check_svg(path.name, path.read_bytes())
        return "image/svg+xml", None, None, "", 1, "", False
    try:
        image = Image.open(path)  # the header only: nothing is decoded yet
        with image:
            kind, width, height = image.format, image.width, image.height
            if kind not in MEDIA_TYPES:
                raise ImageProblem(codes.NOT_AN_IMAGE, f"{path.name} is {kind}; use {KINDS}",
                                   "export it from the program that made it as one of those")
            if width * height > max_pixels:
                raise ImageProblem(codes.IMAGE_TOO_BIG, f"image {path.name} claims {width} × {height} pixels "
                                   f"({width * height / 1e6:.0f} MP), over the guard of {max_pixels / 1e6:g} MP "
                                   f"(a decompression bomb?)",
                                   "if it is a real image, raise images: max_megapixels in publication.yaml")
            mode = image.mode
            orientation = int(image.getexif().get(_ORIENTATION, 1) or 1)
            icc = image.info.get("icc_profile") or b""
            profile = icc[16:20].decode("latin-1").strip() if len(icc) >= 20 else ""
            alpha = mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
            if kind == "JPEG":
                # Decoding at an eighth of the size reads every byte (a truncated file fails) in a
                # fraction of the time: a 24 MP photo in 0.1 s instead of 0.5 s.
                image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
            image.load()
    except UnidentifiedImageError:
        raise ImageProblem(codes.NOT_AN_IMAGE, f"{path.name} is not an image (not {KINDS})",
                           "the file may be damaged, or another kind of file renamed") from None
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError) as exc:
        why = str(exc)[:80] or exc.__class__.__name__
        raise ImageProblem(codes.NOT_AN_IMAGE, f"{path.name} is damaged or truncated ({why})",
                           "export or download the image again") from None
    if not 1 <= orientation <= 8:
        orientation = 1
    if orientation >= 5:  # a quarter turn: shown the other way round
        width, height = height, width
    return MEDIA_TYPES[kind], width, height, mode, orientation, profile, alpha


def _check_svg(name: str, data: bytes) -> None:
    """A plain SVG only: no entities (XXE, billion laughs), no scripts, no reference to anything
    outside it. A DOCTYPE alone (Illustrator writes SVG 1.1's) is harmless: its DTD is never
    loaded, and the outputs get the SVG without it (writers/images/svg.py)."""
    from lxml import etree

    def unsafe(what: str) -> ImageProblem:
        return ImageProblem(codes.UNSAFE_SVG, f"SVG {name} has {what}", "export a plain SVG, or a PNG")

    if _SVG_ENTITIES.search(data):
        raise unsafe("entity or other declarations in its DOCTYPE")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ImageProblem(codes.NOT_AN_IMAGE, f"{name} is not a readable SVG: {exc.msg}",
                           "the file may be truncated or not an SVG at all") from None
    if root.tag != f"{_SVG}svg":
        raise ImageProblem(codes.NOT_AN_IMAGE, f"{name} is not an SVG (its root element is not <svg>)")
    for node in root.iter():
        if isinstance(node, etree._ProcessingInstruction):
            raise unsafe(f"a processing instruction <?{node.target!s} …?>")
        if isinstance(node, etree._Entity):
            raise unsafe("an entity reference")
        if not isinstance(node.tag, str):  # comments
            continue
        local = str(etree.QName(node).localname)
        if local in _SVG_FORBIDDEN or node.tag.startswith(_XINCLUDE):
            raise unsafe(f"a <{local}> element")
        for attribute, raw in node.attrib.items():
            attribute_name, value = str(etree.QName(attribute).localname), str(raw)
            if attribute_name.lower().startswith("on"):
                raise unsafe(f"an event handler ({attribute_name})")
            if (attribute == _XLINK_HREF or attribute_name == "href") and not value.strip().startswith(
                    ("#", "data:image/")):
                raise unsafe(f"an external reference ({value[:60]})")
            if attribute_name == "style" and _CSS_EXTERNAL.search(value):
                raise unsafe("a style that loads something from outside")
        if local == "style" and _CSS_EXTERNAL.search(node.text or ""):
            raise unsafe("a style that loads something from outside")
    for instruction in root.itersiblings(preceding=True):
        if isinstance(instruction, etree._ProcessingInstruction):
            raise unsafe(f"a processing instruction <?{instruction.target!s} …?>")


def _examined(path: Path, max_pixels: int) -> list:
    """examine's answer as the memo keeps it: ["ok", type, width, height, mode, orientation,
    profile, alpha] or ["problem", code, message, hint]; under _Strict()."""
    try:
        return ["ok", *_examine(path, max_pixels)]
    except ImageProblem as problem:
        return ["problem", problem.code.code, problem.message, problem.hint]


def _all_examined(paths: dict[str, Path], max_pixels: int) -> dict[str, list]:
    """_examined of each path (by digest), in threads: Pillow decodes without the GIL, so a
    cold check of a book's 500 figures uses every core (the layout's workers are not started
    yet), a photo's 0.2 s among them."""
    if not paths:
        return {}
    with _Strict():
        if len(paths) == 1:
            return {digest: _examined(path, max_pixels) for digest, path in paths.items()}
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(min(len(paths), os.cpu_count() or 1, 8)) as pool:
            answers = pool.map(lambda path: _examined(path, max_pixels), paths.values())
            return dict(zip(paths, answers))


def _sound(answer: object) -> bool:
    """Whether a memo answer has the shape and the types `_examined` gives: build/ may come from
    anyone, and a wrong value must mean "examine again", never a crash or a wrong ImageInfo."""
    if not isinstance(answer, list):
        return False
    if len(answer) == 4 and answer[0] == "problem":
        return lookup(answer[1]) is not None and all(isinstance(x, str) for x in answer[2:])
    if len(answer) != _FIELDS or answer[0] != "ok":
        return False
    _, media_type, width, height, mode, orientation, profile, alpha = answer
    sizes = (width is None and height is None) or all(type(x) is int and x > 0 for x in (width, height))
    return (media_type in MEDIA_TYPES.values() or media_type == "image/svg+xml") and sizes \
        and isinstance(mode, str) and type(orientation) is int and 1 <= orientation <= 8 \
        and isinstance(profile, str) and type(alpha) is bool


def inspect(assets: Iterable[Asset], report: Report, memo: Memo | None = None,
            options: ImageOptions = DEFAULTS) -> dict[str, ImageInfo]:
    """One ImageInfo per distinct image, keyed by its href; bad images become diagnostics."""
    code = value_sha([(p.name, memo.digest(p)) for p in _CODE] + [options.max_pixels]) if memo is not None else ""
    known = (memo.get("images", "examined", code) or {}) if memo is not None else {}
    if not isinstance(known, dict):  # a damaged memo: examine everything again
        known = {}
    seen: dict[str, list] = {}
    found: dict[str, ImageInfo] = {}
    uses = list(assets)
    digests: dict[str, str] = {}  # href → its file's digest (without a memo: its path)
    for asset in uses:
        if asset.href not in digests:
            digests[asset.href] = memo.digest(asset.source) if memo is not None else str(asset.source)
    sources = {digests[asset.href]: asset.source for asset in uses}
    remembered = {digest: known[digest] for digest in sources
                  if isinstance(known.get(digest), list) and _sound(known[digest])}
    answers = remembered | _all_examined({d: p for d, p in sources.items() if d not in remembered},
                                         options.max_pixels)
    for asset in uses:
        if asset.href in found:
            continue
        digest = digests[asset.href]
        answer = answers[digest]
        seen[digest] = answer
        if answer[0] == "problem":
            report.add(lookup(answer[1]) or codes.NOT_AN_IMAGE, answer[2], asset.used_in, asset.line, 1, answer[3])
            continue
        found[asset.href] = ImageInfo(asset, *answer[1:])
    if memo is not None and seen != known:
        memo.put("images", "examined", code, seen)
    return found


def check_cover(cover: Asset, report: Report, options: ImageOptions = DEFAULTS) -> ImageInfo | None:
    """The cover must be a sound raster image (the EPUB's cover-image and the PDF's first page)."""
    try:
        examined = examine(cover.source, options.max_pixels)
    except ImageProblem as problem:
        report.add(problem.code, problem.message, cover.used_in, cover.line, 1, problem.hint)
        return None
    if examined[0] == "image/svg+xml":
        report.add(codes.NOT_AN_IMAGE, f"the cover {cover.source.name} must be a raster image ({KINDS[:-7]})",
                   cover.used_in, cover.line, 1, "the stores take a JPEG or PNG cover; export the SVG as one")
        return None
    return ImageInfo(cover, *examined)


_MARKUP = re.compile(r"<!--.*?-->|<!\[CDATA\[|\]\]>|<[^>]*>|&[#\w]+;", re.S)


def svg_texts(images: Iterable[ImageInfo]) -> dict[Path, str]:
    """Each SVG's text as the glyph check reads it: the file with its markup blanked out (line
    breaks kept, so a missing character is reported at its line and column in the SVG)."""
    texts = {}
    for info in images:
        if info.media_type == "image/svg+xml":
            raw = info.asset.source.read_bytes().decode("utf-8", errors="replace")
            texts[info.asset.source] = _MARKUP.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), raw)
    return texts


_CODE = (Path(__file__), Path(__file__).parent.parent / "source" / "sandbox.py")
