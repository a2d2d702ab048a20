"""The interface between make and the writers: targets declared as data, jobs, results, events.

A `Target` is one output file. It says what it is called, which theme files shape it, which
build options it depends on, what it needs from other targets and what it provides to them,
and which function builds it (by "module:attr", so that make can plan a build, and decide
that nothing is to be done, without importing any writer). registry.py lists them.

A builder is a function

    build(book: Book, job: Job, options: WriterOptions, sink: Sink) -> Iterator[Written | Provided]

that writes each of the job's outputs (store.write_bytes: atomically) and yields a `Written`
for each as soon as it is in place, and a `Provided` for what it provides (the print layout's
page marks) as soon as that is known, so that a target waiting for it can start.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..diagnostics import Diagnostic
from ..model import Book


@dataclass(frozen=True)
class Target:
    name: str  # "pdf-print": how make, the state file and messages name it
    file: str  # the output file in build/, "{slug}" replaced: "{slug}-print.pdf"
    builder: str  # "module:attr" of the build function
    command: str  # the `publish` command that builds it ("epub", "pdf"); `publish` builds all
    theme: str  # the prefix of the theme files that shape only this kind of output: "epub", "print"
    variant: str | None = None  # its name under `--variant` of its command ("screen", "print")
    group: str | None = None  # targets of one group due together are built by one job (one layout, two PDFs)
    options: tuple[str, ...] = ()  # the build options (fields of BuildOptions) its output depends on
    needs: tuple[str, ...] = ()  # provisions it is built from
    provides: tuple[str, ...] = ()  # provisions its builder yields
    warmup: Warmup | None = None  # work a free worker can do while this target waits for its needs
    in_all: bool = True  # built by a plain `publish`; False: only by its own command (an extra edition)

    def path(self, build_dir: Path, slug: str) -> Path:
        return build_dir / self.file.format(slug=slug)


@dataclass(frozen=True)
class Warmup:
    """A job with no output that makes a target faster once its needs arrive (the EPUB's font
    subsets, made while the print layout runs): run only when a worker would be idle."""

    name: str  # "epub-fonts"
    builder: str  # "module:attr", a builder that yields nothing


@dataclass(frozen=True)
class Provision:
    """Something one target's build provides to another's: the one real backward edge of the
    pipeline is the EPUB's page-list, which comes from the print layout's page breaks.

    make keeps the last value in the memo, so that a consumer built alone (`publish epub`)
    uses it without running the producer; with none kept, the consumer's job makes it itself
    (`standalone`). A consumer depends on the value's digest: when the producer runs and the
    value comes out the same, the consumer is not rebuilt.
    """

    name: str  # "page-marks"
    producer: str  # the target whose builder yields it
    codec: str  # module with encode(value) -> JSON, decode(JSON) -> value, refresh(value, book) -> value
    standalone: str  # "module:attr", a builder that yields only this provision
    describe: str  # for messages: "the print layout's page breaks"
    stale: str  # the note when a consumer uses a value kept from an older producer run


@dataclass(frozen=True)
class WriterOptions:
    embed_fonts: bool
    modified: dt.datetime  # dcterms:modified of the EPUB, the PDFs' dates
    cache: Path  # build/.cache: font subsets, the drawn cover
    jobs: int = 1  # processes a writer may use (-j): the PDF's runs are laid out side by side


@dataclass(frozen=True)
class Job:
    """Outputs built together, with what they need."""

    name: str  # the first target's name, or a warmup's
    outputs: tuple[tuple[str, Path], ...]  # (target name, output file)
    needs: Mapping[str, Any] = field(default_factory=dict)  # provision → value; None: make it in this job
    expected_pages: int | None = None  # last build's page count, for the progress bar

    def output(self, target: str) -> Path:
        return dict(self.outputs)[target]


@dataclass(frozen=True)
class Written:
    target: str
    size: int
    pages: int | None
    seconds: float
    diagnostics: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class Provided:
    name: str  # the provision
    value: Any
    pages: int | None
    seconds: float
    diagnostics: tuple[Diagnostic, ...] = ()


Result = Written | Provided


@dataclass(frozen=True)
class Event:
    """Progress of a long step, for the display (rich bars, step lines, nothing)."""

    output: str  # the file being built, e.g. "wlcb-2020-02.pdf"
    step: str  # "laying out pages", "writing PDF", "subsetting fonts" …
    done: int = 0
    total: int | None = None  # None: not known (yet)


Sink = Callable[[Event], None]


def ignore(event: Event) -> None:
    """The sink for --quiet and for output that is not a terminal."""


class Builder(Protocol):
    def __call__(self, book: Book, job: Job, options: WriterOptions, sink: Sink) -> Iterator[Result]: ...


def load(ref: str) -> Any:
    """The object a "module:attr" reference names, imported now."""
    module, _, attribute = ref.partition(":")
    return getattr(importlib.import_module(module), attribute)
