"""The `publish` command: make-like targets over the build pipeline, with exit codes 0/1/2."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

from . import __version__
from .build import TARGETS, BuildOptions, build, check, clean
from .diagnostics import PublishError, Report

COMMANDS = ("all", "epub", "pdf", "check", "clean", "init", "new")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="publish", description="Build a Chinese magazine or book manuscript into "
                                "EPUB 3 and print PDF (build/<slug>.epub, build/<slug>.pdf, build/<slug>-print.pdf).")
    p.add_argument("command", nargs="?", default="all", choices=COMMANDS,
                   help="all (default): EPUB and both PDFs; epub; pdf; check: validate only; clean: empty build/; "
                        "init DIR: new project; new TITLE: new article")
    p.add_argument("args", nargs="*", help="DIR for init; TITLE for new")
    p.add_argument("-C", dest="directory", default=".", metavar="DIR", help="run on the project in DIR")
    p.add_argument("--variant", choices=("screen", "print"), help="with pdf: build only this variant")
    p.add_argument("--section", help="with new: the section (栏目) to list the article in")
    p.add_argument("--force", action="store_true", help="rebuild even if up to date")
    p.add_argument("--dry-run", "-n", action="store_true", help="say what would be rebuilt and why; build nothing")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("--no-embed-fonts", action="store_true", help="EPUB without embedded fonts")
    p.add_argument("-q", "--quiet", action="store_true", help="print only diagnostics")
    p.add_argument("-v", "--verbose", action="store_true", help="print engine messages and tracebacks")
    p.add_argument("--version", action="version", version=f"publish {__version__}")
    return p


def print_report(report: Report, root: Path, strict: bool) -> None:
    for diagnostic in report.items:
        print(diagnostic.format(root), file=sys.stderr)
    if report.items:
        errors, warnings = len(report.errors), len(report.warnings)
        failed = "; --strict: warnings are errors" if strict and warnings else ""
        print(f"{errors} error(s), {warnings} warning(s){failed}", file=sys.stderr)


def _human(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    root = Path(args.directory)
    if not root.is_dir():
        print(f"publish: -C {args.directory}: no such directory", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING if args.verbose else logging.CRITICAL, format="%(name)s: %(message)s")
    for name in ("weasyprint", "fontTools", "PIL"):
        logging.getLogger(name).setLevel(logging.WARNING if args.verbose else logging.CRITICAL)
    quiet = args.quiet or not sys.stdout.isatty() and not args.verbose
    say = (lambda message: None) if args.quiet else (lambda message: print(message))
    report = Report()
    started = time.perf_counter()
    try:
        if args.command == "init":
            from .scaffold import init_project

            if len(args.args) != 1:
                print("publish init: give the new project's directory: publish init DIR", file=sys.stderr)
                return 2
            init_project(Path(args.args[0]))
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
        if args.command == "clean":
            removed = clean(root)
            say(f"removed {len(removed)} item(s) from build/")
            return 0
        if args.command == "check":
            model = check(root, report)
            print_report(report, root, args.strict)
            if model is None or report.failed(args.strict):
                return 1
            say(f"{len(model.rendered)} articles, {sum(len(r.figures) for r in model.rendered)} figures: OK")
            return 0
        targets = {"all": TARGETS, "epub": ("epub",),
                   "pdf": (f"pdf-{args.variant}",) if args.variant else ("pdf-screen", "pdf-print")}[args.command]
        if args.args:
            print(f"publish {args.command}: unexpected argument {args.args[0]!r}", file=sys.stderr)
            return 2
        options = BuildOptions(targets, args.force, args.dry_run, not args.no_embed_fonts, args.strict)
        outputs = build(root, options, report, progress=(lambda m: None) if quiet else say)
    except PublishError:
        print_report(report, root, args.strict)
        return 1
    except KeyboardInterrupt:
        print("publish: interrupted; the previous outputs are untouched", file=sys.stderr)
        return 130
    except Exception as exc:  # an engine failure: report it as a diagnostic, not a traceback
        if args.verbose:
            raise
        print_report(report, root, args.strict)
        print(f"error E303: internal error: {exc.__class__.__name__}: {exc} (run with --verbose for details)",
              file=sys.stderr)
        return 1
    print_report(report, root, args.strict)
    if report.failed(args.strict):
        return 1
    if not args.quiet:
        show_summary(outputs, time.perf_counter() - started, args.dry_run)
    return 0


def show_summary(outputs, seconds: float, dry_run: bool) -> None:
    if all(not o.built for o in outputs) and not dry_run:
        print(f"everything is up to date ({seconds:.2f} s)")
        return
    if dry_run:
        for output in outputs:
            state = f"would rebuild: {output.reason}" if output.reason else "up to date"
            print(f"{output.path.name}: {state}")
        return
    rows = [(o.path.name, str(o.pages or "") if o.pages else "", _human(o.size) if o.built else "",
             f"{o.seconds:.1f} s" if o.built else "up to date") for o in outputs]
    if sys.stdout.isatty() and not os.environ.get("NO_COLOR"):
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"publish: built in {seconds:.1f} s")
        for column in ("output", "pages", "size", "time"):
            table.add_column(column)
        for row in rows:
            table.add_row(*row)
        Console().print(table)
    else:
        for row in rows:
            print("  ".join(x for x in row if x))
        print(f"built in {seconds:.1f} s")


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
