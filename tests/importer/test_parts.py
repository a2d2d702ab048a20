"""The importer's pieces on their own: mdBook's includes, the link scanner, SUMMARY.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from publish.diagnostics import Report
from publish.importer import mdbook
from publish.importer.layouts import natural_key
from publish.importer.outline import Reporter, parts_of
from publish.importer.rewrite import destinations
from publish.importer.summary import read_summary

LISTING = "// ANCHOR: a\nline 1\n// ANCHOR: b\nline 2\n// ANCHOR_END: b\nline 3\n// ANCHOR_END: a\nline 4\n"


@pytest.mark.parametrize("selector, expected", [
    ("", ["line 1", "line 2", "line 3", "line 4", ""]),
    ("a", ["line 1", "line 2", "line 3"]),
    ("b", ["line 2"]),
    ("2", ["line 1"]),
    ("2:4", ["line 1", "line 2"]),
    ("6:", ["line 3", "line 4", ""]),
    (":2", ["line 1"]),
    ("c", None),
    ("99", None),
])
def test_include_selectors_as_mdbook_has_them(selector, expected):
    assert mdbook._select(LISTING.split("\n"), selector) == expected


def test_includes_expand_and_say_what_they_cannot(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "code.rs").write_text(LISTING, encoding="utf-8")
    (tmp_path / "part.md").write_text("见 {{#include code.rs:b}}\n", encoding="utf-8")
    chapter = tmp_path / "src" / "ch.md"
    text = ("{{#include ../code.rs:b}}\n{{#rustdoc_include ../code.rs:a}}\n{{#include ../part.md}}\n"
            "{{#include ../code.rs:zz}}\n{{#include ../../outside.rs}}\n\\{{#include x}}\n{{#title T}}")
    report = Report()
    out = mdbook.expand(text, chapter, tmp_path, Reporter(report))
    assert out.split("\n") == ["line 2", "line 1", "line 2", "line 3", "见 line 2", "{{#include ../code.rs:zz}}",
                               "{{#include ../../outside.rs}}", "{{#include x}}", ""]
    assert [(d.code, d.line) for d in report.items] == [("W403", 4), ("W403", 5)]
    assert "has no anchor zz" in report.items[0].message and "lies outside the book" in report.items[1].message


def test_an_include_of_itself_stops(tmp_path):
    loop = tmp_path / "loop.md"
    loop.write_text("{{#include loop.md}}", encoding="utf-8")
    report = Report()
    mdbook.expand(loop.read_text(encoding="utf-8"), loop, tmp_path, Reporter(report))
    assert any("nest more than 10 deep" in d.message for d in report.items)


def test_rust_code_as_rustdoc_shows_it():
    text = "```rust,no_run\n# use x;\nfn a() {}\n#\n## not hidden\n#[derive(Debug)]\n```\n# 标题\n```python\n# comment\n```"
    assert mdbook.rust_code(text) == ("```rust no_run\nfn a() {}\n# not hidden\n#[derive(Debug)]\n```\n# 标题\n"
                                      "```python\n# comment\n```")


def test_destinations_skip_code_and_comments():
    text = ("[a](x.md) `[b](y.md)` ![c](i.png \"title\")\n```\n[d](z.md)\n```\n<!-- [e](w.md) -->\n"
            "[f]: ref.md\n[^1]: 注释\n<img src=\"p.png\" width=1> [g](<a b.md>) [[h]](nested.md) [i](not a link)\n"
            "[j](t.md 'title')")
    found = [(text[s:e], image) for s, e, image in sorted(destinations(text))]
    assert found == [("x.md", False), ("i.png", True), ("ref.md", False), ("p.png", True), ("a b.md", False),
                     ("nested.md", False), ("t.md", False)]


SUMMARY = """# Summary

[序](preface.md)

# 第一部分

- [一](one.md)
    - [一.一](one/1.md)
        - [深](one/deep.md)
* [草稿]()
<!-- - [注释掉](gone.md) -->

---

[后记](after.md)
"""


def test_summary_parts_nesting_prefix_and_suffix_chapters(tmp_path):
    for name in ("preface.md", "one.md", "one/1.md", "one/deep.md", "after.md", "gone.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("# x\n", encoding="utf-8")
    report = Report()
    nodes, title = read_summary(tmp_path / "SUMMARY.md", SUMMARY, tmp_path, tmp_path, Reporter(report))
    assert title is None, "'Summary' is no book title"
    parts = parts_of(nodes, Reporter(report), tmp_path / "SUMMARY.md")
    shown = [(p.title, [Path(c).relative_to(tmp_path).as_posix() for c, _ in p.chapters]) for p in parts]
    assert shown == [(None, ["preface.md"]), ("第一部分", ["one.md", "one/1.md", "one/deep.md"]), (None, ["after.md"])]
    assert [(d.code, d.line) for d in report.items] == [("W402", 10), ("W406", 7)]


def test_natural_order():
    names = ["第10章.md", "第 2 章.md", "README.md", "第1章.md", "附录.md", "index.md"]
    assert sorted(names, key=lambda n: natural_key(Path(n))) == ["index.md", "README.md", "第1章.md", "第 2 章.md",
                                                                 "第10章.md", "附录.md"]
