"""Chinese typographic normalisation ("editorial pass").

A self-contained module (standard library only) with pure functions that
apply the house rules for Chinese text to a Markdown manuscript.  The single
entry point is :func:`normalize`; every rule is also available on its own so
that it can be tested and reused.

The rules, applied in this order to each run of ordinary text:

1. :func:`fix_ellipses` – 省略号 is two U+2026 (``……``).  Three or more ASCII
   dots, three ideographic full stops and a lone ``…`` become ``……``.
2. :func:`fix_dashes` – 破折号 is two U+2014 (``——``).  A single em dash
   (or ``―``/``－－``), with or without spaces around it, becomes ``——``.
   Exception: a dash that joins two numbers or dates (``5月6日—8日``,
   ``2018年9月—2019年1月``) is a range mark and stays a single ``—``.
3. :func:`fix_fullwidth_punctuation` – in Chinese context ASCII ``, ; : ! ?``
   become ``， ； ： ！ ？`` and ASCII parentheses around Chinese text become
   ``（ ）``; a bullet ``•`` between Chinese characters becomes the middle dot
   ``·``; straight double quotes around Chinese text become ``“ ”``.
   "Chinese context" means the punctuation mark follows a Han character (or
   Chinese closing punctuation); ASCII punctuation between Latin letters or
   digits (``1,000``, ``10:30``, ``Let's Meet!``) is left alone.
4. :func:`fix_spaces` – no space between two Han characters, none between a
   Han character and full-width punctuation, and none between full-width
   punctuation and anything; a space between a Han character and a number is
   dropped too (the magazine writes ``2月23日``, not ``2 月 23 日``).  A space
   between a Han character and a Latin word is kept (collapsed to one) and a
   space between two Latin words or numbers is kept.  The ideographic space
   U+3000 is deliberate and never removed.

What is never touched (the pass is safe on Markdown):

* YAML front matter keys (only the values after ``key:`` are normalised)
  and name lists (``authors``, ``editors``: "本刊记者 李晗" keeps its space),
* the spaces of picture credits (``图/新华社记者 鞠鹏 摄``),
* fenced code blocks (```` ``` ```` / ``~~~``) and indented code,
* inline code spans, URLs, autolinks and the target of links/images
  (``![alt](../images/x.png)`` – only the alt/link text is normalised),
* Markdown syntax lines: thematic breaks ``---``, fence markers ``:::``
  (the words after ``::: sidebar`` are normalised), table separators,
  heading/list/quote markers and indentation at the start of a line,
  trailing spaces (hard line breaks).

The functions are idempotent: ``normalize(normalize(t)) == normalize(t)``.
"""

from __future__ import annotations

import re

from .chars import CREDIT, CREDIT_PREFIX, HAN, is_han

__all__ = [
    "fix_dashes",
    "fix_ellipses",
    "fix_fullwidth_punctuation",
    "fix_spaces",
    "is_han",
    "normalize",
    "normalize_line",
]

# Full-width / Chinese punctuation (opening, closing and neutral).
CJK_OPEN = "“‘《〈（【「『〔"
CJK_CLOSE = "”’》〉）】」』〕"
CJK_PUNCT = "，、。；：！？…—·" + CJK_OPEN + CJK_CLOSE + "～｜"
_HAN_RE = re.compile(f"[{HAN}]")

# Placeholder characters used to protect spans (Unicode private use area).
_PROTECT_BASE = 0xF0000




# ---------------------------------------------------------------------------
# Rule 1: ellipses
# ---------------------------------------------------------------------------

_ELLIPSIS_RE = re.compile(r"\.{3,}|。{3,}|…+|\.\s?\.\s?\.")


def fix_ellipses(text: str) -> str:
    """Make every 省略号 exactly two U+2026: ``……``.

    ``...``, ``......``, ``。。。``, ``…`` and ``………`` all become ``……``.
    Two dots (``..``) are not an ellipsis and are kept.
    """

    def repl(m: re.Match[str]) -> str:
        s = m.group(0)
        if set(s) == {"…"} and len(s) % 2 == 0:
            return s  # ……, or two ellipses in a row (rare but deliberate)
        return "……"

    return _ELLIPSIS_RE.sub(repl, text)


# ---------------------------------------------------------------------------
# Rule 2: dashes
# ---------------------------------------------------------------------------

# One or two dash-like characters, optionally surrounded by spaces.
_DASH_RE = re.compile(r"[ \t]*(?:——|—|―{1,2}|－－|－(?=[" + HAN + r"“]))[ \t]*")
_RANGE_BEFORE = re.compile(r"[0-9０-９年月日号时]$")
_RANGE_AFTER = re.compile(r"^[0-9０-９]")


def fix_dashes(text: str) -> str:
    """Make every 破折号 a double em dash ``——`` without spaces around it.

    ``一场特别的会议—统筹推进`` → ``一场特别的会议——统筹推进``;
    ``保护什么 — 谁来保护`` → ``保护什么——谁来保护``;
    a dash at the start of a line (an enumerated ``—领导管理。``) too.
    A single dash between two numbers or dates is a range and is kept:
    ``5月6日—8日``, ``2018年9月—2019年1月``, ``1—4``.
    ASCII hyphens (``-``, ``---``) are never touched.
    """

    def repl(m: re.Match[str]) -> str:
        before = text[: m.start()]
        after = text[m.end():]
        core = m.group(0).strip(" \t")
        if core == "—" and _RANGE_BEFORE.search(before) and _RANGE_AFTER.match(after):
            return "—"
        if not before.strip():
            # a line-initial dash keeps the indentation in front of it
            whole = m.group(0)
            return whole[: len(whole) - len(whole.lstrip(" \t"))] + "——"
        return "——"

    return _DASH_RE.sub(repl, text)


# ---------------------------------------------------------------------------
# Rule 3: full-width punctuation
# ---------------------------------------------------------------------------

_CTX_BEFORE = f"[{HAN}{re.escape(CJK_CLOSE)}…）]"
_ASCII_TO_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
_PUNCT_RE = re.compile(f"(?<={_CTX_BEFORE})[ \t]*([,;:!?])(?![0-9A-Za-z/])[ \t]*")
_PUNCT_BEFORE_HAN_RE = re.compile(f"(?<=[0-9A-Za-z%）)])([,;:!?])[ \t]*(?=[{HAN}])")
_PAREN_RE = re.compile(r"(?<![\]\\])\(([^()\n]*)\)")
_BULLET_RE = re.compile(f"(?<=[{HAN}0-9A-Za-z”》])[ \t]*[•∙・][ \t]*(?=[{HAN}0-9A-Za-z“《])")
_STRAIGHT_QUOTES_RE = re.compile(f'"([^"\n]*[{HAN}][^"\n]*)"')


def fix_fullwidth_punctuation(text: str) -> str:
    """Use full-width punctuation in Chinese text.

    * ``引导, 引领`` → ``引导，引领``; ``主旨: 展示`` → ``主旨：展示``;
      also after a number that is followed by Chinese (``5亿, 约`` →
      ``5亿，约``; ``2019年,`` …).
    * ``(叶建春：水利部副部长)`` → ``（叶建春：水利部副部长）``: ASCII
      parentheses whose content contains Han characters, or that touch a Han
      character on either side, become full-width.  Parentheses of a Markdown
      link (``](url)``) are never touched.
    * ``新时代•幸福`` → ``新时代·幸福`` (间隔号).
    * ``"你好"`` → ``“你好”`` when the quoted text contains Han characters.

    Left alone: ``1,000``, ``10:30``, ``Let's Meet!``, ``(CLOUD Act)``
    between Latin words, and ``http://``.
    """
    text = _PUNCT_RE.sub(lambda m: _ASCII_TO_FULL[m.group(1)], text)
    text = _PUNCT_BEFORE_HAN_RE.sub(lambda m: _ASCII_TO_FULL[m.group(1)], text)

    def paren(m: re.Match[str]) -> str:
        inner = m.group(1)
        before = text[m.start() - 1] if m.start() > 0 else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if _HAN_RE.search(inner) or is_han(before) or is_han(after):
            return "（" + inner.strip() + "）"
        return m.group(0)

    text = _PAREN_RE.sub(paren, text)
    # a half-converted pair: "( 本文……。）" / "（注 )"
    text = re.sub(f"\\([ \t]*(?=[{HAN}][^()（）\n]*）)", "（", text)
    text = re.sub("(（[^()（）\n]*)[ \t]*\\)",
                  lambda m: m.group(1).rstrip() + "）" if _HAN_RE.search(m.group(1)) else m.group(0), text)
    text = _BULLET_RE.sub("·", text)
    text = _STRAIGHT_QUOTES_RE.sub(lambda m: "“" + m.group(1) + "”", text)
    return text


# ---------------------------------------------------------------------------
# Rule 4: spaces
# ---------------------------------------------------------------------------

_FW = re.escape(CJK_PUNCT) + "，。、；：！？（）"
_SP = "[ \t]+"
_SPACE_RULES = [
    # Han/punct  <space>  Han/punct
    re.compile(f"(?<=[{HAN}{_FW}]){_SP}(?=[{HAN}{_FW}])"),
    # anything  <space>  full-width punctuation, and the reverse
    re.compile(f"(?<=\\S){_SP}(?=[{_FW}])"),
    re.compile(f"(?<=[{_FW}]){_SP}(?=\\S)"),
    # Han <space> digit, digit <space> Han
    re.compile(f"(?<=[{HAN}]){_SP}(?=[0-9])"),
    re.compile(f"(?<=[0-9%]){_SP}(?=[{HAN}])"),
    # Han <space> "+" / "%": 10万 + → 10万+
    re.compile(f"(?<=[{HAN}]){_SP}(?=[+%](?:[^0-9A-Za-z]|$))"),
]
_MULTI_SPACE_RE = re.compile(r"(?<=\S)[ \t]{2,}(?=\S)")


def fix_spaces(text: str) -> str:
    """Remove the spaces Chinese typography does not use.

    * between two Han characters: ``这 正 是`` → ``这正是``;
    * between Han and full-width punctuation, either side: ``复工 ，`` → ``复工，``;
    * between Han and a number: ``2 月 23 日`` → ``2月23日``;
    * before a trailing ``+``/``%`` after Han: ``68亿 +`` → ``68亿+``;
    * runs of spaces between a Han character and a Latin word collapse to
      one: ``使用  Linux  系统`` → ``使用 Linux 系统``;
    * kept: ``Tim B Lee``, ``App Store``, ``IC photo``, ``5 000``;
      the ideographic space U+3000; leading indentation; trailing spaces.
    """
    lead = text[:len(text) - len(text.lstrip(" \t"))]
    trail_m = re.search(r"[ \t]*$", text[len(lead):])
    trail = trail_m.group(0) if trail_m else ""
    core = text[len(lead): len(text) - len(trail)] if trail else text[len(lead):]
    for rule in _SPACE_RULES:
        core = rule.sub("", core)
    # collapse remaining runs of spaces next to Han characters
    core = re.sub(f"(?<=[{HAN}])[ \t]{{2,}}(?=\\S)|(?<=\\S)[ \t]{{2,}}(?=[{HAN}])", " ", core)
    return lead + core + trail


# ---------------------------------------------------------------------------
# Markdown-aware driver
# ---------------------------------------------------------------------------

_PROTECT_RES = [
    re.compile(r"`+[^`\n]*`+"),                      # inline code
    re.compile(r"<(?:https?|mailto|ftp):[^>\s]*>"),    # autolinks
    re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"),     # link/image targets
    re.compile(r"(?:https?|ftp)://[^\s<>（）\u3000-\u303f\uff00-\uffef]+"),  # bare URLs
    re.compile(r"^\s*\[\^?[^\]]+\]:\s*\S+", re.M),   # reference definitions (label+url)
    re.compile(r"\[\^[^\]]+\]"),                      # footnote references
    re.compile(r"<[A-Za-z/!][^>\n]*>"),               # inline HTML tags
]


def _protect(text: str) -> tuple[str, list[str]]:
    saved: list[str] = []

    def keep(m: re.Match[str]) -> str:
        saved.append(m.group(0))
        return chr(_PROTECT_BASE + len(saved) - 1)

    for rx in _PROTECT_RES:
        text = rx.sub(keep, text)
    return text, saved


def _restore(text: str, saved: list[str]) -> str:
    # restore in reverse so nested placeholders resolve
    for i in range(len(saved) - 1, -1, -1):
        text = text.replace(chr(_PROTECT_BASE + i), saved[i])
    return text


_BLOCK_PREFIX_RE = re.compile(r"^(\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+|:::+\s*\w*\s*)*)")


def normalize_text(text: str) -> str:
    """Apply rules 1–4 to a run of plain text (no Markdown awareness)."""
    text = fix_ellipses(text)
    text = fix_dashes(text)
    text = fix_fullwidth_punctuation(text)
    text = fix_spaces(text)
    return text




def normalize_credit(text: str) -> str:
    """Normalise a picture credit (``图/新华社记者 鞠鹏 摄``).

    Credits separate role, name and "摄" with spaces on purpose, so only
    rules 1–3 apply and runs of spaces are collapsed to one; the slash after
    ``图``/``供图`` loses its surrounding spaces (``图 / 张三`` → ``图/张三``).
    """
    text = fix_fullwidth_punctuation(fix_dashes(fix_ellipses(text)))
    text = re.sub(f"^({CREDIT_PREFIX})\\s*([/／:：])\\s*", r"\1\2", text.strip())
    return re.sub(r"[ \t]{2,}", " ", text)


def normalize_line(line: str) -> str:
    """Normalise one Markdown line (not inside a code block or front matter).

    A picture credit line (``图/…``, ``供图/…``, ``… 摄``) keeps the spaces
    between role and name: see :func:`normalize_credit`."""
    stripped = line.strip()
    if not stripped:
        return line
    if CREDIT.match(stripped):
        return normalize_credit(line)
    # thematic breaks, table separators, fence markers without text
    if re.fullmatch(r"(?:[-*_]\s*){3,}|\|?[\s:|-]+\|[\s:|-]*|:{3,}\s*", stripped):
        return line
    m = _BLOCK_PREFIX_RE.match(line)
    prefix = m.group(1) if m else ""
    body = line[len(prefix):]
    body, saved = _protect(body)
    if "|" in body and stripped.startswith("|"):
        cells = body.split("|")
        body = "|".join(normalize_text(c) if c.strip() else c for c in cells)
    else:
        body = normalize_text(body)
    return prefix + _restore(body, saved)


_FENCE_RE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_YAML_KEY_RE = re.compile(r"^(\s*(?:-\s+)?[A-Za-z_][\w-]*\s*:\s?)(.*)$")


# Front matter keys whose values are names: "本刊记者 李晗" keeps its space.
NAME_KEYS = ("authors", "editors", "author")


def _normalize_yaml_line(line: str) -> str:
    m = _YAML_KEY_RE.match(line)
    if m:
        key, value = m.groups()
        if key.strip().rstrip(":").strip() in NAME_KEYS:
            return line
        return key + (_normalize_yaml_value(value) if value else value)
    m = re.match(r"^(\s*-\s+)(.*)$", line)
    if m:
        return m.group(1) + _normalize_yaml_value(m.group(2))
    if line.strip() and not line.strip().startswith("#"):
        lead = line[: len(line) - len(line.lstrip())]
        return lead + _normalize_yaml_value(line.lstrip())
    return line


def _normalize_yaml_value(value: str) -> str:
    # keep YAML syntax characters of flow sequences and quoting intact
    if value.startswith("[") and value.rstrip().endswith("]"):
        inner = value.strip()[1:-1]
        parts = [p.strip() for p in inner.split(",")]
        return "[" + ", ".join(_normalize_yaml_value(p) for p in parts) + "]"
    for q in ('"', "'"):
        if len(value) >= 2 and value.startswith(q) and value.rstrip().endswith(q):
            v = value.rstrip()
            return q + normalize_text(v[1:-1]) + q
    if value.strip() in ("|", ">", "|-", ">-") or not _HAN_RE.search(value):
        return value
    return normalize_text(value)


def normalize(text: str) -> str:
    """Normalise the Chinese typography of a Markdown document.

    Applies :func:`fix_ellipses`, :func:`fix_dashes`,
    :func:`fix_fullwidth_punctuation` and :func:`fix_spaces` to every line of
    ordinary text.  YAML front matter (between ``---`` lines at the very top)
    keeps its keys and list/quote syntax; fenced and indented code, inline
    code, URLs and link targets are left exactly as they are.  Line endings
    and the final newline are preserved.
    """
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    n = len(lines)
    if n and lines[0].strip() == "---":
        out.append(lines[0])
        i = 1
        while i < n and lines[i].strip() not in ("---", "..."):
            out.append(_normalize_yaml_line(lines[i]))
            i += 1
        if i < n:
            out.append(lines[i])
            i += 1
    fence: str | None = None
    prev_blank = True
    while i < n:
        line = lines[i]
        m = _FENCE_RE.match(line)
        if fence is not None:
            out.append(line)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
        elif m:
            fence = m.group(1)
            out.append(line)
        elif prev_blank and re.match(r"^(?: {4}|\t)", line) and line.strip():
            out.append(line)  # indented code block
            i += 1
            continue
        else:
            out.append(normalize_line(line))
        prev_blank = not line.strip()
        i += 1
    return "\n".join(out)
