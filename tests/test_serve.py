"""publish serve: the preview is served on 127.0.0.1, follows saves, and shows errors over the page."""

from __future__ import annotations

import http.client
import json
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import copy_case


def fetch(url: str) -> tuple[str, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8"), response.headers["Content-Type"]


def version(base: str) -> dict:
    return json.loads(fetch(base + "__publish__/version")[0])


def wait_for_version(base: str, after: int, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = version(base)
        if state["version"] > after:
            return state
        time.sleep(0.2)
    raise AssertionError(f"the preview was not rebuilt within {timeout} s")


def test_serve_previews_and_follows_edits(tmp_path):
    project = copy_case("basic", tmp_path)
    server = subprocess.Popen([sys.executable, "-m", "publish", "-C", str(project), "serve", "--port", "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        base = None
        for line in server.stdout:
            match = re.search(r"serving (http://127\.0\.0\.1:\d+/)", line)
            if match:
                base = match.group(1)
                break
            assert time.monotonic() < deadline
        assert base, server.stderr.read()

        index, kind = fetch(base)
        assert kind.startswith("application/xhtml+xml")
        assert "目录" in index and 'href="notes.xhtml"' in index
        page, _ = fetch(base + "notes.xhtml")
        assert "/__publish__/reload.js" in page and "第一条注释的内容" in page
        assert fetch(base + "style.css")[0].count("@font-face") == 6  # serif, sans, mono; two weights each
        assert fetch(base + "__publish__/reload.js")[0].startswith("(function")
        with urllib.request.urlopen(base + "images/meeting.png", timeout=10) as image:
            assert image.read(8) == b"\x89PNG\r\n\x1a\n"
        before = version(base)
        assert before["errors"] == ""

        article = project / "manuscript" / "articles" / "notes.md"
        text = article.read_text(encoding="utf-8")
        article.write_text(text + "\n预览里应当出现的新段落。\n", encoding="utf-8")
        after = wait_for_version(base, before["version"])
        assert after["errors"] == ""
        assert "预览里应当出现的新段落" in fetch(base + "notes.xhtml")[0]

        article.write_text(text.replace("title: 技术与注释", "titel: 技术与注释"), encoding="utf-8")
        broken = wait_for_version(base, after["version"])
        assert "E105" in broken["errors"] and "notes.md" in broken["errors"]
        assert "预览里应当出现的新段落" in fetch(base + "notes.xhtml")[0], "the last good preview stays"

        article.write_text(text + "\n修好之后的段落。\n", encoding="utf-8")  # the fix brings the page back
        fixed = wait_for_version(base, broken["version"])
        assert fixed["errors"] == ""
        assert "修好之后的段落" in fetch(base + "notes.xhtml")[0]
        assert server.poll() is None
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        finally:
            server.kill()
    assert server.returncode == 0


# -- the server as a network service -------------------------------------------------------------

def start(project) -> tuple[subprocess.Popen, int]:
    server = subprocess.Popen([sys.executable, "-m", "publish", "-C", str(project), "serve", "--port", "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in server.stdout:
        match = re.search(r"serving http://127\.0\.0\.1:(\d+)/", line)
        if match:
            return server, int(match.group(1))
    raise AssertionError(server.stderr.read())


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=20)
    finally:
        server.kill()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A running `publish serve` on the basic case, with a symlink to a secret planted in build/preview."""
    project = copy_case("basic", tmp_path_factory.mktemp("serve"))
    secret = project.parent / "secret.txt"
    secret.write_text("the secret outside the project", encoding="utf-8")
    (project / "build" / "preview").mkdir(parents=True)
    (project / "build" / "preview" / "secret.xhtml").symlink_to(secret)
    (project / "build" / "preview" / "secret.css").symlink_to(secret)
    server, port = start(project)
    yield project, port
    stop(server)


def request(port: int, path: str, host: str | None = "default", method: str = "GET") -> tuple[int, bytes]:
    """A request as a browser (or an attacker's page) sends it, with the Host header given."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            connection.putheader("Host", f"127.0.0.1:{port}" if host == "default" else host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_only_requests_for_this_server_are_answered(served):
    """DNS rebinding: a page of evil.example whose name now resolves to 127.0.0.1 sends its own Host."""
    _, port = served
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}", f"LOCALHOST:{port}"):
        assert request(port, "/", host)[0] == 200, host
    for host in ("evil.example", f"evil.example:{port}", f"localhost.evil.example:{port}", "127.0.0.1",
                 f"127.0.0.1:{port + 1}", f"127.0.0.2:{port}", "", None):
        status, _ = request(port, "/", host)
        assert status in (403, 421), (host, status)
        assert request(port, "/__publish__/version", host)[0] in (403, 421), host
    assert request(port, "/", "evil.example", method="HEAD")[0] in (403, 421)


def test_nothing_outside_the_preview_is_served(served):
    project, port = served
    assert request(port, "/notes.xhtml")[0] == 200
    assert request(port, "/images/meeting.png")[0] == 200  # a file the book declares, from where it is
    for path in ("/secret.xhtml", "/secret.css",  # symlinks planted in build/preview
                 "/%2e%2e/%2e%2e/secret.txt", "/..%2f..%2fsecret.txt", "/%2e%2e%2f.publish-state.json",
                 "/../manuscript/publication.yaml", "//etc/passwd", "/etc/passwd", "/%2fetc%2fpasswd",
                 "/images/", "/images/../../manuscript/publication.yaml", "/manuscript/publication.yaml",
                 "/.publish-state.json", "/preview/index.xhtml", "/index.xhtml%00.png"):
        status, body = request(port, path)
        assert status == 404, (path, status)
        assert b"secret outside" not in body and b"contents:" not in body and b"root:" not in body, path


def test_a_stalled_client_does_not_block_others(served):
    _, port = served
    stalled = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
    try:
        stalled[0].sendall(b"GET /notes.xhtml HTTP/1.1\r\nHost: 127.0.0.1")  # and never the rest
        stalled[1].sendall(b"GE")
        started = time.monotonic()
        for _ in range(5):
            assert request(port, "/notes.xhtml")[0] == 200
        assert time.monotonic() - started < 10
    finally:
        for connection in stalled:
            connection.close()


def test_the_server_listens_on_loopback_only(served):
    _, port = served
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # no packet is sent: this picks the address of the default route
        address = probe.getsockname()[0]
    except OSError:
        address = ""
    finally:
        probe.close()
    if not address or address.startswith("127."):
        pytest.skip("this machine has no address but loopback to try the port on")
    with pytest.raises(OSError):
        socket.create_connection((address, port), timeout=5).close()


def test_an_internal_failure_is_shown_and_the_server_stays_up(tmp_path, monkeypatch):
    """A bug in a rebuild (or a file gone mid-read) becomes E303 over the page, not a dead server."""
    from publish import serve

    project = copy_case("basic", tmp_path)
    site = serve.Site(project / "build" / "preview", serve.State.load(project / "build"))

    def broken(root, site, report):
        raise FileNotFoundError(2, "No such file or directory", "manuscript/articles/notes.md")

    monkeypatch.setattr(serve, "build_preview", broken)
    report = serve.rebuild(project, site, lambda message: None)
    assert "E303" in site.errors and "notes.md" in site.errors and site.version == 1
    assert report.errors
