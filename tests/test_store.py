"""store: every file publish writes is written atomically, through a temporary of its own."""

from __future__ import annotations

import threading

from publish.store import Memo, write_bytes


def test_a_write_leaves_the_file_whole_and_no_temporary(tmp_path):
    target = tmp_path / "out" / "book.epub"
    write_bytes(target, b"first")
    write_bytes(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["book.epub"]


def test_writers_of_the_same_file_never_share_a_temporary(tmp_path):
    """Two workers writing one cache file (the same font subset, say) at the same time: each
    write is whole. With a fixed `.tmp` name, one writer's rename took the other's file away."""
    target = tmp_path / "subset.otf"
    payloads = [bytes([n]) * 200_000 for n in range(8)]
    failures: list[BaseException] = []

    def write(data: bytes) -> None:
        try:
            for _ in range(20):
                write_bytes(target, data)
        except BaseException as exc:  # collected for the assertion
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(p,)) for p in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert target.read_bytes() in payloads
    assert [p.name for p in tmp_path.iterdir()] == ["subset.otf"]


def test_the_memo_returns_a_value_only_for_its_key(tmp_path):
    memo = Memo(tmp_path)
    memo.put("render", "a", "k1", {"html": "<p/>"})
    assert memo.get("render", "a", "k1") == {"html": "<p/>"}
    assert memo.get("render", "a", "k2") is None
    (tmp_path / "render" / "a.json").write_text("{damaged", encoding="utf-8")
    assert memo.get("render", "a", "k1") is None
    memo.put("render", "b", "k", 1)
    memo.keep_only("render", ["b"])
    assert sorted(p.name for p in (tmp_path / "render").iterdir()) == ["b.json"]
