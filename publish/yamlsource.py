"""Safe YAML with positions: values plus the line and column of every key.

PyYAML's SafeLoader refuses Python object tags. Aliases are allowed but the
expanded size is capped, so an alias-expansion bomb fails fast instead of
eating memory when the tree is walked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

MAX_NODES = 20_000  # far above any real manuscript file

Path_ = tuple[Any, ...]  # key path into the document: ("contents", 3, "articles")


@dataclass(frozen=True)
class YamlError(Exception):
    message: str
    line: int  # 1-based
    col: int  # 1-based
    code: str = "E101"


@dataclass(frozen=True)
class YamlDoc:
    data: Any
    marks: dict[Path_, tuple[int, int]]  # key path → (line, col), 1-based

    def mark(self, path: Path_, line_offset: int = 0) -> tuple[int, int]:
        """Position of `path`, or of its nearest ancestor that has one."""
        while path and path not in self.marks:
            path = path[:-1]
        line, col = self.marks.get(path, (1, 1))
        return line + line_offset, col


def load(text: str) -> YamlDoc:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{exc.context}: {problem}"
        raise YamlError(f"YAML syntax error: {problem}", line, col) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML error: {exc}", 1, 1) from None
    if node is None:
        return YamlDoc(None, {})
    marks: dict[Path_, tuple[int, int]] = {(): (node.start_mark.line + 1, node.start_mark.column + 1)}
    budget = [MAX_NODES]
    data = _convert(node, (), marks, budget)
    return YamlDoc(data, marks)


_constructor = yaml.SafeLoader("")


def _convert(node: yaml.Node, path: Path_, marks: dict, budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise YamlError("YAML document expands to too many nodes (alias bomb?)",
                        node.start_mark.line + 1, node.start_mark.column + 1, code="E113")
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _convert(key_node, path, {}, budget)
            if isinstance(key, (list, dict)):
                raise YamlError("a mapping key must be a plain value",
                                key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key == "<<":
                raise YamlError("YAML merge keys ('<<') are not supported",
                                key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in result:
                raise YamlError(f"duplicate key '{key}'",
                                key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            marks[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = _convert(value_node, path + (key,), marks, budget)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            marks[path + (index,)] = (item.start_mark.line + 1, item.start_mark.column + 1)
            items.append(_convert(item, path + (index,), marks, budget))
        return items
    try:
        return _constructor.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark or node.start_mark
        raise YamlError(f"YAML value not allowed: {exc.problem}", mark.line + 1, mark.column + 1,
                        code="E113") from None
    except ValueError as exc:  # e.g. an impossible date such as 2020-02-30
        raise YamlError(f"invalid value: {exc}", node.start_mark.line + 1,
                        node.start_mark.column + 1, code="E104") from None
