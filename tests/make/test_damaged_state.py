"""A damaged build/: a truncated or garbage state file, damaged cache files, odd lock files, and
outputs deleted or altered behind publish's back. The next run rebuilds what it must, says so
in one line, and builds outputs as good as a clean build's."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import BASIC_OUTPUTS, edit, outputs, run_publish

OUTPUTS = BASIC_OUTPUTS


def told(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("publish: build/")]


def rebuilt(result: subprocess.CompletedProcess) -> set[str]:
    """The outputs the run's summary lists as built (plain text: name, pages, size, time, why)."""
    return {line.split()[0] for line in result.stdout.splitlines()
            if line.split() and line.split()[0] in OUTPUTS and "up to date" not in line}


def sound(project: Path) -> None:
    """The outputs are whole, and every font in the EPUB is a font."""
    from fontTools.ttLib import TTFont

    for name in OUTPUTS[1:]:
        check = subprocess.run(["qpdf", "--check", str(project / "build" / name)], capture_output=True, text=True)
        assert check.returncode == 0, (name, check.stdout[-300:])
    with zipfile.ZipFile(project / "build" / OUTPUTS[0]) as epub:
        assert epub.testzip() is None
        fonts = [n for n in epub.namelist() if n.endswith((".otf", ".ttf"))]
        assert fonts
        for name in fonts:
            font = TTFont(io.BytesIO(epub.read(name)))
            font.ensureDecompiled()  # every table read: a truncated subset fails here
            assert font.getBestCmap()


def up_to_date(project: Path) -> None:
    again = run_publish("-C", str(project))
    assert again.returncode == 0 and "everything is up to date" in again.stdout, again.stdout + again.stderr
    assert not told(again)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "wrong shapes"])
def test_a_damaged_state_file_rebuilds_everything_and_says_so_once(built, damage):
    state = built / "build" / ".publish-state.json"
    text = state.read_text(encoding="utf-8")
    if damage == "truncated":
        state.write_text(text[: len(text) // 2], encoding="utf-8")
    elif damage == "garbage":
        state.write_bytes(b"\xff\xfe\x00garbage\x9c" * 40)
    else:  # valid JSON, every entry of the wrong kind
        data = json.loads(text)
        state.write_text(json.dumps({"files": {k: 5 for k in data["files"]},
                                     "targets": {k: "x" for k in data["targets"]}, "slug": 7}), encoding="utf-8")
    result = run_publish("-C", str(built), "epub")  # the EPUB alone: the state is the same file for all
    assert result.returncode == 0, result.stderr
    lines = told(result)
    assert len(lines) == 1 and ".publish-state.json" in lines[0] and "rebuilt" in lines[0], result.stderr
    assert rebuilt(result) == {"test-monthly.epub"}, result.stdout
    sound(built)
    again = run_publish("-C", str(built), "epub")
    assert again.returncode == 0 and "everything is up to date" in again.stdout and not told(again), again.stdout


def test_damaged_cache_files_are_made_again_never_used(built):
    """Truncated font subsets went into the EPUB as they were; damaged memo entries must be misses."""
    cache = built / "build" / ".cache"
    damaged = sorted(cache.glob("fonts/*.otf")) + sorted(cache.glob("render/*.json")) \
        + sorted(cache.glob("provisions/*.json")) + sorted(cache.glob("cover/*.png"))
    assert len(damaged) > 6
    for path in damaged:
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    edit(built, text="\n缓存坏了之后的一段。\n")
    result = run_publish("-C", str(built), "-j", "2")
    assert result.returncode == 0, result.stderr
    lines = told(result)
    assert len(lines) == 1 and "cache file(s)" in lines[0], result.stderr
    sound(built)
    up_to_date(built)


def test_odd_lock_files_do_not_stop_a_build_and_are_never_followed(built, tmp_path):
    outside = tmp_path / "precious.txt"
    outside.write_text("not publish's to truncate", encoding="utf-8")
    lock = built / "build" / ".lock"
    dead = subprocess.Popen(["true"])
    dead.wait()
    cases = {
        "stale": lambda: lock.write_text(str(dead.pid)),  # left by a publish that was killed
        "garbage": lambda: lock.write_bytes(b"\x00\xffzz"),
        "folder": lambda: lock.mkdir(),
        "symlink": lambda: lock.symlink_to(outside),
    }
    notes = built / "manuscript" / "articles" / "notes.md"
    for number, (name, make) in enumerate(cases.items()):
        if lock.is_dir() and not lock.is_symlink():
            lock.rmdir()
        else:
            lock.unlink(missing_ok=True)
        make()
        notes.write_text(notes.read_text(encoding="utf-8") + f"\n第{number}段。\n", encoding="utf-8")
        result = run_publish("-C", str(built), "epub")
        assert result.returncode == 0, (name, result.stderr)
        lines = told(result)
        assert len(lines) == 1 and ".lock" in lines[0], (name, result.stderr)
        if name == "stale":
            assert str(dead.pid) in lines[0]
        assert lock.is_file() and not lock.is_symlink() and lock.read_text() == "", name  # emptied when done
    assert outside.read_text(encoding="utf-8") == "not publish's to truncate"
    result = run_publish("-C", str(built), "epub")
    assert result.returncode == 0 and not told(result), result.stderr


def test_outputs_deleted_or_altered_behind_publish_are_rebuilt(built):
    before = outputs(built)
    (built / "build" / "test-monthly.epub").unlink()
    with open(built / "build" / "test-monthly-print.pdf", "ab") as pdf:
        pdf.write(b"% appended by someone else\n")
    result = run_publish("-C", str(built))
    assert result.returncode == 0, result.stderr
    assert "test-monthly.epub is missing" in result.stdout
    assert "test-monthly-print.pdf was changed outside publish" in result.stdout
    assert rebuilt(result) == {"test-monthly.epub", "test-monthly-print.pdf"}, result.stdout
    assert outputs(built) == before  # reproducible: the same bytes as the first build
    sound(built)
    up_to_date(built)


def test_crafted_memo_values_are_misses_not_crashes(built):
    """Valid JSON with the right key but a value of the wrong shape (build/ may come from anyone):
    the image examinations and the glyph coverage are made again, and the outputs are sound."""
    cache = built / "build" / ".cache"
    entries = {"images": sorted(cache.glob("images/examined.json")), "coverage": sorted(cache.glob("coverage/*.json"))}
    assert all(entries.values()), entries
    crafted = {"images": [{"x": ["ok", "image/png", "wide", -3, 7, 99, None, "yes"]},
                          ["not", "a", "dict"], {"x": ["ok", "image/evil", 10, 10, "RGB", 1, "", False]}],
               "coverage": [12345, ["一", "二"], {"a": 1}]}
    for kind, paths in entries.items():
        for value in crafted[kind]:
            for path in paths:
                entry = json.loads(path.read_text(encoding="utf-8"))
                if kind == "images":  # the same digests, each answer replaced
                    value = value if not isinstance(value, dict) else \
                        {digest: value["x"] for digest in (entry["value"] or {"x": 0})}
                path.write_text(json.dumps({**entry, "value": value}), encoding="utf-8")
            edit(built, text="\n又一段。\n")  # so that the build checks again
            result = run_publish("-C", str(built), "epub")
            assert result.returncode == 0 and "Traceback" not in result.stderr, (kind, value, result.stderr)
    result = run_publish("-C", str(built), "--force")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    sound(built)
