"""What publish guarantees when the machine, not the manuscript, goes wrong: a crash, a full disk,
a damaged build/, hostile sizes and the preview server. A section of docs/diagnostics.md is
generated from this text (`python -m publish.diagnostics.guarantees`), as the table is from
codes.py, and tests/diagnostics/test_guarantees.py checks that the two agree and that each
promise has the test named for it.
"""

from __future__ import annotations

from . import codes

# The limits of render/markdown/depth.py, repeated here because diagnostics sits below render
# in the layers; tests/diagnostics/test_guarantees.py checks that they are the same.
MAX_DEPTH = 50
MAX_COLUMNS = 64

SECTION = f"""## After a crash, a full disk, a damaged build/: what publish guarantees

- **A crash at any moment** (SIGKILL of `publish`, the machine losing power before, during or
  after an output is written, with `-j 2` workers running): each output is the last good one,
  whole, or the new one, whole; never a mix. Outputs are written to a temporary file and renamed
  (`store.write_bytes`); a worker dies with its parent (Linux: `PR_SET_PDEATHSIG`), so none
  writes after publish is gone. The next run removes the temporaries left, rebuilds what was
  not recorded as built, and needs no `--force` (`tests/make/test_crash.py`).
- **A full disk** (or quota): {codes.DISK_FULL.code} names the file that could not be written and
  publish exits with 1; the previous outputs are in place and whole and no temporary file is left.
  Free some space and run it again (`tests/make/test_disk_full.py`, on a real tmpfs).
- **A damaged build/**: a truncated, garbage or wrongly shaped `.publish-state.json`, cache
  files that are not JSON or whose digest fails (font subsets, the drawn cover and math
  drawings are sealed with theirs), a `.lock` that is garbage, a folder, a symlink (never
  opened through) or left by a publish that was killed: the next run rebuilds what depends on
  it and says so in one line, `publish: build/ was damaged (…): what depends on it was
  rebuilt`. The lock is flock(2), released by the kernel when its holder dies: a stale lock
  never blocks a build. An output deleted or changed behind publish's back is rebuilt ("is
  missing", "was changed outside publish") (`tests/make/test_damaged_state.py`).
- **Hostile sizes** are built in bounded time and memory, or refused with the place and the
  limit: Markdown nested more than {MAX_DEPTH} levels deep is {codes.NESTED_TOO_DEEP.code}, a
  table of more than {MAX_COLUMNS} columns {codes.TABLE_TOO_WIDE.code}; a word longer than the
  line is broken onto the pages (`tests/render/test_limits.py`, `tests/checks/test_limits.py`).
- **The preview server** (`publish serve`) listens on 127.0.0.1 only and answers only requests
  whose Host is `localhost`, `127.0.0.1` or `[::1]` with its port (421 otherwise: DNS
  rebinding); it serves the preview's pages and the files the book declares, nothing else
  (no `..`, encoded or not, no symlink planted in build/, no directory listing); a client
  that stalls holds one thread for at most 20 s; a broken edit, or a failure of publish
  itself ({codes.INTERNAL_ERROR.code}), is shown over the open page and the server stays up
  (`tests/test_serve.py`).
"""


if __name__ == "__main__":
    print(SECTION, end="")
