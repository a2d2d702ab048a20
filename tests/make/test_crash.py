"""SIGKILL of publish at any moment: before, during and after the PDF write, with -j 2 workers.

The moments are made exact with a `sitecustomize` on PYTHONPATH (loaded by publish and by its
spawned workers alike) that stalls the first rename onto a chosen file: the process doing it
writes a mark with its pid and sleeps, and the test kills the main publish then. What must
hold: the last good outputs are whole and unchanged (or whole and new, when the kill came
after their rename), no worker outlives its parent or writes after it died, and the next run
recovers without --force.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from conftest import BASIC_OUTPUTS, edit, outputs, run_publish

OUTPUTS = BASIC_OUTPUTS

STALL = textwrap.dedent("""
    import os, time
    _replace = os.replace
    def replace(src, dst, *args, **kwargs):
        mark = os.environ.get("PUBLISH_TEST_STALL_MARK")
        changed = os.environ.get("PUBLISH_TEST_STALL_ONCE_CHANGED")  # "path:mtime_ns": only once it changed
        if changed:
            path, _, mtime = changed.rpartition(":")
            if os.stat(path).st_mtime_ns == int(mtime):
                return _replace(src, dst, *args, **kwargs)
        if mark and str(dst).endswith(os.environ["PUBLISH_TEST_STALL_ON"]):
            try:
                fd = os.open(mark, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
            except FileExistsError:
                pass
            else:
                os.write(fd, str(os.getpid()).encode())
                os.close(fd)
                time.sleep(float(os.environ.get("PUBLISH_TEST_STALL_SECONDS", "6")))
        return _replace(src, dst, *args, **kwargs)
    os.replace = replace
""")


@pytest.fixture
def edited(built) -> Path:
    """The built fixture with an article edited: the next run has work to be killed in."""
    edit(built, text="\n崩溃测试加的一段。\n")
    return built


def whole(project: Path) -> None:
    """Every output is a complete file: qpdf checks the PDFs, the EPUB's zip is read through."""
    for name in OUTPUTS[1:]:
        check = subprocess.run(["qpdf", "--check", str(project / "build" / name)], capture_output=True, text=True)
        assert check.returncode == 0, (name, check.stdout[-500:])
    with zipfile.ZipFile(project / "build" / OUTPUTS[0]) as epub:
        assert epub.testzip() is None


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (the workers, and multiprocessing's resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def snapshot(project: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(project)): (p.stat().st_mtime_ns, p.stat().st_size)
            for p in (project / "build").rglob("*") if p.is_file()}


def kill_when_stalled(project: Path, tmp_path: Path, on: str, *args: str, **extra: str) -> tuple[int, list[int]]:
    """Start `publish -j 2`, SIGKILL it while the first rename onto a file ending in `on` is stalled;
    the pid that stalled and the workers that were running."""
    (tmp_path / "inject").mkdir(exist_ok=True)
    (tmp_path / "inject" / "sitecustomize.py").write_text(STALL, encoding="utf-8")
    mark = tmp_path / f"stalled-{on.strip('.')}"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path / "inject"), os.environ.get("PYTHONPATH", "")]),
               PUBLISH_TEST_STALL_ON=on, PUBLISH_TEST_STALL_MARK=str(mark), **extra)
    process = subprocess.Popen([sys.executable, "-m", "publish", "-C", str(project), "-j", "2", *args],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 240
    while not (mark.is_file() and mark.read_text()):
        assert process.poll() is None, "publish ended before reaching the moment"
        assert time.monotonic() < deadline, "the moment never came"
        time.sleep(0.02)
    workers = children(process.pid)
    process.kill()
    process.wait(timeout=30)
    return int(mark.read_text()), workers


def after_the_kill(project: Path, workers: list[int], before: dict[str, bytes], unchanged: tuple[str, ...]) -> None:
    """No worker lives on, nothing in build/ changes any more, and the outputs are whole."""
    deadline = time.monotonic() + 10
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [w for w in workers if alive(w)], "a worker outlived its parent"
    quiet = snapshot(project)
    time.sleep(7)  # longer than the stall: an orphan would have renamed its file by now
    assert snapshot(project) == quiet, "something wrote to build/ after publish died"
    now = outputs(project)
    for name in unchanged:
        assert now[name] == before[name], f"{name} changed"
    whole(project)


def recovers(project: Path) -> None:
    result = run_publish("-C", str(project), "-j", "2")
    assert result.returncode == 0, result.stderr
    assert not list((project / "build").rglob("*.tmp")), "temporaries left"
    whole(project)
    again = run_publish("-C", str(project), "--dry-run")
    assert "would rebuild" not in again.stdout, again.stdout


def test_killed_before_any_output_is_written(edited, tmp_path):
    """The first file written is a cache entry (the rendered article), before any worker starts."""
    before = outputs(edited)
    _, workers = kill_when_stalled(edited, tmp_path, ".json")
    after_the_kill(edited, workers, before, OUTPUTS)
    recovers(edited)


def test_killed_while_the_worker_writes_the_pdf(edited, tmp_path):
    """The PDF worker has its temporary file written and is about to rename it: it must die with
    its parent instead (today's main let it sleep on and put the PDF in place, unrecorded)."""
    before = outputs(edited)
    stalled, workers = kill_when_stalled(edited, tmp_path, "test-monthly.pdf")
    assert stalled in workers, "the PDF is written by a worker"
    # The print PDF is written first and the EPUB may be done too: those are whole, old or new.
    after_the_kill(edited, workers, before, ("test-monthly.pdf",))
    assert list((edited / "build").glob(".test-monthly.pdf.*.tmp")), "the half-done write is a temporary"
    recovers(edited)


def test_killed_after_the_pdfs_are_in_place(edited, tmp_path):
    """The main process is recording the PDFs in the state: the PDFs are new and whole, the
    state does not know them, and the next run rebuilds only what it must."""
    before = outputs(edited)
    pdf = edited / "build" / "test-monthly.pdf"
    stalled, workers = kill_when_stalled(edited, tmp_path, ".publish-state.json",
                                         PUBLISH_TEST_STALL_ONCE_CHANGED=f"{pdf}:{pdf.stat().st_mtime_ns}")
    assert stalled not in workers
    after_the_kill(edited, workers, before, ())
    now = outputs(edited)
    assert now["test-monthly.pdf"] != before["test-monthly.pdf"]
    recovers(edited)
