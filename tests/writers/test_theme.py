"""The look is data: a project's styles/ overrides the package theme file by file."""

from __future__ import annotations

import zipfile

from conftest import copy_case, run_publish

from publish.writers.theme import DEFAULT_THEME, load_theme


def test_project_files_replace_theme_files_and_custom_css_is_added(tmp_path):
    project = copy_case("basic", tmp_path)
    styles = project / "styles"
    (styles / "epub").mkdir(parents=True)
    template = (DEFAULT_THEME / "epub" / "title.xhtml").read_text(encoding="utf-8")
    (styles / "epub" / "title.xhtml").write_text(template.replace("</section>", "<p>本刊由测试设计</p></section>"),
                                                 encoding="utf-8")
    (styles / "custom.css").write_text("h1 { letter-spacing: 0.1em; }\n", encoding="utf-8")
    result = run_publish("-C", str(project), "epub")
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(project / "build" / "test-monthly.epub") as z:
        assert "本刊由测试设计" in z.read("EPUB/title.xhtml").decode()
        css = z.read("EPUB/style.css").decode()
    assert css.rstrip().endswith("h1 { letter-spacing: 0.1em; }")


def test_templates_are_sandboxed_and_strict(tmp_path):
    theme = load_theme(tmp_path)
    assert theme.env.undefined.__name__ == "StrictUndefined"
    assert theme.env.autoescape is True
    assert theme.env.is_safe_attribute(object(), "__class__", None) is False


def test_the_accent_is_the_projects_in_the_css_and_on_the_drawn_cover(tmp_path):
    """The theme's colours are custom properties a project sets in styles/custom.css; the EPUB's
    cover, drawn outside CSS, takes the last --accent declared."""
    import io

    from PIL import Image

    from publish.writers.theme import accent_colour

    assert accent_colour(":root { --accent: #3a4a5c; }\n:root { --accent:#961E28 }") == (150, 30, 40)
    assert accent_colour("p { color: red }") == (58, 74, 92)
    project = copy_case("basic", tmp_path)
    (project / "styles").mkdir()
    (project / "styles" / "custom.css").write_text(":root { --accent: #0a7a3c; }\n", encoding="utf-8")
    result = run_publish("-C", str(project), "epub")
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(project / "build" / "test-monthly.epub") as z:
        cover = Image.open(io.BytesIO(z.read("EPUB/images/cover.png"))).convert("RGB")
    assert cover.getpixel((10, 10)) == (10, 122, 60)


def test_the_sample_keeps_its_look_in_its_own_styles_folder():
    """The repository's sample is a project like any other: its red is in styles/custom.css, not in
    the package's theme, whose colours are neutral."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    theme = load_theme(root)
    assert "#961e28" not in (DEFAULT_THEME / "print.css").read_text(encoding="utf-8")
    assert "--accent: #961e28" in theme.css("print.css") and "--accent: #961e28" in theme.css("epub.css")
    # The EPUB's CSS declares --accent for the drawn cover but uses no var(): e-readers (and
    # calibre's conversion to Kindle) do not read it.
    assert "var(" not in theme.css("epub.css")
