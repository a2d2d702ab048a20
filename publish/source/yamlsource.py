"""Safe YAML with positions: values plus the line and column of every key.

PyYAML's SafeLoader refuses Python object tags; tags on mappings and sequences,
which the composer does not check, are refused here, and so are the few
standard tags a manuscript has no use for (!!binary, !!set, !!omap, !!pairs) — or, for
other tools' files read by `publish import` (mkdocs.yml is full of `!!python/name:` and
`!ENV`), each tagged value is read as None and its tag and place listed in `ignored`.
Aliases are allowed but the expanded size is capped and recursive aliases are
refused, so an alias-expansion bomb fails fast instead of eating memory; the
nesting depth is capped too, so no document can exhaust the Python stack.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from ..diagnostics import Code, codes

MAX_NODES = 20_000  # far above any real manuscript file
MAX_DEPTH = 50  # publication.yaml nests four levels deep

Path_ = tuple[Any, ...]  # key path into the document: ("contents", 3, "articles")

_STANDARD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_STANDARD + t for t in ("str", "int", "float", "bool", "null", "timestamp")}


@dataclass(frozen=True)
class YamlError(Exception):
    message: str
    line: int  # 1-based
    col: int  # 1-based
    code: Code = codes.YAML_SYNTAX


@dataclass(frozen=True)
class YamlDoc:
    data: Any
    marks: dict[Path_, tuple[int, int]]  # key path → (line, col), 1-based
    ignored: tuple[tuple[str, int, int], ...] = ()  # with ignore_tags: (tag, line, col) of each value read as None

    def mark(self, path: Path_, line_offset: int = 0) -> tuple[int, int]:
        """Position of `path`, or of its nearest ancestor that has one."""
        while path and path not in self.marks:
            path = path[:-1]
        line, col = self.marks.get(path, (1, 1))
        return line + line_offset, col


class _Loader(yaml.SafeLoader):
    """SafeLoader whose composer refuses documents nested deeper than MAX_DEPTH."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent, index):
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise YamlError(f"YAML nested more than {MAX_DEPTH} levels deep", mark.line + 1, mark.column + 1,
                                code=codes.UNSAFE_YAML)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _at(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _shown(tag: str) -> str:
    return "!!" + tag[len(_STANDARD):] if tag.startswith(_STANDARD) else tag


def load(text: str, ignore_tags: bool = False) -> YamlDoc:
    """`text` as a YamlDoc; a tag that is not allowed is an UNSAFE_YAML error, or with
    `ignore_tags` a None value (nothing is ever constructed from a tag)."""
    loader = None
    try:
        loader = _Loader(text)  # the reader checks every character here
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{exc.context}: {problem}"
        raise YamlError(f"YAML syntax error: {problem}", line, col) from None
    except yaml.reader.ReaderError as exc:
        line, col = _position(text, exc.position)
        raise YamlError(f"YAML error: character U+{exc.character:04X} is not allowed in YAML", line, col) from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        return YamlDoc(None, {})
    marks: dict[Path_, tuple[int, int]] = {(): _at(node)}
    budget = [MAX_NODES]
    ignored: list[tuple[str, int, int]] | None = [] if ignore_tags else None
    data = _convert(node, (), marks, budget, yaml.SafeLoader(""), (), ignored)
    return YamlDoc(data, marks, tuple(ignored or ()))


def _refused(node: yaml.Node, ignored: list | None) -> bool:
    """Whether a node's tag is refused; with `ignored`, it is noted there instead."""
    if ignored is None:
        raise YamlError(f"YAML tag '{_shown(node.tag)}' is not allowed", *_at(node), code=codes.UNSAFE_YAML)
    ignored.append((_shown(node.tag), *_at(node)))
    return True


def _convert(node: yaml.Node, path: Path_, marks: dict, budget: list[int], constructor: yaml.SafeLoader,
             ancestors: tuple[yaml.Node, ...], ignored: list | None = None) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise YamlError("YAML document expands to too many nodes (alias bomb?)", *_at(node), code=codes.UNSAFE_YAML)
    if any(node is a for a in ancestors):
        raise YamlError("YAML alias refers to a node that contains it (a recursive alias)", *_at(node),
                        code=codes.UNSAFE_YAML)
    if len(ancestors) >= MAX_DEPTH:  # aliases can nest deeper than the text does
        raise YamlError(f"YAML nested more than {MAX_DEPTH} levels deep", *_at(node), code=codes.UNSAFE_YAML)
    inner = ancestors + (node,)
    if isinstance(node, yaml.MappingNode):
        if node.tag != _STANDARD + "map" and _refused(node, ignored):
            return None
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError("a mapping key must be a plain value", *_at(key_node))
            key = _convert(key_node, path, {}, budget, constructor, inner, ignored)
            if key == "<<":
                raise YamlError("YAML merge keys ('<<') are not supported", *_at(key_node))
            if key in result:
                raise YamlError(f"duplicate key '{key}'", *_at(key_node))
            marks[path + (key,)] = _at(key_node)
            result[key] = _convert(value_node, path + (key,), marks, budget, constructor, inner, ignored)
        return result
    if isinstance(node, yaml.SequenceNode):
        if node.tag != _STANDARD + "seq" and _refused(node, ignored):
            return None
        items = []
        for index, item in enumerate(node.value):
            marks[path + (index,)] = _at(item)
            items.append(_convert(item, path + (index,), marks, budget, constructor, inner, ignored))
        return items
    if node.tag not in _SCALAR_TAGS and (node.tag.startswith(_STANDARD) or ignored is not None) \
            and _refused(node, ignored):
        return None
    try:
        return constructor.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark or node.start_mark
        raise YamlError(f"YAML value not allowed: {exc.problem}", mark.line + 1, mark.column + 1,
                        code=codes.UNSAFE_YAML) from None
    except ValueError as exc:  # e.g. an impossible date such as 2020-02-30
        raise YamlError(f"invalid value: {exc}", *_at(node), code=codes.WRONG_VALUE) from None
