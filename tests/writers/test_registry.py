"""Targets and readers as data: a new edition is a builder plus one registry line, a new
input format a reader plus one line; make, the loader and the memo do not change."""

from __future__ import annotations

from conftest import copy_case

from publish.diagnostics import Report
from publish.make import BuildOptions, build
from publish.render import readers
from publish.writers import registry
from publish.writers.target import Target

HTML = Target("html", "{slug}.html", "writers.fake_edition:build", command="html", theme="html")


def test_a_new_edition_is_one_registry_line(tmp_path, monkeypatch):
    monkeypatch.setitem(registry.BY_NAME, "html", HTML)
    project = copy_case("basic", tmp_path)
    options = BuildOptions(targets=("html",), jobs=1)
    [output] = build(project, options, Report())
    assert output.built and output.reason == "never built" and output.path.name == "test-monthly.html"
    assert "技术与注释" in output.path.read_text(encoding="utf-8")
    [again] = build(project, options, Report())
    assert not again.built, "recorded in the state like any target: up to date now"
    (project / "manuscript" / "articles" / "notes.md").write_text((project / "manuscript" / "articles" / "notes.md").read_text(encoding="utf-8") + "\n新段落。\n", encoding="utf-8")
    [edited] = build(project, options, Report())
    assert edited.reason == "manuscript/articles/notes.md changed"
    assert registry.commands()["html"] == ("html",) and "html" in registry.commands()["all"]


def test_a_new_input_format_is_one_reader_line(tmp_path, monkeypatch):
    spec = readers.ReaderSpec((".txt",), "writers.fake_edition:TextReader")
    monkeypatch.setattr(readers, "READERS", (*readers.READERS, spec))
    project = copy_case("basic", tmp_path)
    (project / "manuscript" / "articles" / "plain.txt").write_text("纯文本文章\n\n第一段。\n\n第二段。\n",
                                                                     encoding="utf-8")
    yaml = project / "manuscript" / "publication.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("- closing", "- closing\n  - plain"), encoding="utf-8")
    report = Report()
    outputs = build(project, BuildOptions(targets=("epub",), jobs=1), report)
    assert not report.errors, [d.format() for d in report.items]
    import zipfile

    with zipfile.ZipFile(outputs[0].path) as epub:
        page = epub.read("EPUB/plain.xhtml").decode()
    assert "纯文本文章" in page and '<p id="plain-p2">第二段。</p>' in page
