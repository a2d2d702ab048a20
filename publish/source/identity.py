"""A publication's identifier and the slug that names its output files: derived in one place.

`load` and the up-to-date check (which reads only publication.yaml's raw YAML, to stay
fast) must agree on the slug, so both call `identify` with values converted by the schema.
"""

from __future__ import annotations

import uuid


def stable_identifier(title: str, edition: str | None) -> str:
    """A urn:uuid from title and edition: the same publication always gets the same one, never a random one."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"publish:{title}:{edition or ''}"))


def identify(title: str, edition: str | None, identifier: str | None, slug: str | None) -> tuple[str, str]:
    """(identifier, slug): the given ones, or the ones derived from the title and edition."""
    identifier = identifier or stable_identifier(title, edition)
    return identifier, slug or "book-" + uuid.uuid5(uuid.NAMESPACE_URL, identifier).hex[:8]
