"""What goes wrong around a build, as diagnostics: a full disk, a damaged build/.

A build may be stopped by the machine rather than by the manuscript; these say so in the
author's terms, with the file concerned, instead of an internal error.
"""

from __future__ import annotations

from pathlib import Path

from .. import store
from ..diagnostics import Diagnostic, codes
from ..store import DiskFull


def disk_full(exc: DiskFull) -> Diagnostic:
    return Diagnostic.of(codes.DISK_FULL, f"the disk is full: {exc.path.name} could not be written", exc.path,
                         hint="free some space and run publish again; the previous outputs are untouched")


def damage_line(found: list[str], build_dir: Path) -> str:
    """One line for what this run found damaged in build/ (the state, cache files) and made
    again; "" when nothing was. store.damaged holds what this process and its workers found."""
    cached = [p for p in store.damaged if p.is_relative_to(build_dir)]
    parts = list(found)
    if cached:
        names = ", ".join(str(p.relative_to(build_dir)) for p in cached[:3]) + (" …" if len(cached) > 3 else "")
        parts.append(f"{len(cached)} cache file(s): {names}")
    store.damaged.clear()
    if not parts:
        return ""
    return f"build/ was damaged ({'; '.join(parts)}): what depends on it was rebuilt"
