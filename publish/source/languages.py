"""publication.yaml's language keys: `labels`, `writing_mode`, `convert`, `phrases`, and the
language every article is set in.

The outputs write the language of each element (`lang`), so each article gets its effective
language here: its own `lang`, else the publication's, as the tag the outputs need (zh-TW →
zh-Hant-TW, cjk/locale.html_lang). An edition converted to the other script (`convert`) is in
the target's language, and so are its Chinese articles and its metadata (cjk/convert.py); the
article bodies are converted after rendering (checks/).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from ..cjk import locale
from ..cjk.convert import Converter, parse_phrases
from ..diagnostics import Report, codes
from ..model import Article, Publication
from . import schema
from .sandbox import OutsideProject, Unusable, find_file
from .textfile import DecodeError, decode
from .yamlsource import YamlDoc


def language_options(meta: dict[str, Any], doc: YamlDoc, root: Path, pub_path: Path,
                     report: Report) -> dict[str, Any]:
    """The Publication's language fields from the checked keys (diagnostics into `report`)."""
    found: dict[str, Any] = {"writing_mode": meta.get("writing_mode", "horizontal"), "convert": meta.get("convert")}
    if "labels" in meta:
        labels = schema.check(doc, ("labels",), schema.LABELS, report, pub_path, what="labels")
        if "quotes" in labels and len(labels["quotes"]) != 4:
            line, col = doc.mark(("labels", "quotes"))
            report.add(codes.WRONG_VALUE, "'quotes': expected 4 characters: the outer pair, then the inner pair",
                       pub_path, line, col, "e.g. 「」『』")
            labels.pop("quotes")
        found["labels"] = tuple(sorted(labels.items()))
    if "phrases" in meta:
        line, col = doc.mark(("phrases",))
        try:
            path = find_file(root, (root / "manuscript", root), meta["phrases"])
        except (OutsideProject, Unusable) as exc:
            report.add(codes.MISSING_FILE, str(exc), pub_path, line, col)
            return found
        try:
            text = decode(path.read_bytes())
        except DecodeError as exc:
            report.add(codes.BAD_PHRASES, f"{path.name} is not UTF-8 text: {exc}", path, 1, 1)
            return found
        phrases, problems = parse_phrases(text)
        for number, problem in problems:
            report.add(codes.BAD_PHRASES, problem, path, number, 1,
                       "each line: the converted phrase, a tab, what it should be (# starts a comment)")
        found["phrases"] = phrases
    return found


def with_languages(pub: Publication) -> Publication:
    """Every article's effective language, and a converted edition's language and metadata."""
    converter = Converter(pub.convert, pub.phrases, pub.language) if pub.convert else None
    language = locale.html_lang(pub.convert or pub.language)

    def article_language(article: Article) -> str:
        own = locale.html_lang(article.lang) if article.lang else language
        if converter is not None and locale.script_of(own) != "ja":
            return language
        return own

    def article(item: Article) -> Article:
        changed = replace(item, lang=article_language(item))
        return converter.article(changed) if converter is not None else changed

    sections = tuple(replace(s, articles=tuple(article(a) for a in s.articles)) for s in pub.sections)
    result = replace(pub, language=language, sections=sections)
    if converter is not None:
        result = converter.publication(result)
    return result

