"""The bundled sample manuscript is the whole printed issue, nothing lost.

The seed is the raw text extraction of the printed issue 网络传播 2020年2月号.
It lives outside the repository (``../shared/seed/issue-2020-02.txt``
relative to the project root) and is not redistributed; where it is absent
(a user's clone) the fidelity test is skipped.

Fidelity is measured per printed line: every seed line with at least 6 Han
characters, reduced to its Han characters, must occur in the Han-only text of
the manuscript (front matter values and bodies of all articles).  Running
heads and folios are what may legitimately be missing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
MANUSCRIPT = ROOT / "manuscript"
SEED = Path(__file__).resolve().parents[2] / "shared/seed/issue-2020-02.txt"

HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
FRONT_RE = re.compile(r"\A---\n(.*?)\n---\n?(.*)\Z", re.S)
ALLOWED_KEYS = {"title", "kicker", "subtitle", "authors", "author_note", "source",
                "summary", "date", "lang", "columns"}
IMAGE_RE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)")
MIN_HAN = 6
THRESHOLD = 0.97


def han(text: str) -> str:
    return "".join(HAN_RE.findall(text))


def publication() -> dict:
    return yaml.safe_load((MANUSCRIPT / "publication.yaml").read_text(encoding="utf-8"))


def listed_articles(pub: dict) -> list[str]:
    names: list[str] = []
    for item in pub.get("contents") or []:
        if isinstance(item, str):
            names.append(item)
        else:
            names.extend(item.get("articles") or [])
    return names


def split_article(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    m = FRONT_RE.match(text)
    assert m, f"{path.name}: no YAML front matter"
    front = yaml.safe_load(m.group(1)) or {}
    return front, m.group(2)


def values(obj) -> list[str]:
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in values(v)]
    if isinstance(obj, list):
        return [s for v in obj for s in values(v)]
    return [str(obj)]


def manuscript_han() -> str:
    parts = []
    for name in listed_articles(publication()):
        front, body = split_article(MANUSCRIPT / "articles" / f"{name}.md")
        parts.append(han("".join(values(front))))
        parts.append(han(body))
    return "\n".join(parts)


def test_seed_text_is_all_in_the_manuscript():
    if not SEED.exists():
        pytest.skip(f"seed not available at {SEED} (it is not part of the repository; "
                    "the fidelity check only runs next to ../shared/seed/)")
    text = manuscript_han()
    total = found = 0
    missing: list[tuple[int, str]] = []
    for no, line in enumerate(SEED.read_text(encoding="utf-8").splitlines(), 1):
        h = han(line)
        if len(h) < MIN_HAN:
            continue
        total += len(h)
        if h in text:
            found += len(h)
        else:
            missing.append((no, line.strip()))
    coverage = found / total
    print(f"\nfidelity: {found}/{total} Han characters of seed lines found = {coverage:.2%}")
    print(f"{len(missing)} seed lines not found:")
    for no, line in missing:
        print(f"  {no:5d}: {line}")
    assert coverage >= THRESHOLD, f"only {coverage:.2%} of the seed text is in the manuscript"


def test_contents_articles_and_images_are_consistent():
    pub = publication()
    listed = listed_articles(pub)
    assert len(listed) == len(set(listed)), "an article is listed twice"
    files = {p.stem for p in (MANUSCRIPT / "articles").glob("*.md")}
    assert not set(listed) - files, f"listed but missing: {sorted(set(listed) - files)}"
    assert not files - set(listed), f"not listed in publication.yaml: {sorted(files - set(listed))}"
    for item in pub["contents"]:
        if isinstance(item, dict):
            assert item.get("title"), f"section without title: {item}"
    for name in sorted(files):
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", name), f"bad article file name {name!r}"
        path = MANUSCRIPT / "articles" / f"{name}.md"
        front, body = split_article(path)
        assert front.get("title"), f"{name}: no title"
        assert set(front) <= ALLOWED_KEYS, f"{name}: unknown keys {set(front) - ALLOWED_KEYS}"
        if "authors" in front:
            assert isinstance(front["authors"], list)
        for alt, target in IMAGE_RE.findall(body):
            assert alt.strip(), f"{name}: figure {target} has no alt text"
            img = (path.parent / target).resolve()
            assert img.exists(), f"{name}: missing image {target}"
            assert img.stat().st_size < 20_000, f"{target} is too large for a placeholder"
