"""Formulas drawn for the PDF (writers/pdf/math.py): new formulas are drawn in forked copies (a
book's many in two, half each), into the cache; the HTML is the same as when they are drawn one
by one here, and ziamath is never loaded in the process that asked."""

from __future__ import annotations

import subprocess
import sys

from publish.writers.pdf import math


def _html(count: int) -> str:
    return "".join(f'<p>式 <math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi><mo>=</mo><mn>{i}</mn>'
                   f"</math>，又 <math><mn>{i}</mn><mo>+</mo><mn>1</mn></math></p>" for i in range(count))


def _counted_forks(monkeypatch) -> list[int]:
    from publish.writers.pdf import forked

    forks: list[int] = []
    start = forked.start
    monkeypatch.setattr(forked, "start", lambda function: forks.append(1) or start(function))
    return forks


def _drawn_here(html: str, monkeypatch) -> str:
    from publish.writers.pdf import forked

    with monkeypatch.context() as here:
        here.setattr(forked, "available", lambda: False)
        return math.to_svg(html, (), None)


def test_many_new_formulas_are_drawn_in_two_copies_and_the_same(tmp_path, monkeypatch):
    html = _html(math.SHARED_FROM)  # twice as many formulas as the threshold
    alone = _drawn_here(html, monkeypatch)
    forks = _counted_forks(monkeypatch)
    shared = math.to_svg(html, (), tmp_path)
    assert forks == [1, 1]
    assert shared == alone and "<math" not in shared and shared.count("<svg") == 2 * math.SHARED_FROM
    assert len(list((tmp_path / "math").glob("*.svg"))) == 2 * math.SHARED_FROM
    assert math.to_svg(html, (), tmp_path) == alone  # from the cache
    assert forks == [1, 1]  # nothing drawn again


def test_a_few_new_formulas_are_drawn_in_one_copy(tmp_path, monkeypatch):
    html = _html(3)
    alone = _drawn_here(html, monkeypatch)
    forks = _counted_forks(monkeypatch)
    assert math.to_svg(html, (), tmp_path) == alone
    assert forks == [1]
    assert len(list((tmp_path / "math").glob("*.svg"))) == 6


def test_the_process_that_asks_never_loads_ziamath(tmp_path):
    script = ("import sys; from publish.writers.pdf import math; "
              f"html = math.to_svg({_html(2)!r}, (), None); "
              "assert html.count('<svg') == 4, html; print('ziamath' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
