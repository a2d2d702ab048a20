"""Aozora Bunko texts (青空文庫, `.txt`): Shift_JIS files in Aozora's notation, read as
Japanese articles.

    坊っちゃん                       the title (a subtitle may follow),
    夏目漱石                         the author, then a blank line;
    -------------------------------  the block explaining the notation (left out)
    【テキスト中に現れる記号について】…
    -------------------------------
    ［＃５字下げ］一［＃「一」は中見出し］   a heading
    　親譲《おやゆず》りの無鉄砲《むてっぽう》で…  one paragraph a line (its 　 indent is the theme's)
    底本：「…」筑摩書房               the footer: printed as the article's source (出典)

Ruby and 傍点 are cjk/ruby.py's; gaiji (`※［＃「てへん＋劣」、第3水準1-84-77］`, `U+XXXX`)
become their characters; layout annotations (字下げ, 改ページ, 地付き) are the theme's business
and are dropped; any other annotation is dropped with W232.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from ...cjk.ruby import Emphasis, Ruby, emphasis_html, ruby_html, split_aozora
from ...cjk.typography import typeset
from ...diagnostics import Report, codes
from ...model import Article, RenderedArticle, SourceText
from ..readers import RenderContext

_RULE = re.compile(r"^-{20,}\s*$")
_HEADING = re.compile(r"［＃「(?P<text>[^」]+)」は(?P<level>大|中|小)見出し］")
_GAIJI = re.compile(r"※［＃[^］]*?(?:U\+(?P<code>[0-9A-Fa-f]{4,6})|第[34]水準(?P<plane>[12])-(?P<row>\d{1,2})-"
                    r"(?P<cell>\d{1,2}))[^］]*］")
_ANNOTATION = re.compile(r"［＃(?P<body>[^］]*)］")
_LAYOUT = ("字下げ", "字上げ", "改ページ", "改丁", "改段", "改見開き", "地付き", "地から", "ここで", "ここから",
           "字詰め", "ページの左右中央", "天付き")


def decode_aozora(data: bytes) -> str | None:
    """The text of an Aozora file: Shift_JIS (Windows' superset, as Aozora writes it) or UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for codec in ("utf-8", "cp932", "shift_jis_2004"):
        try:
            return data.decode(codec).replace("\r\n", "\n")
        except UnicodeDecodeError:
            continue
    return None


def _gaiji(match: re.Match) -> str:
    if match.group("code"):
        return chr(int(match.group("code"), 16))
    row, cell = int(match.group("row")), int(match.group("cell"))
    prefix = b"\x8f" if match.group("plane") == "2" else b""
    try:
        return (prefix + bytes((0xA0 + row, 0xA0 + cell))).decode("euc_jis_2004")
    except (UnicodeDecodeError, ValueError):
        return "〓"  # the geta mark: a character that has no code


class AozoraReader:
    """`.txt` files in Aozora Bunko's notation."""

    def _text(self, path: Path) -> str | None:
        return decode_aozora(path.read_bytes())

    def read(self, root: Path, name: str, path: Path, section: str | None, report: Report) -> Article | None:
        text = self._text(path)
        if text is None:
            report.add(codes.NOT_AOZORA, f"{path.name} is neither Shift_JIS nor UTF-8 text", path, 1, 1,
                       "Aozora Bunko's .txt files are Shift_JIS; save others as UTF-8")
            return None
        lines = text.split("\n")
        header: list[str] = []
        for line in lines:
            if not line.strip():
                break
            header.append(line.strip())
        start = len(header)
        # The block explaining the notation, between two rules.
        rules = [i for i, line in enumerate(lines[:80]) if _RULE.match(line)]
        if len(rules) >= 2:
            start = rules[1] + 1
        end = next((i for i in range(start, len(lines)) if lines[i].startswith("底本：")), len(lines))
        source = lines[end][3:].strip() if end < len(lines) else None
        title = header[0] if header else name
        authors = (header[-1],) if len(header) >= 2 else ()
        subtitle = header[1] if len(header) >= 3 else None
        body = SourceText("\n".join(lines[start:end]), path, start + 1)
        return Article(name=name, title=title, body=body, subtitle=subtitle, authors=authors, source=source or None,
                       lang="ja", section=section)

    def render(self, article: Article, context: RenderContext) -> RenderedArticle:
        ids = {article.name}
        out = []
        paragraphs = headings = 0
        # Headings from the highest level the text uses: h2 under the article's title, then on.
        used = [level for level in "大中小" if f"」は{level}見出し］" in article.body.text]
        tags = {level: f"h{index + 2}" for index, level in enumerate(used)}
        for offset, raw in enumerate(article.body.text.split("\n")):
            line_number = article.body.first_line + offset

            def warn(code: str, message: str, column: int, line_number: int = line_number) -> None:
                context.report.add(getattr(codes, code), message, article.path, line_number, column + 1)

            line = _GAIJI.sub(_gaiji, raw.rstrip())
            heading = _HEADING.search(line)
            line = _HEADING.sub("", line)
            line = self._annotations(line, warn)
            if heading:
                headings += 1
                anchor = f"{article.name}-h{headings}"
                ids.add(anchor)
                tag = tags[heading.group("level")]
                out.append(f'<{tag} id="{anchor}">{escape(heading.group("text"), quote=False)}</{tag}>\n')
                continue
            line = line.lstrip("　 ")
            if not line:
                continue
            paragraphs += 1
            anchor = f"{article.name}-p{paragraphs}"
            ids.add(anchor)
            out.append(f'<p id="{anchor}">{inline(line, warn)}</p>\n')
        return RenderedArticle(article, "".join(out), (), (), frozenset(ids), (), False)

    @staticmethod
    def _annotations(line: str, warn) -> str:
        """Layout annotations dropped; 傍点 kept for cjk/ruby.py; any other dropped with W232."""
        def repl(match: re.Match) -> str:
            body = match.group("body")
            if re.search("傍点」?$", body) or body.endswith("傍点"):
                return match.group(0)
            if not any(word in body for word in _LAYOUT):
                warn("ANNOTATION_NOT_FOUND", f"［＃{body}］ is not carried out; left out", match.start())
            return ""
        return _ANNOTATION.sub(repl, line)

    def text(self, article: Article) -> str:
        return self._text(article.path) or ""


def inline(text: str, warn=None) -> str:
    """A line of Aozora text as XHTML: ruby, 傍点, and the typography of cjk/typography.py."""
    pieces = split_aozora(text, warn)
    out = []
    for index, piece in enumerate(pieces):
        if isinstance(piece, Ruby):
            out.append(ruby_html(piece))
        elif isinstance(piece, Emphasis):
            out.append(emphasis_html(piece))
        else:
            before = pieces[index - 1] if index else ""
            after = pieces[index + 1] if index + 1 < len(pieces) else ""
            out.append(typeset(piece, _plain(before), _plain(after)))
    return "".join(out)


def _plain(piece) -> str:
    if isinstance(piece, Ruby):
        return piece.base
    if isinstance(piece, Emphasis):
        return piece.text
    return piece or ""
