"""The `publish` command: make-like targets over the build pipeline, with exit codes 0/1/2."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

from .diagnostics import Diagnostic, PublishError, Report, codes
from .make.progress import StepLines
from .version import __version__
from .writers.registry import commands, variants
from .writers.target import ignore

BUILDS = commands()  # from the registry of targets: all, epub, pdf …
COMMANDS = (*BUILDS, "check", "clean", "explain", "import", "init", "new", "serve", "watch")


# Two workers are all a build can use (the PDFs' layout, then the EPUB beside their writing),
# and they make a cold build of the sample nearly twice as fast as one.
DEFAULT_JOBS = min(2, os.cpu_count() or 1)


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a number of jobs, 1 or more: {text!r}")
    return int(text)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="publish", description="Build a Chinese magazine or book manuscript into "
                                "EPUB 3 and print PDF (build/<slug>.epub, build/<slug>.pdf, build/<slug>-print.pdf).")
    p.add_argument("command", nargs="?", default="all", choices=COMMANDS,
                   help="all (default): EPUB and both PDFs; epub; pdf; check: validate only; clean: empty build/; "
                        "explain CODE: what a diagnostic means; import SOURCE DEST: a book written for mdBook, "
                        "MkDocs, GitBook, docsify, a folder of Markdown or a .docx → a new project; init DIR: new "
                        "project; new TITLE: new article; serve: live HTML preview; watch: the outputs of all rebuilt "
                        "after every save")
    p.add_argument("args", nargs="*", help="DIR for init; TITLE for new; CODE for explain; SOURCE DEST for import "
                   "(relative to -C DIR)")
    p.add_argument("-C", dest="directory", default=".", metavar="DIR", help="run on the project in DIR")
    p.add_argument("--variant", choices=tuple(variants("pdf")), help="with pdf: build only this variant")
    p.add_argument("--section", help="with new: the section (栏目) to list the article in")
    p.add_argument("--port", type=int, default=8000, help="with serve: the port on 127.0.0.1 (0: any free one)")
    p.add_argument("-j", "--jobs", type=_jobs, default=DEFAULT_JOBS, metavar="N",
                   help="worker processes: the PDFs in one, the EPUB in another (default: 2 on a machine "
                        "with 2 CPUs or more; 1 builds everything in this process)")
    p.add_argument("--force", action="store_true", help="rebuild even if up to date; with import: replace the "
                   "manuscript/ of the project DEST")
    p.add_argument("--map-url", action="append", default=[], metavar="PREFIX=FOLDER",
                   help="with import: images (and links) whose URL starts with PREFIX are the files under FOLDER "
                        "of the book (repeatable)")
    p.add_argument("--dry-run", "-n", action="store_true", help="say what would be rebuilt and why; build nothing")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("--no-embed-fonts", action="store_true", help="EPUB without embedded fonts")
    p.add_argument("-q", "--quiet", action="store_true", help="print only diagnostics")
    p.add_argument("-v", "--verbose", action="store_true", help="print each step, engine messages and tracebacks")
    p.add_argument("--version", action="version", version=f"publish {__version__}")
    return p


def print_report(report: Report, root: Path, strict: bool) -> None:
    for diagnostic in report.items:
        print(diagnostic.format(root), file=sys.stderr)
    if report.items:
        errors, warnings = len(report.errors), len(report.warnings)
        failed = "; --strict: warnings are errors" if strict and warnings else ""
        print(f"{errors} error(s), {warnings} warning(s){failed}", file=sys.stderr)
    if report.suppressed:
        print(f"{report.suppressed} warning(s) suppressed by publication.yaml", file=sys.stderr)


def _human(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def progress_display(args) -> contextlib.AbstractContextManager:
    """Progress bars on a terminal; step lines with --verbose otherwise; nothing with --quiet."""
    if args.quiet:
        return contextlib.nullcontext(ignore)
    if sys.stderr.isatty():
        from .make.progress import Bars

        return Bars()
    return contextlib.nullcontext(StepLines() if args.verbose else ignore)


def _tell(message: str) -> None:
    print(f"publish: {message}", file=sys.stderr, flush=True)


def _silent(message: str) -> None:
    pass


def _terminate(signum, frame) -> None:
    raise KeyboardInterrupt  # unwinds through write_atomic, which removes its temporary file


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if threading.current_thread() is threading.main_thread():
        # SIGTERM (kill, a CI timeout) stops a build as Ctrl-C does: previous outputs kept, no temporaries.
        signal.signal(signal.SIGTERM, _terminate)
    root = Path(args.directory)
    if not root.is_dir():
        print(f"publish: -C {args.directory}: no such directory", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING if args.verbose else logging.CRITICAL, format="%(name)s: %(message)s")
    for name in ("weasyprint", "fontTools", "PIL"):
        logging.getLogger(name).setLevel(logging.WARNING if args.verbose else logging.CRITICAL)
    say = (lambda message: None) if args.quiet else (lambda message: print(message))
    report = Report()
    started = time.perf_counter()
    try:
        if args.command == "explain":
            return explain(args.args)
        if args.command == "init":
            from .scaffold import init_project

            if len(args.args) != 1:
                print("publish init: give the new project's directory: publish init DIR", file=sys.stderr)
                return 2
            try:
                init_project(Path(args.args[0]))
            except FileExistsError as exc:
                print(f"publish init: {exc}; give a new or empty directory", file=sys.stderr)
                return 1
            say(f"created {args.args[0]}: cd there and run publish")
            return 0
        if args.command == "new":
            from .scaffold import new_article

            if len(args.args) != 1:
                print('publish new: give the title: publish new "标题" [--section 风向]', file=sys.stderr)
                return 2
            path = new_article(root, args.args[0], args.section, report)
            print_report(report, root, args.strict)
            if path is None:
                return 1
            say(f"created {path}")
            return 0
        if args.command == "import":
            return import_command(root, args, report, say)
        if args.args:
            print(f"publish {args.command}: unexpected argument {args.args[0]!r}", file=sys.stderr)
            return 2
        if args.command == "clean":
            from .make import clean

            removed = clean(root)
            say(f"removed {len(removed)} item(s) from build/")
            return 0
        if args.command == "check":
            from .checks import check

            book = check(root, report)
            print_report(report, root, args.strict)
            if book is None or report.failed(args.strict):
                return 1
            say(f"{len(book.rendered)} articles, {sum(len(r.figures) for r in book.rendered)} figures: OK")
            return 0
        if args.command == "serve":
            from .serve import serve

            return serve(root, args.port, quiet=args.quiet)
        from .make import BuildOptions

        targets = BUILDS["all" if args.command == "watch" else args.command]
        if args.variant:
            if args.command != "pdf":
                print(f"publish {args.command}: --variant is for publish pdf", file=sys.stderr)
                return 2
            targets = (variants("pdf")[args.variant],)
        if args.command == "watch" and args.dry_run:
            print("publish watch: --dry-run builds nothing to watch; run publish -n", file=sys.stderr)
            return 2
        options = BuildOptions(targets, args.force, args.dry_run, not args.no_embed_fonts, args.strict, args.jobs)
        if args.command == "watch":
            from .make.watch import watch

            sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # each build's lines as they come

            # --force rebuilds the first build, not every save's.
            later = BuildOptions(targets, False, False, options.embed_fonts, options.strict, options.jobs)
            return watch(root.resolve(), targets, args.jobs, lambda runner, first: build_command(
                root, args, options if first else later, Report(), runner), say)
        return build_command(root, args, options, report, started=started)
    except PublishError as exc:
        report.extend(exc.report)  # a writer's own diagnostics (e.g. a broken template)
        print_report(report, root, args.strict)
        return 1
    except KeyboardInterrupt:
        print("publish: interrupted; the previous outputs are untouched", file=sys.stderr)
        return 130
    except Exception as exc:  # an engine failure: report it as a diagnostic; the traceback only with -v
        return internal_error(exc, report, root, args)


def build_command(root: Path, args, options, report: Report, runner=None, started: float | None = None) -> int:
    """One build (of `publish`, or one of `publish watch`'s, with its kept `runner`): its
    progress, diagnostics and summary shown; the exit code."""
    from .make import build

    started = time.perf_counter() if started is None else started
    try:
        with progress_display(args) as sink:
            outputs = build(root, options, report, sink, tell=_tell if not args.quiet else _silent, runner=runner)
    except PublishError as exc:
        report.extend(exc.report)  # a writer's own diagnostics (e.g. a broken template)
        print_report(report, root, args.strict)
        if runner is not None:
            print(f"publish watch: not rebuilt: {len(report.errors)} error(s); the last outputs stay",
                  file=sys.stderr)
        return 1
    except Exception as exc:  # an engine failure: report it as a diagnostic; the traceback only with -v
        return internal_error(exc, report, root, args)
    print_report(report, root, args.strict)
    if report.failed(args.strict):
        return 1
    if not args.quiet:
        show_summary(outputs, time.perf_counter() - started, args.dry_run)
    return 0


def internal_error(exc: Exception, report: Report, root: Path, args) -> int:
    print_report(report, root, args.strict)
    if args.verbose:
        import traceback

        # A worker's failure carries the worker's traceback; the parent's would show only the queue.
        print(getattr(exc, "details", "") or traceback.format_exc(), file=sys.stderr)
    hint = "" if args.verbose else " (run with --verbose for details)"
    failure = Diagnostic.of(codes.INTERNAL_ERROR, f"internal error: {exc.__class__.__name__}: {exc}{hint}")
    print(failure.format(), file=sys.stderr)
    return 1


def import_command(root: Path, args, report: Report, say) -> int:
    """`publish import SOURCE DEST [--map-url PREFIX=FOLDER] [--force]`."""
    from .importer import ImportOptions, import_book

    if len(args.args) != 2:
        print("publish import: give the book and the new project's folder: publish import SOURCE DEST",
              file=sys.stderr)
        return 2
    maps = []
    for item in args.map_url:
        prefix, equals, folder = item.partition("=")
        if not equals or not prefix or not folder:
            print(f"publish import: --map-url wants PREFIX=FOLDER, got {item!r}", file=sys.stderr)
            return 2
        maps.append((prefix, folder))
    source, dest = (root / a for a in args.args)
    shown = " ".join(["publish import", *args.args, *(f"--map-url {m}" for m in args.map_url)])
    imported = import_book(source, dest, ImportOptions(tuple(maps), args.force, shown), report)
    print_report(report, root, args.strict)
    if imported is None or report.failed(args.strict):
        return 1
    outline = imported.outline
    sections = sum(1 for part in outline.parts if part.title is not None)
    title = outline.meta.get("title") or outline.source.name
    what = f"the Word document '{title}'" if outline.kind == "Word" else \
        f"{imported.chapters} chapter(s) ({sections} section(s)) and {imported.images} image(s) of the " \
        f"{outline.kind} book '{title}'"
    say(f"imported {what} into {args.args[1]}; next: publish -C {args.args[1]} check")
    return 0


def explain(args: list[str]) -> int:
    """`publish explain E206`: what a diagnostic code means (all of them without an argument)."""
    from .diagnostics.codes import REGISTRY, lookup

    if len(args) > 1:
        print("publish explain: give one code: publish explain E206", file=sys.stderr)
        return 2
    chosen = [lookup(args[0].upper())] if args else sorted(REGISTRY.values(), key=lambda c: c.code[1:])
    if None in chosen:
        print(f"publish explain: {args[0]} is no diagnostic code (they are listed in docs/diagnostics.md)",
              file=sys.stderr)
        return 1
    for code in chosen:
        assert code is not None
        print(f"{code.code} ({code.severity.value}): {code.summary}\n  {code.docs}")
    return 0


def show_summary(outputs, seconds: float, dry_run: bool) -> None:
    if dry_run:
        for output in outputs:
            if output.maybe:
                state = f"rebuilt only if {output.maybe} change"
            else:
                state = f"would rebuild: {output.reason}" if output.reason else "up to date"
            print(f"{output.path.name}: {state}")
        return
    if all(not o.built for o in outputs):
        print(f"everything is up to date ({seconds:.2f} s)")
        return
    rows = [(o.path.name, str(o.pages) if o.pages else "", _human(o.size) if o.built else "",
             f"{o.seconds:.1f} s" if o.built else "up to date", o.reason if o.built else "") for o in outputs]
    notes = [f"{o.path.name}: {o.note}" for o in outputs if o.note]
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"publish: built in {seconds:.1f} s")
        for column, right in (("output", False), ("pages", True), ("size", True), ("time", True), ("why", False)):
            table.add_column(column, justify="right" if right else "left")
        for row in rows:
            table.add_row(*row)
        console = Console()  # honours NO_COLOR
        console.print(table)
        for note in notes:
            console.print(note, markup=False, highlight=False)
    else:
        for row in rows:
            print("  ".join(x for x in row if x))
        for note in notes:
            print(note)
        print(f"built in {seconds:.1f} s")


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
