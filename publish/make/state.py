"""The build state, build/.publish-state.json: what each target was last built from.

Mutable by design: the file-digest memo fills up as files are hashed during one run. Like
doit, a file whose mtime and size are unchanged is not hashed again, so a no-op run reads
only directory listings and this one small JSON file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..store import write_text

STATE_FILE = ".publish-state.json"


@dataclass
class State:
    path: Path
    files: dict[str, list] = field(default_factory=dict)  # path → [mtime_ns, size, sha256]
    targets: dict[str, dict[str, Any]] = field(default_factory=dict)  # target → {"inputs": {…}, "output": sha, …}
    slug: tuple[str, str] | None = None  # (sha of publication.yaml, the slug it gives)
    damaged: str = ""  # why the state file could not be used ("" when it could, or there was none)

    @classmethod
    def load(cls, build_dir: Path) -> State:
        """The state as saved; a damaged one (build/ may have been truncated, edited or come from
        anyone) is an empty state, which rebuilds everything: always safe. Entries of the wrong
        shape are dropped one by one, so a wrong one never reaches the up-to-date check."""
        path = build_dir / STATE_FILE
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError) as exc:
            return cls(path, damaged=f"unreadable ({exc.__class__.__name__})")
        try:
            data = json.loads(text)
        except ValueError:
            return cls(path, damaged="truncated" if text.lstrip().startswith("{") else "not JSON")
        if not isinstance(data, dict):
            return cls(path, damaged="not a state")
        files = {k: v for k, v in _mapping(data.get("files")).items()
                 if isinstance(v, list) and len(v) == 3 and all(isinstance(x, int) for x in v[:2])
                 and isinstance(v[2], str)}
        targets = {k: v for k, v in _mapping(data.get("targets")).items()
                   if isinstance(v, dict) and isinstance(v.get("inputs"), dict) and isinstance(v.get("output"), str)}
        named = data.get("slug")
        slug = (named[0], named[1]) if isinstance(named, list) and len(named) == 2 \
            and all(isinstance(x, str) for x in named) else None
        dropped = len(_mapping(data.get("files"))) - len(files) + len(_mapping(data.get("targets"))) - len(targets)
        return cls(path, files, targets, slug, damaged=f"{dropped} damaged entries" if dropped else "")

    def save(self) -> None:
        write_text(self.path, json.dumps({"files": self.files, "targets": self.targets, "slug": self.slug},
                                         sort_keys=True))

    def digest(self, path: Path) -> str:
        stat = path.stat()
        key = str(path)
        known = self.files.get(key)
        if known and known[0] == stat.st_mtime_ns and known[1] == stat.st_size:
            return str(known[2])
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        self.files[key] = [stat.st_mtime_ns, stat.st_size, sha]
        return sha

    def pages(self, target: str) -> int | None:
        """The page count of the last build of `target`: the expected total for a progress bar."""
        pages = self.targets.get(target, {}).get("pages")
        return pages if isinstance(pages, int) else None

    def record(self, target: str, inputs: dict[str, str], output: Path, pages: int | None = None) -> None:
        self.targets[target] = {"inputs": inputs, "output": self.digest(output), "pages": pages}


def _mapping(value: Any) -> dict[str, Any]:
    return {k: v for k, v in value.items() if isinstance(k, str)} if isinstance(value, dict) else {}
