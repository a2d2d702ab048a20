"""Article names: the ASCII handle each article has inside the outputs.

A name is the EPUB file name of the article (`<name>.xhtml`) and the prefix of every id in
it (`<name>-p3`), so it must be an XML name (a letter first), ASCII and unique in the
publication. An article listed by a bare name (`editorial` → articles/editorial.md) is
called by it; one listed by its path (`第一部分/引言.md`, as imported books are) gets its
path as a slug, plus a short hash of the path when the slug lost something (characters
outside ASCII, spaces, capitals) or would be another article's name — so two different
paths never share a name, and the same path always gets the same one.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from pathlib import PurePosixPath

BARE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_UNSAFE = re.compile(r"[^a-z0-9_-]+")
MAX_SLUG = 40  # characters before the hash: ids stay readable in the EPUB and the PDF


def _slug(relative: PurePosixPath) -> tuple[str, bool]:
    """The path without its suffix as a slug, and whether the slug lost something on the way."""
    joined = "-".join(relative.with_suffix("").parts)
    slug = re.sub(r"-{2,}", "-", _UNSAFE.sub("-", joined.lower())).strip("-_")
    lossy = slug != joined or len(slug) > MAX_SLUG
    slug = slug[:MAX_SLUG].rstrip("-_")
    if not slug:
        return "article", True
    if not slug[0].isalpha():  # an id must begin with a letter (XML): 10.1 斐波那契.md → n10-1-…
        slug = "n" + slug
    return slug, lossy


def _digest(relative: PurePosixPath) -> str:
    # NFC: macOS writes file names decomposed; the same path must give the same name everywhere.
    return hashlib.sha256(unicodedata.normalize("NFC", relative.as_posix()).encode("utf-8")).hexdigest()[:8]


def article_names(entries: list[tuple[PurePosixPath, str | None]]) -> list[str]:
    """One name per (path relative to manuscript/, bare name or None), in the same order.

    Bare names are kept as they are (they are checked elsewhere); paths get slugs, with the
    hash when needed to keep every name distinct."""
    slugs = [(bare, False) if bare is not None else _slug(path) for path, bare in entries]
    bare_names = {bare for _, bare in entries if bare is not None}
    counts = Counter(slug for (slug, _), (_, bare) in zip(slugs, entries) if bare is None)
    names = []
    for (path, bare), (slug, lossy) in zip(entries, slugs):
        if bare is None and (lossy or counts[slug] > 1 or slug in bare_names):
            slug = f"{slug}-{_digest(path)}"
        names.append(slug)
    return names
