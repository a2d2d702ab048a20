"""WeasyPrint's URL fetcher, confined: it serves only the files this build declared."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from .fontfiles import FileBytes

MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
        ".svg": "image/svg+xml", ".otf": "font/otf", ".ttf": "font/ttf", ".icc": "application/vnd.iccprofile"}
FONTS = (".otf", ".ttf", ".ttc")
# The document's base: a fixed place that is no real folder, so that nothing on disk is reachable by
# a relative URL, and the same manuscript gives the same PDF wherever the project lies (WeasyPrint
# names each image in the PDF after a hash of its URL).
VIRTUAL_ROOT = Path("/publish-virtual-root")


class ConfinedFetcher(URLFetcher):
    """Maps virtual paths (images/…, fonts/…, profiles/…) to real files; refuses everything else.

    No network access, and no file the build did not name, can reach the PDF. Refused URLs are
    kept in `refused`, for the W204 warnings.
    """

    def __init__(self, files: dict[str, Path], base: Path = VIRTUAL_ROOT):
        super().__init__(allowed_protocols=("file", "data"))
        self.base = base
        self.files = files
        self.refused: list[str] = []

    @property
    def base_url(self) -> str:
        return self.base.as_uri() + "/"

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file" and not parts.netloc:
            try:
                virtual = Path(unquote(parts.path)).relative_to(self.base).as_posix()
            except ValueError:
                virtual = None
            source = self.files.get(virtual) if virtual is not None else None
            if source is not None:
                headers = {"Content-Type": MIME.get(source.suffix.lower(), "application/octet-stream")}
                if source.suffix.lower() in FONTS:  # linked into WeasyPrint's font folder, not copied
                    return URLFetcherResponse(url, _Whole(FileBytes.of(source)), headers)
                return URLFetcherResponse(url, source.read_bytes(), headers)
        self.refused.append(url)
        raise ValueError(f"publish does not fetch {url}")


class _Whole:
    """A body read at once: the very bytes given (a BytesIO would hand a plain copy)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, *args: object) -> bytes:
        return self.data

    def close(self) -> None:
        pass
