"""Diagnostics: what went wrong, where, and how to fix it.

Every user-facing problem is a `Diagnostic` with a stable code (documented in
docs/diagnostics.md), so editors can search for it and tests can assert on it.
Stages collect diagnostics instead of raising, so one run reports every error.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field
from pathlib import Path


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    path: Path | None = None
    line: int | None = None
    col: int | None = None
    hint: str | None = None

    def format(self, root: Path | None = None) -> str:
        where = ""
        if self.path is not None:
            shown = self.path
            if root is not None:
                # The path as named (a symlink stays the symlink), else with its links followed.
                for candidate in (self.path.absolute(), Path(os.path.realpath(self.path))):
                    try:
                        shown = candidate.relative_to(root.resolve())
                        break
                    except ValueError:
                        pass
            where = f"{shown}:{self.line or 1}:{self.col or 1}: "
        text = f"{where}{self.severity.value} {self.code}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


@dataclass
class Report:
    """Collects diagnostics from every stage of one run."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        if diagnostic not in self.items:
            self.items.append(diagnostic)

    def error(self, code: str, message: str, path: Path | None = None, line: int | None = None,
              col: int | None = None, hint: str | None = None) -> None:
        self.add(Diagnostic(code, Severity.ERROR, message, path, line, col, hint))

    def warning(self, code: str, message: str, path: Path | None = None, line: int | None = None,
                col: int | None = None, hint: str | None = None) -> None:
        self.add(Diagnostic(code, Severity.WARNING, message, path, line, col, hint))

    def extend(self, other: "Report") -> None:
        for item in other.items:
            self.add(item)

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
