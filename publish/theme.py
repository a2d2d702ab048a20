"""The layout templater: Jinja2 templates and CSS, project styles/ over the package's default theme.

A project's styles/ holds files with the same names as publish/theme/ to replace
them (like MkDocs' custom_dir), and an optional custom.css added after the theme's CSS.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

DEFAULT_THEME = Path(__file__).resolve().parent / "theme"


@dataclass(frozen=True)
class Theme:
    env: jinja2.Environment
    folders: tuple[Path, ...]

    def render(self, template: str, **context) -> str:
        return self.env.get_template(template).render(**context)

    def css(self, name: str) -> str:
        """The theme's stylesheet `name`, then the project's custom.css if there is one."""
        text = self.env.loader.get_source(self.env, name)[0]
        for folder in self.folders[:-1]:
            custom = folder / "custom.css"
            if custom.is_file():
                text += "\n/* styles/custom.css */\n" + custom.read_text(encoding="utf-8")
        return text

    def files(self) -> list[Path]:
        """Every file that can shape the output, for the up-to-date check."""
        return sorted(p for folder in self.folders if folder.is_dir() for p in folder.rglob("*") if p.is_file())


def load_theme(root: Path) -> Theme:
    folders = (root / "styles", DEFAULT_THEME)
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(f)) for f in folders]),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return Theme(env, folders)
