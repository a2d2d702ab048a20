"""The up-to-date check: each target's inputs by content hash, and why it must be rebuilt.

Every target depends on the manuscript, the fonts, publish's own code and the theme, except
that theme files named for another kind of output do not count (registry.py: a target's
`theme`: epub* files shape only the EPUB, print* ones only the PDFs), on the build options it
declares, and on the digests of the provisions it needs (the EPUB on the print layout's page
breaks, not on anything else of it).
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

from ..store import TEMPORARY
from ..version import __version__
from ..writers.target import Target
from .state import State

PACKAGE = Path(__file__).resolve().parent.parent
THEME = PACKAGE / "writers" / "theme"
OPTIONS = "<options>"


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
                      if not f.endswith((".pyc", TEMPORARY)) and not f.startswith(".")]
    return found


def snapshot(state: State, root: Path) -> dict[str, str]:
    """name → sha256 of every input file; names are relative to the project when they are inside it."""
    return {str(p.relative_to(root) if p.is_relative_to(root) else p): state.digest(p) for p in input_files(root)}


@functools.lru_cache(maxsize=4096)  # asked for every input of every target on every run, no-op ones too
def theme_scope(root: Path, name: str) -> str | None:
    """The kind of theme file `name` is ("epub", "print"), or None: it shapes every output.

    Theme files (the package's theme/ or the project's styles/) whose first path part starts
    with a target's `theme` prefix shape only the targets of that prefix; custom.css and
    everything else shape all."""
    path = Path(name) if Path(name).is_absolute() else root / name
    for folder in (THEME, root / "styles"):
        if path.is_relative_to(folder):
            first = path.relative_to(folder).parts[0]
            for prefix in ("epub", "print"):
                if first.startswith(prefix):
                    return prefix
    return None


def options_text(target: Target, options: object) -> str:
    """The build options a target's output depends on, with the tool's version."""
    return __version__ + "".join(f" {name}={getattr(options, name)}" for name in target.options)


def target_inputs(root: Path, target: Target, files: dict[str, str], options: str,
                  provisions: dict[str, str | None]) -> dict[str, str]:
    """The inputs of one target: its share of `files`, its options, and the digests of its needs."""
    inputs = {name: sha for name, sha in files.items() if theme_scope(root, name) in (None, target.theme)}
    inputs[OPTIONS] = hashlib.sha256(options.encode()).hexdigest()
    for need in target.needs:
        inputs[f"<{need}>"] = provisions.get(need) or "none"
    return inputs


def why_rebuild(state: State, target: str, inputs: dict[str, str], output: Path,
                describe: dict[str, str]) -> str | None:
    """None when `target` is up to date; otherwise the reason, naming the changed input.
    `describe`: what each provision is, for the message."""
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
            if name.startswith("<") and name[1:-1] in describe:
                return f"{describe[name[1:-1]]} changed"
            if name not in inputs:
                return f"{name} was removed"
            if name not in before:
                return f"{name} is new"
            return f"{name} changed"
    return None


def digest(inputs: dict[str, str]) -> str:
    return hashlib.sha256(repr(sorted(inputs.items())).encode()).hexdigest()


def remove_temporaries(build_dir: Path) -> list[Path]:
    """Delete half-written files left by a killed build (SIGKILL leaves no chance to clean up).

    Only called while holding the build lock, so no live build owns them."""
    removed = []
    if build_dir.is_dir():
        for path in build_dir.rglob(f".*{TEMPORARY}"):
            if path.parent.name != "preview":  # `publish serve` writes there without the lock
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed
