"""Every key of publication.yaml and of the front matter is documented in docs/manuscript-format.md."""

from __future__ import annotations

import re

import pytest
from conftest import REPO

from publish.source import schema

DOCS = (REPO / "docs" / "manuscript-format.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["PUBLICATION", "PAGE", "GRID", "ARTICLE", "SECTION", "FONTS", "FALLBACK", "LABELS", "IMAGES"])
def test_every_key_is_documented(name):
    for key, spec in getattr(schema, name).items():
        assert spec.doc, f"{name}.{key} has no doc"
        assert re.search(rf"(^|\s){re.escape(key)}:|`{re.escape(key)}`", DOCS, re.M), f"{name}.{key} is undocumented"
