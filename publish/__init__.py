"""publish: a Chinese magazine or book manuscript (YAML + Markdown) → EPUB 3 and print PDF.

The public API is small: `load` a project's manuscript, `build` its outputs.
"""

__version__ = "0.1.0"

from .build import BuildOptions, Output, build, check, clean  # noqa: E402
from .diagnostics import Diagnostic, PublishError, Report  # noqa: E402
from .manuscript import load  # noqa: E402

__all__ = ["BuildOptions", "Diagnostic", "Output", "PublishError", "Report", "build", "check", "clean", "load",
           "__version__"]
