"""The up-to-date check: which inputs a target has, and how the reason names the change."""

from __future__ import annotations

import os
from pathlib import Path

from publish.make.plan import PACKAGE, remove_temporaries, snapshot, target_inputs, theme_scope, why_rebuild
from publish.make.state import State
from publish.writers.registry import BY_NAME, PROVISIONS

EPUB, PRINT = BY_NAME["epub"], BY_NAME["pdf-print"]
DESCRIBE = {name: p.describe for name, p in PROVISIONS.items()}


def test_theme_files_belong_to_the_outputs_they_shape(tmp_path):
    root = tmp_path
    assert theme_scope(root, "styles/epub.css") == "epub"
    assert theme_scope(root, "styles/epub/article.xhtml") == "epub"
    assert theme_scope(root, "styles/print.css") == "print"
    assert theme_scope(root, "styles/print/book.html") == "print"
    assert theme_scope(root, "styles/custom.css") is None
    assert theme_scope(root, "manuscript/articles/epub.md") is None
    assert theme_scope(root, str(PACKAGE / "writers" / "theme" / "epub.css")) == "epub"
    assert theme_scope(root, str(PACKAGE / "writers" / "epub" / "book.py")) is None


def test_each_target_gets_its_share_of_the_inputs(tmp_path):
    files = {"styles/epub.css": "a", "styles/print.css": "b", "manuscript/publication.yaml": "c"}
    epub = target_inputs(tmp_path, EPUB, files, "0.1 embed_fonts=True", {"page-marks": "marks"})
    pdf = target_inputs(tmp_path, PRINT, files, "0.1", {"page-marks": "marks"})
    assert set(epub) == {"styles/epub.css", "manuscript/publication.yaml", "<options>", "<page-marks>"}
    assert set(pdf) == {"styles/print.css", "manuscript/publication.yaml", "<options>"}


def _project(tmp_path: Path) -> Path:
    (tmp_path / "manuscript" / "articles").mkdir(parents=True)
    (tmp_path / "manuscript" / "publication.yaml").write_text("title: x\n", encoding="utf-8")
    (tmp_path / "manuscript" / "articles" / "a.md").write_text("---\ntitle: a\n---\n", encoding="utf-8")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "x.epub").write_bytes(b"epub")
    return tmp_path


def test_the_reason_names_what_changed(tmp_path):
    root = _project(tmp_path)
    output = root / "build" / "x.epub"
    state = State.load(root / "build")
    inputs = target_inputs(root, EPUB, snapshot(state, root), "v1", {"page-marks": "m1"})
    assert why_rebuild(state, "epub", inputs, output, DESCRIBE) == "never built"
    state.record("epub", inputs, output)
    state.save()
    state = State.load(root / "build")
    assert why_rebuild(state, "epub", inputs, output, DESCRIBE) is None

    def reason(options="v1", marks="m1"):
        changed = target_inputs(root, EPUB, snapshot(state, root), options, {"page-marks": marks})
        return why_rebuild(state, "epub", changed, output, DESCRIBE)

    article = root / "manuscript" / "articles" / "a.md"
    os.utime(article, (1, 1))  # touched, same content: up to date
    assert reason() is None
    article.write_text("---\ntitle: b\n---\n", encoding="utf-8")
    assert reason() == "manuscript/articles/a.md changed"
    article.write_text("---\ntitle: a\n---\n", encoding="utf-8")
    (root / "manuscript" / "articles" / "b.md").write_text("new", encoding="utf-8")
    assert reason() == "manuscript/articles/b.md is new"
    (root / "manuscript" / "articles" / "b.md").unlink()
    article.unlink()
    assert reason() == "manuscript/articles/a.md was removed"
    article.write_text("---\ntitle: a\n---\n", encoding="utf-8")
    assert reason(options="v2") == "build options or the publish version changed"
    assert reason(marks="m2") == "the print layout's page breaks changed"
    output.write_bytes(b"edited by hand")
    assert reason() == "x.epub was changed outside publish"
    output.unlink()
    assert reason() == "x.epub is missing"


def test_a_damaged_state_means_rebuild_everything(tmp_path):
    (tmp_path / ".publish-state.json").write_text("{\"files\": [", encoding="utf-8")
    state = State.load(tmp_path)
    assert state.targets == {} and state.files == {}


def test_temporaries_of_a_killed_build_are_removed(tmp_path):
    (tmp_path / ".x.epub.abc123.tmp").write_bytes(b"half")
    (tmp_path / "x.epub").write_bytes(b"whole")
    (tmp_path / ".cache" / "fonts").mkdir(parents=True)
    (tmp_path / ".cache" / "fonts" / ".face.otf.x9.tmp").write_bytes(b"half a font")
    removed = remove_temporaries(tmp_path)
    assert sorted(p.name for p in removed) == [".face.otf.x9.tmp", ".x.epub.abc123.tmp"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".cache", "x.epub"]
