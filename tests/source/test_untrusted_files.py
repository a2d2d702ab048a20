"""Untrusted project files beyond the articles: styles/ CSS and templates, fonts/, `cover:`,
`slug:` and contents entries, SVG images. Each attempt to reach a file outside the project is
a coded error naming where it is (never a traceback, never E303); a build with what is allowed
reads nothing outside the project into an output and writes nothing outside build/.

The secret lies beside the project (`../secret.*`): a path that reached it would show its
marker in an output.
"""

from __future__ import annotations

import concurrent.futures
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from publish.writers.theme import DEFAULT_THEME as THEME_DIR

MARKER = "SECRET-OUTSIDE-THE-PROJECT"


def project(folder: Path) -> Path:
    """A one-article project with an SVG figure, and secrets beside it."""
    from PIL import Image

    folder.mkdir(parents=True)
    (folder / "secret.txt").write_text(MARKER, encoding="utf-8")
    (folder / "secret.css").write_text(f"body::after {{ content: '{MARKER}' }}", encoding="utf-8")
    Image.new("RGB", (40, 40), (1, 2, 3)).save(folder / "secret.png")
    (folder / "secret.otf").write_bytes((REPO_FONTS / "NotoSansCJKPublish-Bold.otf").read_bytes())
    root = folder / "p"
    for sub in ("manuscript/articles", "manuscript/images", "styles/epub", "fonts"):
        (root / sub).mkdir(parents=True)
    (root / "manuscript" / "publication.yaml").write_text("title: 测试\ncontents:\n  - a\n", encoding="utf-8")
    (root / "manuscript" / "articles" / "a.md").write_text(
        "---\ntitle: 文章\n---\n\n正文。\n\n![图](../images/x.svg)\n图：SVG\n", encoding="utf-8")
    svg(root, '<rect width="5" height="5"/>')
    return root


REPO_FONTS = Path(__file__).resolve().parents[2] / "fonts"


def svg(root: Path, inner: str) -> None:
    (root / "manuscript" / "images" / "x.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
        f"{inner}</svg>", encoding="utf-8")


def yaml(root: Path, extra: str = "", contents: str = "  - a\n") -> None:
    (root / "manuscript" / "publication.yaml").write_text(f"title: 测试\n{extra}contents:\n{contents}",
                                                          encoding="utf-8")


def template(root: Path, tag: str) -> None:
    text = (THEME_DIR / "epub" / "article.xhtml").read_text(encoding="utf-8")
    (root / "styles" / "epub" / "article.xhtml").write_text(text.replace("</body>", tag + "</body>", 1),
                                                            encoding="utf-8")


def truncated_font(root: Path, name: str, fraction: float) -> None:
    data = (REPO_FONTS / "NotoSansCJKPublish-Bold.otf").read_bytes()
    (root / "fonts" / name).write_bytes(data[: int(len(data) * fraction)])


ATTEMPTS = {
    # name: (make the attempt, the command, the start of the expected diagnostic line)
    "css @import ../../": (lambda r: (r / "styles" / "custom.css").write_text('@import "../../secret.css";'),
                          "check", "styles/custom.css:1:1: error E205"),
    "css url() absolute": (lambda r: (r / "styles" / "custom.css").write_text(
        f"body {{ background: url({r.parent / 'secret.png'}) }}"), "check", "styles/custom.css:1:20: error E205"),
    "css url() escaped dots": (lambda r: (r / "styles" / "custom.css").write_text(
        r"body { background: url(\2e\2e/\2e\2e/secret.png) }"), "check", "styles/custom.css:1:20: error E205"),
    "css @font-face outside": (lambda r: (r / "styles" / "custom.css").write_text(
        "@font-face { font-family: X; src: url(../../secret.otf) }"), "check", "styles/custom.css:1:35: error E205"),
    "template include ../": (lambda r: template(r, '{% include "../../../secret.txt" %}'), "epub",
                             "styles/epub/article.xhtml:35:1: error E217"),
    "template include absolute": (lambda r: template(r, '{% include "/etc/passwd" %}'), "epub",
                                  "styles/epub/article.xhtml:35:1: error E217"),
    "template import": (lambda r: template(r, '{% import "epub/../../../secret.txt" as s %}'), "epub",
                        "styles/epub/article.xhtml:35:1: error E217"),
    "template symlink out": (lambda r: (r / "styles" / "epub" / "nav.xhtml").symlink_to(r.parent / "secret.txt"),
                             "check", "styles/epub/nav.xhtml:1:1: error E205"),
    "fonts/ symlink out": (lambda r: (r / "fonts" / "NotoSansCJKPublish-Bold.otf").symlink_to(r.parent / "secret.otf"),
                           "check", "fonts/NotoSansCJKPublish-Bold.otf:1:1: error E205"),
    "fonts/ bundled name, cut short": (lambda r: truncated_font(r, "NotoSansCJKPublish-Bold.otf", 0.001), "check",
                                       "fonts/NotoSansCJKPublish-Bold.otf:1:1: error E220"),
    "fonts/ bundled name, tables cut": (lambda r: truncated_font(r, "NotoSansCJKPublish-Bold.otf", 0.9), "check",
                                        "fonts/NotoSansCJKPublish-Bold.otf:1:1: error E220"),
    "fallback font outside": (lambda r: yaml(r, "fonts:\n  fallback:\n    - file: ../secret.otf\n"), "check",
                              "manuscript/publication.yaml:4:7: error E205"),
    "fallback font not a font": (lambda r: ((r / "fonts" / "x.otf").write_text(MARKER),
                                            yaml(r, "fonts:\n  fallback:\n    - file: fonts/x.otf\n")), "check",
                                 "manuscript/publication.yaml:4:7: error E220"),
    "cover ../": (lambda r: yaml(r, "cover: ../../secret.png\n"), "check", "manuscript/publication.yaml:2:1: error E205"),
    "cover absolute": (lambda r: yaml(r, f"cover: {r.parent / 'secret.png'}\n"), "check",
                       "manuscript/publication.yaml:2:1: error E205"),
    "cover through images/..": (lambda r: yaml(r, "cover: images/../../../secret.png\n"), "check",
                                "manuscript/publication.yaml:2:1: error E205"),
    "slug ../": (lambda r: yaml(r, "slug: ../../escaped\n"), "check", "manuscript/publication.yaml:2:1: error E104"),
    "slug hidden": (lambda r: yaml(r, "slug: .publish-state\n"), "check", "manuscript/publication.yaml:2:1: error E104"),
    "contents ../": (lambda r: yaml(r, contents="  - a\n  - ../../secret\n"), "check",
                     "manuscript/publication.yaml:4:5: error E205"),
    "contents absolute": (lambda r: yaml(r, contents=f"  - a\n  - {r.parent / 'secret'}\n"), "check",
                          "manuscript/publication.yaml:4:5: error E205"),
    "svg image relative": (lambda r: svg(r, '<image href="../../../secret.png" width="9" height="9"/>'), "check",
                           "manuscript/articles/a.md:7:1: error E210"),
    "svg image file:": (lambda r: svg(r, f'<image xlink:href="file://{r.parent}/secret.png"/>'), "check",
                        "manuscript/articles/a.md:7:1: error E210"),
    "svg feImage": (lambda r: svg(r, '<filter id="f"><feImage href="../../../secret.png"/></filter>'), "check",
                    "manuscript/articles/a.md:7:1: error E210"),
    "svg style url()": (lambda r: svg(r, '<style>rect { fill: url(../../../secret.png) }</style>'), "check",
                        "manuscript/articles/a.md:7:1: error E210"),
    "svg foreignObject": (lambda r: svg(r, '<foreignObject><img xmlns="http://www.w3.org/1999/xhtml" '
                                           'src="../../../secret.png"/></foreignObject>'), "check",
                          "manuscript/articles/a.md:7:1: error E210"),
}


def attempt(name: str, folder: Path) -> tuple[str, subprocess.CompletedProcess]:
    root = project(folder)
    make, command, _ = ATTEMPTS[name]
    make(root)
    return name, subprocess.run([sys.executable, "-m", "publish", "-C", str(root), command],
                                capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def attempted(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    base = tmp_path_factory.mktemp("untrusted")
    with concurrent.futures.ThreadPoolExecutor(max(2, os.cpu_count() or 2)) as pool:
        futures = [pool.submit(attempt, name, base / f"case{i}") for i, name in enumerate(ATTEMPTS)]
        return dict(f.result() for f in futures)


@pytest.mark.parametrize("name", list(ATTEMPTS))
def test_a_path_out_of_the_project_is_a_coded_error(attempted, name):
    result = attempted[name]
    expected = ATTEMPTS[name][2]
    assert result.returncode == 1, (name, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "E303" not in result.stderr, result.stderr
    assert any(line.startswith(expected) for line in result.stderr.splitlines()), (expected, result.stderr)
    assert not (Path(result.args[3]) / "build" / "preview").exists()


def test_what_is_allowed_builds_reads_nothing_outside_and_writes_only_build(tmp_path):
    """Custom CSS with a data: URL (W204), a template override, a sound font of the project's own in
    fonts/ and an SVG with a data: image: built; no secret in any output; nothing new outside build/."""
    root = project(tmp_path / "x")
    (root / "styles" / "custom.css").write_text("h2 { color: #333 } body { background: url(data:image/png;base64,AA) }",
                                                encoding="utf-8")
    template(root, "<!-- the author's own template -->")
    svg(root, '<image href="data:image/png;base64,iVBORw0KGgo=" width="5" height="5"/><rect width="5" height="5"/>')

    def everything() -> dict[str, tuple[int, int]]:
        return {str(p.relative_to(tmp_path)): (p.stat().st_mtime_ns, p.stat().st_size)
                for p in tmp_path.rglob("*") if not p.is_relative_to(root / "build") and not p.is_dir()}

    before = everything()
    result = subprocess.run([sys.executable, "-m", "publish", "-C", str(root), "-j", "2"], capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert everything() == before, "something was written outside build/"
    built = sorted(p for p in (root / "build").iterdir() if p.is_file() and not p.name.startswith("."))
    assert {p.suffix for p in built} == {".epub", ".pdf"}
    for pdf in (p for p in built if p.suffix == ".pdf"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert MARKER not in text and MARKER.encode() not in pdf.read_bytes()
        images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True).stdout
        assert not re.search(r"\s40\s+40\s", images), "the secret 40x40 image is in the PDF"
    with zipfile.ZipFile(next(p for p in built if p.suffix == ".epub")) as epub:
        assert not any(MARKER.encode() in epub.read(n) for n in epub.namelist())
        assert not any(n.endswith(".png") and b"IHDR\x00\x00\x00(\x00\x00\x00(" in epub.read(n)
                       for n in epub.namelist())
