"""A full disk: build/ is a small tmpfs (we mount one where the machine allows it) holding the
last good build, with almost no room left. The run must end with E305 naming the file, exit 1,
the outputs as they were and no temporary file; with room again, the next run builds."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import BASIC_OUTPUTS, outputs, run_publish

from publish import store

OUTPUTS = BASIC_OUTPUTS


@pytest.fixture
def full_build(basic_build, tmp_path):
    """A copy of the built fixture whose build/ is a tmpfs with `free` bytes left (set by the test)."""
    project = tmp_path / "basic"
    shutil.copytree(basic_build, project, ignore=shutil.ignore_patterns(".lock", "build"))
    build = project / "build"
    build.mkdir()
    # The copy, each file in whole 4 KB pages and one more for its inode (the run cache holds
    # ~30 small files), and room for the filler to take.
    used = sum(-(-p.stat().st_size // 4096) * 4096 + 4096 for p in (basic_build / "build").rglob("*") if p.is_file())
    size = used + 4 * 1024 * 1024
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(build)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        reason = f"cannot mount a tmpfs as build/ here ({mounted.stderr.strip() or 'mount failed'}): not tested"
        print(reason)
        pytest.skip(reason)
    try:
        shutil.copytree(basic_build / "build", build, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".lock"))
        yield project
    finally:
        subprocess.run(["umount", "-l", str(build)], check=False)


def fill(folder: Path, leave: int) -> Path:
    """Fill the file system of `folder` but `leave` bytes."""
    filler = folder / "filler"
    with open(filler, "wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
            handle.truncate(max(0, handle.tell() - leave))  # tell() may run ahead of what was written: fine
    return filler


def temporaries(project: Path) -> list[Path]:
    return list((project / "build").rglob(f"*{store.TEMPORARY}"))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_full_disk_is_E305_naming_the_file_and_loses_nothing(full_build, jobs):
    project = full_build
    notes = project / "manuscript" / "articles" / "notes.md"
    notes.write_text(notes.read_text(encoding="utf-8") + "\n磁盘满了之后的一段。\n", encoding="utf-8")
    before = outputs(project)
    filler = fill(project / "build", leave=48 * 1024)  # room for small cache entries, not for a PDF
    result = run_publish("-C", str(project), "-j", jobs)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "E303" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if "error E305" in line]
    print(result.stderr)
    assert lines and "the disk is full" in lines[0], result.stderr
    assert lines[0].startswith("build/"), lines  # the file that could not be written
    assert outputs(project) == before
    assert temporaries(project) == []
    filler.unlink()
    again = run_publish("-C", str(project), "-j", jobs)
    assert again.returncode == 0, again.stderr
    assert all(outputs(project)[name] != before[name] for name in OUTPUTS)
    assert temporaries(project) == []


def test_write_bytes_turns_enospc_into_disk_full_and_leaves_nothing(tmp_path, monkeypatch):
    target = tmp_path / "out.pdf"
    target.write_bytes(b"the last good file")
    real = os.fdopen

    class Full:
        def __init__(self, fd, mode):
            self.handle = real(fd, mode)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            self.handle.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store.os, "fdopen", Full)
    with pytest.raises(store.DiskFull) as raised:
        store.write_bytes(target, b"x" * 1000)
    assert raised.value.path == target
    assert target.read_bytes() == b"the last good file"
    assert [p.name for p in tmp_path.iterdir()] == ["out.pdf"]
