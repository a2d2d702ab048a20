"""One manuscript, both markets: an edition in the other script, converted with OpenCC.

Simplified → Traditional with Taiwan's phrases (`zh-Hant-TW`: 软件 → 軟體, 鼠标 → 滑鼠) or
Hong Kong's (`zh-Hant-HK`), and Traditional → Simplified (`zh-Hans`), by OpenCC's own
configurations. The project's phrase table (publication.yaml `phrases:`) corrects what OpenCC
gets wrong for this book: each line is a phrase as OpenCC writes it, a tab, and what it should
be; the longest phrase wins. Only text is converted, never markup: ids, links and file names
stay those of the manuscript.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Any

from ..model import Article, Publication, Section
from .locale import script_of

_TAG = re.compile(r"(<[^>]*>)")
_TEXT_ATTRIBUTE = re.compile(r'(\s(?:alt|title|aria-label)=")([^"]*)(")')


def configuration(target: str, source_language: str) -> str:
    """OpenCC's configuration file for converting text in `source_language` to `target`."""
    if target == "zh-Hant-TW":
        return "s2twp.json"
    if target == "zh-Hant-HK":
        return "s2hk.json"
    tag = source_language.lower()
    if tag.endswith("-tw") or tag == "zh-tw":
        return "tw2sp.json"
    if tag.endswith(("-hk", "-mo")):
        return "hk2s.json"
    return "t2s.json"


@lru_cache(maxsize=8)
def _opencc(config: str) -> Any:
    import opencc  # the converter only: a build without `convert:` never imports it

    return opencc.OpenCC(config)


def parse_phrases(text: str) -> tuple[tuple[tuple[str, str], ...], list[tuple[int, str]]]:
    """The phrase table's (phrase, replacement) pairs, and (line, problem) for the bad lines."""
    pairs, problems = [], []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        parts = line.split("\t") if "\t" in line else line.split()
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            problems.append((number, f"line {number} of the phrase table is not 'phrase<tab>replacement': "
                             f"{line[:40]!r}"))
            continue
        pairs.append((parts[0].strip(), parts[1].strip()))
    return tuple(pairs), problems


class Converter:
    """Text in the manuscript's script → the edition's."""

    def __init__(self, target: str, phrases: tuple[tuple[str, str], ...] = (), source_language: str = "zh-CN"):
        self.target = target
        self.config = configuration(target, source_language)
        self.phrases = dict(phrases)
        ordered = sorted(self.phrases, key=len, reverse=True)
        self._phrase = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def text(self, value: str) -> str:
        converted = _opencc(self.config).convert(value)
        if self._phrase is not None:
            converted = self._phrase.sub(lambda m: self.phrases[m.group(0)], converted)
        return converted

    def maybe(self, value: str | None) -> str | None:
        return None if value is None else self.text(value)

    def html(self, fragment: str) -> str:
        """An XHTML fragment with its text (and its alt and title texts) converted, its markup kept."""
        parts = _TAG.split(fragment)
        for index, part in enumerate(parts):
            if index % 2:
                parts[index] = _TEXT_ATTRIBUTE.sub(lambda m: m.group(1) + self.text(m.group(2)) + m.group(3), part)
            elif part:
                parts[index] = self.text(part)
        return "".join(parts)

    def article(self, article: Article) -> Article:
        if script_of(article.lang) == "ja":
            return article  # a Japanese article in a Chinese book is left as it is
        return replace(article, title=self.text(article.title), kicker=self.maybe(article.kicker),
                       subtitle=self.maybe(article.subtitle), authors=tuple(map(self.text, article.authors)),
                       author_note=self.maybe(article.author_note), source=self.maybe(article.source),
                       summary=self.maybe(article.summary), section=self.maybe(article.section))

    def section(self, section: Section) -> Section:
        return replace(section, title=self.maybe(section.title))

    def publication(self, pub: Publication) -> Publication:
        return replace(pub, title=self.text(pub.title), subtitle=self.maybe(pub.subtitle),
                       edition=self.maybe(pub.edition), number=self.maybe(pub.number),
                       running_head=self.maybe(pub.running_head), authors=tuple(map(self.text, pub.authors)),
                       editors=tuple(map(self.text, pub.editors)),
                       translators=tuple(map(self.text, pub.translators)), publisher=self.maybe(pub.publisher),
                       rights=self.maybe(pub.rights), sections=tuple(map(self.section, pub.sections)))
