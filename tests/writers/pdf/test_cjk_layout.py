"""Chinese typography in the PDF, measured from glyph positions on the `typography` fixture.

The fixture has long justified paragraphs (real text of the sample issue), mixed Latin and
digits, runs of full-width punctuation, punctuation at every position, and a two-column article.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from conftest import copy_case, run_publish
from typometrics import measure


@pytest.fixture(scope="module")
def typography(tmp_path_factory) -> Path:
    project = copy_case("typography", tmp_path_factory.mktemp("typography"))
    result = run_publish("-C", str(project), "pdf", "--variant", "screen")
    assert result.returncode == 0, result.stderr
    return project / "build" / "typography.pdf"


def text_block(pdf: Path) -> str:
    """The text of the pages' text blocks without whitespace: the running heads and folios cropped
    off (a 285 mm page: below 21 mm, above 263 mm), so that a paragraph running over a page break
    reads on without the folio between its halves."""
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext (poppler-utils) is needed; .ci/run installs it"
    text = subprocess.run([pdftotext, "-raw", "-y", "60", "-H", "685", "-W", "700", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def metrics(typography):
    return measure(typography)


def test_every_justified_line_is_flush_within_half_a_point(metrics):
    assert metrics.justified_lines > 150, "the fixture must exercise many justified lines"
    assert metrics.ragged == [], f"{len(metrics.ragged)} ragged lines, e.g. {metrics.ragged[:5]}"
    assert metrics.worst_shortfall <= 0.5


def test_kinsoku_no_closing_mark_starts_and_no_opening_mark_ends_a_line(metrics):
    assert metrics.kinsoku == []


def test_consecutive_punctuation_takes_at_most_one_and_a_half_em(metrics):
    """Measured from the end of the glyph before the pair, so a little justification slack that Pango
    leaves before the pair counts too: allowed up to 0.05 em, never the half em of an uncompressed mark."""
    assert metrics.pairs >= 20
    assert max(metrics.pair_widths) <= 1.5 + 0.05, sorted(metrics.pair_widths)[-5:]


def test_latin_and_digits_get_a_quarter_em_from_han(metrics):
    assert len(metrics.latin_gaps) >= 50
    # 0.25 em of margin; justification may widen a gap a little, never narrow it.
    assert min(metrics.latin_gaps) >= 0.24, min(metrics.latin_gaps)
    assert max(metrics.latin_gaps) <= 0.45, max(metrics.latin_gaps)


def test_first_lines_are_indented_two_em(metrics):
    assert len(metrics.indents) >= 20
    assert all(abs(i - 2) < 0.01 for i in metrics.indents)


def test_no_widows_or_orphans(metrics):
    assert metrics.widows == []


def test_spacing_inserts_no_characters_into_the_text(typography, tmp_path):
    """The quarter-em spaces and the justification are positioning only: the text is the manuscript's."""
    flat = text_block(typography)
    source = (Path(__file__).resolve().parents[2] / "cases/typography/manuscript/articles/mixed.md").read_text(
        encoding="utf-8").split("---", 2)[2]
    for paragraph in source.split("\n\n"):
        paragraph = re.sub(r"\s+", "", paragraph)
        if paragraph:
            assert paragraph in flat, paragraph[:30]


def test_two_columns_keep_reading_order(typography):
    flat = text_block(typography)
    source = (Path(__file__).resolve().parents[2] / "cases/typography/manuscript/articles/twocol.md").read_text(
        encoding="utf-8").split("---", 2)[2]
    paragraphs = [re.sub(r"\s+", "", p) for p in source.split("\n\n") if p.strip()]
    positions = [flat.find(p) for p in paragraphs]
    assert all(p >= 0 for p in positions), [paragraphs[i][:20] for i, p in enumerate(positions) if p < 0]
    assert positions == sorted(positions), "paragraphs of the two-column article come out of order"
