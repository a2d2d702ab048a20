"""Fonts a project adds (publication.yaml `fonts: fallback:`): they count for the glyph check,
and both outputs really use them, on a machine that has no CJK font of its own."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

from conftest import copy_case, epubcheck, epubcheck_counts, fresh_machine, run_publish


def _without_fallback(project: Path) -> None:
    yaml = project / "manuscript" / "publication.yaml"
    text = yaml.read_text(encoding="utf-8")
    yaml.write_text(text.replace("fonts:\n  fallback:\n    - file: fonts/rare.otf\n", ""), encoding="utf-8")


def test_without_the_fallback_a_rare_character_is_an_error_that_says_what_to_do(tmp_path):
    project = copy_case("fallback", tmp_path)
    _without_fallback(project)
    result = run_publish("-C", str(project), "check", env=fresh_machine(tmp_path))
    assert result.returncode == 1
    assert "manuscript/articles/poem.md:5:3: error E208: character '㔩' (U+3529) is in no bundled or installed " \
           "font" in result.stderr, result.stderr
    assert "fonts: fallback:" in result.stderr, "the hint says how to add a font"


def test_a_fallback_font_serves_both_outputs(tmp_path):
    project = copy_case("fallback", tmp_path)
    result = run_publish("-C", str(project), "-j", "1", env=fresh_machine(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "W214" not in result.stderr and "E208" not in result.stderr
    fonts = subprocess.run(["pdffonts", str(project / "build" / "fallback.pdf")], capture_output=True, text=True,
                           check=True).stdout
    assert "Publish-Serif-Fallback-1" in fonts and "Publish-Sans-Fallback-1" in fonts, fonts
    assert "DejaVu" not in fonts, fonts
    text = subprocess.run(["pdftotext", str(project / "build" / "fallback.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "翠微㔩葉" in text and "𠀋" in text
    with zipfile.ZipFile(project / "build" / "fallback.epub") as epub:
        names = epub.namelist()
        css = epub.read("EPUB/style.css").decode()
    assert "EPUB/fonts/Publish-Serif-Fallback-1-rare.otf" in names, names
    assert '"Publish Serif", "Publish Serif Fallback 1"' in css
    counts = epubcheck_counts(epubcheck(project / "build" / "fallback.epub", tmp_path))
    assert counts.get("ERROR", 0) == 0 and counts.get("WARNING", 0) == 0, counts


def test_a_fallback_that_is_no_font_is_an_error_at_its_line(tmp_path):
    project = copy_case("fallback", tmp_path)
    (project / "fonts" / "rare.otf").write_bytes(b"\x00\x01\x00\x00 not a font at all")
    result = run_publish("-C", str(project), "check")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "manuscript/publication.yaml:7:7: error E220: rare.otf is not a usable font" in result.stderr, \
        result.stderr
    (project / "fonts" / "rare.otf").unlink()
    missing = run_publish("-C", str(project), "check")
    assert "manuscript/publication.yaml:7:7: error E201" in missing.stderr, missing.stderr
