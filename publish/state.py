"""The up-to-date check: content hashes of every input, saved only after a target succeeds.

Like doit: a file whose mtime and size are unchanged is not hashed again, so a no-op
run reads only directory listings and one small JSON file.

Each target depends on the manuscript, the fonts, the tool's own code and the theme,
except that the EPUB does not depend on the print templates and CSS, nor the PDFs on
the EPUB ones. The EPUB depends on the print layout only through its page breaks
(the `<page-marks>` input), so a print-only style change that moves no page break
leaves it alone.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
STATE_FILE = ".publish-state.json"
OPTIONS = "<options>"
PAGE_MARKS = "<page-marks>"


@dataclass
class State:
    """Mutable by design: the file-digest memo fills up as files are hashed during one run."""

    path: Path
    files: dict[str, list] = field(default_factory=dict)  # path → [mtime_ns, size, sha256]
    targets: dict[str, dict] = field(default_factory=dict)  # target → {"inputs": {path: sha}, "output": sha, …}
    slug: tuple[str, str] | None = None  # (sha of publication.yaml, the slug it gives)

    @classmethod
    def load(cls, build_dir: Path) -> "State":
        path = build_dir / STATE_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            slug = data.get("slug")
            return cls(path, data.get("files", {}), data.get("targets", {}),
                       tuple(slug) if isinstance(slug, list) and len(slug) == 2 else None)
        except (OSError, ValueError, AttributeError):
            # No state, or a damaged one: everything is rebuilt, which is always safe.
            return cls(path)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"files": self.files, "targets": self.targets, "slug": self.slug},
                                        sort_keys=True), encoding="utf-8")
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

    def pages(self, target: str) -> int | None:
        """The page count of the last build of `target`: the expected total for a progress bar."""
        return self.targets.get(target, {}).get("pages")


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


def snapshot(state: State, root: Path) -> dict[str, str]:
    """name → sha256 of every input file; names are relative to the project when they are inside it."""
    return {str(p.relative_to(root) if p.is_relative_to(root) else p): state.digest(p) for p in input_files(root)}


@functools.lru_cache(maxsize=4096)  # asked for every input of every target on every run, no-op ones too
def theme_scope(root: Path, name: str) -> str:
    """"epub", "pdf" or "all": which targets a file can change.

    Theme files (the package's theme/ or the project's styles/) named epub* shape only the
    EPUB and print* only the PDFs; custom.css and everything else shape both.
    """
    path = Path(name) if Path(name).is_absolute() else root / name
    for folder in (PACKAGE / "theme", root / "styles"):
        if path.is_relative_to(folder):
            first = path.relative_to(folder).parts[0]
            if first.startswith("epub"):
                return "epub"
            if first.startswith("print"):
                return "pdf"
    return "all"


def target_inputs(root: Path, target: str, files: dict[str, str], options: str,
                  page_marks: str | None = None) -> dict[str, str]:
    """The inputs of one target: its share of `files`, its options and, for the EPUB, the page breaks."""
    kind = "epub" if target == "epub" else "pdf"
    inputs = {name: sha for name, sha in files.items() if theme_scope(root, name) in ("all", kind)}
    inputs[OPTIONS] = hashlib.sha256(options.encode()).hexdigest()
    if target == "epub":
        inputs[PAGE_MARKS] = page_marks or "none"
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
            if name == OPTIONS:
                return "build options or the publish version changed"
            if name == PAGE_MARKS:
                return "the print layout's page breaks changed"
            if name not in inputs:
                return f"{name} was removed"
            if name not in before:
                return f"{name} is new"
            return f"{name} changed"
    return None


def record(state: State, target: str, inputs: dict[str, str], output: Path, pages: int | None = None) -> None:
    state.targets[target] = {"inputs": inputs, "output": state.digest(output), "pages": pages}


def remove_temporaries(build_dir: Path) -> list[Path]:
    """Delete half-written outputs left by a killed build (SIGKILL leaves no chance to clean up).

    Only called while holding the build lock, so no live build owns them.
    """
    removed = []
    if build_dir.is_dir():
        for path in build_dir.glob(".*.tmp"):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
