"""publish serve: the preview is served on 127.0.0.1, follows saves, and shows errors over the page."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import urllib.request

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
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        finally:
            server.kill()
    assert server.returncode == 0
