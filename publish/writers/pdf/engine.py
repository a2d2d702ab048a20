"""The WeasyPrint version publish's engine extensions were written for: autospace, justify,
images, pagerefs, pagestyles and variants.

They patch WeasyPrint internals, so the version is pinned in pyproject.toml; each extension's
tests fail if an upgrade breaks it, and running on another version says so once per extension.
"""

from __future__ import annotations

PINNED = "70.0"


def check_version(feature: str) -> None:
    """Warn (not fail) when the installed WeasyPrint is not the one `feature` was written for."""
    import weasyprint

    if weasyprint.__version__ != PINNED:
        import warnings

        warnings.warn(f"{feature} was written for WeasyPrint {PINNED}, found {weasyprint.__version__}", stacklevel=3)
