"""docs/diagnostics.md's section on crashes, full disks, damaged build/ and the preview server is
generated from publish/diagnostics/guarantees.py; each promise names the tests that keep it."""

from __future__ import annotations

import re

from conftest import REPO

from publish.diagnostics import guarantees
from publish.render.markdown import depth

DOCS = (REPO / "docs" / "diagnostics.md").read_text(encoding="utf-8")


def test_the_docs_section_is_the_module():
    assert guarantees.SECTION in DOCS, "regenerate it: python -m publish.diagnostics.guarantees"


def test_the_limits_quoted_are_the_limits_enforced():
    assert (guarantees.MAX_DEPTH, guarantees.MAX_COLUMNS) == (depth.MAX_DEPTH, depth.MAX_COLUMNS)


def test_every_test_named_exists():
    named = re.findall(r"`(tests/[\w/]+\.py)`", guarantees.SECTION)
    assert len(named) >= 5
    assert all((REPO / path).is_file() for path in named), named
