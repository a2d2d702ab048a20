"""Stage 1, the source: a project's files → the document model (`Publication`), validated.

publication.yaml against its schema, every article by its reader, every path confined to
the project (sandbox.py), every text decoded strictly (textfile.py), YAML loaded safely
(yamlsource.py). Reports every problem at its file, line and column.
"""

from .fonts import find_faces
from .project import load, load_slug

__all__ = ["find_faces", "load", "load_slug"]
