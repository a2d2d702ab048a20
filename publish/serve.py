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
import mimetypes
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path

from .checks import check
from .diagnostics import Diagnostic, PublishError, Report, codes
from .make.faults import disk_full
from .make.state import State
from .store import DiskFull, Memo, write_text

HOST = "127.0.0.1"
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
    pages: frozenset[str] = frozenset()  # the names of the pages written to `folder`
    hosts: frozenset[str] = frozenset()  # the Host headers this server answers to
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
        site.pages = frozenset(made.pages)


class Handler(http.server.BaseHTTPRequestHandler):
    """The preview's pages (the reload script added to each), the images and fonts it declares,
    and nothing else: no directory listing, no other file of build/ or of the machine.

    A browser visiting a hostile site can be made to send requests here under that site's
    name (DNS rebinding), so a request whose Host is not this server's own is refused (421),
    as Vite and webpack-dev-server do. Each connection has a socket timeout, so a client that
    stalls holds one thread for a while and nothing else (ThreadingHTTPServer)."""

    timeout = 20  # seconds a connection may stay silent
    protocol_version = "HTTP/1.0"  # one request per connection: no idle keep-alive threads
    site: Site  # set through functools.partial in serve()

    def __init__(self, *args, site: Site, **kwargs):
        self.site = site
        super().__init__(*args, **kwargs)

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        host = (self.headers.get("Host") or "").strip().lower()
        if host not in self.site.hosts:
            self.send_error(HTTPStatus.MISDIRECTED_REQUEST, "unknown host",
                            "publish serve answers only to localhost, 127.0.0.1 and [::1] with its port")
            return False
        return True

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _answer(self, body: bool) -> None:
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        if path == "/__publish__/version":
            with self.site.lock:
                data = json.dumps({"version": self.site.version, "errors": self.site.errors}).encode()
            return self._send(data, "application/json", body)
        if path == "/__publish__/reload.js":
            return self._send(RELOAD_JS.encode(), "text/javascript", body)
        found = self._file(path)
        if found is None:
            return self.send_error(HTTPStatus.NOT_FOUND)
        try:
            with self.site.lock:
                data = found.read_bytes()
        except OSError:
            return self.send_error(HTTPStatus.NOT_FOUND)
        if found.suffix == ".xhtml":
            return self._send(data.replace(b"</body>", INJECT.encode() + b"</body>", 1),
                              "application/xhtml+xml; charset=utf-8", body)
        kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        return self._send(data, kind + ("; charset=utf-8" if kind.startswith("text/") else ""), body)

    def _file(self, path: str) -> Path | None:
        """The file a URL path names: a page the preview wrote (by its exact name, never a
        symlink planted in build/), or an image or font of the book; None for anything else
        (encoded `..`, `//`, folders, other files of build/)."""
        if path in ("/", "/index.html"):
            path = "/index.xhtml"
        with self.site.lock:
            outside = self.site.files.get(path)
            pages = self.site.pages
        if outside is not None:
            return outside
        name = path[1:]
        if name in pages:
            page = self.site.folder / name
            if not page.is_symlink() and page.is_file():
                return page
        return None

    def _send(self, data: bytes, content_type: str, body: bool = True) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def log_message(self, format: str, *args) -> None:
        pass  # one line per request would drown the rebuild messages


def allowed_hosts(port: int) -> frozenset[str]:
    """The Host headers of a request meant for this server (the port may be left out only if it is 80)."""
    names = ("localhost", "127.0.0.1", "[::1]")
    return frozenset({f"{name}:{port}" for name in names} | (set(names) if port == 80 else set()))


def earlier_pages(folder: Path) -> frozenset[str]:
    """The pages a previous `publish serve` left: shown until the first rebuild succeeds."""
    if not folder.is_dir():
        return frozenset()
    return frozenset(p.name for p in folder.iterdir()
                     if p.suffix in (".xhtml", ".css") and p.is_file() and not p.is_symlink())


def rebuild(root: Path, site: Site, say) -> Report:
    report = Report()
    started = time.perf_counter()
    try:
        build_preview(root, site, report)
    except PublishError:
        pass  # the report says why; the last good preview stays
    except DiskFull as exc:
        report.keep(disk_full(exc))
    except Exception as exc:  # a bug, or a file gone mid-read: shown like any error, and the server stays up
        report.add(codes.INTERNAL_ERROR, f"the preview could not be rebuilt: {exc.__class__.__name__}: {exc}",
                   hint="save again; if it persists, run `publish check -v` and report it")
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
    site = Site(root / "build" / "preview", State.load(root / "build"), pages=earlier_pages(root / "build" / "preview"))
    rebuild(root, site, say)
    try:
        # Loopback only: the preview is the author's unpublished text.
        server = http.server.ThreadingHTTPServer((HOST, port), functools.partial(Handler, site=site))
    except OSError as exc:
        failure = Diagnostic.of(codes.PORT_IN_USE, f"cannot serve on {HOST}:{port}: {exc.strerror}",
                                hint="choose another port with --port, or --port 0 for any free one")
        print(failure.format(), file=sys.stderr)
        return 1
    site.hosts = allowed_hosts(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, name="publish serve", daemon=True)
    thread.start()
    # Always printed, even with --quiet: it is how a caller learns the port.
    print(f"serving http://{HOST}:{server.server_address[1]}/ (Ctrl-C to stop)", flush=True)
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
