"""build/.cache: what is reused, what is not, and that a damaged cache is only a miss."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import copy_case
from publish import assets, fonts
from publish.cache import Cache, live_marks
from publish.diagnostics import Report
from publish.manuscript import load
from publish.markdown import render_all
from publish.pagelist import PageMark


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_case("basic", tmp_path)


def render(project: Path) -> tuple[Cache, tuple, Report]:
    publication, report = load(project)
    cache = Cache(project / "build")
    return cache, cache.render(publication, report), report


def test_unchanged_articles_come_from_the_cache_identical(project):
    first_cache, first, first_report = render(project)
    assert (first_cache.rendered, first_cache.reused) == (4, 0)
    cache, again, report = render(project)
    assert (cache.rendered, cache.reused) == (0, 4)
    assert again == first
    assert report.items == first_report.items
    publication, plain_report = load(project)
    assert render_all(publication.articles, project, plain_report) == again


def test_diagnostics_of_a_cached_article_are_repeated(project):
    article = project / "manuscript" / "articles" / "notes.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n```klingon\nqapla'\n```\n", encoding="utf-8")
    _, _, first = render(project)
    cache, _, again = render(project)
    assert cache.reused == 4
    assert [d.code for d in again.items] == [d.code for d in first.items]
    assert "W212" in [d.code for d in again.items]
    assert [d.path for d in again.items] == [d.path for d in first.items]


def test_a_figure_added_early_renumbers_the_later_articles(project):
    render(project)
    opening = project / "manuscript" / "articles" / "opening.md"
    opening.write_text(opening.read_text(encoding="utf-8") + "\n![新图](../images/meeting.png)\n新图说明。\n",
                       encoding="utf-8")
    cache, rendered, _ = render(project)
    # opening changed; figures.md did not, but its first figure number did.
    assert cache.rendered == 2 and cache.reused == 2
    by_name = {r.name: r for r in rendered}
    assert [f.number for f in by_name["opening"].figures] == [1]
    assert [f.number for f in by_name["figures"].figures] == [2]
    assert "图2" in by_name["figures"].html


def test_a_damaged_or_foreign_entry_is_a_miss(project):
    render(project)
    folder = project / "build" / ".cache" / "render"
    (folder / "notes.json").write_text("{not json", encoding="utf-8")
    entry = json.loads((folder / "closing.json").read_text(encoding="utf-8"))
    entry["rendered"]["figures"] = "nonsense"
    (folder / "closing.json").write_text(json.dumps(entry), encoding="utf-8")
    cache, rendered, report = render(project)
    assert cache.rendered == 2
    assert not report.errors
    assert all(isinstance(json.loads(p.read_text(encoding="utf-8")), dict) for p in folder.glob("*.json"))


def test_a_removed_image_is_not_taken_from_the_cache(project):
    render(project)
    (project / "manuscript" / "images" / "meeting.png").unlink()
    cache, _, report = render(project)
    assert "E201" in [d.code for d in report.errors]
    assert cache.rendered >= 1


def test_font_coverage_is_checked_only_for_new_characters(project, monkeypatch):
    calls = []
    real = fonts.check_coverage

    def counting(publication, texts, report):
        calls.append(sorted(p.name for p in texts))
        real(publication, texts, report)

    monkeypatch.setattr(fonts, "check_coverage", counting)
    publication, _ = load(project)
    texts = {a.path: a.path.read_text(encoding="utf-8") for a in publication.articles}
    cache = Cache(project / "build")
    cache.check_coverage(publication, texts, Report())
    cache.check_coverage(publication, texts, Report())
    assert calls == [sorted(p.name for p in texts)], "the second check finds every character known"
    notes = next(p for p in texts if p.name == "notes.md")
    texts[notes] += "鑫"  # a character not seen before in the project
    cache.check_coverage(publication, texts, Report())
    assert calls[-1] == ["notes.md"]


def test_an_uncovered_character_is_reported_every_time(project):
    publication, _ = load(project)
    texts = {publication.manuscript / "x.md": "\U000F0000"}  # a private-use plane: no font has it
    cache = Cache(project / "build")
    for _ in range(2):
        report = Report()
        cache.check_coverage(publication, texts, report)
        assert [d.code for d in report.items] in (["E208"], ["W214"])


def test_images_are_examined_once_per_content(project, monkeypatch):
    examined = []
    real = assets.examine
    monkeypatch.setattr(assets, "examine", lambda path: examined.append(path.name) or real(path))
    cache, rendered, _ = render(project)
    first = cache.inspect_images(rendered, Report())
    second = cache.inspect_images(rendered, Report())
    assert examined == ["meeting.png"]
    assert first == second == assets.inspect(rendered, Report())
    examined.clear()
    image = project / "manuscript" / "images" / "meeting.png"
    image.write_bytes(image.read_bytes()[:200])  # truncated: a different file now
    report = Report()
    cache.inspect_images(rendered, report)
    assert examined == ["meeting.png"]
    assert [d.code for d in report.errors] == ["E202"]


def test_page_marks_round_trip_and_marks_of_removed_elements_are_dropped(project):
    _, rendered, _ = render(project)
    notes = next(r for r in rendered if r.name == "notes")
    element = sorted(i for i in notes.ids if i.startswith("notes-p"))[0]
    marks = (PageMark("3", "notes", element, 10), PageMark("4", "notes", "notes-p999", 0),
             PageMark("5", "gone", "gone-p1", 0), PageMark("6", "notes", "notes", 0))
    cache = Cache(project / "build")
    saved = cache.save_marks(marks, "layout-digest")
    loaded = cache.load_marks()
    assert loaded == saved and loaded.marks == marks and loaded.layout == "layout-digest"
    assert live_marks(loaded.marks, rendered) == (marks[0], marks[3])
