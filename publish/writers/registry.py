"""The outputs publish can build, as data: one line per target (see target.py).

A new edition (an HTML web edition, a store-specific EPUB, a vertical EPUB) is a module with
a builder plus one line here; make, the state file and the CLI's choices follow from it.
Importing this module imports no writer.
"""

from __future__ import annotations

from .target import Provision, Target, Warmup

PAGE_MARKS = Provision(
    name="page-marks", producer="pdf-print", codec="publish.writers.epub.pagelist",
    standalone="publish.writers.pdf:page_marks", describe="the print layout's page breaks",
    stale="page-list from the last print layout")

TARGETS = (
    Target("epub", "{slug}.epub", "publish.writers.epub:build", command="epub", theme="epub",
           options=("embed_fonts",), needs=(PAGE_MARKS.name,),
           warmup=Warmup("epub-fonts", "publish.writers.epub:warm_fonts")),
    Target("pdf-screen", "{slug}.pdf", "publish.writers.pdf:build", command="pdf", variant="screen", theme="print",
           group="pdf"),
    Target("pdf-print", "{slug}-print.pdf", "publish.writers.pdf:build", command="pdf", variant="print",
           theme="print", group="pdf", provides=(PAGE_MARKS.name,)),
    # The vertical EPUB beside the horizontal one (writers/epub/vertical.py): `publish epub-vertical`.
    Target("epub-vertical", "{slug}-vertical.epub", "publish.writers.epub:build_vertical", command="epub-vertical",
           theme="epub", options=("embed_fonts",), needs=(PAGE_MARKS.name,), in_all=False),
)
# What make and the CLI look targets up in (a dict, so that a test can add one).
BY_NAME = {target.name: target for target in TARGETS}
PROVISIONS = {PAGE_MARKS.name: PAGE_MARKS}


def commands() -> dict[str, tuple[str, ...]]:
    """`publish` command → the targets it builds ("all" builds every one)."""
    found: dict[str, tuple[str, ...]] = {"all": tuple(name for name, t in BY_NAME.items() if t.in_all)}
    for target in BY_NAME.values():
        found[target.command] = found.get(target.command, ()) + (target.name,)
    return found


def variants(command: str) -> dict[str, str]:
    """--variant value → target, for a command that builds several variants."""
    return {t.variant: t.name for t in BY_NAME.values() if t.command == command and t.variant}
