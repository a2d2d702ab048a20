"""Check the images the publication uses: real images of a kind the outputs carry, not too
big, safe SVG. With a memo, each image's examination is remembered by its content digest
(decoding every image again to catch a truncated file takes ~0.2 s per build)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Code, Report, codes
from ..diagnostics.codes import lookup
from ..model import Asset, ImageInfo
from ..store import Memo, value_sha

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 60_000_000  # a 300 dpi photograph across a whole spread is under 20 million
MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif"}
_SVG = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_XINCLUDE = "{http://www.w3.org/2001/XInclude}"
_SVG_DECLARATIONS = re.compile(rb"<!DOCTYPE|<!ENTITY", re.I)
_SVG_FORBIDDEN = {"script", "foreignObject", "iframe", "object", "embed", "handler", "listener"}
_CSS_EXTERNAL = re.compile(r"@import|url\(\s*['\"]?\s*(?!#)", re.I)


@dataclass(frozen=True)
class ImageProblem(Exception):
    code: Code
    message: str
    hint: str | None = None


def examine(path: Path) -> tuple[str, int | None, int | None]:
    """(media type, width, height) of the image file at `path`, or ImageProblem saying what is wrong."""
    from PIL import Image, ImageFile, UnidentifiedImageError

    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ImageProblem(codes.IMAGE_TOO_BIG, f"image {path.name} is {size / 1e6:.1f} MB, over the "
                           f"{MAX_BYTES // 1024 // 1024} MB limit", "resize or recompress it")
    if path.suffix.lower() == ".svg":
        _check_svg(path.name, path.read_bytes())
        return "image/svg+xml", None, None
    # WeasyPrint, once imported, tells PIL to accept truncated images (ImageFile.LOAD_TRUNCATED_IMAGES):
    # here a truncated file must fail, whatever was imported before.
    tolerant, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with warnings.catch_warnings():  # PIL warns above 89 megapixels; MAX_PIXELS is the limit here
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)
        with image:
            kind, width, height = image.format, image.width, image.height
            if width * height > MAX_PIXELS:
                raise ImageProblem(codes.IMAGE_TOO_BIG, f"image {path.name} is {width} × {height} pixels, over the "
                                   f"{MAX_PIXELS // 1_000_000} megapixel limit", "resize it")
            image.load()
    except Image.DecompressionBombError:
        raise ImageProblem(codes.IMAGE_TOO_BIG, f"image {path.name} claims more pixels than any printed page needs "
                           "(a decompression bomb?)", "resize it") from None
    except UnidentifiedImageError:
        raise ImageProblem(codes.NOT_AN_IMAGE, f"{path.name} is not an image (not PNG, JPEG, GIF or SVG)",
                           "the file may be damaged, or another kind of file renamed") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        why = str(exc)[:80] or exc.__class__.__name__
        raise ImageProblem(codes.NOT_AN_IMAGE, f"{path.name} is damaged or truncated ({why})",
                           "export or download the image again") from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = tolerant
    if kind not in MEDIA_TYPES:
        raise ImageProblem(codes.NOT_AN_IMAGE, f"{path.name} is {kind}; use PNG, JPEG, GIF or SVG")
    return MEDIA_TYPES[kind], width, height


def _check_svg(name: str, data: bytes) -> None:
    """A plain SVG only: no DTD or entities (XXE), no scripts, no reference to anything outside it."""
    from lxml import etree

    def unsafe(what: str) -> ImageProblem:
        return ImageProblem(codes.UNSAFE_SVG, f"SVG {name} has {what}", "export a plain SVG, or a PNG")

    if _SVG_DECLARATIONS.search(data):
        raise unsafe("a DOCTYPE or entity declarations")
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


def _examined(path: Path) -> list:
    """examine's answer as the memo keeps it: ["ok", type, width, height] or ["problem", code, message, hint]."""
    try:
        return ["ok", *examine(path)]
    except ImageProblem as problem:
        return ["problem", problem.code.code, problem.message, problem.hint]


def inspect(assets: Iterable[Asset], report: Report, memo: Memo | None = None) -> dict[str, ImageInfo]:
    """One ImageInfo per distinct image, keyed by its href; bad images become diagnostics."""
    code = value_sha([(p.name, memo.digest(p)) for p in _CODE]) if memo is not None else ""
    known = (memo.get("images", "examined", code) or {}) if memo is not None else {}
    seen: dict[str, list] = {}
    found: dict[str, ImageInfo] = {}
    for asset in assets:
        if asset.href in found:
            continue
        digest = memo.digest(asset.source) if memo is not None else ""
        answer = known.get(digest)
        if not (isinstance(answer, list) and len(answer) == 4 and (answer[0] == "ok" or lookup(answer[1]))):
            answer = _examined(asset.source)
        seen[digest] = answer
        if answer[0] == "problem":
            report.add(lookup(answer[1]) or codes.NOT_AN_IMAGE, answer[2], asset.used_in, asset.line, 1, answer[3])
            continue
        found[asset.href] = ImageInfo(asset, answer[1], answer[2], answer[3])
    if memo is not None and seen != known:
        memo.put("images", "examined", code, seen)
    return found


def check_cover(cover: Asset, report: Report) -> bool:
    """The cover must be a sound PNG or JPEG: the EPUB's cover-image and the PDF's first page."""
    try:
        media_type, _, _ = examine(cover.source)
    except ImageProblem as problem:
        report.add(problem.code, problem.message, cover.used_in, cover.line, 1, problem.hint)
        return False
    if media_type not in ("image/png", "image/jpeg"):
        report.add(codes.NOT_AN_IMAGE, f"the cover {cover.source.name} must be a PNG or JPEG image", cover.used_in,
                   cover.line, 1)
        return False
    return True


_CODE = (Path(__file__), Path(__file__).parent.parent / "source" / "sandbox.py")
