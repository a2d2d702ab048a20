"""What an import writes: publication.yaml from the outline, and chapters whose front matter
keeps only what publish reads."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..diagnostics import codes
from ..render.markdown.title import first_heading
from ..source import schema
from .outline import Outline, Reporter

_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:")
_END = re.compile(r"^(---|\.\.\.)\s*$")


def scalar(value: object) -> str:
    """A value as YAML flow text that reads back as the same value (quoted only when needed)."""
    dumped = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=1 << 30)
    return dumped.removesuffix("\n...\n").strip()


def slug_of(place: Path) -> str | None:
    """The output files' name from the book's folder (or file): its ASCII part."""
    name = place.stem if place.suffix.lower() == ".docx" else place.name
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60].strip("-")
    return slug if slug and slug[0].isalnum() else None


def publication_yaml(outline: Outline, relative: dict[Path, str], command: str) -> str:
    """publication.yaml for the imported book; `relative`: each chapter's path under manuscript/."""
    where = f", {outline.order_file.relative_to(outline.source).as_posix()}" if outline.order_file else ""
    lines = [f"# Imported by publish import ({outline.kind}{where}):", f"#   {command}",
             "# Run it again with --force to bring in a newer version of the book (manuscript/ is replaced)."]
    lines += [f"# {key}: {value}" for key, value in outline.notes.items() if value]
    meta = outline.meta
    lines.append(f"title: {scalar(meta.get('title') or outline.source.name)}")
    for key in ("authors", "translators", "editors"):
        if meta.get(key):
            lines.append(f"{key}: {scalar(list(meta[key]))}")
    for key in ("language", "rights", "publisher"):
        if meta.get(key):
            lines.append(f"{key}: {scalar(meta[key])}")
    slug = slug_of(outline.chapters[0] if outline.kind == "Word" else outline.source)
    if slug:
        lines.append(f"slug: {slug}")
    lines.append("contents:")
    for part in outline.parts:
        files = [relative[path] for path, _ in part.chapters if path in relative]
        if not files:
            continue
        if part.title is None:
            lines += [f"  - {scalar(name)}" for name in files]
        else:
            lines += [f"  - title: {scalar(part.title)}", "    articles:"]
            lines += [f"      - {scalar(name)}" for name in files]
    return "\n".join(lines) + "\n"


def front_matter(text: str, path: Path, warn: Reporter, title: str) -> str:
    """The front matter with the keys publish does not know commented out (MkDocs' `comments:`,
    `icon:`, `hide:` …): lines are kept, so that line numbers do not move. A chapter without a
    title or a heading gets `title` (its title in the book's order) in front matter of its own."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return text if first_heading(text) else f"---\ntitle: {scalar(title)}\n---\n\n" + text
    end = next((i for i in range(1, len(lines)) if _END.match(lines[i])), None)
    if end is None:
        return text
    dropped: list[tuple[str, int]] = []
    known = True
    for index in range(1, end):
        line = lines[index]
        key = _KEY.match(line)
        if key:
            known = key.group(1) in schema.ARTICLE
            if not known:
                dropped.append((key.group(1), index + 1))
        if not known and line.strip() and not line.lstrip().startswith("#"):
            lines[index] = "# " + line
    if not any(re.match(r"title[ \t]*:", line) for line in lines[1:end]) and not first_heading("\n".join(lines[end:])):
        lines.insert(1, f"title: {scalar(title)}")
    if dropped:
        names = ", ".join(name for name, _ in dropped)
        warn(codes.IMPORT_SIMPLIFIED, f"front matter key{'s' if len(dropped) > 1 else ''} {names} "
             f"commented out: publish does not use {'them' if len(dropped) > 1 else 'it'}", path, dropped[0][1],
             "the keys publish reads are listed in docs/manuscript-format.md")
    return "\n".join(lines)
