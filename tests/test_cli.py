"""The command as users run it: targets, -C, exit codes, no tracebacks, nothing half-written."""

from __future__ import annotations

import os
import shutil
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
