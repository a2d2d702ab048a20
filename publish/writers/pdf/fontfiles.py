"""The @font-face files linked into WeasyPrint's font folder, not copied; the folder given an owner.

WeasyPrint (text/fonts.py) writes the bytes of every @font-face it loads into a folder of its
own, made with mkdtemp for each font configuration, and points Fontconfig at the copies. With
publish's faces that is ~35 MB a process, mapped by each process from its own copy: a build
with two layout workers and the PDF job held three copies of the same fonts (105 MB of the
book's 800 MB). And a process that ends without its finalizers (a killed worker, or one that
stops at Ctrl-C with os._exit) leaves its copy in the temporary folder: the test suite's
interrupt tests left ~40 MB a run, and a machine gathered 25 GB.

`install()` makes two changes:
- a font the fetcher read whole from a file (its bytes say which: `FileBytes`) gets a symbolic
  link to that file in place of the copy. Fontconfig and FreeType follow it, so every process
  maps the same file and shares its pages. Fonts given otherwise (WOFF, decoded first, or data
  URLs) are still copied.
- the per-configuration folders are made in one folder per user (`publish-fonts-<uid>` in the
  temporary folder), named after the process; folders whose process has ended are removed when
  the next process installs this.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path, PosixPath
from typing import Any

from .engine import check_version

_installed = False


class FileBytes(bytes):
    """A file's whole content, knowing which file it is (ConfinedFetcher gives fonts so)."""

    origin: Path

    @classmethod
    def of(cls, path: Path) -> FileBytes:
        data = cls(path.read_bytes())
        data.origin = path.resolve()
        return data


class _LinkingPath(PosixPath):
    """The type of WeasyPrint's font folder, and of the paths in it: the bytes of a known file
    become a link to it."""

    def write_bytes(self, data: Any) -> int:
        origin = getattr(data, "origin", None)
        if isinstance(origin, Path):
            os.symlink(origin, self)
            return len(data)
        return super().write_bytes(data)


def folders() -> Path | None:
    """The folder the font folders go in, or None where it is not this user's own."""
    root = Path(tempfile.gettempdir()) / f"publish-fonts-{os.getuid()}"
    try:
        root.mkdir(mode=0o700, exist_ok=True)
        status = os.lstat(root)
    except OSError:
        return None
    if root.is_symlink() or status.st_uid != os.getuid() or status.st_mode & 0o077:
        return None  # someone else's (or opened to others): WeasyPrint's own mkdtemp then
    return root


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's: running
        pass
    return True


def remove_ended(root: Path) -> None:
    """Remove the folders of processes that have ended (killed, or stopped without finalizers)."""
    for folder in root.iterdir():
        pid = folder.name.split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def install() -> None:
    global _installed
    if _installed:
        return
    from weasyprint.text import fonts

    check_version("font files linked, their folders owned")
    root = folders()
    if root is not None:
        remove_ended(root)

    def made(prefix: str = "weasyprint-", **_: Any) -> str:
        return tempfile.mkdtemp(prefix=f"{os.getpid()}-{prefix}", dir=root)

    fonts.Path = _LinkingPath  # WeasyPrint's folder is `Path(mkdtemp(...))`: its paths link
    fonts.mkdtemp = made
    _installed = True
