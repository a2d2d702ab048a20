"""publish: a Chinese magazine or book manuscript (YAML + Markdown) → EPUB 3 and print PDF.

The public API is small: `load` a project's manuscript, `check` it, `build` its outputs.
The package's folders are the pipeline's stages, top to bottom:

    source/ → render/ → checks/ → writers/ (epub, pdf, preview) → make/ → cli, serve

Names are imported on first use: a no-op build must not pay for what it does not run.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from .version import __version__

_API = {
    "build": "publish.make", "clean": "publish.make", "BuildOptions": "publish.make", "Output": "publish.make",
    "check": "publish.checks", "Diagnostic": "publish.diagnostics", "PublishError": "publish.diagnostics",
    "Report": "publish.diagnostics",
}


def load(root: Any) -> Any:
    """The project's Publication and the Report of loading it, read with every registered reader."""
    from .render.readers import readers
    from .source import load as load_source

    return load_source(Path(root), readers())


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'publish' has no attribute {name!r}")


__all__ = ["BuildOptions", "Diagnostic", "Output", "PublishError", "Report", "__version__", "build", "check",
           "clean", "load"]
