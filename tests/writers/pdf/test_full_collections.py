"""writer.few_full_collections: no full GC pass during a layout, the thresholds restored after."""

from __future__ import annotations

import gc

import pytest

from publish.writers.pdf.writer import few_full_collections


def test_full_collections_are_held_off_and_the_thresholds_restored():
    before = gc.get_threshold()
    with few_full_collections():
        inside = gc.get_threshold()
        assert inside[:2] == before[:2] and inside[2] >= 1_000_000
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), few_full_collections():
        raise RuntimeError("a failed layout")
    assert gc.get_threshold() == before
