"""Pathological but legal manuscripts for the whole check, and images of extreme shape: bounded
time and memory (tests/measure.py), and the right result."""

from __future__ import annotations

import random
import re
import subprocess

from measure import measure, project

CHARS = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"


def test_2000_articles_check_in_bounded_time(tmp_path):
    rng = random.Random(2000)
    paragraph = lambda: "".join(rng.choice(CHARS) for _ in range(200)) + "。"  # noqa: E731
    articles = {f"a{i}": f"{paragraph()}\n\n{paragraph()}" for i in range(2000)}
    measured = measure(project(tmp_path / "p", articles), "check")
    assert measured.returncode == 0, measured.stderr
    assert "2000 articles" in measured.stdout
    assert measured.seconds < 120 and measured.peak_mb < 800, measured  # 3.5 s, 100 MB here


def test_images_of_2_by_60000_pixels_build_and_fit_the_page(tmp_path):
    from PIL import Image

    folder = project(tmp_path / "p", {
        "tall": "第一段。\n\n![一条竖线](../images/tall.png)\n图：竖线\n\n最后一段。",
        "wide": "第一段。\n\n![一条横线](../images/wide.png)\n图：横线\n\n最后一段。",
    })
    (folder / "manuscript" / "images").mkdir()
    Image.new("RGB", (2, 60_000), (200, 30, 40)).save(folder / "manuscript" / "images" / "tall.png")
    Image.new("RGB", (60_000, 2), (30, 40, 200)).save(folder / "manuscript" / "images" / "wide.png")
    measured = measure(folder, "-j", "2")
    assert measured.returncode == 0, measured.stderr
    assert measured.seconds < 150 and measured.peak_mb < 800, measured  # 10 s, 130 MB here
    # The print PDF carries the images as delivered (the screen PDF a copy at its resolution).
    pdf = next((folder / "build").glob("*-print.pdf"))
    info = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    sizes = {tuple(int(x) for x in line.split()[3:5]) for line in info.splitlines()[2:]}
    assert {(2, 60000), (60000, 2)} <= sizes, info
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout)
    assert text.count("最后一段") == 2 and "竖线" in text and "横线" in text
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                             text=True).stdout).group(1))
    assert pages <= 5, "each image fits one page (title, contents, two articles)"
