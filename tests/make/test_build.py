"""The make-like build: what a run rebuilds, what it leaves alone, and what an interruption leaves.

Every test works on a copy of the `basic` fixture as built once by the `basic_build` session
fixture, so that only the builds under test run here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from conftest import BASIC_OUTPUTS, REPO, edit, outputs, run_publish

OUTPUTS = BASIC_OUTPUTS


def run_in_process(project: Path, *args: str) -> dict:
    """Run the CLI in a fresh interpreter and report which heavy modules the run imported."""
    code = (
        "import json, sys\n"
        "from publish.cli import main\n"
        f"code = main(['-C', {str(project)!r}, *{list(args)!r}])\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'weasyprint', 'ebooklib', 'markdown_it', "
        "'PIL', 'yaml', 'fontTools'})\n"
        "print(json.dumps({'code': code, 'heavy': heavy}))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    report["stdout"], report["stderr"] = result.stdout, result.stderr
    return report


def test_a_no_op_build_runs_no_writer_and_says_so(built):
    before = outputs(built)
    run = run_in_process(built)
    assert run["code"] == 0, run["stderr"]
    assert "everything is up to date" in run["stdout"]
    assert run["heavy"] == [], "a no-op build must not load the renderer or any writer"
    assert outputs(built) == before


def test_a_touched_but_unchanged_file_rebuilds_nothing(built):
    article = built / "manuscript" / "articles" / "notes.md"
    later = time.time() + 60
    os.utime(article, (later, later))
    run = run_in_process(built)
    assert "everything is up to date" in run["stdout"], run["stdout"]
    assert "weasyprint" not in run["heavy"]


def test_dry_run_names_the_changed_input_and_writes_nothing(built):
    edit(built)
    before = outputs(built)
    result = run_publish("-C", str(built), "--dry-run")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for name in OUTPUTS:
        assert f"{name}: would rebuild: manuscript/articles/notes.md changed" in lines
    assert outputs(built) == before
    forced = run_publish("-C", str(built), "--dry-run", "--force", "epub")
    assert forced.stdout.strip() == "test-monthly.epub: would rebuild: --force"


def test_an_article_edit_rebuilds_the_epub_from_cached_articles_and_page_marks(built):
    cache = built / "build" / ".cache" / "render"
    stamps = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.json")}
    assert set(stamps) == {"opening.json", "figures.json", "notes.json", "closing.json"}
    before = outputs(built)
    edit(built)
    run = run_in_process(built, "epub", "-v")
    assert run["code"] == 0, run["stderr"]
    # The page-list comes from the cached marks of the last print layout: no WeasyPrint at all.
    assert "weasyprint" not in run["heavy"]
    assert "1 article(s) rendered, 3 from the cache" in run["stderr"]
    assert "page-list from the last print layout" in run["stdout"]
    changed = {p.name for p in cache.glob("*.json") if p.stat().st_mtime_ns != stamps[p.name]}
    assert changed == {"notes.json"}
    after = outputs(built)
    assert after["test-monthly.epub"] != before["test-monthly.epub"]
    assert after["test-monthly.pdf"] == before["test-monthly.pdf"]
    assert after["test-monthly-print.pdf"] == before["test-monthly-print.pdf"]
    with zipfile.ZipFile(built / "build" / "test-monthly.epub") as epub:
        notes = epub.read("EPUB/notes.xhtml").decode()
    assert "新加的一段文字" in notes
    assert 'epub:type="pagebreak"' in epub_text(built, "opening"), "the page-list survives"
    # The PDFs are still out of date, and say why.
    dry = run_publish("-C", str(built), "--dry-run")
    assert "test-monthly.pdf: would rebuild: manuscript/articles/notes.md changed" in dry.stdout


def epub_text(project: Path, article: str) -> str:
    with zipfile.ZipFile(project / "build" / "test-monthly.epub") as epub:
        return epub.read(f"EPUB/{article}.xhtml").decode()


def test_theme_files_rebuild_only_the_outputs_they_shape(built):
    theme = REPO / "publish" / "writers" / "theme"
    styles = built / "styles"
    styles.mkdir()
    (styles / "epub.css").write_text((theme / "epub.css").read_text(encoding="utf-8") + "\nh2 { color: #333; }\n",
                                     encoding="utf-8")
    dry = run_publish("-C", str(built), "--dry-run").stdout.splitlines()
    assert "test-monthly.epub: would rebuild: styles/epub.css is new" in dry
    assert "test-monthly.pdf: up to date" in dry and "test-monthly-print.pdf: up to date" in dry
    (styles / "epub.css").unlink()

    # A print-only change that moves no page break: the PDFs are rebuilt, the EPUB is not.
    (styles / "print.css").write_text((theme / "print.css").read_text(encoding="utf-8") + "\nh2 { color: #333; }\n",
                                      encoding="utf-8")
    dry = run_publish("-C", str(built), "--dry-run").stdout.splitlines()
    assert "test-monthly.epub: rebuilt only if the print layout's page breaks change" in dry
    assert "test-monthly.pdf: would rebuild: styles/print.css is new" in dry
    before = outputs(built)
    result = run_publish("-C", str(built))
    assert result.returncode == 0, result.stderr
    after = outputs(built)
    assert after["test-monthly.epub"] == before["test-monthly.epub"]
    assert after["test-monthly.pdf"] != before["test-monthly.pdf"]
    assert "test-monthly.epub  up to date" in result.stdout


def _start(project: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "publish", "-C", str(project), "-v", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(process: subprocess.Popen, words: str, timeout: float = 120) -> None:
    """Read the build's step lines (stderr, --verbose) until one contains `words`."""
    deadline = time.monotonic() + timeout
    for line in process.stderr:
        if words in line:
            return
        assert time.monotonic() < deadline, f"no '{words}' within {timeout} s"
    raise AssertionError(f"the build ended before '{words}': exit {process.wait()}")


def _temporaries(project: Path) -> list[Path]:
    return [p for p in (project / "build").rglob("*.tmp")]


def test_an_interrupted_build_leaves_the_last_good_outputs(built):
    edit(built)
    before = outputs(built)
    process = _start(built)
    _wait_for(process, "laying out pages")
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "interrupted; the previous outputs are untouched" in stderr
    assert outputs(built) == before
    assert _temporaries(built) == []
    dry = run_publish("-C", str(built), "--dry-run")
    assert "would rebuild: manuscript/articles/notes.md changed" in dry.stdout, "nothing recorded as built"


def test_a_killed_parallel_build_leaves_the_old_outputs_and_the_next_run_cleans_up(built):
    edit(built)
    before = outputs(built)
    process = _start(built, "-j", "2")
    _wait_for(process, "laying out pages")
    process.kill()  # SIGKILL: no chance to clean up; the workers notice their parent is gone
    process.communicate(timeout=60)
    time.sleep(3)  # long enough for an orphaned worker to have written, had it gone on
    assert outputs(built) == before
    stale = built / "build" / ".test-monthly.pdf.x1y2z3.tmp"
    stale.write_bytes(b"half a PDF")
    result = run_publish("-C", str(built), "-j", "2")
    assert result.returncode == 0, result.stderr
    assert _temporaries(built) == []
    assert all(outputs(built)[name] != before[name] for name in ("test-monthly.pdf", "test-monthly-print.pdf"))


def test_a_parallel_build_gives_the_same_epub_as_a_serial_one(built, basic_build):
    result = run_publish("-C", str(built), "--force", "-j", "3")
    assert result.returncode == 0, result.stderr
    # The EPUB is reproducible and its page-list comes from the print layout in both cases.
    assert (built / "build" / "test-monthly.epub").read_bytes() == \
        (basic_build / "build" / "test-monthly.epub").read_bytes()
    for name in ("test-monthly.pdf", "test-monthly-print.pdf"):
        assert f"{name}  6  " in result.stdout, result.stdout  # six pages, as the serial build


def test_a_template_error_in_a_worker_is_a_diagnostic_and_keeps_the_old_outputs(built):
    (built / "styles" / "print").mkdir(parents=True)
    (built / "styles" / "print" / "book.html").write_text("{% for x in %}broken", encoding="utf-8")
    before = outputs(built)
    result = run_publish("-C", str(built), "-j", "2")
    assert result.returncode == 1
    assert "styles/print/book.html:1:1: error E217" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert outputs(built) == before
    assert _temporaries(built) == []


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_bytes().rsplit(b")", 1)[1].split()
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            # A spawned worker (not multiprocessing's resource tracker), not one that has finished.
            if int(fields[1]) == pid and fields[0] != b"Z" and b"spawn_main" in command:
                found.append(int(entry.name))
    return found


def test_a_worker_that_dies_is_E303_and_nothing_waiting_on_it_starts(built):
    edit(built)
    before = outputs(built)
    process = _start(built, "-j", "2")
    _wait_for(process, "laying out pages")
    workers = _children(process.pid)
    assert workers, "the -j 2 build runs its targets in worker processes"
    os.kill(min(workers), signal.SIGKILL)  # as the kernel's OOM killer would; the first started: the layout
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 1, stderr
    assert re.search(r"^error E303: internal error: WorkerError: (pdf-\S+|epub-fonts): the worker process died "
                     r"\(exit code -9\)$",
                     stderr, re.M), stderr
    assert outputs(built)["test-monthly.epub"] == before["test-monthly.epub"], "the EPUB waits for the print PDF"
    assert _temporaries(built) == []


def test_with_two_jobs_the_epub_fonts_are_made_during_the_layout_and_used_as_made(basic_build, tmp_path):
    """-j 2 from scratch: a free worker begins the EPUB's font subsets while the print layout
    runs (and makes them in idle time, so not always before the EPUB starts: on a loaded machine
    the layout comes first), and they are the subsets the EPUB embeds: one file per face in the
    cache, none made for another character set."""
    project = tmp_path / "basic"
    shutil.copytree(basic_build, project, ignore=shutil.ignore_patterns("build"))
    result = run_publish("-C", str(project), "-v", "-j", "2")
    assert result.returncode == 0, result.stderr
    steps = result.stderr.splitlines()
    assert "EPUB fonts: subsetting fonts" in steps, steps
    # Begun while the print layout runs, which the EPUB waits for; done when a core is free.
    assert steps.index("EPUB fonts: waiting for idle time") < steps.index("test-monthly.epub: assembling EPUB")
    with zipfile.ZipFile(project / "build" / "test-monthly.epub") as epub:
        embedded = sorted(Path(n).stem for n in epub.namelist() if n.endswith(".otf"))
    cached = sorted(p.name.rsplit("-", 1)[0] for p in (project / "build" / ".cache" / "fonts").glob("*.otf"))
    assert embedded and cached == embedded, (cached, embedded)
    assert (project / "build" / "test-monthly.epub").read_bytes() == \
        (basic_build / "build" / "test-monthly.epub").read_bytes()


def test_an_epub_alone_is_built_without_worker_processes(built):
    """With the default -j 2, an article edit's `publish epub` starts no worker: one task gains
    nothing from a process of its own, and starting one would cost most of a second."""
    edit(built)
    code = (
        "import json, sys\n"
        "from publish.cli import main\n"
        f"code = main(['-C', {str(built)!r}, '-q', 'epub'])\n"
        "print(json.dumps({'code': code, 'mp': 'multiprocessing' in sys.modules}))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {"code": 0, "mp": False}, result.stderr
