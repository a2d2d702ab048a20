"""The up-to-date check: content hashes of every input, saved only after a target succeeds.

Like doit: a file whose mtime and size are unchanged is not hashed again, so a no-op
run reads only directory listings and one small JSON file.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
STATE_FILE = ".publish-state.json"


@dataclass
class State:
    path: Path
    files: dict[str, list] = field(default_factory=dict)  # path → [mtime_ns, size, sha256]
    targets: dict[str, dict] = field(default_factory=dict)  # target → {"inputs": {path: sha}, "output": sha}

    @classmethod
    def load(cls, build_dir: Path) -> "State":
        path = build_dir / STATE_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(path, data.get("files", {}), data.get("targets", {}))
        except (OSError, ValueError):
            return cls(path)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"files": self.files, "targets": self.targets}, sort_keys=True),
                             encoding="utf-8")
        os.replace(temporary, self.path)

    def digest(self, path: Path) -> str:
        stat = path.stat()
        key = str(path)
        known = self.files.get(key)
        if known and known[0] == stat.st_mtime_ns and known[1] == stat.st_size:
            return known[2]
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        self.files[key] = [stat.st_mtime_ns, stat.st_size, sha]
        return sha


def input_files(root: Path) -> list[Path]:
    """Everything that can change an output: the manuscript, styles, fonts and the tool itself."""
    folders = [root / "manuscript", root / "styles", root / "fonts", PACKAGE]
    tool_fonts = PACKAGE.parent / "fonts"
    if tool_fonts.resolve() != (root / "fonts").resolve():
        folders.append(tool_fonts)
    found: list[Path] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and not d.startswith("."))
            found += [Path(dirpath) / f for f in sorted(filenames)
                      if not f.endswith((".pyc", ".tmp")) and not f.startswith(".")]
    return found


def snapshot(state: State, root: Path, options: str) -> dict[str, str]:
    inputs = {str(p.relative_to(root) if p.is_relative_to(root) else p): state.digest(p) for p in input_files(root)}
    inputs["<options>"] = hashlib.sha256(options.encode()).hexdigest()
    return inputs


def why_rebuild(state: State, target: str, inputs: dict[str, str], output: Path) -> str | None:
    """None when `target` is up to date; otherwise the reason, naming the changed input."""
    record = state.targets.get(target)
    if record is None:
        return "never built"
    if not output.is_file():
        return f"{output.name} is missing"
    if state.digest(output) != record.get("output"):
        return f"{output.name} was changed outside publish"
    before = record.get("inputs", {})
    for name in sorted(set(before) | set(inputs)):
        if before.get(name) != inputs.get(name):
            if name == "<options>":
                return "build options changed"
            if name not in inputs:
                return f"{name} was removed"
            if name not in before:
                return f"{name} is new"
            return f"{name} changed"
    return None


def record(state: State, target: str, inputs: dict[str, str], output: Path) -> None:
    state.targets[target] = {"inputs": inputs, "output": state.digest(output)}
