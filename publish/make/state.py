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

    @classmethod
    def load(cls, build_dir: Path) -> State:
        path = build_dir / STATE_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            slug = data.get("slug")
            return cls(path, dict(data.get("files", {})), dict(data.get("targets", {})),
                       tuple(slug) if isinstance(slug, list) and len(slug) == 2 else None)
        except (OSError, ValueError, AttributeError, TypeError):
            # No state, or a damaged one: everything is rebuilt, which is always safe.
            return cls(path)

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
