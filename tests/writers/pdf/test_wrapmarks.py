"""Code lines' continuation marks painted only where a line wraps (writers/pdf/wrapmarks.py):
pages rendered with and without it show the same pixels (the theme's own rule for
`pre.code .line`), with one background drawn per wrapped line instead of one per line."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageChops

from publish.writers import theme

_SCRIPT = r"""
import sys
import weasyprint
from publish.writers.pdf import wrapmarks
if sys.argv[1] == "patched":
    wrapmarks.install()
css, html = sys.stdin.read().split("\f")
sys.stdout.buffer.write(weasyprint.HTML(string=html).write_pdf(stylesheets=[weasyprint.CSS(string=css)]))
"""


def _code_css() -> str:
    """The theme's rules for code blocks, on a small page (its whole print.css needs the fonts
    and page furniture the writer adds)."""
    text = re.sub(r"/\*.*?\*/", "", (Path(theme.__file__).parent / "print.css").read_text(encoding="utf-8"), flags=re.S)
    rules = [rule for rule in re.findall(r"[^{}]+\{[^{}]*\}", text) if rule.strip().startswith("pre.code")]
    assert any("--publish-background: wrapped" in rule for rule in rules), "the theme marks its code lines"
    return "@page { size: 90mm 60mm; margin: 6mm } body { margin: 0 }" + "".join(rules)


def _html() -> str:
    lines = ["def f(x):", "    return x", "", "    # " + "a comment long enough to wrap " * 4,
             "print(f(1))"] * 6  # over a page: a wrapped line split across the break too
    spans = "".join(f'<span class="line">{line}</span>' for line in lines)
    return f'<html><body><pre class="code">{spans}</pre></body></html>'


def _pdf(mode: str) -> bytes:
    return subprocess.run([sys.executable, "-c", _SCRIPT, mode], input=(_code_css() + "\f" + _html()).encode(),
                          capture_output=True, check=True).stdout


def _pages(data: bytes, tmp_path: Path, name: str) -> list[Image.Image]:
    tool = shutil.which("pdftoppm")
    assert tool, "pdftoppm is needed (poppler-utils); .ci/run installs it"
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(data)
    subprocess.run([tool, "-r", "150", "-gray", str(source), str(tmp_path / name)], check=True)
    return [Image.open(path) for path in sorted(tmp_path.glob(f"{name}-*.pgm"))]


def test_unwrapped_lines_lose_an_invisible_background_and_nothing_else(tmp_path):
    stock, patched = _pdf("stock"), _pdf("patched")
    before, after = _pages(stock, tmp_path, "stock"), _pages(patched, tmp_path, "patched")
    assert len(before) == len(after) >= 2
    for one, other in zip(before, after):
        assert ImageChops.difference(one, other).getbbox() is None
    patterns = [len(re.findall(rb"/PatternType", data)) for data in (stock, patched)]
    # Stock: a pattern per line (30); patched: one per wrapped line's fragment (6, and the
    # fragment on the next page if one is split there).
    assert patterns[0] >= 30 and 6 <= patterns[1] <= 8, patterns
