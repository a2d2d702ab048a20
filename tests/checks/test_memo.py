"""The checks with a memo: images examined once per content, characters checked once."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_case

from publish import load
from publish.checks import fonts, images
from publish.diagnostics import Report
from publish.render import render_all
from publish.render.readers import readers
from publish.source import find_faces
from publish.store import Memo


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_case("basic", tmp_path)


def test_font_coverage_is_checked_only_for_new_characters(project, monkeypatch):
    checked = []
    real = fonts._check_text
    monkeypatch.setattr(fonts, "_check_text", lambda path, *rest: checked.append(path.name) or real(path, *rest))
    publication, _ = load(project)
    faces = find_faces(project)
    texts = {a.path: a.path.read_text(encoding="utf-8") for a in publication.articles}
    memo = Memo(project / "build" / ".cache")
    fonts.check_coverage(faces, texts, project, Report(), memo)
    fonts.check_coverage(faces, texts, project, Report(), memo)
    assert sorted(checked) == sorted(p.name for p in texts), "the second check finds every character known"
    notes = next(p for p in texts if p.name == "notes.md")
    texts[notes] += "鑫"  # a character not seen before in the project
    checked.clear()
    fonts.check_coverage(faces, texts, project, Report(), memo)
    assert checked == ["notes.md"]
    checked.clear()
    fonts.check_coverage(faces, texts, project, Report())
    assert sorted(checked) == sorted(p.name for p in texts), "without a memo, everything is checked"


def test_an_uncovered_character_is_reported_every_time(project):
    texts = {project / "manuscript" / "x.md": "\U000F0000"}  # a private-use plane: no font has it
    memo = Memo(project / "build" / ".cache")
    for _ in range(2):
        report = Report()
        fonts.check_coverage(find_faces(project), texts, project, report, memo)
        assert [d.code for d in report.items] in (["E208"], ["W214"])


def test_images_are_examined_once_per_content(project, monkeypatch):
    examined = []
    real = images._examine
    monkeypatch.setattr(images, "_examine", lambda path, *rest: examined.append(path.name) or real(path, *rest))
    publication, report = load(project)
    rendered = render_all(publication.articles, publication.root, report, readers())
    assets = [asset for item in rendered for asset in item.assets]
    memo = Memo(project / "build" / ".cache")
    first = images.inspect(assets, Report(), memo)
    second = images.inspect(assets, Report(), memo)
    assert examined == ["meeting.png"]
    assert first == second == images.inspect(assets, Report())
    examined.clear()
    image = project / "manuscript" / "images" / "meeting.png"
    image.write_bytes(image.read_bytes()[:200])  # truncated: a different file now
    report = Report()
    images.inspect(assets, report, Memo(project / "build" / ".cache"))
    assert examined == ["meeting.png"]
    assert [d.code for d in report.errors] == ["E202"]
