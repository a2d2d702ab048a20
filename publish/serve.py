"""`publish serve`: an HTML preview of the publication that follows every save.

The preview is the EPUB's reading view (writers/preview): the same templates and CSS, one
XHTML page per article and the 目录 as the index, written to build/preview/. Images and fonts
are served from where they are, not copied. http.server serves it on 127.0.0.1 from a thread;
the main thread waits for saves (watchfiles), rebuilds (only changed articles are rendered
again: the memo) and bumps a version number that open pages poll, reloading themselves when
it changes. The diagnostics of the last rebuild are shown in the terminal and over the page.
"""

from __future__ import annotations

import functools
import http.server
import json
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .checks import check
from .diagnostics import Diagnostic, PublishError, Report, codes
from .make.state import State
from .store import Memo, write_text

RELOAD_JS = """(function () {
  var seen = null, box = null;
  function show(errors) {
    if (!errors) { if (box) { box.remove(); box = null; } return; }
    if (!box) {
      box = document.createElementNS("http://www.w3.org/1999/xhtml", "pre");
      box.setAttribute("style", "position:fixed;left:0;right:0;bottom:0;max-height:40%;overflow:auto;margin:0;" +
        "padding:1em;background:#fff3f3;color:#900;border-top:2px solid #900;font:13px monospace;z-index:9999");
      document.body.appendChild(box);
    }
    box.textContent = errors;
  }
  function poll() {
    fetch("/__publish__/version", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (d) {
      if (seen === null) { seen = d.version; } else if (d.version !== seen) { location.reload(); return; }
      show(d.errors);
      setTimeout(poll, 400);
    }).catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
"""
INJECT = ('<nav class="publish-preview" style="position:fixed;top:0.5em;right:0.5em;font:12px sans-serif">'
          '<a href="index.xhtml">目录</a></nav><script src="/__publish__/reload.js"></script>')


@dataclass
class Site:
    """What the server shows; replaced piece by piece by each rebuild (under `lock`)."""

    folder: Path  # build/preview
    # File digests remembered between rebuilds (by mtime and size); never saved: `publish` owns the state.
    digests: State
    files: dict[str, Path] = field(default_factory=dict)  # URL path → file served from elsewhere
    version: int = 0
    errors: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)


def build_preview(root: Path, site: Site, report: Report) -> None:
    """Write the preview pages for the manuscript as it is now. Raises PublishError on errors."""
    from .writers.preview import preview

    book = check(root, report, Memo(root / "build" / ".cache", site.digests.digest))
    if book is None:
        raise PublishError(report)
    made = preview(book)
    site.folder.mkdir(parents=True, exist_ok=True)
    with site.lock:
        for old in site.folder.iterdir():
            if old.is_file() and old.name not in made.pages:
                old.unlink()
        for name, text in made.pages.items():
            write_text(site.folder / name, text)
        site.files = made.files


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files from the preview folder, with the reload script added to every page."""

    site: Site  # set through functools.partial in serve()

    def __init__(self, *args, site: Site, **kwargs):
        self.site = site
        super().__init__(*args, directory=str(site.folder), **kwargs)

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/__publish__/version":
            with self.site.lock:
                body = json.dumps({"version": self.site.version, "errors": self.site.errors}).encode()
            return self._send(body, "application/json")
        if path == "/__publish__/reload.js":
            return self._send(RELOAD_JS.encode(), "text/javascript")
        if path in ("/", "/index.html"):
            path = "/index.xhtml"
        page = self.site.folder / path[1:]
        if path.endswith(".xhtml") and "/" not in path[1:] and page.is_file():
            with self.site.lock:
                data = page.read_bytes()
            return self._send(data.replace(b"</body>", INJECT.encode() + b"</body>", 1),
                              "application/xhtml+xml; charset=utf-8")
        return super().do_GET()

    def translate_path(self, path: str) -> str:
        """Images and fonts are served from where they are; everything else from the preview folder."""
        with self.site.lock:
            outside = self.site.files.get(path.split("?", 1)[0])
        return str(outside) if outside is not None else super().translate_path(path)

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        pass  # one line per request would drown the rebuild messages


def rebuild(root: Path, site: Site, say) -> Report:
    report = Report()
    started = time.perf_counter()
    try:
        build_preview(root, site, report)
    except PublishError:
        pass  # the report says why; the last good preview stays
    errors = "\n".join(d.format(root) for d in report.items)
    with site.lock:
        site.version += 1
        site.errors = errors if report.errors else ""
    for diagnostic in report.items:
        print(diagnostic.format(root), file=sys.stderr)
    if report.errors:
        say(f"preview not updated: {len(report.errors)} error(s)")
    else:
        say(f"preview rebuilt in {time.perf_counter() - started:.2f} s")
    return report


def serve(root: Path, port: int, quiet: bool = False) -> int:
    """Serve the preview on 127.0.0.1:`port` until interrupted; 0 picks a free port."""
    import watchfiles

    root = root.resolve()
    say = (lambda message: None) if quiet else (lambda message: print(message, flush=True))
    site = Site(root / "build" / "preview", State.load(root / "build"))
    rebuild(root, site, say)
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Handler, site=site))
    except OSError as exc:
        failure = Diagnostic.of(codes.PORT_IN_USE, f"cannot serve on 127.0.0.1:{port}: {exc.strerror}",
                                hint="choose another port with --port, or --port 0 for any free one")
        print(failure.format(), file=sys.stderr)
        return 1
    thread = threading.Thread(target=server.serve_forever, name="publish serve", daemon=True)
    thread.start()
    # Always printed, even with --quiet: it is how a caller learns the port.
    print(f"serving http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)", flush=True)
    watched = [p for p in (root / "manuscript", root / "styles", root / "fonts") if p.is_dir()]
    try:
        for changes in watchfiles.watch(*watched, debounce=200, step=50):
            names = sorted({Path(p).name for _, p in changes})
            say(f"changed: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}")
            rebuild(root, site, say)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
    return 0
