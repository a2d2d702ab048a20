"""The render stage with a memo: what is reused, what is not, and that a damaged entry is only a miss."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import copy_case

from publish import load
from publish.diagnostics import Report
from publish.render import render_all
from publish.render.readers import readers
from publish.store import Memo


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_case("basic", tmp_path)


def render(project: Path, memo: bool = True) -> tuple[Memo, tuple, Report]:
    publication, report = load(project)
    kept = Memo(project / "build" / ".cache")
    return kept, render_all(publication.articles, publication.root, report, readers(), kept if memo else None), report


def test_unchanged_articles_come_from_the_memo_identical(project):
    first_memo, first, first_report = render(project)
    assert (first_memo.misses["render"], first_memo.hits["render"]) == (4, 0)
    memo, again, report = render(project)
    assert (memo.misses["render"], memo.hits["render"]) == (0, 4)
    assert again == first
    assert report.items == first_report.items
    _, plain, plain_report = render(project, memo=False)
    assert plain == again and plain_report.items == report.items, "a hit runs to the same result as a miss"


def test_diagnostics_of_a_remembered_article_are_repeated(project):
    article = project / "manuscript" / "articles" / "notes.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n```klingon\nqapla'\n```\n", encoding="utf-8")
    _, _, first = render(project)
    memo, _, again = render(project)
    assert memo.hits["render"] == 4
    assert [d.code for d in again.items] == [d.code for d in first.items]
    assert "W212" in [d.code for d in again.items]
    assert [d.path for d in again.items] == [d.path for d in first.items]


def test_a_figure_added_early_renumbers_the_later_articles(project):
    render(project)
    opening = project / "manuscript" / "articles" / "opening.md"
    opening.write_text(opening.read_text(encoding="utf-8") + "\n![新图](../images/meeting.png)\n新图说明。\n",
                       encoding="utf-8")
    memo, rendered, _ = render(project)
    # opening changed; figures.md did not, but its first figure number did.
    assert memo.misses["render"] == 2 and memo.hits["render"] == 2
    by_name = {r.name: r for r in rendered}
    assert [f.number for f in by_name["opening"].figures] == [1]
    assert [f.number for f in by_name["figures"].figures] == [2]
    assert "图2" in by_name["figures"].html


def test_a_damaged_or_foreign_entry_is_a_miss(project):
    render(project)
    folder = project / "build" / ".cache" / "render"
    (folder / "notes.json").write_text("{not json", encoding="utf-8")
    entry = json.loads((folder / "closing.json").read_text(encoding="utf-8"))
    entry["value"]["rendered"]["figures"] = "nonsense"
    (folder / "closing.json").write_text(json.dumps(entry), encoding="utf-8")
    memo, rendered, report = render(project)
    assert memo.misses["render"] == 2
    assert not report.errors
    assert all(isinstance(json.loads(p.read_text(encoding="utf-8")), dict) for p in folder.glob("*.json"))


def test_a_removed_image_is_not_taken_from_the_memo(project):
    render(project)
    (project / "manuscript" / "images" / "meeting.png").unlink()
    memo, _, report = render(project)
    assert "E201" in [d.code for d in report.errors]
    assert memo.misses["render"] >= 1


def test_entries_of_deleted_articles_are_forgotten(project):
    render(project)
    (project / "build" / ".cache" / "render" / "gone.json").write_text("{}", encoding="utf-8")
    render(project)
    assert sorted(p.stem for p in (project / "build" / ".cache" / "render").glob("*.json")) == \
        ["closing", "figures", "notes", "opening"]
