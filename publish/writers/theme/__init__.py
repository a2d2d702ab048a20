"""The theme: Jinja2 templates and CSS, the project's styles/ over the defaults in this folder.

A project's styles/ holds files with the same names as these (epub/article.xhtml,
print/book.html, epub.css, print.css …) to replace them, like MkDocs' custom_dir, and an
optional custom.css added after the theme's CSS. Files named epub* shape only the EPUB,
print* only the PDFs (registry.py's `theme` of each target).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from ...cjk import locale
from ...cjk.typography import typeset
from ...diagnostics import PublishError, Report, codes

DEFAULT_THEME = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Theme:
    env: jinja2.Environment
    folders: tuple[Path, ...]

    def render(self, template: str, **context: Any) -> str:
        """Render `template`; a mistake in a (project) template is E217 at its file and line."""
        pub = context.get("pub")
        if pub is not None and "labels" not in context:  # 目录/目錄/目次 …: cjk/locale.py, publication.yaml `labels`
            context["labels"] = locale.labels(pub.language, pub.labels)
        try:
            return self.env.get_template(template).render(**context)
        except jinja2.TemplateSyntaxError as exc:
            self._fail(exc.filename or template, exc.lineno, exc.message or str(exc))
        except jinja2.TemplateError as exc:  # undefined names, sandbox refusals, bad calls
            self._fail(*_template_position(exc, template), str(exc))

    def _fail(self, filename: str, line: int | None, message: str) -> NoReturn:
        report = Report()
        report.add(codes.TEMPLATE_ERROR, f"template error: {message}", Path(filename), line or 1, 1,
                   "templates get the typed model (pub, article, …); see publish/writers/theme/ for the defaults")
        raise PublishError(report)

    def css(self, name: str) -> str:
        """The theme's stylesheet `name`, then the project's custom.css if there is one."""
        assert self.env.loader is not None
        text = self.env.loader.get_source(self.env, name)[0]
        for folder in self.folders[:-1]:
            custom = folder / "custom.css"
            if custom.is_file():
                text += "\n/* styles/custom.css */\n" + custom.read_text(encoding="utf-8")
        return text

    def files(self) -> list[Path]:
        """Every file that can shape the output, for the up-to-date check."""
        return sorted(p for folder in self.folders if folder.is_dir() for p in folder.rglob("*") if p.is_file())


def accent_colour(css: str, default: tuple[int, int, int] = (58, 74, 92)) -> tuple[int, int, int]:
    """The last `--accent: #rrggbb` a stylesheet declares, for what is drawn outside CSS (the EPUB's
    cover): the theme sets a neutral one, a project's custom.css its own."""
    found = re.findall(r"--accent\s*:\s*#([0-9a-fA-F]{6})\b", css)
    if not found:
        return default
    value = found[-1]
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def load_theme(root: Path) -> Theme:
    folders = (root / "styles", DEFAULT_THEME)
    # Sandboxed: a project's templates come with its manuscript and must not run arbitrary Python.
    env = SandboxedEnvironment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(f)) for f in folders]),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # `{{ title | cjk }}`: escaped, with the markup of Chinese typography (render/contract.py).
    env.filters["cjk"] = lambda value: Markup(typeset(str(value)))
    return Theme(env, folders)


def _template_position(exc: Exception, template: str) -> tuple[str, int | None]:
    """The template file and line a render-time error comes from, found in its traceback."""
    tb = exc.__traceback__
    found: tuple[str, int | None] = (template, None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".xhtml", ".html", ".j2")):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found

