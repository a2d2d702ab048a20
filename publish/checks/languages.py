"""The rendered articles in the edition's language: a converted edition's text (OpenCC,
cjk/convert.py) and the figures' label (图/圖/図, cjk/locale.py), after rendering, so that the
memo keeps the manuscript's rendering and every edition is made from it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from ..cjk import locale
from ..cjk.convert import Converter
from ..model import Publication, RenderedArticle

_FIGURE_LABEL = re.compile(r'(<span class="figure-label">)图(\d+</span>)')


def localized(pub: Publication, rendered: tuple[RenderedArticle, ...]) -> tuple[RenderedArticle, ...]:
    converter = Converter(pub.convert, pub.phrases, _source_language(pub)) if pub.convert else None
    out = []
    for item in rendered:
        html = item.html
        if converter is not None and locale.script_of(item.article.lang) != "ja":
            html = converter.html(html)
        # The article's own language: a Japanese article of a Chinese book labels its figures 図.
        label = locale.labels(item.article.lang or pub.language, pub.labels)["figure"]
        if label != "图":
            html = _FIGURE_LABEL.sub(_labelled(label), html)
        out.append(item if html == item.html else replace(item, html=html))
    return tuple(out)


def _labelled(label: str) -> Callable[[re.Match[str]], str]:
    return lambda match: match.group(1) + label + match.group(2)


def _source_language(pub: Publication) -> str:
    # The edition's language is the target's; the manuscript's script is the other one.
    return "zh-TW" if pub.convert == "zh-Hans" else "zh-CN"
