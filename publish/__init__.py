"""publish: a Chinese magazine or book manuscript (YAML + Markdown) → EPUB 3 and print PDF.

The public API is small: `load` a project's manuscript, `build` its outputs.
"""

__version__ = "0.1.0"

from .build import BuildOptions, Output, build, check, clean  # noqa: E402
from .diagnostics import Diagnostic, PublishError, Report  # noqa: E402


def __getattr__(name: str):
    # `load` on first use: importing the YAML loader costs ~50 ms that a no-op build does not need.
    if name == "load":
        from .manuscript import load

        return load
    raise AttributeError(f"module 'publish' has no attribute {name!r}")


__all__ = ["BuildOptions", "Diagnostic", "Output", "PublishError", "Report", "build", "check", "clean", "load",
           "__version__"]
