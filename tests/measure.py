"""Time and peak memory of one publish run, measured in a process of its own.

`resource.getrusage(RUSAGE_CHILDREN)` of a fresh wrapper process covers publish and its
workers (every descendant that was waited for), and nothing the test process ran before.
The limits the tests set are generous (a shared 2-CPU machine drifts by a third): they catch
a quadratic step or a runaway allocation, not a few per cent.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

_WRAPPER = textwrap.dedent("""
    import json, resource, subprocess, sys, time
    started = time.monotonic()
    done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
    seconds = time.monotonic() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr,
                      "seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}))
""")


@dataclass(frozen=True)
class Measured:
    returncode: int
    stdout: str
    stderr: str
    seconds: float  # wall clock
    cpu: float  # user + system of publish and its workers
    peak_mb: float  # the largest process's peak RSS

    def __str__(self) -> str:
        return f"exit {self.returncode}, {self.seconds:.1f} s ({self.cpu:.1f} s CPU), peak {self.peak_mb:.0f} MB"


def measure(project: Path, *args: str, timeout: float = 900) -> Measured:
    """Run `publish -C project ARGS` and measure it."""
    done = subprocess.run([sys.executable, "-c", _WRAPPER, sys.executable, "-m", "publish", "-C", str(project), *args],
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr
    measured = Measured(**json.loads(done.stdout))
    print(f"publish {' '.join(args)} on {project.name}: {measured}")  # shown with -s; the report's table
    return measured


def project(folder: Path, articles: dict[str, str], extra_yaml: str = "") -> Path:
    """A minimal project with these articles (name → Markdown body, a title is added)."""
    manuscript = folder / "manuscript"
    (manuscript / "articles").mkdir(parents=True)
    listed = "".join(f"  - {name}\n" for name in articles)
    (manuscript / "publication.yaml").write_text(f"title: 测试\n{extra_yaml}contents:\n{listed}", encoding="utf-8")
    for name, body in articles.items():
        (manuscript / "articles" / f"{name}.md").write_text(f"---\ntitle: 文章{name}\n---\n\n{body}\n",
                                                             encoding="utf-8")
    return folder
