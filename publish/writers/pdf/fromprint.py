"""The joined screen PDF made from the joined print PDF, instead of joined again from the runs.

A run's two PDFs are one painting written twice (variants.py): the screen PDF is the print
PDF's objects with the page boxes at the trim, no crop marks, no output intent or `Trapped`,
PDF/UA-1 metadata, and the images' screen copies under the print images' object numbers
(`RunResult.screen_replaces`). So the book's print PDF, once saved, becomes its screen PDF by
the same changes made in place: the pages, tags, destinations, outline and merged fonts are
not copied from the runs a second time (a join of 1,162 pages is 2 s; this is a quarter of it,
most of it the saving), and the second assembly's memory is not taken.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .profiles import Profiles

# Stream keys pikepdf's Stream.write sets itself.
_WRITTEN = {"/Length", "/Filter", "/DecodeParms"}


def as_screen(base: Any, cropped: Sequence[bool], images: Sequence[tuple[Path, int, Any]], first: Path,
              profiles: Profiles) -> str:
    """Make the joined print PDF `base` the screen PDF, in place, and return its PDF version.

    `cropped`: per page, whether its first content stream is the crop marks; `images`: (the
    run's screen PDF, the object's number there, the print image's copy in `base`); `first`:
    the first run's screen PDF (its metadata and version are the book's); `profiles`: the
    join's, for the screen images' colour spaces."""
    import pikepdf

    for page, marks in zip(base.pages, cropped, strict=True):
        page_object = page.obj
        trim = page_object.get("/TrimBox", page_object.MediaBox)
        page_object.MediaBox = pikepdf.Array(list(trim))
        page_object.BleedBox = pikepdf.Array(list(trim))
        if marks:
            rest = list(page_object.Contents)[1:]
            page_object.Contents = rest[0] if len(rest) == 1 else pikepdf.Array(rest)
    if "/OutputIntents" in base.Root:
        del base.Root["/OutputIntents"]
    info = base.trailer.get("/Info")
    if info is not None and "/Trapped" in info:
        del info["/Trapped"]
    by_run: dict[Path, list[tuple[int, Any]]] = {}
    for path, number, target in images:
        by_run.setdefault(path, []).append((number, target))
    with pikepdf.open(first) as screen:
        _replace(base, screen, base.Root.Metadata, screen.Root.Metadata)
        version = str(screen.pdf_version)
        for number, target in by_run.pop(first, []):
            _replace(base, screen, target, screen.get_object(number, 0))
            profiles.image(target)
    for path, replaced in by_run.items():
        with pikepdf.open(path) as screen:
            for number, target in replaced:
                _replace(base, screen, target, screen.get_object(number, 0))
                profiles.image(target)
    return version


def _replace(base: Any, source: Any, target: Any, fresh: Any) -> None:
    """The stream `target` of `base` made `fresh` (of `source`): its data and its dictionary.
    In place, so that whatever refers to it (pages, patterns, forms) sees the new one."""
    import pikepdf

    def direct(value: Any) -> Any:  # a filter or its parameters, made afresh (no references in them)
        return None if value is None else pikepdf.Object.parse(value.unparse())

    target.write(fresh.read_raw_bytes(), filter=direct(fresh.get("/Filter")),
                 decode_parms=direct(fresh.get("/DecodeParms")), type_check=False)
    for key in list(target.keys()):
        if key not in fresh and key not in _WRITTEN:
            del target[key]
    for key, value in fresh.items():
        if key not in _WRITTEN:
            target[key] = copied(base, source, value)


def copied(base: Any, source: Any, item: Any) -> Any:
    """`item` of `source` in `base` (pikepdf copies only indirect objects: direct ones are
    rebuilt around the copies of what they refer to)."""
    import pikepdf

    if source is base:
        return item
    if isinstance(item, (pikepdf.Array, pikepdf.Dictionary, pikepdf.Stream)):
        # A direct object is made indirect in the source first (which is never saved): one
        # copy in qpdf instead of one per element.
        return base.copy_foreign(item if item.is_indirect else source.make_indirect(item))
    return item
