"""The print preflight: resolution at the printed size from the frame grid (`publish check`
reports it), and on laid-out pages text in the safe area, bleed under images at the trim,
fonts embedded."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import weasyprint
from PIL import Image

from publish.checks.preflight import printed_width_mm
from publish.diagnostics import Report
from publish.model import Asset, Grid, ImageInfo, PageGeometry, Publication
from publish.writers.pdf import preflight


def publication(columns: int) -> Publication:
    grid = Grid(columns=columns, chars=23 if columns == 2 else 49, size_pt=9.5 if columns == 2 else 10.0)
    return Publication(Path("/p"), "t", "id", "s", "zh-CN", (), page=PageGeometry(grid=grid))


def info(width: int, height: int) -> ImageInfo:
    return ImageInfo(Asset(Path("/p/x.jpg"), "images/x.jpg"), "image/jpeg", width, height)


def test_printed_width_is_the_column_or_the_grid():
    two = publication(2)
    column_mm = 23 * 9.5 / (72 / 25.4)
    assert printed_width_mm(two, info(4000, 3000), [], 2) == column_mm  # 4:3 stays in its column
    assert printed_width_mm(two, info(4000, 2000), [], 2) == two.page.grid.width_pt / (72 / 25.4)  # 2:1 spans
    assert printed_width_mm(two, info(4000, 2000), ["column"], 2) == column_mm
    tall = printed_width_mm(publication(1), info(1000, 4000), [], 1)
    assert tall == 150 * 1000 / 4000  # no taller than 150 mm


def lay_out(html: str):
    css = "@page { size: 100mm 100mm; margin: 0; bleed: 3mm } body { margin: 0 }"
    return weasyprint.HTML(string=f"<style>{css}</style>{html}").render()


def data_uri() -> str:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 0, 0)).save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def test_text_near_the_trim_is_W254():
    report = Report()
    preflight.after_layout(lay_out("<p style='margin: 1mm'>近边文字</p>"), publication(1), report)
    assert [d.code for d in report.items] == ["W254"] and "page 1" in report.items[0].message
    report = Report()
    preflight.after_layout(lay_out("<p style='margin: 12mm'>安全文字</p>"), publication(1), report)
    assert not report.items


def test_an_image_short_of_the_bleed_is_W253():
    image = data_uri()
    report = Report()
    at_trim = f"<img src='{image}' style='display: block; width: 50mm'>"
    preflight.after_layout(lay_out(at_trim), publication(1), report)
    assert [d.code for d in report.items] == ["W253"]
    report = Report()
    into_bleed = f"<img src='{image}' style='display: block; width: 60mm; margin: -3mm 0 0 -3mm'>"
    preflight.after_layout(lay_out(into_bleed), publication(1), report)
    assert not report.items
    report = Report()
    inside = f"<img src='{image}' style='display: block; width: 50mm; margin: 10mm'>"
    preflight.after_layout(lay_out(inside), publication(1), report)
    assert not report.items


class _Painted:
    """What variants._serialise_once leaves of an object: its bytes."""

    __slots__ = ("data",)

    def __init__(self, data: bytes):
        self.data = data


def test_a_font_without_its_file_is_W251():
    class Pdf:
        def __init__(self):
            self.objects = [_Painted(b"<< /Type /FontDescriptor /FontName /ABCDEF+Embedded /FontFile3 9 0 R >>"),
                            _Painted(b"<< /Type /FontDescriptor /FontName /Helvetica /Flags 32 >>")]

    preflight.painted(Pdf())
    report = Report()
    preflight.report_fonts(publication(1), report)
    assert [(d.code, d.message) for d in report.items] == [("W251", "font Helvetica is not embedded in the "
                                                                          "print PDF")]
