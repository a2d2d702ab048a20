"""publish/writers/heap.py: a long build's processes keep one malloc arena and give freed memory back."""

import subprocess
import sys
import textwrap

import pytest

from publish.writers import heap

glibc = pytest.mark.skipif(heap._glibc() is None, reason="glibc's malloc only (mallopt, malloc_trim)")


@glibc
def test_freed_memory_pinned_by_survivors_is_given_back():
    """Blocks freed between survivors stay in the process without malloc_trim (the heap's top is
    pinned, so glibc cannot shrink it); give_back hands them to the system."""
    code = textwrap.dedent("""
        from publish.writers import heap
        blocks = [bytes(1024) + bytes([i % 256]) for i in range(300_000)]  # ~300 MB, malloc'd
        survivors = blocks[::1000]
        del blocks
        before = heap.resident()
        heap.give_back()
        print(before, heap.resident())
    """)
    before, after = map(int, subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                            text=True).stdout.split())
    assert before > 250 * 2**20
    assert before - after > 200 * 2**20


@glibc
def test_give_back_leaves_a_small_process_alone():
    """Below `above` bytes nothing is collected (a small process's collection costs an edit 50 ms)."""
    import gc

    collections = gc.get_stats()[2]["collections"]
    heap.give_back(above=heap.resident() + 2**30)
    assert gc.get_stats()[2]["collections"] == collections
    heap.give_back()
    assert gc.get_stats()[2]["collections"] == collections + 1


@glibc
def test_one_arena_is_applied_before_threads_allocate():
    code = textwrap.dedent("""
        import threading
        from publish.writers import heap
        print(heap.one_arena())
        thread = threading.Thread(target=lambda: [bytes(4096) for _ in range(10_000)])
        thread.start(); thread.join()
    """)
    assert subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                          text=True).stdout.split() == ["True"]
