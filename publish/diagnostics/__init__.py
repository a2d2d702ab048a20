"""Diagnostics: what went wrong, where, and how to fix it.

Every user-facing problem is a `Diagnostic` with a stable code declared in `codes.py`
(which also decides its severity and documents it in docs/diagnostics.md), so editors can
search for it and tests can assert on it. Stages collect diagnostics in a `Report` instead
of raising, so one run reports every error. A project may suppress warnings it has
accepted (publication.yaml `suppress`); errors cannot be suppressed.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path

from .codes import Code, Severity

__all__ = ["Code", "Diagnostic", "PublishError", "Report", "Severity", "Suppression"]


@dataclass(frozen=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    path: Path | None = None
    line: int | None = None
    col: int | None = None
    hint: str | None = None

    @classmethod
    def of(cls, code: Code, message: str, path: Path | None = None, line: int | None = None,
           col: int | None = None, hint: str | None = None) -> Diagnostic:
        """A diagnostic of a declared code: the registry decides its severity."""
        return cls(code.code, code.severity, message, path, line, col, hint)

    def format(self, root: Path | None = None) -> str:
        where = ""
        if self.path is not None:
            where = f"{shown_path(self.path, root)}:{self.line or 1}:{self.col or 1}: "
        text = f"{where}{self.severity.value} {self.code}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


def shown_path(path: Path, root: Path | None) -> Path:
    """`path` relative to the project: as named (a symlink stays the symlink), else with its links followed."""
    if root is not None:
        for candidate in (path.absolute(), Path(os.path.realpath(path))):
            try:
                return candidate.relative_to(root.resolve())
            except ValueError:
                pass
    return path


@dataclass(frozen=True)
class Suppression:
    """A warning a project has accepted: everywhere, or only in the files a glob matches."""

    code: str
    files: str | None = None  # a glob relative to the project root, e.g. "manuscript/articles/brief-*.md"

    def matches(self, diagnostic: Diagnostic, root: Path | None) -> bool:
        if diagnostic.code != self.code:
            return False
        if self.files is None:
            return True
        if diagnostic.path is None:
            return False
        return fnmatch.fnmatchcase(shown_path(diagnostic.path, root).as_posix(), self.files)


@dataclass
class Report:
    """Collects diagnostics from every stage of one run."""

    items: list[Diagnostic] = field(default_factory=list)
    suppressions: tuple[Suppression, ...] = ()
    root: Path | None = None  # for the file globs of suppressions
    suppressed: int = 0  # how many diagnostics were left out

    def add(self, code: Code, message: str, path: Path | None = None, line: int | None = None,
            col: int | None = None, hint: str | None = None) -> None:
        self.keep(Diagnostic.of(code, message, path, line, col, hint))

    def keep(self, diagnostic: Diagnostic) -> None:
        """Add a diagnostic made elsewhere (a worker process, a memo of an earlier run)."""
        if diagnostic in self.items:
            return
        if diagnostic.severity is Severity.WARNING and any(s.matches(diagnostic, self.root)
                                                            for s in self.suppressions):
            self.suppressed += 1
            return
        self.items.append(diagnostic)

    def extend(self, other: Report) -> None:
        for item in other.items:
            self.keep(item)

    def suppress(self, suppressions: tuple[Suppression, ...], root: Path) -> None:
        """From now on, and for what was reported so far, leave out the warnings `suppressions` match."""
        self.suppressions, self.root = tuple(suppressions), root
        kept, self.items = self.items, []
        for item in kept:
            self.keep(item)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))


class PublishError(Exception):
    """Raised when a stage cannot go on; carries the diagnostics that explain why."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__("\n".join(d.format() for d in report.errors) or "build failed")
