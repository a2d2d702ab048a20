"""Where a page begins in its element's text (writers/pdf/pagemap.py): a line's text is not its
source's, and the offset the EPUB's page-list uses counts the source."""

from __future__ import annotations

import pytest

from publish.writers.pdf.pagemap import advance


@pytest.mark.parametrize(("source", "start", "laid", "end"), [
    ("超过15亿。此外", 0, "超过15", 4),  # the same text
    ("Sensor Tower 的数据", 0, "Sensor", 6),  # the line breaks at the space: dropped
    ("Sensor Tower 的数据", 6, "Tower 的", 14),  # the next line starts after it
    ("one\n   two three", 0, "one two", 10),  # white space collapsed
    ("hyphenation here", 0, "hyphen\u2010", 6),  # a hyphen added where the word breaks
    ("small caps", 0, "SMALL", 5),  # text-transform changes characters, not their count
    ("short", 0, "short and more", 5),  # never past the end
])
def test_advance(source, start, laid, end):
    assert advance(source, start, laid) == end
