"""The PDF laid out run by run (runs.py, runbuild.py, assemble.py) against the whole book laid out
at once: the same pages pixel for pixel, the same page marks, outline, links and tags, each face
embedded once; an edit lays out only its run; the files are reproducible."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from conftest import copy_case, run_publish

from publish.checks import check
from publish.diagnostics import Report
from publish.writers.pdf import runbuild, runs
from publish.writers.pdf.writer import lay_out, sources
from publish.writers.theme import load_theme

WHEN = dt.datetime(2020, 2, 15, tzinfo=dt.UTC)
BOTH = ("print", "screen")


def _book(project: Path):
    report = Report()
    book = check(project, report)
    assert book is not None, report.items
    return book


def _whole(project: Path):
    book = _book(project)
    layout = lay_out(book, load_theme(project), Report(), WHEN)
    written = layout.write_all(BOTH)
    return layout, {variant: written[variant].data for variant in BOTH}


@dataclass(frozen=True)
class _Joined:
    laid: runbuild.LaidOut
    pdfs: dict[str, bytes]

    def __getattr__(self, name: str):
        return getattr(self.laid, name)


def _runs(project: Path, cache: Path, jobs: int = 1) -> _Joined:
    laid = runbuild.build(_book(project), load_theme(project), Report(), WHEN, BOTH, cache, jobs)
    assert isinstance(laid, runbuild.LaidOut)
    return _Joined(laid, laid.joined())


def _tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is needed (poppler-utils); .ci/run installs it"
    return found


def _pages(data: bytes, tmp_path: Path, name: str) -> list[bytes]:
    """Each page as pixels (pdftoppm, 40 dpi, greyscale PGM)."""
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(data)
    subprocess.run([_tool("pdftoppm"), "-r", "40", "-gray", str(source), str(tmp_path / name)], check=True)
    return [path.read_bytes() for path in sorted(tmp_path.glob(f"{name}-*.pgm"))]


def _fonts(data: bytes, tmp_path: Path) -> list[str]:
    source = tmp_path / "fonts.pdf"
    source.write_bytes(data)
    lines = subprocess.run([_tool("pdffonts"), str(source)], check=True, capture_output=True, text=True).stdout
    return [line.split()[0].split("+")[-1] for line in lines.splitlines()[2:]]


def _structure(data: bytes) -> dict:
    """What a reader follows: the outline, each page's links, the tags' shape, the destinations."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = {page.objgen: i for i, page in enumerate(p.obj for p in pdf.pages)}

        def outline(items) -> list:
            return [(item.title, pages[item.destination[0].objgen], [round(float(v), 2) for v in item.destination[2:4]],
                     outline(item.children)) for item in items]

        with pdf.open_outline() as tree:
            bookmarks = outline(tree.root)
        links = [[(str(a.get("/Dest", "")), [round(float(v), 2) for v in a.Rect]) for a in page.obj.get("/Annots", [])]
                 for page in pdf.pages]
        root = pdf.Root.StructTreeRoot
        nums = root.ParentTree.Nums
        tree_map = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        tagged = []
        for page in pdf.pages:
            # WeasyPrint tags the margin boxes' text in elements it leaves out of the tree (it
            # would mark them as artifacts in PDF 2.0); the runs' furniture is an artifact.
            elements = [element for element in tree_map[int(page.obj.StructParents)] if _in_tree(element)]
            tagged.append([str(element.S) for element in elements])
            assert all(element.Pg.objgen == page.obj.objgen for element in elements if "/Pg" in element)
        for page in pdf.pages:  # every link annotation is the object of its tag
            for annotation in page.obj.get("/Annots", []):
                kids = tree_map[int(annotation.StructParent)].K
                kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
                assert any(isinstance(k, pikepdf.Dictionary) and k.get("/Obj") is not None
                           and k.Obj.objgen == annotation.objgen for k in kids)
        dests = pdf.Root.Names.Dests.Names
        destinations = {str(dests[i]): pages[dests[i + 1][0].objgen] for i in range(0, len(dests), 2)}
        return {"outline": bookmarks, "links": links, "tags": tagged, "destinations": destinations,
                "top": [str(kid.S) for kid in root.K[0].K], "version": pdf.pdf_version,
                "intent": "/OutputIntents" in pdf.Root, "lang": str(pdf.Root.Lang)}


def _in_tree(element) -> bool:
    """Whether a structure element is its parent's kid, and so on up to the tree's root."""
    while element.get("/Type") != "/StructTreeRoot":
        parent = element.get("/P")
        if parent is None:
            return False
        kids = parent.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        if not any(isinstance(kid, pikepdf.Dictionary) and kid.objgen == element.objgen for kid in kids):
            return False
        element = parent
    return True


def _recto(tmp_path: Path) -> Path:
    project = copy_case("basic", tmp_path)
    yaml_path = project / "manuscript" / "publication.yaml"
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8") + "page:\n  recto_openers: true\n", encoding="utf-8")
    return project


def test_split_gives_back_the_whole_html(tmp_path):
    for name in ("basic", "magazine"):
        project = copy_case(name, tmp_path / name)
        src = sources(_book(project), load_theme(project), Report(), True, None)
        split = runs.split(src.html)
        assert split.head + "".join(run.body for run in split.runs) + split.tail == src.html
        assert [run.toc for run in split.runs][:2] == [False, True]
        # Footnotes (a <section> at the start of a line inside an article) do not start a run.
        assert all(not run.body.startswith("<section class=\"footnotes") for run in split.runs)
    basic = runs.split(sources(_book(tmp_path / "basic" / "basic"), load_theme(tmp_path / "basic" / "basic"),
                               Report(), True, None).html)
    assert len(basic.runs) == 6  # cover, contents, four articles each on a new page


@pytest.mark.parametrize("case", ["basic", "recto", "magazine"])
def test_the_assembled_pdfs_are_the_whole_layout_page_by_page(tmp_path, case, monkeypatch):
    project = _recto(tmp_path) if case == "recto" else copy_case(case, tmp_path)
    layout, whole = _whole(project)
    kinds: list[str] = []
    if case == "magazine":  # small: laid out in workers all the same, to check them
        monkeypatch.setattr(runbuild, "WORKERS_FROM", 0)
        spawn, here = runbuild._Pool._spawn, runbuild.InProcess
        monkeypatch.setattr(runbuild._Pool, "_spawn", staticmethod(lambda: kinds.append("process") or spawn()))

        class Counted(here):  # type: ignore[misc, valid-type]
            def __init__(self, worker):
                kinds.append("this process")
                super().__init__(worker)

        monkeypatch.setattr(runbuild, "InProcess", Counted)
    outcome = _runs(project, tmp_path / "cache", jobs=2 if case == "magazine" else 1)
    if case == "magazine":  # -j 2: one worker process, and this process laying runs out beside it
        assert kinds == ["process", "this process"]
    assert outcome.runs >= 3 and outcome.pages == layout.pages
    assert outcome.marks == layout.marks  # the EPUB's page-list
    for variant in BOTH:
        assembled = outcome.pdfs[variant]
        assert _pages(assembled, tmp_path, f"runs-{variant}") == _pages(whole[variant], tmp_path, f"whole-{variant}")
        assert _structure(assembled) == _structure(whole[variant])
        faces = _fonts(assembled, tmp_path)
        assert sorted(faces) == sorted(_fonts(whole[variant], tmp_path)) and len(faces) == len(set(faces))
        (tmp_path / "check.pdf").write_bytes(assembled)
        subprocess.run([_tool("qpdf"), "--check", str(tmp_path / "check.pdf")], check=True, capture_output=True)
    if case == "recto":
        assert layout.pages == 9  # blank versos before the articles that would start on one


def test_runs_laid_out_in_a_worker_make_the_bytes_of_runs_laid_out_here(tmp_path, monkeypatch):
    """-j 2 (a worker process beside this one) and -j 1: the same bytes, and the same merged
    fonts left in the cache."""
    project = copy_case("basic", tmp_path)
    monkeypatch.setattr(runbuild, "WORKERS_FROM", 0)  # a small book is laid out here otherwise
    apart, serial = _runs(project, tmp_path / "apart", jobs=2), _runs(project, tmp_path / "serial", jobs=1)
    assert apart.pdfs == serial.pdfs
    fonts = {cache: sorted(p.name for p in (tmp_path / cache / "pdf-runs").glob("font-*.bin"))
             for cache in ("apart", "serial")}
    assert fonts["apart"] and fonts["apart"] == fonts["serial"]


def test_an_edit_lays_out_its_run_only_and_a_longer_article_moves_the_rest(tmp_path):
    project = copy_case("basic", tmp_path)
    cache = tmp_path / "cache"
    cold = _runs(project, cache)
    assert cold.laid_out >= cold.runs
    warm = _runs(project, cache)
    assert warm.laid_out == 0 and warm.pdfs == cold.pdfs  # byte for byte from the cache
    article = project / "manuscript" / "articles" / "figures.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    edited = _runs(project, cache)
    assert edited.laid_out == 1 and edited.pages == cold.pages
    assert _pages(edited.pdfs["print"], tmp_path, "edit") == _pages(_whole(project)[1]["print"], tmp_path, "edit-whole")
    # Two more pages of text in the first article: the later runs start later, the 目录 changes.
    opening = project / "manuscript" / "articles" / "opening.md"
    opening.write_text(opening.read_text(encoding="utf-8") + "\n" + "\n\n".join(["这是补充的段落。" * 40] * 12),
                       encoding="utf-8")
    longer = _runs(project, cache)
    layout, whole = _whole(project)
    assert longer.pages == layout.pages > edited.pages and longer.marks == layout.marks
    # Three pages more: the runs after it change side, and are moved, not laid out again.
    assert longer.pages - edited.pages == 3 and longer.laid_out == 2 and longer.moved == longer.runs - 3
    assert _pages(longer.pdfs["screen"], tmp_path, "longer") == _pages(whole["screen"], tmp_path, "longer-whole")
    assert _structure(longer.pdfs["screen"]) == _structure(whole["screen"])
    assert _pages(longer.pdfs["print"], tmp_path, "longer-print") == _pages(whole["print"], tmp_path, "longer-whole-print")


@pytest.mark.parametrize("case, paragraphs, moved", [("basic", 4, 3), ("recto", 8, 3), ("recto", 16, 2)])
def test_runs_moved_by_an_earlier_run_are_their_whole_layout(tmp_path, case, paragraphs, moved):
    """A run whose start changes keeps its body and gets new margin boxes (furniture.py) when
    it can: by an even number of pages always, by an odd one unless its pages break by their
    side (the recto openers' blank versos) — then it is laid out again."""
    project = _recto(tmp_path) if case == "recto" else copy_case(case, tmp_path)
    cache = tmp_path / "cache"
    before = _runs(project, cache)
    opening = project / "manuscript" / "articles" / "opening.md"
    opening.write_text(opening.read_text(encoding="utf-8") + "\n" +
                       "\n\n".join(["多出来的一段文字。" * 30] * paragraphs), encoding="utf-8")
    after = _runs(project, cache)
    layout, whole = _whole(project)
    assert after.pages == layout.pages > before.pages and after.marks == layout.marks
    assert after.moved == moved, (after.pages - before.pages, after.laid_out, after.moved)
    for variant in BOTH:
        assert _pages(after.pdfs[variant], tmp_path, f"moved-{variant}") == \
            _pages(whole[variant], tmp_path, f"moved-whole-{variant}")
        assert _structure(after.pdfs[variant]) == _structure(whole[variant])


def test_publish_builds_the_pdfs_run_by_run(tmp_path):
    project = copy_case("basic", tmp_path)
    result = run_publish("-C", str(project), "-v", "-j", "2")
    assert result.returncode == 0, result.stderr
    assert "runs laid out" in result.stderr
    layout, whole = _whole(project)
    built = project / "build" / "test-monthly-print.pdf"
    assert _pages(built.read_bytes(), tmp_path, "cli") == _pages(whole["print"], tmp_path, "cli-whole")
    assert len([p for p in (project / "build" / ".cache" / "pdf-runs").glob("*.json") if p.name != "index.json"]) == 6


def test_publish_lays_the_book_out_whole_when_asked_or_when_it_must(tmp_path):
    project = copy_case("basic", tmp_path)
    env = dict(os.environ, **{runbuild.ENVIRONMENT: "0"})
    result = run_publish("-C", str(project), "-v", "pdf", env=env)
    assert result.returncode == 0, result.stderr
    assert "runs laid out" not in result.stderr and not (project / "build" / ".cache" / "pdf-runs").exists()
    # A project's own print template, whose body has none of the blocks runs start at.
    theme = Path(runbuild.__file__).parents[1] / "theme"
    template = (theme / "print" / "book.html").read_text(encoding="utf-8")
    (project / "styles" / "print").mkdir(parents=True, exist_ok=True)
    (project / "styles" / "print" / "book.html").write_text(
        template.replace('class="article', 'class="story').replace('class="toc', 'class="contents')
        .replace('class="cover"', 'class="front"'), encoding="utf-8")
    result = run_publish("-C", str(project), "-v", "pdf")
    assert result.returncode == 0, result.stderr
    assert "laid out as one document: a print template without the top-level blocks" in result.stderr


def test_the_sample_assembled_from_runs_is_its_whole_layout(tmp_path):
    """The bundled issue (the cover, the 目录 and a run per section: each opens a page, its
    articles run on), run by run with workers, against its whole layout."""
    from conftest import REPO

    project = tmp_path / "sample"
    shutil.copytree(REPO / "manuscript", project / "manuscript")
    layout, whole = _whole(project)
    outcome = _runs(project, tmp_path / "cache", jobs=2)
    assert outcome.runs == 2 + 16 and outcome.pages == layout.pages and outcome.marks == layout.marks
    for variant in BOTH:
        assert _pages(outcome.pdfs[variant], tmp_path, f"runs-{variant}") == \
            _pages(whole[variant], tmp_path, f"whole-{variant}")
        assert _structure(outcome.pdfs[variant]) == _structure(whole[variant])


@pytest.mark.parametrize("shift", [1, 2])
def test_a_run_laid_out_from_a_guessed_start_is_the_run_laid_out_at_its_start(tmp_path, shift):
    """runstart.py: a run laid out from a start `shift` pages early and then moved (the side
    flips for an odd shift: each page box made again, its content moved across) paints as the
    run laid out at its real start, with the same anchors, bookmarks and page marks."""
    from publish.writers.pdf.runcache import key as run_key
    from publish.writers.pdf.runwork import Context, Task, Worker

    project = copy_case("magazine", tmp_path)
    book = _book(project)
    src = sources(book, load_theme(project), Report(), True, tmp_path / "cache")
    split = runs.split(src.html)
    run = max(split.runs[2:], key=lambda r: len(r.body))  # an article run of several pages
    html = split.document(run)
    start = 7
    key = run_key(("test",), src.files, html)
    told: list = []

    def laid(index, pages):
        told.append(pages)

    results = {}
    for mode in ("direct", "moved"):
        directory = tmp_path / mode
        directory.mkdir()
        worker = Worker(Context(book, src, BOTH, WHEN, directory))
        # The fonts subset in the part, as a whole-book layout does (not stubs for the assembly to
        # replace): pdftoppm draws the glyphs themselves, not a system font's stand-ins.
        worker.originals = set()
        task = Task(run.index, html, start, key) if mode == "direct" else \
            Task(run.index, html, start - shift, "", deferred=True)
        results[mode] = worker.run(task, laid, lambda: (start, key))
    direct, moved = results["direct"], results["moved"]
    assert direct.pages > 2 and told == [direct.pages, direct.pages]
    assert (moved.start, moved.anchors, moved.bookmarks, moved.marks) == \
        (direct.start, direct.anchors, direct.bookmarks, direct.marks)
    for variant in BOTH:
        pdfs = [(tmp_path / mode / f"{key}.{variant}.pdf").read_bytes() for mode in ("direct", "moved")]
        assert _pages(pdfs[1], tmp_path, f"moved-{variant}") == _pages(pdfs[0], tmp_path, f"direct-{variant}")


def test_the_assembly_names_the_fonts_it_finds_without_a_program():
    from publish.writers.pdf import fontmerge

    embedded = pikepdf.Dictionary(Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name("/ABCDEF+Sans"),
                                  FontFile3=pikepdf.Stream(pikepdf.new(), b""))
    bare = pikepdf.Dictionary(Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name.Helvetica)
    fonts = pikepdf.Dictionary(
        F1=pikepdf.Dictionary(Subtype=pikepdf.Name.Type0,
                              DescendantFonts=pikepdf.Array([pikepdf.Dictionary(FontDescriptor=embedded)])),
        F2=pikepdf.Dictionary(Subtype=pikepdf.Name.TrueType, FontDescriptor=bare),
        F3=pikepdf.Dictionary(Subtype=pikepdf.Name.Type3))
    assert fontmerge.unembedded([fonts]) == ["Helvetica"]


@pytest.mark.parametrize("placeholder", [runs.PLACEHOLDER, "〇" * 60])
def test_the_print_join_begun_while_the_contents_are_laid_out_again(tmp_path, monkeypatch, placeholder):
    """With a worker process, a cold build joins the print PDF while the 目录 is laid out again
    with its page numbers (joins.py), and joins the 目录 last. A placeholder number that wraps
    every entry makes the 目录 longer in its first layout: the runs after it move, the join
    begun is given up and made again. Either way the bytes of the joins made one after the
    other (-j 1)."""
    from publish.writers.pdf import joins

    project = copy_case("basic", tmp_path)
    monkeypatch.setattr(runbuild, "WORKERS_FROM", 0)
    monkeypatch.setattr(runs, "PLACEHOLDER", placeholder)
    settled: list[bool] = []
    stock = joins.Joins.settle

    def settle(self, result):
        if self._aside is not None and not self._aside.given:
            settled.append(result is not None)
        stock(self, result)

    monkeypatch.setattr(joins.Joins, "settle", settle)
    aside = _runs(project, tmp_path / "aside", jobs=2)
    assert settled == ([True] if placeholder == runs.PLACEHOLDER else [False])
    serial = _runs(project, tmp_path / "serial", jobs=1)
    assert aside.pdfs == serial.pdfs
    _, whole = _whole(project)
    for variant in BOTH:
        assert _pages(aside.pdfs[variant], tmp_path, f"aside-{variant}") == \
            _pages(whole[variant], tmp_path, f"whole-{variant}")


def test_a_cold_builds_first_contents_are_only_counted(tmp_path, monkeypatch):
    """Laid out without its page numbers, a cold build's 目录 gives its page count: it is laid
    out again with them, and only then written (runwork.Task.counted)."""
    from publish.writers.pdf import runwork

    counted: list[bool] = []
    stock = runwork.Worker.run

    def run(self, task, laid, settle=None):
        counted.append(task.counted)
        return stock(self, task, laid, settle)

    monkeypatch.setattr(runwork.Worker, "run", run)
    project = copy_case("basic", tmp_path)
    cache = tmp_path / "cache"
    cold = _runs(project, cache)
    assert counted.count(True) == 1 and len(counted) == cold.runs + 1  # the 目录 twice
    assert len(list((cache / "pdf-runs").glob("*.print.pdf"))) == cold.runs


def test_a_worker_whose_runs_wait_for_their_start_takes_more_up_to_its_limits():
    """While its runs wait for their starts (the run before them still being laid out
    elsewhere), a worker lays further runs out from a guess: up to HELD runs, and only while
    those it holds have fewer than HELD_PAGES pages (each keeps its pages in memory)."""
    from publish.writers.pdf.runbuild import _Pool
    from publish.writers.pdf.runwork import HELD, HELD_PAGES

    pool = _Pool(2)
    worker, other = object(), object()
    pool.workers, pool.held = [worker, other], {worker: set(), other: {0}}
    pool.ready = {id(worker), id(other)}
    pages: list[int | None] = [None] * 20
    assert pool._free_worker({}, pages) is worker  # idle
    pool.held[worker] = {1}
    assert pool._free_worker({}, pages) is None  # its run is still being laid out
    for held in range(1, HELD):
        pool.held[worker] = set(range(1, held + 1))
        for index in pool.held[worker]:
            pages[index] = 3
        waiting = {index: worker for index in pool.held[worker]}
        assert pool._free_worker(waiting, pages) is worker
    pool.held[worker] = set(range(1, HELD + 1))
    assert pool._free_worker({index: worker for index in pool.held[worker]}, pages) is None  # HELD runs
    pool.held[worker] = {1, 2}
    pages[1], pages[2] = HELD_PAGES // 2, HELD_PAGES - HELD_PAGES // 2
    assert pool._free_worker({1: worker, 2: worker}, pages) is None  # HELD_PAGES pages
    pages[2] -= 1
    assert pool._free_worker({1: worker, 2: worker}, pages) is worker
