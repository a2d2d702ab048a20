"""The magazine on its frame grid (tests/cases/magazine): body lines in the grid's columns and on
its lines in every column, pages filled, and the Chinese typography still right on the narrow
measure. Measured from glyph positions, as bench/typography.py measures the sample."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from conftest import copy_case, run_publish
from gridmetrics import measure_grid
from typometrics import measure

from publish import load
from publish.model import Asset, Grid, ImageInfo
from publish.writers.pdf.grid import snapped, spanning


@pytest.fixture(scope="module")
def magazine(tmp_path_factory) -> Path:
    project = copy_case("magazine", tmp_path_factory.mktemp("magazine"))
    result = run_publish("-C", str(project), "pdf", "--variant", "screen", "-j", "1")
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture(scope="module")
def grid_report(magazine):
    pub, _ = load(magazine)
    grid = pub.page.grid
    top = pub.page.margins_mm()[0] * 72 / 25.4
    return grid, measure_grid(magazine / "build" / "magazine.pdf", grid.size_pt, grid.pitch_pt, top, grid.width_pt)


def test_the_magazine_grid_follows_from_its_kind(magazine):
    pub, _ = load(magazine)
    assert pub.page.kind == "magazine"
    assert pub.page.grid == Grid(columns=2, chars=23, lines=42, gap=2.0, size_pt=9.5, pitch_pt=16.5)
    top, inner, bottom, outer = pub.page.margins_mm()
    assert 15 < top < bottom < 30 and 15 < inner < outer < 35


def test_body_lines_are_set_in_the_grids_columns(grid_report):
    _, report = grid_report
    assert report.lines > 400
    assert report.column_rate >= 0.9, f"{report.column_rate:.2%} of body lines in columns"
    assert 20 <= report.median_chars <= 26, report.median_chars


def test_body_lines_sit_on_the_grid_with_one_pitch_per_page(grid_report):
    grid, report = grid_report
    assert report.grid_rate >= 0.98, (f"{report.grid_rate:.2%} on the grid", report.off_grid[:10])
    for page, steps in report.pitches.items():
        assert steps <= {round(grid.pitch_pt, 1)}, (page, steps)


def test_pages_are_filled(grid_report):
    _, report = grid_report
    # The cover and the 目录 aside, only the last page may be less than half full.
    under = [(page, fill) for page, fill in report.under_half if page > 2]
    assert len(under) <= 1 and all(page == report.pages for page, _ in under), under


def test_chinese_typography_holds_on_the_narrow_measure(magazine, grid_report):
    grid, _ = grid_report
    metrics = measure(magazine / "build" / "magazine.pdf", grid.size_pt)
    assert metrics.justified_lines > 250
    assert metrics.flush_rate >= 0.99, metrics.ragged[:5]
    assert not metrics.kinsoku, metrics.kinsoku[:5]
    assert not metrics.wide_pairs, metrics.wide_pairs[:5]
    assert metrics.latin_gaps and min(metrics.latin_gaps) >= 0.24


def test_a_grid_that_does_not_fit_is_an_error(tmp_path):
    project = copy_case("magazine", tmp_path)
    yaml = project / "manuscript" / "publication.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8") + "grid:\n  chars: 40\n", encoding="utf-8")
    result = run_publish("-C", str(project), "check")
    assert result.returncode == 1
    assert "manuscript/publication.yaml:20:1: error E104: the grid (2 × 40 characters of 9.5pt, 42 lines of " \
           "16.5pt) needs 275 × 244 mm, but a 210 × 285 mm page leaves 190 × 265 mm for it" in result.stderr, \
        result.stderr


def test_snapping_moves_down_to_the_next_grid_line():
    assert snapped(100.0, 100.0, 20.0) == 100.0
    assert snapped(100.01, 100.0, 20.0) == 100.0, "a hair below a grid line is on it"
    assert snapped(101.0, 100.0, 20.0) == 120.0
    assert snapped(139.0, 100.0, 20.0) == 140.0


def test_wide_pictures_go_across_the_columns_unless_placed():
    def info(width: int, height: int) -> ImageInfo:
        return ImageInfo(Asset(Path("/x.png"), "images/x.png"), "image/png", width, height)

    html = '<figure id="a-fig1" class="figure"><img src="images/x.png" alt="" />'
    assert 'class="figure span"' in spanning(html, {"images/x.png": info(1600, 900)}, 2)
    assert 'class="figure"' in spanning(html, {"images/x.png": info(1200, 900)}, 2)
    assert 'class="figure"' in spanning(html, {"images/x.png": info(1600, 900)}, 1), "one column: nothing spans"
    placed = html.replace('class="figure"', 'class="figure column"')
    assert spanning(placed, {"images/x.png": info(1600, 900)}, 2) == placed
    heading = '<h2 id="a-x">标题</h2>\n' + html + "</figure>\n"
    assert spanning(heading, {"images/x.png": info(1600, 900)}, 2).startswith('<div class="span keep"><h2 ')
