"""Benchmark rows for a real book: a public Chinese technical book in Markdown, imported at run time.

    git clone --depth 1 https://github.com/krahets/hello-algo /tmp/hello-algo
    python bench/run.py --book /tmp/hello-algo [--sizes 1]

Hello 算法 (krahets/hello-algo, CC BY-NC-SA 4.0: its text is never committed here) is an MkDocs
book of about 120 chapters with code blocks, tables and 500 figures. `publish import` turns
its docs/ into a project in a temporary folder; the rows time a cold build with the PDF laid
out run by run (the default) and as one document (PUBLISH_PDF_RUNS=0), and a one-chapter edit.
Peak memory is that of the whole process tree (the build's worker processes included).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path


def bench_book(source: Path, jobs: int, where: Path, say: Callable[[str], None], timed, sample_class,
               publish: Callable[..., list[str]], pages: Callable[[Path], int]) -> tuple[dict, dict]:
    project = where / "book"
    imported = subprocess.run([sys.executable, "-m", "publish", "import", str(source), str(project)],
                              capture_output=True, text=True)
    if imported.returncode != 0:
        raise SystemExit(f"publish import {source} failed:\n{imported.stderr}")
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    whole_env = dict(env, PUBLISH_PDF_RUNS="0")
    results: dict = {}

    def run(name: str, command: list[str], before=None, run_env: dict | None = None) -> None:
        if before:
            before()
        seconds, largest, tree, others = timed(command, env=run_env or env)
        results.setdefault(name, sample_class()).add(seconds, largest, tree, others)
        say(f"  book {name}: {seconds:.2f} s, {largest / 1024:.0f} MB / {tree / 1024:.0f} MB"
            f" (other work: {others:.2f} CPUs)")

    def clean() -> None:
        shutil.rmtree(project / "build", ignore_errors=True)

    chapters = sorted((project / "manuscript").rglob("*.md"))
    chapter = chapters[len(chapters) // 2]

    def edit() -> None:
        """A sentence appended to a chapter in the middle of the book."""
        chapter.write_text(chapter.read_text(encoding="utf-8").rstrip("\n") + "\n\n补充一句说明。\n", encoding="utf-8")

    run(f"book cold build, -j {jobs}, whole", publish(project, "-j", str(jobs)), before=clean, run_env=whole_env)
    page_count = pages(project)
    run(f"book cold build, -j {jobs}", publish(project, "-j", str(jobs)), before=clean)
    run(f"book one-chapter edit: all, -j {jobs}", publish(project, "-j", str(jobs)), before=edit)
    run("book one-chapter edit → PDF", publish(project, "pdf"), before=edit)
    facts = {"chapters": len(chapters), "pages": page_count, "edited": chapter.relative_to(project).as_posix()}
    shutil.rmtree(project)
    return results, facts


def table(results: dict, facts: dict) -> str:
    lines = [f"Real book: Hello 算法 (krahets/hello-algo), {facts['chapters']} chapters, {facts['pages']} printed "
             f"pages; the edit: {facts['edited']}", "",
             "| step | time | peak memory (largest process RSS / all processes PSS) | other work |",
             "| --- | --- | --- | --- |"]
    for name, sample in results.items():
        lines.append(f"| {name} | {sample.median:.2f} s | {sample.largest_kb / 1024:.0f} MB / "
                     f"{sample.tree_kb / 1024:.0f} MB | {sample.others:.2f} CPUs |")
    return "\n".join(lines)
