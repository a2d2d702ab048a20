"""`publish init` and `publish new`: create a project or an article that builds at once."""

from __future__ import annotations

import re
from pathlib import Path

from .diagnostics import Report, codes

PUBLICATION = """title: {title}
edition: 创刊号
language: zh-CN
date: 2026-01-01
slug: {slug}
contents:
  - title: 专栏
    title_en: Column
    articles: [welcome]
"""

FONTS_README = """# Fonts of this project

publish sets the book in its bundled fonts (Noto Serif/Sans CJK, for Simplified and Traditional
Chinese and Japanese). A font file here with the name of a bundled one replaces it; a font for
characters they lack is named in manuscript/publication.yaml:

    fonts:
      fallback:
        - file: fonts/MyRareCharacters.otf
"""

ARTICLE = """---
title: {title}
authors: [作者]
---

{body}
"""


def init_project(directory: Path) -> None:
    if directory.exists() and any(directory.iterdir()):
        raise FileExistsError(f"{directory} exists and is not empty")
    slug = re.sub(r"[^a-z0-9-]+", "-", directory.resolve().name.lower()).strip("-") or "book"
    (directory / "manuscript" / "articles").mkdir(parents=True)
    (directory / "manuscript" / "images").mkdir()
    (directory / "styles").mkdir()
    (directory / "fonts").mkdir()
    (directory / "manuscript" / "publication.yaml").write_text(PUBLICATION.format(title="新刊物", slug=slug),
                                                               encoding="utf-8")
    (directory / "manuscript" / "articles" / "welcome.md").write_text(
        ARTICLE.format(title="欢迎", body="这是第一篇文章。编辑它，然后运行 publish。"), encoding="utf-8")
    (directory / "styles" / "custom.css").write_text("/* Your CSS, added after the theme's. */\n", encoding="utf-8")
    # The bundled fonts stay where publish keeps them (40 MB: no copy in every project); fonts/
    # is for the project's own, which win file by file, and for fallbacks it names.
    (directory / "fonts" / "README.md").write_text(FONTS_README, encoding="utf-8")
    (directory / ".gitignore").write_text("build/\n", encoding="utf-8")


def new_article(root: Path, title: str, section: str | None, report: Report) -> Path | None:
    """Add articles/<name>.md and list it in publication.yaml (at the end, or at the end of `section`).

    publication.yaml is edited as text, one inserted line or item, so that its comments,
    order and style stay as the editor wrote them.
    """
    pub_path = root / "manuscript" / "publication.yaml"
    try:
        text = pub_path.read_text(encoding="utf-8")
    except OSError as exc:
        report.add(codes.UNREADABLE, f"cannot read publication.yaml: {exc.strerror}", pub_path, 1, 1,
                     "run publish new inside a project, or use -C DIR (publish init DIR makes one)")
        return None
    articles = root / "manuscript" / "articles"
    ascii_part = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    # A name must also read back as a string in YAML ("2", "null" and "yes" would not).
    usable = ascii_part[:1].isalpha() and _scalar(ascii_part) == ascii_part
    name = ascii_part if usable and not (articles / f"{ascii_part}.md").exists() else None
    number = 1
    while name is None:
        candidate = f"article-{number:03d}"
        name = candidate if not (articles / f"{candidate}.md").exists() and candidate not in text else None
        number += 1
    updated = _list_article(text, name, section)
    if updated is None:
        report.add(codes.WRONG_VALUE, "publication.yaml has no 'contents' list to add the article to", pub_path, 1, 1,
                     "add 'contents:' with a list of article names")
        return None
    articles.mkdir(parents=True, exist_ok=True)
    path = articles / f"{name}.md"
    path.write_text(ARTICLE.format(title=_scalar(title), body="正文。"), encoding="utf-8")
    pub_path.write_text(updated, encoding="utf-8")
    return path


def _scalar(value: str) -> str:
    """`value` as a YAML scalar: plain when that reads back the same, else double-quoted."""
    import json

    import yaml

    try:
        plain = yaml.safe_load(f"k: {value}")
    except yaml.YAMLError:
        plain = None
    return value if isinstance(plain, dict) and plain.get("k") == value else json.dumps(value, ensure_ascii=False)


def _list_article(text: str, name: str, section: str | None) -> str | None:
    import yaml

    document = yaml.compose(text, Loader=yaml.SafeLoader)
    contents = _value(document, "contents")
    if not isinstance(contents, yaml.SequenceNode):
        return None
    if section is None:
        return _append(text, contents, name)
    for entry in contents.value:
        if isinstance(entry, yaml.MappingNode) and getattr(_value(entry, "title"), "value", None) == section:
            listed = _value(entry, "articles")
            if isinstance(listed, yaml.SequenceNode):
                return _append(text, listed, name)
            return None
    if contents.flow_style:
        return _append(text, contents, f"{{title: {_scalar(section)}, articles: [{name}]}}")
    return _append(text, contents, f"title: {_scalar(section)}\n{{indent}}  articles: [{name}]")


def _value(node, key: str):
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if getattr(key_node, "value", None) == key:
                return value_node
    return None


def _append(text: str, sequence, item: str) -> str:
    """Insert `item` as the last element of `sequence` (a yaml node), in the sequence's own style."""
    if sequence.flow_style or not sequence.value:
        close = sequence.end_mark.index - 1  # the "]"
        separator = ", " if sequence.value else ""
        return text[:close].rstrip() + separator + item + text[close:]
    indent = " " * sequence.start_mark.column
    last = sequence.value[-1]
    while getattr(last, "value", None) and isinstance(last.value, list):  # the last line of a nested item
        last = last.value[-1][-1] if isinstance(last.value[-1], tuple) else last.value[-1]
    lines = text.splitlines(keepends=True)
    line = last.end_mark.line
    if not lines[line].endswith("\n"):
        lines[line] += "\n"
    lines.insert(line + 1, f"{indent}- {item.replace('{indent}', indent)}\n")
    return "".join(lines)
