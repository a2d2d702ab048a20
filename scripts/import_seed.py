#!/usr/bin/env python3
"""Turn the raw text extraction of the printed issue into the manuscript.

    python scripts/import_seed.py [--seed PATH] [--only SLUG ...]

The seed (``../shared/seed/issue-2020-02.txt``) is the text layer of the
printed PDF: one printed line per line, a blank line after each, running
heads and folios in between, columns and captions interleaved.  It cannot be
split mechanically, so the reading order of every article is written down by
hand in ``scripts/seed_layout.txt``; this script only executes that layout:

* ``=== section`` / ``--- article`` lines open a section / an article;
* ``key: value`` sets a front matter field literally, ``key@ RANGES`` takes
  it from seed lines (joined, normalised);
* body directives refer to seed line numbers (1-based, as in the seed file):

  ``t R``     flowing text: lines are rejoined into paragraphs (a paragraph
              ends at a short line that ends a sentence) and short lines
              between paragraphs become ``##`` subheads; page furniture
              (running heads, folios) is dropped
  ``p R``     one paragraph           ``pp R``   one paragraph per line
  ``h R``     ``##`` subhead          ``h3 R``   ``###`` subhead
  ``li R``    one list item           ``lis R``  one list item per line
  ``q R``     ``::: pullquote``       ``bq R``   ``>`` block quote
  ``fig RATIO R``  figure: placeholder image + caption (+ credit line)
  ``side [TITLE]`` … ``end``  a ``::: sidebar`` around the directives between
  ``md TEXT`` a literal Markdown line; ``{R}`` inside is replaced by the
              joined text of the seed lines R

  ``R`` is a list of ranges: ``12-40,44,50-60!55`` (``!n`` excludes line n);
  for ``t``, ``R~n,m`` marks lines n, m as text that is never a subhead.

Every paragraph then goes through :func:`publish.cjk.editorial.normalize`
(dashes, ellipses, full-width punctuation, spaces).  Placeholder images are
drawn by ``scripts/make_placeholders.py``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from publish.cjk.editorial import normalize  # noqa: E402

DEFAULT_SEED = ROOT.parent / "shared" / "seed" / "issue-2020-02.txt"
LAYOUT = Path(__file__).with_name("seed_layout.txt")
MANUSCRIPT = ROOT / "manuscript"

FURNITURE_RE = re.compile(
    r"^(?:\d{1,3}|\d{1,3}\s+2020\.2|2020\.2(?:\s+\d{1,3})?|风向 Trend|探索 Exploration|"
    r"舆论场 Forum|月度速览|图片新闻|盘点|解读|战“疫”|地方网信经验)$"
)
TERMINAL = "。！？；…”’）」』!?"
FRONT_KEYS = ["kicker", "title", "subtitle", "authors", "author_note", "source",
              "summary", "date", "lang", "columns"]


# ---------------------------------------------------------------- seed text

class Seed:
    def __init__(self, path: Path):
        self.lines = path.read_text(encoding="utf-8").split("\n")

    def line(self, n: int) -> str:
        s = self.lines[n - 1].replace("\u3000", " ").strip()
        return s

    def take(self, ranges: str) -> list[tuple[int, str]]:
        """Non-blank seed lines of *ranges*, in the order given."""
        out = []
        for n in parse_ranges(ranges):
            s = self.line(n)
            if s:
                out.append((n, s))
        return out

    def joined(self, ranges: str, keep_gaps: bool = False) -> str:
        return join_lines([s for _, s in self.take(ranges)], keep_gaps)


def parse_ranges(spec: str) -> list[int]:
    spec = spec.replace(" ", "")
    excl = set()
    parts = spec.split("!")
    main, rest = parts[0], parts[1:]
    for r in rest:
        for x in r.split(","):
            if x:
                a, _, b = x.partition("-")
                excl.update(range(int(a), int(b or a) + 1))
    nums: list[int] = []
    for x in main.split(","):
        if not x:
            continue
        a, _, b = x.partition("-")
        nums.extend(range(int(a), int(b or a) + 1))
    return [n for n in nums if n not in excl]


def join_lines(lines: list[str], keep_gaps: bool = False) -> str:
    """Rejoin printed lines: no space at a line break, except between two
    Latin words (``IC`` / ``photo``).  With *keep_gaps*, a wide gap inside a
    line (a tab stop in the layout) becomes an ideographic space."""
    out = ""
    for s in lines:
        if keep_gaps:
            s = re.sub(r"\s{2,}", "\u3000", s)
        if out and re.search(r"[A-Za-z]$", out) and re.match(r"[A-Za-z]", s):
            out += " "
        out += s
    return out


SLOGAN_GAP_RE = re.compile(r"(?<=[\u4e00-\u9fff]{4}) (?=[\u4e00-\u9fff]{4})")


def keep_slogan_gaps(text: str) -> str:
    """Inside “…”, a space between two phrases of 4+ Han characters is a
    deliberate gap (“网聚诚信力量 共创信用中国”): make it an ideographic
    space so that the space-removal rule keeps it.  Stray spaces inside
    words (``联 合``) are between shorter runs and are left to be removed."""
    return re.sub(r"“[^“”，。！？；]*”", lambda m: SLOGAN_GAP_RE.sub("\u3000", m.group(0)), text)


def width(s: str) -> float:
    return sum(0.55 if ord(c) < 128 else 1.0 for c in s)


# ------------------------------------------------------------- flow text

def flow(seed: Seed, ranges: str, level: int = 2) -> list[str]:
    """Rejoin a column of text into paragraphs and subheads (Markdown blocks).

    A paragraph ends at a line that ends a sentence and is shorter than the
    lines around it (the column width is estimated locally, since columns
    change width around pictures).  A short line without final punctuation
    that follows the end of a paragraph is a subhead (``level`` 0: never).
    A line that begins with a dash (an enumeration ``—领导管理。``) always
    begins a paragraph."""
    ranges, _, plain = ranges.partition("~")
    not_heading = set(parse_ranges(plain)) if plain else set()
    items = [(n, s) for n, s in seed.take(ranges) if not FURNITURE_RE.match(s)]
    widths = [width(re.sub(r"(?<=[^\x00-\x7f]) +|(?<=\S) +(?=[^\x00-\x7f])", "", s)) for _, s in items]
    blocks: list[str] = []
    cur: list[str] = []

    def local_w(i: int) -> float:
        ws = [widths[j] for j in range(max(0, i - 4), min(len(items), i + 5)) if j != i]
        ws.sort()
        return ws[len(ws) * 3 // 4] if ws else widths[i]

    prev_ends = True
    for i, (n, s) in enumerate(items):
        lw = local_w(i)
        # compare with the lines that follow (for subheads and indented first
        # lines) and with the lines before (for the last line of a paragraph),
        # so that a change of column width is not taken for a short line
        nxt = [widths[j] for j in (i + 1, i + 2) if j < len(items)]
        prv = [widths[j] for j in (i - 1, i - 2) if j >= 0]
        deficit = min(lw, max(nxt)) - widths[i] if nxt else lw - widths[i]
        short = (min(lw, max(prv)) if prv else lw) - widths[i] >= 1.6
        ends = s[-1] in TERMINAL
        if (level and n not in not_heading and prev_ends and deficit >= 4 and not ends and len(s) <= 32
                and not re.search(r"[。！？；]", s) and i + 1 < len(items)):
            if cur:
                blocks.append(join_lines(cur))
                cur = []
            blocks.append("#" * level + " " + s)
            prev_ends = True
            continue
        # a new paragraph: an enumeration dash, or a first line that is
        # indented (the extraction lost the indent: the line is ~2 em short)
        # (a short line that ends a sentence is the last line of a paragraph)
        indented = prev_ends and deficit >= 1.2 and not (ends and deficit >= 3)
        if cur and (s.startswith("—") or indented):
            blocks.append(join_lines(cur))
            cur = []
        prev_ends = ends
        cur.append(s)
        if ends and short:
            blocks.append(join_lines(cur))
            cur = []
    if cur:
        blocks.append(join_lines(cur))
    return blocks


# ------------------------------------------------------------- event lists

FIELD_RE = re.compile(r"^[\u4e00-\u9fff]{1,5}\s*[：:]")


def events(seed: Seed, ranges: str, heading: bool = True) -> list[str]:
    """Calendar entries: a title line, then ``时间：… 地点：…`` fields.

    Field lines may hold two fields separated by a wide gap; a line that is
    not a field continues the previous line if that one was a full printed
    line (it wrapped), otherwise it starts a new entry."""
    entries: list[tuple[list[str], list[str]]] = []  # (title lines, fields)
    prev_w = 0.0
    prev_kind = ""
    prev_end = False
    for _, s in seed.take(ranges):
        if FURNITURE_RE.match(s):
            continue
        w = width(re.sub(r"\s+", "", s))
        if FIELD_RE.match(s):
            if not entries:
                entries.append(([], []))
            for part in re.split(r"\s{2,}", re.sub(r"([：:])\s+", r"\1", s)):
                if part.strip():
                    entries[-1][1].append(re.sub(r"^([\u4e00-\u9fff]{1,5})\s*[：:]\s*", r"\1：", part.strip()))
            prev_kind = "field"
        elif entries and prev_w >= 25 and prev_kind == "field" and not prev_end:
            entries[-1][1][-1] = join_lines([entries[-1][1][-1], s])
        elif entries and prev_w >= 25 and prev_kind == "title" and not prev_end:
            entries[-1][0].append(s)
        else:
            entries.append(([s], []))
            prev_kind = "title"
        prev_w = w
        prev_end = s.rstrip()[-1] in "。！？”"
    out = []
    for title, fields in entries:
        if title:
            t = join_lines(title)
            out.append(("### " + t) if heading else f"**{t}**")
        if fields:
            out.append("\n".join("- " + f for f in fields))
    return out


# ------------------------------------------------------------- articles

class Article:
    def __init__(self, slug: str, section: str | None):
        self.slug = slug
        self.section = section
        self.front: dict[str, object] = {}
        self.body: list[str] = []
        self.figures = 0


def caption_parts(text: str) -> tuple[str, str]:
    m = re.search(r"(?:(?<=[。）)\s])|^)((?:供图|图片来源|摄影|制图|图|来源)\s*[/／:：].*)$", text)
    if m:
        return text[: m.start(1)].strip(), re.sub(r"\s*[/／]\s*", "/", m.group(1), count=1).strip()
    return text.strip(), ""


def alt_text(caption: str) -> str:
    c = re.sub(r"^[\d年月日至晚凌晨上下午中\-—]+，", "", caption.strip()) or caption
    c = re.sub(r"[。；].*$", "", c) or c
    if len(c) > 36:
        c = c[:36] + "……"
    return f"占位图：{c}（原图未收录）"


def run_body(art: Article, seed: Seed, directives: list[str]) -> None:
    stack: list[list[str]] = [art.body]

    def emit(block: str) -> None:
        # consecutive list items form one tight list
        if block.startswith("- ") and stack[-1] and stack[-1][-1].startswith("- "):
            stack[-1][-1] += "\n" + block
        else:
            stack[-1].append(block)

    for d in directives:
        cmd, _, arg = d.partition(" ")
        arg = arg.strip()
        if cmd in ("t", "t3", "tn"):
            for b in flow(seed, arg, {"t": 2, "t3": 3, "tn": 0}[cmd]):
                emit(b)
        elif cmd in ("events", "ev"):
            for b in events(seed, arg, heading=(cmd == "events")):
                emit(b)
        elif cmd == "table":
            rows = ["| 公布时间 | 名称 |", "| --- | --- |"]
            for _, line in seed.take(arg):
                cells = re.split(r"\s{2,}", line, maxsplit=1)
                rows.append("| " + " | ".join(cells) + " |")
            emit("\n".join(rows))
        elif cmd == "qs":
            emit("::: pullquote\n" + "\n\n".join(s for _, s in seed.take(arg)) + "\n:::")
        elif cmd == "hs":
            emit("## " + re.sub(r"\s+", "\u3000", seed.joined(arg).strip()))
        elif cmd == "p":
            emit(seed.joined(arg))
        elif cmd == "pp":
            for _, s in seed.take(arg):
                emit(s)
        elif cmd in ("h", "h3", "h4"):
            level = {"h": 2, "h3": 3, "h4": 4}[cmd]
            text = re.sub(r"^\d+\s+(?=[^\x00-\x7f])", "", seed.joined(arg, keep_gaps=True))
            emit("#" * level + " " + text)
        elif cmd == "li":
            emit("- " + seed.joined(arg, keep_gaps=True))
        elif cmd == "lis":
            emit("\n".join("- " + join_lines([s], True) for _, s in seed.take(arg)))
        elif cmd == "q":
            emit("::: pullquote\n" + seed.joined(arg) + "\n:::")
        elif cmd == "bq":
            quote, _, cite = arg.partition("|")
            block = "> " + seed.joined(quote)
            if cite.strip():
                block += "\n>\n> " + seed.joined(cite)
            emit(block)
        elif cmd == "fig":
            ratio, _, rng = arg.partition(" ")
            caption, credit = caption_parts(seed.joined(rng))
            art.figures += 1
            w, h = ratio.split(":")
            name = f"{art.slug}-{art.figures}-{w}x{h}.png"
            lines = [f"![{alt_text(caption)}](../images/{name})"]
            if caption:
                lines.append(caption)
            if credit:
                lines.append(credit)
            emit("\n".join(lines))
        elif cmd == "side":
            stack.append([])
            stack[-1].append("::: sidebar" + (" " + arg if arg else ""))
        elif cmd == "end":
            inner = stack.pop()
            emit(inner[0] + "\n" + "\n\n".join(inner[1:]) + "\n:::")
        elif cmd == "md":
            emit(re.sub(r"\{([\d,!\-]+)\}", lambda m: seed.joined(m.group(1)), arg))
        else:
            raise SystemExit(f"{art.slug}: unknown directive {d!r}")
    if len(stack) != 1:
        raise SystemExit(f"{art.slug}: 'side' without 'end'")


def yaml_scalar(v: object) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(yaml_scalar(x) for x in v) + "]"
    s = str(v)
    if re.fullmatch(r"[^\s:#\[\]{},&*!|>'\"%@`-][^:#\[\]{},]*", s) and not s.endswith(" "):
        return s
    return json.dumps(s, ensure_ascii=False)


def render(art: Article) -> str:
    out = ["---"]
    art.body = [keep_slogan_gaps(b) for b in art.body]
    for k in FRONT_KEYS:
        if k in art.front and art.front[k] not in ("", [], None):
            out.append(f"{k}: {yaml_scalar(art.front[k])}")
    out.append("---")
    out.append("")
    out.append("\n\n".join(art.body))
    return normalize("\n".join(out)).rstrip() + "\n"


def parse_layout(seed: Seed, text: str):
    sections: list[dict] = []   # printed order: {"title",...,"articles"} or {"article": slug}
    articles: list[Article] = []
    cur_sec: dict | None = None
    art: Article | None = None
    directives: list[str] = []

    def close():
        nonlocal art, directives
        if art is not None:
            run_body(art, seed, directives)
            articles.append(art)
        art, directives = None, []

    for raw in text.split("\n"):
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("md ") else raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith("=== "):
            close()
            head = [x.strip() for x in line[4:].split("|")]
            if head[0] == "none":
                cur_sec = None
                continue
            cur_sec = {"title": head[0], "articles": []}
            if len(head) > 1 and head[1]:
                cur_sec["title_en"] = head[1]
            sections.append(cur_sec)
        elif line.startswith("--- "):
            close()
            slug = line[4:].strip()
            art = Article(slug, cur_sec["title"] if cur_sec else None)
            if cur_sec is not None:
                cur_sec["articles"].append(slug)
            else:
                sections.append({"article": slug})
        elif art is not None and re.match(r"^[a-z_]+(:|@) ", line):
            key, sep, val = re.match(r"^([a-z_]+)(:|@) (.*)$", line).groups()
            if key not in FRONT_KEYS:
                raise SystemExit(f"{art.slug}: unknown front matter key {key}")
            if sep == "@":
                val = seed.joined(val, keep_gaps=(key in ("title", "subtitle", "kicker")))
                if key == "author_note":
                    val = re.sub(r"^[（(]\s*|\s*[）)]$", "", val)
            if key == "authors":
                art.front[key] = [a.strip() for a in val.split(",") if a.strip()]
            elif key == "columns":
                art.front[key] = int(val)
            else:
                art.front[key] = val
        elif art is not None:
            directives.append(line.strip())
        else:
            raise SystemExit(f"layout: directive outside an article: {line!r}")
    close()
    return sections, articles


PUBLICATION_HEAD = """\
# 网络传播 2020年2月号（总第195期）
# Generated by scripts/import_seed.py from scripts/seed_layout.txt; the
# masthead data is what the printed issue gives.
title: 网络传播
edition: 2020年2月号
number: 总第195期
date: 2020-02-15
language: zh-CN
running_head: 网络传播 2020.2
slug: wlcb-2020-02
kind: magazine                 # two columns of 23 characters on a frame grid of 42 lines
page:
  width: 210mm
  height: 285mm
  bleed: 3mm
  recto_openers: false
contents:
"""

RUN_ON = {"月度速览"}  # sections of briefs: their items follow one another


def render_publication(sections: list[dict]) -> str:
    out = [PUBLICATION_HEAD.rstrip("\n")]
    for s in sections:
        if "article" in s:
            out.append(f"  - {s['article']}")
            continue
        out.append(f"  - title: {yaml_scalar(s['title'])}")
        if "title_en" in s:
            out.append(f"    title_en: {yaml_scalar(s['title_en'])}")
        if s["title"] in RUN_ON:
            out.append("    run_on: true")
        out.append("    articles:")
        for a in s["articles"]:
            out.append(f"      - {a}")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=Path, default=DEFAULT_SEED)
    ap.add_argument("--only", nargs="*", help="write only these articles")
    ap.add_argument("--out", type=Path, default=MANUSCRIPT)
    args = ap.parse_args(argv)
    if not args.seed.exists():
        raise SystemExit(f"seed not found: {args.seed}")
    seed = Seed(args.seed)
    sections, articles = parse_layout(seed, LAYOUT.read_text(encoding="utf-8"))
    (args.out / "articles").mkdir(parents=True, exist_ok=True)
    for art in articles:
        if args.only and art.slug not in args.only:
            continue
        (args.out / "articles" / f"{art.slug}.md").write_text(render(art), encoding="utf-8")
    if not args.only:
        (args.out / "publication.yaml").write_text(render_publication(sections), encoding="utf-8")
    figs = sum(a.figures for a in articles)
    print(f"{len(articles)} articles, {sum(1 for s in sections if 'title' in s)} sections, {figs} figures")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
