"""The edit rows of `publish watch`: how long after a save all three outputs are up to date.

`publish watch -j N` runs on a project already built; each edit is made a few seconds after
the last build ended (as an editor saves), and timed from the save to the summary line the
watch prints once the build is over (its "built in …"). So the time includes watchfiles
noticing the save. Memory is sampled as run.py does for a command: the largest process (its
peak resident size, VmHWM) and the sum of the tree's PSS. "Other work" is the machine's busy
CPU time minus the watch's own (its live processes and the children it has waited for).
After each measured edit the article is put back and that build is waited for, unmeasured.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

IDLE = 3.0  # seconds between a build's end and the next save: the next build's workers load meanwhile
TICKS = os.sysconf("SC_CLK_TCK")


def watch_edits(project: Path, jobs: int, edits: dict[str, Callable[[Path], None]], article: Callable[[Path], Path],
                env: dict, busy: Callable[[], float], tree_kb: Callable[[int], int], timeout: float = 300
                ) -> dict[str, tuple[float, int, int, float]]:
    """name → (seconds, largest process KB, tree peak KB, CPUs of other work) of each edit."""
    command = [sys.executable, "-m", "publish", "-C", str(project), "watch", "-j", str(jobs)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                               bufsize=1)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout or ()], daemon=True).start()

    def until(*starts: str) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise SystemExit(f"publish watch: no {starts[0]!r} line within {timeout:.0f} s") from None
            if line.startswith(starts):
                return

    results = {}
    try:
        until("watching")
        for name, edit in edits.items():
            path = article(project)
            original = path.read_bytes()
            time.sleep(IDLE)
            peak = [0, 0]
            done = threading.Event()

            def sample(peak: list[int] = peak, done: threading.Event = done) -> None:
                while not done.is_set():
                    peak[0] = max(peak[0], tree_kb(process.pid))
                    peak[1] = max(peak[1], _largest_kb(process.pid))
                    time.sleep(0.1)

            cpu, machine = _tree_cpu(process.pid), busy()
            sampler = threading.Thread(target=sample, daemon=True)
            started = time.perf_counter()
            edit(project)
            sampler.start()
            until("built in", "everything is up to date")
            seconds = time.perf_counter() - started
            done.set()
            sampler.join()
            others = max(0.0, (busy() - machine) - (_tree_cpu(process.pid) - cpu)) / seconds
            results[name] = (seconds, peak[1], peak[0], others)
            path.write_bytes(original)
            until("built in", "everything is up to date")
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    return results


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as handle:
                    parent = int(handle.read().rsplit(b")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(parent, []).append(int(entry.name))
    return children


def _tree(root: int) -> list[int]:
    children, found, todo = _children(), [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _tree_cpu(root: int) -> float:
    """CPU seconds of the tree's live processes, with the children each has waited for."""
    total = 0
    for pid in _tree(root):
        try:
            with open(f"/proc/{pid}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
    return total / TICKS


def _largest_kb(root: int) -> int:
    largest = 0
    for pid in _tree(root):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                largest = max(largest, int(line.split()[1]))
    return largest
