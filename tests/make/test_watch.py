"""publish watch: every save brings the three outputs up to date; errors are shown, the last
outputs stay and the watch goes on; the next build's workers wait, loaded, between builds."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
import zipfile

from conftest import copy_case

from publish.make.schedule import first_builders
from publish.writers.registry import BY_NAME


def _lines(process: subprocess.Popen) -> queue.Queue:
    lines: queue.Queue = queue.Queue()

    def read() -> None:
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    return lines


def _until(lines: queue.Queue, *starts: str, timeout: float = 120) -> list[str]:
    """The lines up to and with the first that starts with one of `starts`."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while True:
        line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        assert line is not None, "publish watch ended:\n" + "".join(seen)
        seen.append(line)
        if line.startswith(starts):
            return seen


def _workers(pid: int) -> list[int]:
    """The worker processes `pid` spawned (not multiprocessing's resource tracker)."""
    return [child for child in _children(pid) if b"spawn_main" in _cmdline(child)]


def _cmdline(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read()
    except OSError:
        return b""


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    if int(handle.read().rsplit(b")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except OSError:
                pass
    return found


def _epub_text(project, name: str) -> str:
    epub = next((project / "build").glob("*.epub"))
    with zipfile.ZipFile(epub) as archive:
        return archive.read(next(n for n in archive.namelist() if n.endswith(name))).decode("utf-8")


def test_watch_rebuilds_after_each_save_and_survives_errors(tmp_path):
    project = copy_case("basic", tmp_path)
    watch = subprocess.Popen([sys.executable, "-m", "publish", "-C", str(project), "watch", "-j", "2"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = _lines(watch)
    try:
        first = _until(lines, "watching")
        assert any(line.startswith("built in") for line in first), "".join(first)
        pdfs = sorted((project / "build").glob("*.pdf"))
        assert len(pdfs) == 2
        # Between builds, the next build's processes are there, loaded, before any save.
        deadline = time.monotonic() + 30
        while len(_workers(watch.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(_workers(watch.pid)) == 2

        article = project / "manuscript" / "articles" / "notes.md"
        text = article.read_text(encoding="utf-8")
        stamps = {pdf: pdf.stat().st_mtime_ns for pdf in pdfs}
        article.write_text(text + "\n监视之下保存的新段落。\n", encoding="utf-8")
        built = _until(lines, "built in")
        assert any("changed: notes.md" in line for line in built), "".join(built)
        assert "监视之下保存的新段落" in _epub_text(project, "notes.xhtml")
        assert all(pdf.stat().st_mtime_ns != stamps[pdf] for pdf in pdfs), "both PDFs rebuilt"

        article.write_text(text.replace("title: 技术与注释", "titel: 技术与注释"), encoding="utf-8")
        broken = _until(lines, "publish watch: not rebuilt")
        assert any("E105" in line and "notes.md" in line for line in broken), "".join(broken)
        assert "监视之下保存的新段落" in _epub_text(project, "notes.xhtml"), "the last good outputs stay"

        article.write_text(text + "\n修好之后的段落。\n", encoding="utf-8")
        _until(lines, "built in")
        assert "修好之后的段落" in _epub_text(project, "notes.xhtml")
    finally:
        watch.send_signal(signal.SIGINT)
        code = watch.wait(timeout=30)
    assert code == 0
    assert not list((project / "build").rglob("*.tmp*")), "no temporaries left"


def test_the_first_builders_are_the_layout_and_the_epub_fonts_warmup():
    # What an edit's build starts with (schedule.Run: producers, then the waiting targets' warmups).
    def waits(target: str) -> bool:
        return bool(BY_NAME[target].needs)

    assert first_builders(("epub", "pdf-screen", "pdf-print"), waits) == ["publish.writers.pdf:build",
                                                                          "publish.writers.epub:warm_fonts"]
    assert first_builders(("pdf-print",), waits) == ["publish.writers.pdf:build"]
    assert first_builders(("epub", "pdf-print"), waits, warmups=False) == ["publish.writers.pdf:build"]
