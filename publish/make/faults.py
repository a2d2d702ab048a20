"""What goes wrong around a build, as diagnostics: a full disk, a damaged build/.

A build may be stopped by the machine rather than by the manuscript; these say so in the
author's terms, with the file concerned, instead of an internal error.
"""

from __future__ import annotations

from ..diagnostics import Diagnostic, codes
from ..store import DiskFull


def disk_full(exc: DiskFull) -> Diagnostic:
    return Diagnostic.of(codes.DISK_FULL, f"the disk is full: {exc.path.name} could not be written", exc.path,
                         hint="free some space and run publish again; the previous outputs are untouched")
