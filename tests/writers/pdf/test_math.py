"""Formulas drawn for the PDF (writers/pdf/math.py): a book's many new formulas are drawn half in
a forked copy, into the cache, and the HTML is the same as when they are drawn one by one here."""

from __future__ import annotations

from publish.writers.pdf import math


def _html(count: int) -> str:
    return "".join(f'<p>式 <math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi><mo>=</mo><mn>{i}</mn>'
                   f"</math>，又 <math><mn>{i}</mn><mo>+</mo><mn>1</mn></math></p>" for i in range(count))


def test_many_new_formulas_are_drawn_beside_and_the_same(tmp_path, monkeypatch):
    from publish.writers.pdf import forked

    html = _html(math.SHARED_FROM)  # twice as many formulas as the threshold
    with monkeypatch.context() as one_by_one:
        one_by_one.setattr(math, "SHARED_FROM", 10**9)
        alone = math.to_svg(html, (), None)  # each drawn here, one by one
    forks = []
    start = forked.start
    monkeypatch.setattr(forked, "start", lambda function: forks.append(1) or start(function))
    shared = math.to_svg(html, (), tmp_path)
    assert forks == [1]
    assert shared == alone and "<math" not in shared and shared.count("<svg") == 2 * math.SHARED_FROM
    assert len(list((tmp_path / "math").glob("*.svg"))) == 2 * math.SHARED_FROM
    assert math.to_svg(html, (), tmp_path) == alone  # from the cache


def test_a_few_new_formulas_are_drawn_here(tmp_path, monkeypatch):
    from publish.writers.pdf import forked

    def no_fork(function):
        raise AssertionError("forked for a few formulas")

    monkeypatch.setattr(forked, "start", no_fork)
    html = _html(3)
    assert math.to_svg(html, (), tmp_path) == math.to_svg(html, (), None)
    assert len(list((tmp_path / "math").glob("*.svg"))) == 6
