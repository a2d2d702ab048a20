"""A run's page furniture (its margin boxes: folios, running heads) made apart from its body,
so that a run moved by an earlier run's new page count keeps its layout (an engine extension
for runwork.py and runbuild.py).

WeasyPrint 70 lays a document's pages out first and makes their margin boxes in a second pass
(`layout_document`), from three things per page: its page type (side, blank, name, page
groups), its page-based counters, and the named strings set so far. Within `recording()`, a
run is laid out without margin boxes and those three are kept (a `Plan`, JSON). Within
`furnishing(plan, shift)`, a document with an empty body is "laid out" as the plan's pages,
`shift` pages later in the book (the page counter moved, the sides swapped when the shift is
odd), each page holding its margin boxes alone: painted, they are drawn over the body's pages
(assemble.py). The body of a page that changes side is moved across by the difference of the
two sides' content boxes (`Furnished.dx`).

A plan moves any even number of pages. An odd shift is refused (the run is laid out again) for
a run whose pages break by their side (a blank page, a break to a left or right page), whose
pages have a background (it would move with the body), or whose left and right pages differ in
more than their side margins (`Unmovable`, found as the other side's page boxes are made). A run whose margin boxes show
running elements (`element()`) is laid out with its margin boxes, and is never moved.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from . import runstart
from .engine import check_version


@dataclass(frozen=True)
class PageState:
    side: str
    blank: bool
    name: str
    index: int
    groups: tuple[tuple[str, int], ...]
    counters: dict[str, list[int]]  # the page-based counters, as the margin boxes see them
    x: float  # the content box's left edge, CSS px
    plain: bool  # without a page or canvas background
    area: tuple[float, ...]  # where the content goes but for the side margins (runstart.area)


@dataclass(frozen=True)
class Plan:
    """What a run's margin boxes are made from, for every page (JSON-able)."""

    pages: tuple[PageState, ...]
    strings: dict[str, dict[int, list[str]]]  # name → page number (from 1) → the texts set on it
    sided: bool  # pages break by their side: a blank page, a break to a side

    def movable(self, shift: int) -> bool:
        return shift % 2 == 0 or not (self.sided or not all(page.plain for page in self.pages))

    def to_json(self) -> dict[str, Any]:
        return {"pages": [[p.side, p.blank, p.name, p.index, [list(g) for g in p.groups], p.counters, p.x, p.plain,
                           list(p.area)] for p in self.pages],
                "strings": {name: {str(number): texts for number, texts in pages.items()}
                            for name, pages in self.strings.items()},
                "sided": self.sided}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        pages = tuple(PageState(side, blank, name, index, tuple((g[0], g[1]) for g in groups),
                                {k: list(v) for k, v in counters.items()}, x, plain, tuple(area))
                      for side, blank, name, index, groups, counters, x, plain, area in data["pages"])
        strings = {name: {int(number): list(texts) for number, texts in pages_.items()}
                   for name, pages_ in data["strings"].items()}
        return cls(pages, strings, bool(data["sided"]))


@dataclass
class Recorder:
    pages: list[PageState] = field(default_factory=list)
    strings: dict[str, dict[int, list[str]]] = field(default_factory=dict)
    sided: bool = False
    running: bool = False  # the margin boxes may show running elements: made with the body

    def plan(self) -> Plan | None:
        return None if self.running else Plan(tuple(self.pages), self.strings, self.sided)


class Unmovable(Exception):
    """The run's pages do not fit the other side's page boxes (they differ in more than the side
    margins): it is laid out again."""


@dataclass
class Furnished:
    """What a furnishing found: each page's horizontal move of the body, CSS px."""

    dx: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class _Furnishing:
    plan: Plan
    shift: int
    found: Furnished


_recording: contextvars.ContextVar[Recorder | None] = contextvars.ContextVar("publish_recording", default=None)
_furnishing: contextvars.ContextVar[_Furnishing | None] = contextvars.ContextVar("publish_furnishing",
                                                                                  default=None)


@contextlib.contextmanager
def recording() -> Iterator[Recorder]:
    """Within the block, documents are laid out without margin boxes, their plan recorded."""
    recorder = Recorder()
    token = _recording.set(recorder)
    try:
        yield recorder
    finally:
        _recording.reset(token)


@contextlib.contextmanager
def furnishing(plan: Plan, shift: int) -> Iterator[Furnished]:
    """Within the block, a document laid out is the margin boxes of `plan`'s pages, `shift`
    pages later (its own body is not laid out)."""
    found = Furnished()
    token = _furnishing.set(_Furnishing(plan, shift, found))
    try:
        yield found
    finally:
        _furnishing.reset(token)


def install() -> None:
    """Patch WeasyPrint once per process; idempotent."""
    from weasyprint import document, layout

    if getattr(layout.make_margin_boxes, "publish_furniture", False):
        return
    check_version("page furniture")
    stock_boxes, stock_backgrounds, stock_layout = layout.make_margin_boxes, layout.layout_backgrounds, \
        document.layout_document

    def make_margin_boxes(context, page, state):
        recorder = _recording.get()
        if recorder is None:
            return stock_boxes(context, page, state)
        if not recorder.pages:
            recorder.running = any(pages for pages in context.running_elements.values())
            recorder.strings = {name: {number: list(texts) for number, texts in pages.items() if texts}
                                for name, pages in context.string_set.items()}
            recorder.sided = runstart.breaks_to_a_side(context)
        page_type = page.page_type
        recorder.sided = recorder.sided or page_type.blank
        counters = {name: [int(v) for v in values] for name, values in state[1].items()
                    if all(isinstance(v, int) for v in values)}
        recorder.pages.append(PageState(page_type.side, bool(page_type.blank), page_type.name or "",
                                        int(page_type.index), tuple((n, int(i)) for n, i in page_type.groups),
                                        counters, float(page.content_box_x()), True,
                                        tuple(float(v) for v in runstart.area(page))))
        return stock_boxes(context, page, state) if recorder.running else iter(())

    def layout_backgrounds(page, get_image_from_uri):
        stock_backgrounds(page, get_image_from_uri)
        recorder = _recording.get()
        if recorder is not None and recorder.pages and (_painted(page.background) or _painted(page.canvas_background)):
            last = recorder.pages[-1]
            recorder.pages[-1] = PageState(**{**last.__dict__, "plain": False})

    def layout_document(html, root_box, context, max_loops=8):
        furnishing_ = _furnishing.get()
        if furnishing_ is None:
            return stock_layout(html, root_box, context, max_loops)
        return _furnished(html, root_box, context, furnishing_, stock_boxes)

    make_margin_boxes.publish_furniture = True  # type: ignore[attr-defined]
    layout.make_margin_boxes = make_margin_boxes
    layout.layout_backgrounds = layout_backgrounds
    document.layout_document = layout_document


def _matched(style_for, page_type) -> tuple:
    """Which selectors of which @page rules match `page_type` (as the cascade tells them)."""
    return tuple((i, j, k) for i, (sheet, _, _) in enumerate(style_for._sheets)
                 for j, (_, selectors, _) in enumerate(sheet.page_rules)
                 for k, (_, _, selector) in enumerate(selectors) if style_for._page_type_match(selector, page_type))


def _same(area: tuple[float, ...], recorded: tuple[float, ...]) -> bool:
    return all(abs(a - b) < 1e-6 for a, b in zip(area, recorded, strict=True))


def _painted(background) -> bool:
    """Whether a background paints anything (a page has one always, transparent, for its marks)."""
    if background is None:
        return False
    return getattr(background.color, "alpha", 1) > 0 or any(layer.image is not None for layer in background.layers)


def _furnished(html, root_box, context, furnishing_: _Furnishing, make_margin_boxes) -> Iterator:
    """The plan's pages, `shift` later, each with its margin boxes alone."""
    from collections import defaultdict

    from weasyprint.layout import page as pages
    from weasyprint.layout.background import layout_box_backgrounds

    plan, shift = furnishing_.plan, furnishing_.shift
    flip = shift % 2 == 1
    context.string_set = defaultdict(lambda: defaultdict(list))
    for name, numbered in plan.strings.items():
        for number, texts in numbered.items():
            context.string_set[name][number] = list(texts)
    context.page_maker = []
    kinds: dict[tuple, Any] = {}
    for number, state in enumerate(plan.pages, start=1):
        side = {"left": "right", "right": "left"}.get(state.side, state.side) if flip else state.side
        page_type = pages.PageType(side, state.blank, state.name or None, state.index, state.groups)
        # Pages that the same @page rules match share one page type: their margin boxes' styles
        # are computed once, not once a page (WeasyPrint's page types differ in their index).
        signature = _matched(context.style_for, page_type)
        styled = signature in kinds
        page_type = kinds.setdefault(signature, page_type)
        page = runstart.page_box(context, html, page_type, root_box.viewport_overflow, styled)
        if flip and not _same(runstart.area(page), state.area):
            raise Unmovable(f"page {number}'s other side has another content area")
        if number == 1:
            context.style_for.initial_page_sizes["box"] = page.style["size"]
            context.style_for.initial_page_sizes["area"] = (page.width, page.height)
        page.fixed_boxes = []
        context.page_bottom = page.content_box_y() + page.height  # as make_page leaves it
        counters = copy.deepcopy(state.counters)
        if "page" in counters:
            counters["page"] = [value + shift for value in counters["page"]]
        context.current_page = number
        page.children = tuple(make_margin_boxes(context, page, ([0], counters, [set(counters)], [])))
        # The margin boxes' backgrounds; the page's own and the canvas are the body's to paint.
        layout_box_backgrounds(page, page, context.get_image_from_uri)
        page.background = page.canvas_background = None
        furnishing_.found.dx.append(float(page.content_box_x()) - state.x)
        yield page
