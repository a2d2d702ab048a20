"""Labels and conventions by language: what the outputs print around the text.

One table, three columns: Simplified Chinese (the mainland), Traditional Chinese (Taiwan, Hong
Kong) and Japanese. A publication's `language` picks the column (`zh-CN`, `zh-Hans` → zh-Hans;
`zh-TW`, `zh-HK`, `zh-Hant…` → zh-Hant; `ja…` → ja; anything else → zh-Hans, the default), and
publication.yaml's `labels:` overrides single entries (schema key `labels`).

The rules that are not words live in the themes' CSS, by `:lang()`: the Japanese one-character
indent, Traditional punctuation centred (the TC glyph forms, via the fonts' `locl`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

# Every key, with what it labels (the schema's docs for `labels:` come from here).
KEYS: Mapping[str, str] = MappingProxyType({
    "contents": "the heading of the table of contents",
    "contents_en": "the Latin line beside it in the PDF (empty: none)",
    "source": "the line before an article's `source`: （资料来源：…）",
    "byline": "the prefix of an article's authors: 文 / 张三",
    "translated_by": "after a book's translators on the title page: 某某 译",
    "figure": "the figures' label, before their number: 图3",
    "cover": "the cover image's alternative text, before the title",
    "landmark_cover": "the EPUB's landmark for the cover",
    "landmark_body": "the EPUB's landmark for the body",
    "landmarks": "the name of the EPUB's landmarks list",
    "page_list": "the name of the EPUB's page list",
    "quotes": "the quotation marks of <q>, outer pair then inner pair (4 characters)",
    "list_separator": "between names in a list: 张三、李四",
    "a11y_base": "the accessibility summary: what the EPUB is",
    "a11y_alt": "the accessibility summary: every image has a text alternative",
    "a11y_some_alt": "the accessibility summary: some images lack one",
    "a11y_pages": "the accessibility summary: the print edition's page numbers",
    "a11y_notes": "the accessibility summary: the notes link both ways",
    "a11y_join": "between the summary's sentences",
    "a11y_end": "at the end of the summary",
})

_HANS = {
    "contents": "目录", "contents_en": "Contents", "source": "资料来源", "byline": "文 / ",
    "translated_by": "译", "figure": "图", "cover": "封面", "landmark_cover": "封面",
    "landmark_body": "正文", "landmarks": "地标", "page_list": "页码", "quotes": "“”‘’",
    "list_separator": "、",
    "a11y_base": "本出版物为可重排的 EPUB 3，含结构化目录与标题层级，正文阅读顺序与印刷版一致",
    "a11y_alt": "所有图片均有替代文字，图注与图片来源以文字给出", "a11y_some_alt": "部分图片缺少替代文字",
    "a11y_pages": "提供与印刷版页码对应的页码列表", "a11y_notes": "注释可双向跳转",
    "a11y_join": "；", "a11y_end": "。",
}
_HANT = {
    "contents": "目錄", "contents_en": "Contents", "source": "資料來源", "byline": "文 / ",
    "translated_by": "譯", "figure": "圖", "cover": "封面", "landmark_cover": "封面",
    "landmark_body": "正文", "landmarks": "地標", "page_list": "頁碼", "quotes": "「」『』",
    "list_separator": "、",
    "a11y_base": "本出版品為可重排的 EPUB 3，含結構化目錄與標題層級，正文閱讀順序與印刷版一致",
    "a11y_alt": "所有圖片均有替代文字，圖說與圖片來源以文字提供", "a11y_some_alt": "部分圖片缺少替代文字",
    "a11y_pages": "提供與印刷版頁碼對應的頁碼列表", "a11y_notes": "註釋可雙向跳轉",
    "a11y_join": "；", "a11y_end": "。",
}
_JA = {
    "contents": "目次", "contents_en": "", "source": "出典", "byline": "文／",
    "translated_by": "訳", "figure": "図", "cover": "表紙", "landmark_cover": "表紙",
    "landmark_body": "本文", "landmarks": "ランドマーク", "page_list": "ページ", "quotes": "「」『』",
    "list_separator": "・",
    "a11y_base": "本書はリフロー型の EPUB 3 で、構造化された目次と見出し階層を備え、本文の読み順は印刷版と同じです",
    "a11y_alt": "すべての画像に代替テキストがあり、図の説明と出典は文字で示されます",
    "a11y_some_alt": "一部の画像には代替テキストがありません",
    "a11y_pages": "印刷版のページ番号に対応するページリストがあります", "a11y_notes": "注は双方向にリンクされています",
    "a11y_join": "。", "a11y_end": "。",
}
TABLE: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {"zh-Hans": MappingProxyType(_HANS), "zh-Hant": MappingProxyType(_HANT), "ja": MappingProxyType(_JA)})
assert all(set(column) == set(KEYS) for column in TABLE.values())

_HANT_TAGS = ("zh-hant", "zh-tw", "zh-hk", "zh-mo", "yue")


def script_of(language: str | None) -> str:
    """The table's column for a BCP 47 tag: "zh-Hans", "zh-Hant" or "ja"."""
    tag = (language or "").lower()
    if tag == "ja" or tag.startswith("ja-"):
        return "ja"
    if tag.startswith(_HANT_TAGS):
        return "zh-Hant"
    return "zh-Hans"


def html_lang(language: str | None) -> str:
    """The tag the outputs write in `lang`: Pango maps a bare `zh-TW`/`zh-HK` to "en" for Latin
    runs and HarfBuzz needs the script to pick ZHT/ZHH (fonts/README.md), so regional Traditional
    tags get their script: zh-TW → zh-Hant-TW, zh-HK → zh-Hant-HK."""
    if not language:
        return "zh-CN"
    lower = language.lower()
    for region in ("tw", "hk", "mo"):
        if lower == f"zh-{region}":
            return f"zh-Hant-{region.upper()}"
    return language


def labels(language: str | None, overrides: Mapping[str, str] | tuple[tuple[str, str], ...] = ()) -> dict[str, str]:
    """Every label for `language`, with the publication's overrides."""
    found = dict(TABLE[script_of(language)])
    found.update(dict(overrides))
    return found


def accessibility_summary(language: str | None, overrides: Mapping[str, str] | tuple[tuple[str, str], ...],
                          images: bool, all_alt: bool, pages: bool, notes: bool) -> str:
    """The EPUB's schema:accessibilitySummary in the publication's language."""
    words = labels(language, overrides)
    parts = [words["a11y_base"]]
    if images:
        parts.append(words["a11y_alt"] if all_alt else words["a11y_some_alt"])
    if pages:
        parts.append(words["a11y_pages"])
    if notes:
        parts.append(words["a11y_notes"])
    return words["a11y_join"].join(parts) + words["a11y_end"]
