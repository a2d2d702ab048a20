"""`publish init` and `publish new`: create a project or an article that builds at once."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from .diagnostics import Report
from .fonts import FACES, TOOL_FONTS

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
    for file_name, _, _ in FACES:
        shutil.copy2(TOOL_FONTS / file_name, directory / "fonts" / file_name)
    for extra in ("OFL.txt", "README.md"):
        if (TOOL_FONTS / extra).is_file():
            shutil.copy2(TOOL_FONTS / extra, directory / "fonts" / extra)
    (directory / ".gitignore").write_text("build/\n", encoding="utf-8")


def new_article(root: Path, title: str, section: str | None, report: Report) -> Path | None:
    """Add articles/<name>.md and list it in publication.yaml (at the end, or of `section`)."""
    import yaml

    pub_path = root / "manuscript" / "publication.yaml"
    text = pub_path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    articles = root / "manuscript" / "articles"
    number = 1
    while (articles / f"article-{number:03d}.md").exists():
        number += 1
    ascii_part = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    name = ascii_part if ascii_part and not (articles / f"{ascii_part}.md").exists() else f"article-{number:03d}"
    contents = data.get("contents") or []
    if section:
        for entry in contents:
            if isinstance(entry, dict) and entry.get("title") == section:
                entry.setdefault("articles", []).append(name)
                break
        else:
            contents.append({"title": section, "articles": [name]})
    else:
        contents.append(name)
    data["contents"] = contents
    (articles / f"{name}.md").write_text(ARTICLE.format(title=title, body="正文。"), encoding="utf-8")
    pub_path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return articles / f"{name}.md"
