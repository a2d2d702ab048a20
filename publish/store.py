"""What publish keeps on disk: files written atomically, and one memo of JSON values.

Every file publish writes (outputs, caches, the build state, the preview's pages) goes
through `write_bytes`: a temporary file beside the target, then a rename, so that a reader
(another publish, `publish serve`, an e-reader syncing build/) never sees half a file and an
interrupted build leaves the last good one in place. The temporary's name is unique per
writer, so two workers never share one.

A full disk (ENOSPC, or EDQUOT: a quota) is `DiskFull`, naming the file that could not be
written; its temporary file is removed and the file it was to replace is left as it was.

The memo is what a rebuild can reuse (build/.cache/): JSON only, never pickle, because a
project's build/ may come from anyone and reading it must not run code. A stage takes an
optional memo and runs the same code whether an entry is there or not; a damaged, foreign
or outdated entry is simply a miss.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import errno
import hashlib
import json
import os
import secrets
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

FORMAT = 2  # of memo entries: bump when the layout of an entry changes
TEMPORARY = ".tmp"  # suffix of every temporary file: a killed build's leftovers are found by it
_SEAL = b"\n%publish-sha256:"  # ends a cached file (write_cached): its content's digest follows

# Files of build/ this process found damaged (a memo entry that is not JSON, a cached file
# whose digest fails) and made again: the build says so in one line.
damaged: list[Path] = []


def note_damaged(path: Path) -> None:
    if path not in damaged:
        damaged.append(path)


class DiskFull(Exception):
    """No space was left to write `path`; nothing of the attempt remains on disk."""

    def __init__(self, path: Path):
        super().__init__(f"no space left on the device to write {path}")
        self.path = path


def write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically, with the permissions a plain open() would give.
    DiskFull when the disk or the quota is full."""
    try:
        _write_bytes(path, data)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DiskFull(path) from exc
        raise


def _write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # os.open with 0o666 honours the umask without changing it (os.umask is process-wide: a
    # thread of `publish serve` writing at the same moment would get the wrong permissions).
    while True:
        temporary = path.parent / f".{path.name}.{secrets.token_hex(4)}{TEMPORARY}"
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_json(path: Path, data: Any) -> None:
    write_bytes(path, json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8"))


def write_cached(path: Path, data: bytes) -> None:
    """Write a cache file (a font subset, the drawn cover) sealed with its digest, so that a
    truncated or altered one is found out by read_cached instead of going into an output."""
    write_bytes(path, data + _SEAL + hashlib.sha256(data).hexdigest().encode())


def read_cached(path: Path) -> bytes | None:
    """The content of a file written by write_cached; None if it is missing or damaged."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        note_damaged(path)
        return None
    body, seal, digest = raw.rpartition(_SEAL)
    if seal and hashlib.sha256(body).hexdigest().encode() == digest:
        return body
    note_damaged(path)
    return None


def read_json(path: Path) -> Any | None:
    """The JSON value in `path`, or None if it is missing or damaged."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def value_sha(value: Any) -> str:
    """A digest of a JSON-able value (Paths and dates as text)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


class Memo:
    """JSON values by (kind, name), each kept with the key it was computed for.

    `digest` hashes a file; the build passes its State's, which does not hash a file again
    while its mtime and size are unchanged.
    """

    def __init__(self, folder: Path, digest: Callable[[Path], str] = file_sha):
        self.folder = folder
        self.digest = digest
        self.hits: Counter[str] = Counter()  # by kind: what the stages took from the memo …
        self.misses: Counter[str] = Counter()  # … and what they had to make

    def count(self, kind: str, hit: bool) -> None:
        (self.hits if hit else self.misses)[kind] += 1

    def path(self, kind: str, name: str) -> Path:
        return self.folder / kind / f"{name}.json"

    def get(self, kind: str, name: str, key: str) -> Any | None:
        """The value stored for (kind, name) if it was stored for `key`; else None (a miss)."""
        path = self.path(kind, name)
        entry = read_json(path)
        if entry is None and path.is_file():
            note_damaged(path)
        if isinstance(entry, dict) and entry.get("format") == FORMAT and entry.get("key") == key:
            return entry.get("value")
        return None

    def put(self, kind: str, name: str, key: str, value: Any) -> None:
        write_json(self.path(kind, name), {"format": FORMAT, "key": key, "value": value})

    def keep_only(self, kind: str, names: Iterable[str]) -> None:
        """Forget the entries of `kind` not named (articles deleted since)."""
        keep = set(names)
        folder = self.folder / kind
        if folder.is_dir():
            for path in folder.glob("*.json"):
                if path.stem not in keep:
                    path.unlink(missing_ok=True)


# -- frozen dataclasses as JSON ----------------------------------------------------------------
# Generic over the model's dataclasses, so that a field added to one of them is kept (a memo
# key includes publish's code, so entries written before the change are misses).

def encode(value: Any, root: Path) -> Any:
    """`value` as JSON: dataclasses by type name, Paths relative to `root` (a moved project
    keeps its memo), enums by value. TypeError for anything else."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"type": type(value).__name__,
                "fields": {f.name: encode(getattr(value, f.name), root) for f in dataclasses.fields(value)}}
    if isinstance(value, Path):
        return {"path": str(value.relative_to(root)) if value.is_relative_to(root) else str(value)}
    if isinstance(value, enum.Enum):
        return {"enum": type(value).__name__, "value": value.value}
    if isinstance(value, (tuple, list)):
        return {"tuple": [encode(v, root) for v in value]}
    if isinstance(value, frozenset):
        return {"frozenset": sorted(encode(v, root) for v in value)}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"a {type(value).__name__} cannot be kept in the memo")


def decode(value: Any, root: Path, types: dict[str, type]) -> Any:
    """The inverse of `encode`, for the dataclasses and enums in `types` (by name).
    KeyError, TypeError or ValueError for a damaged entry."""
    if not isinstance(value, dict):
        return value
    if "type" in value:
        return types[value["type"]](**{k: decode(v, root, types) for k, v in value["fields"].items()})
    if "path" in value:
        return root / value["path"]
    if "enum" in value:
        return types[value["enum"]](value["value"])
    if "tuple" in value:
        return tuple(decode(v, root, types) for v in value["tuple"])
    if "frozenset" in value:
        return frozenset(decode(v, root, types) for v in value["frozenset"])
    raise ValueError("not a memo entry")


# -- a child process's lifetime: it must not write after the publish that started it is gone --

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with(parent: int) -> bool:
    """Have the kernel SIGKILL this process when `parent` dies (Linux); False if it already has.

    A signal, not a check now and then: a worker between writing an output's temporary file and
    renaming it would otherwise put a PDF in place after the publish that asked for it was
    killed, and nobody would record it. Elsewhere a worker checks its parent at its next event."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux
        pass
    return os.getppid() == parent  # False: it died before prctl took effect
