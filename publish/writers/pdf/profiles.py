"""Each ICC profile once in a joined PDF (assemble.py), as fontmerge.py makes each face once.

Every run's PDF is complete on its own, so each carries the output intent's profile (a page
colour space WeasyPrint names `--output-intent`), in its body and in its furniture, and the
images' own profiles: a join of 162 runs had 324 copies of the sRGB profile, and a press's
CMYK profile (~0.2-2 MB) would be that many times in the print PDF. The join points every
ICC-based colour space to one copy per profile (same bytes, same number of components),
the first met: the output intent's.
"""

from __future__ import annotations

import hashlib
from typing import Any


class Profiles:
    """The joined PDF's profiles by content, and the resources already walked."""

    def __init__(self, base: Any) -> None:
        self.base = base
        self.known: dict[tuple[int, str], Any] = {}  # (components, SHA-256) → the one copy
        self.copies: dict[tuple[int, int], Any] = {}  # a profile object → the one copy (hashed once)
        self.walked: set[tuple[int, int]] = set()
        for intent in base.Root.get("/OutputIntents", ()):
            profile = intent.get("/DestOutputProfile")
            if profile is not None:
                self._one(profile)

    def share(self, resources: Any) -> None:
        """The colour spaces of `resources` (a page's or a form's), of its images and of its
        forms' and patterns' resources, made to use the one copy of each profile."""
        import pikepdf

        if not isinstance(resources, pikepdf.Dictionary) or not self._first(resources):
            return
        spaces = resources.get("/ColorSpace")
        if isinstance(spaces, pikepdf.Dictionary):
            for name in list(spaces.keys()):
                shared = self._space(spaces[name])
                if shared is not None:
                    spaces[name] = shared
        for group in ("/XObject", "/Pattern"):
            items = resources.get(group)
            if not isinstance(items, pikepdf.Dictionary):
                continue
            for name in list(items.keys()):
                item = items[name]
                if not isinstance(item, (pikepdf.Dictionary, pikepdf.Stream)) or not self._first(item):
                    continue
                if item.get("/Subtype") == "/Image":
                    self.image(item)
                else:  # a form (its transparency group's colour space too) or a pattern
                    group_ = item.get("/Group")
                    if isinstance(group_, pikepdf.Dictionary):
                        shared = self._space(group_.get("/CS"))
                        if shared is not None:
                            group_.CS = shared
                    self.share(item.get("/Resources"))

    def image(self, item: Any) -> None:
        """An image's colour space made to use the one copy of its profile."""
        shared = self._space(item.get("/ColorSpace"))
        if shared is not None:
            item.ColorSpace = shared

    def _first(self, item: Any) -> bool:
        """Whether `item` is met for the first time (a direct object always is)."""
        if not item.is_indirect:
            return True
        if item.objgen in self.walked:
            return False
        self.walked.add(item.objgen)
        return True

    def _space(self, space: Any) -> Any:
        """An `[/ICCBased profile]` colour space with the one copy of its profile, or None if
        `space` is another kind or already uses it."""
        import pikepdf

        if not (isinstance(space, pikepdf.Array) and len(space) == 2 and space[0] == pikepdf.Name.ICCBased
                and isinstance(space[1], pikepdf.Stream)):
            return None
        profile = space[1]
        one = self._one(profile)
        if one.objgen == profile.objgen:
            return None
        return pikepdf.Array([pikepdf.Name.ICCBased, one])

    def _one(self, profile: Any) -> Any:
        one = self.copies.get(profile.objgen)
        if one is None:
            key = (int(profile.get("/N", 0)), hashlib.sha256(profile.read_bytes()).hexdigest())
            one = self.copies[profile.objgen] = self.known.setdefault(key, profile)
        return one
