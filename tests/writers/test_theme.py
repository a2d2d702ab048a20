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
