"""The command as users run it: targets, -C, exit codes, no tracebacks, nothing half-written."""

from __future__ import annotations

import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import copy_case, run_publish


def test_bad_usage_exits_2(tmp_path):
    assert run_publish("frobnicate").returncode == 2
    assert run_publish("-C", str(tmp_path / "nowhere")).returncode == 2
    assert run_publish("pdf", "--variant", "poster").returncode == 2


def test_check_validates_without_writing(tmp_path):
    project = copy_case("basic", tmp_path)
    result = run_publish("-C", str(project), "check")
    assert result.returncode == 0, result.stderr
    assert "4 articles" in result.stdout
    assert not any((project / "build").glob("*.epub"))


def test_a_manuscript_error_exits_1_with_position_and_no_traceback(tmp_path):
    project = copy_case("basic", tmp_path)
    article = project / "manuscript" / "articles" / "closing.md"
    article.write_text(article.read_text(encoding="utf-8").replace("title: 征订启示", "titel: 征订启示"),
                       encoding="utf-8")
    result = run_publish("-C", str(project))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "manuscript/articles/closing.md:2:1: error E105: unknown key 'titel'" in result.stderr
    assert "did you mean 'title'?" in result.stderr
    assert not (project / "build").exists() or not any((project / "build").glob("*.epub")), "nothing half-written"


def test_targets_clean_and_directory_option(tmp_path):
    project = copy_case("basic", tmp_path)
    result = run_publish("-C", str(project), "pdf", "--variant", "screen")
    assert result.returncode == 0, result.stderr
    build = project / "build"
    assert (build / "test-monthly.pdf").is_file()
    assert not (build / "test-monthly.epub").exists() and not (build / "test-monthly-print.pdf").exists()
    again = run_publish("-C", str(project), "pdf", "--variant", "screen")
    assert "up to date" in again.stdout
    result = run_publish("clean", cwd=project)
    assert result.returncode == 0
    assert not (build / "test-monthly.pdf").exists()


def test_builds_with_no_cjk_font_installed(tmp_path):
    """A fresh machine: fontconfig knows only DejaVu. The bundled fonts must carry the whole book."""
    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    assert dejavu.is_dir(), "DejaVu fonts are needed for this test (Pango crashes with no font at all)"
    conf = tmp_path / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{dejavu}</dir><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>""")
    project = copy_case("basic", tmp_path)
    env = dict(os.environ, FONTCONFIG_FILE=str(conf))
    result = run_publish("-C", str(project), "pdf", "--variant", "screen", env=env)
    assert result.returncode == 0, result.stderr
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(project / "build" / "test-monthly.pdf").pages:
        names |= {str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
    cjk = [n for n in names if "Publish-" in n]
    assert cjk, names
    assert not any("CJK" in n for n in names), names


def test_init_and_new_make_a_project_that_builds(tmp_path):
    project = tmp_path / "book"
    assert run_publish("init", str(project)).returncode == 0
    result = run_publish("-C", str(project), "new", "第二篇", "--section", "专栏")
    assert result.returncode == 0, result.stderr
    result = run_publish("-C", str(project), "epub")
    assert result.returncode == 0, result.stderr
    assert len(list((project / "build").glob("*.epub"))) == 1
    shutil.rmtree(project)


def test_jobs_must_be_a_positive_number():
    for bad in ("0", "-1", "two"):
        result = run_publish("-j", bad, "--dry-run")
        assert result.returncode == 2, bad
        assert "number of jobs" in result.stderr


def test_quiet_verbose_and_not_a_terminal(tmp_path):
    project = copy_case("basic", tmp_path)
    quiet = run_publish("-C", str(project), "-q", "pdf", "--variant", "screen")
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stdout == ""
    assert "laying out" not in quiet.stderr
    (project / "build" / "test-monthly.pdf").unlink()
    plain = run_publish("-C", str(project), "pdf", "--variant", "screen")
    # Not a terminal: no progress at all, and a plain summary: output, pages, size, time, why.
    assert "laying out" not in plain.stderr and "\x1b[" not in plain.stdout + plain.stderr
    assert re.search(r"^test-monthly\.pdf  6  \d+ KB  [\d.]+ s  test-monthly\.pdf is missing$", plain.stdout, re.M), \
        plain.stdout
    assert re.search(r"^built in [\d.]+ s$", plain.stdout, re.M)
    (project / "build" / "test-monthly.pdf").unlink()
    verbose = run_publish("-C", str(project), "-v", "pdf", "--variant", "screen")
    steps = verbose.stderr.splitlines()
    assert "manuscript: checking" in steps
    # The runs of the PDF laid out by the first build are in the cache: none is laid out again.
    assert "test-monthly.pdf: 0 of 6 runs laid out, the others from the cache" in steps, steps
    assert "test-monthly.pdf: writing" in steps


def _on_a_terminal(project: Path, env: dict) -> str:
    """Run a build with stderr on a pseudo-terminal; return what the terminal showed."""
    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "publish", "-C", str(project), "pdf", "--variant", "screen",
                                "--force"], stdout=subprocess.DEVNULL, stderr=slave, env=env)
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    assert process.wait(timeout=300) == 0
    return shown.decode("utf-8", "replace")


def test_progress_bars_on_a_terminal_honour_no_color(tmp_path):
    project = copy_case("basic", tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"TERM": "xterm-256color", "COLUMNS": "120"}
    coloured = _on_a_terminal(project, env)
    assert "test-monthly.pdf" in coloured and "laying out pages" in coloured
    assert re.search(r"\x1b\[[0-9;]*3[0-9;]*m", coloured), "colours when allowed"
    shutil.rmtree(project / "build")  # laid out again, not taken from the cache
    plain = _on_a_terminal(project, env | {"NO_COLOR": "1"})
    assert "laying out pages" in plain
    assert not re.search(r"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|9[0-7])(?:;[0-9;]*)?m", plain), "no colour with NO_COLOR"
