"""Golden cases: one small manuscript per diagnostic code, run through the CLI as a user runs it.

Each folder in tests/cases/errors/<CODE>-<what>/ is a project; `expected.txt` holds the exact
diagnostic lines (with their hints) that `publish check` must print on stderr, in order.
Optional files: `command.txt` (other arguments than `check`, for problems that show only while
building), `symlinks.txt` (`link -> target` lines, made at run time in the copy). The exit
code must be 1 when an error is expected, 0 for warnings only; never a traceback.
The cases run in parallel (one process each), so the whole table costs a few seconds.
"""

from __future__ import annotations

import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ERRORS = Path(__file__).resolve().parents[1] / "cases" / "errors"
CASES = sorted(p.name for p in ERRORS.iterdir() if p.is_dir())
DOCS = (Path(__file__).resolve().parents[2] / "docs" / "diagnostics.md").read_text(encoding="utf-8")
_CONTROL_FILES = ("expected.txt", "command.txt", "symlinks.txt")
_DIAGNOSTIC = re.compile(r"^(\S.*?:\d+:\d+: )?(error|warning) ([EW]\d{3}): |^  hint: ")


def prepare(case: str, destination: Path) -> Path:
    """Copy a case into `destination` and make its symlinks."""
    source = ERRORS / case
    project = destination / case
    shutil.copytree(source, project, symlinks=True, ignore=shutil.ignore_patterns(*_CONTROL_FILES, "build"))
    links = source / "symlinks.txt"
    if links.is_file():
        for line in links.read_text(encoding="utf-8").splitlines():
            link, target = (part.strip() for part in line.split("->"))
            (project / link).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(target, project / link)
    return project


def command(case: str) -> list[str]:
    extra = ERRORS / case / "command.txt"
    return extra.read_text(encoding="utf-8").split() if extra.is_file() else ["check"]


def run_case(case: str, destination: Path) -> subprocess.CompletedProcess:
    project = prepare(case, destination)
    return subprocess.run([sys.executable, "-m", "publish", "-C", str(project), *command(case)],
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    destination = tmp_path_factory.mktemp("errors")
    workers = max(2, (os.cpu_count() or 2))
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        futures = {case: pool.submit(run_case, case, destination) for case in CASES}
        return {case: future.result() for case, future in futures.items()}


def expected_lines(case: str) -> list[str]:
    return (ERRORS / case / "expected.txt").read_text(encoding="utf-8").splitlines()


def matches(pattern: str, line: str) -> bool:
    """Exact, except that `<any>` stands for any text (e.g. the name of an installed font)."""
    return re.fullmatch(".*".join(re.escape(part) for part in pattern.split("<any>")), line) is not None


@pytest.mark.parametrize("case", CASES)
def test_golden_case(case, results):
    result = results[case]
    assert "Traceback" not in result.stderr, result.stderr
    shown = [line for line in result.stderr.splitlines() if _DIAGNOSTIC.match(line)]
    wanted = expected_lines(case)
    assert len(shown) == len(wanted) and all(matches(w, s) for w, s in zip(wanted, shown)), \
        "\n".join(["expected:", *wanted, "got:", *result.stderr.splitlines()])
    errors = any(re.match(r"(\S.*: )?error ", line) for line in wanted)
    assert result.returncode == (1 if errors else 0), result.stderr
    code = case.split("-")[0]
    if code != "ok":
        assert any(f" {code}: " in line for line in wanted), f"{case} must show {code}"


def test_every_code_in_the_docs_has_a_case_or_a_test():
    """The table of docs/diagnostics.md and the golden cases cover each other."""
    documented = set(re.findall(r"^\| ([EW]\d{3}) \|", DOCS, flags=re.M))
    with_cases = {case.split("-")[0] for case in CASES} - {"ok"}
    elsewhere = {"E215": "test_missing_bundled_fonts_is_E215", "E302": "test_security.py (concurrent runs)",
                 "E304": "test_serve_on_a_busy_port_is_E304", "E303": "test_an_engine_failure_is_E303",
                 "E305": "tests/make/test_disk_full.py (a full tmpfs as build/)",
                 "W116": "test_a_document_without_a_title_or_a_heading_is_titled_by_its_file_name",
                 # The printer's CMYK profile they need cannot be committed (tests/checks/image_fixture.py):
                 "W240": "tests/checks/test_image_outputs.py", "W252": "tests/checks/test_images.py",
                 # Only a laid-out page shows them (tests/checks/test_preflight.py):
                 "W251": "test_a_font_without_its_file_is_W251", "W253": "test_an_image_short_of_the_bleed_is_W253",
                 "W254": "test_text_near_the_trim_is_W254"}
    assert with_cases <= documented, with_cases - documented
    assert documented - with_cases == set(elsewhere), documented - with_cases


def test_missing_bundled_fonts_is_E215(tmp_path, monkeypatch, capsys):
    """Neither the project nor the tool has the fonts (a broken install): a diagnostic, not a crash."""
    from publish import cli
    from publish.source import fonts

    project = prepare("W212-unknown-language", tmp_path)
    monkeypatch.setattr(fonts, "TOOL_FONTS", tmp_path / "no-fonts")
    assert cli.main(["-C", str(project), "check"]) == 1
    err = capsys.readouterr().err
    assert "fonts:1:1: error E215: bundled fonts missing: NotoSansCJKPublish-Bold.otf" in err, err


def test_serve_on_a_busy_port_is_E304(tmp_path):
    import socket

    project = prepare("W108-unlisted-article", tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "publish", "-C", str(project), "serve", "--port", str(port)],
                                capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"error E304: cannot serve on 127.0.0.1:{port}: " in result.stderr, result.stderr


def test_an_engine_failure_is_E303(tmp_path, monkeypatch, capsys):
    """An unexpected failure inside a writer is a one-line E303, not a traceback."""
    from publish import cli
    from publish.writers.pdf import writer

    def broken(*args, **kwargs):
        raise RuntimeError("the engine fell over")

    monkeypatch.setattr(writer.Renderer, "render", broken)  # whole or run by run
    project = tmp_path / "p"
    shutil.copytree(Path(__file__).resolve().parents[1] / "cases" / "basic", project, ignore=shutil.ignore_patterns("build"))
    assert cli.main(["-C", str(project), "pdf", "--variant", "screen", "-j", "1"]) == 1
    err = capsys.readouterr().err
    assert "error E303: internal error: RuntimeError: the engine fell over" in err, err
    assert "Traceback" not in err

