"""Read YAML into plain Python while remembering the line of every key.

PyYAML silently keeps the last of two equal keys and throws line numbers away; a curator
needs both: "duplicate key '7b' on line 40 (first on line 12)" and "line 57: ...".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_constructor = yaml.constructor.SafeConstructor()

Path_ = tuple[str | int, ...]


@dataclass
class ParsedYaml:
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    duplicates: list[tuple[Path_, int, int]] = field(default_factory=list)  # (path, line, first line)

    def line_of(self, path: Path_) -> int | None:
        """Line of the deepest known key on `path` (pydantic error locations may go deeper)."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None


def _scalar(node: yaml.ScalarNode) -> Any:
    # Dates stay strings: a date's precision is data ("2023-07" must not become a datetime).
    if node.tag == "tag:yaml.org,2002:timestamp":
        return node.value
    # YAML 1.1 reads yes/no/on/off as booleans; only true/false are booleans here, so
    # `commercial_use: yes` stays the word the schema expects.
    if node.tag == "tag:yaml.org,2002:bool" and node.value.lower() not in ("true", "false"):
        return node.value
    return _constructor.construct_object(node, deep=True)


def _build(node: yaml.Node, path: Path_, out: ParsedYaml) -> Any:
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            key = str(key) if not isinstance(key, str) else key
            line = key_node.start_mark.line + 1
            if key in first_line:
                out.duplicates.append((path + (key,), line, first_line[key]))
                continue  # keep the first; the duplicate is reported, never silently merged
            first_line[key] = line
            out.lines[path + (key,)] = line
            result[key] = _build(value_node, path + (key,), out)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            out.lines[path + (i,)] = item.start_mark.line + 1
            items.append(_build(item, path + (i,), out))
        return items
    return _scalar(node)


def parse_yaml(text: str) -> ParsedYaml:
    """Parse one YAML document. Raises yaml.YAMLError (with its own line) on a syntax error."""
    out = ParsedYaml(data=None)
    node = yaml.compose(text, Loader=_Loader)
    out.data = None if node is None else _build(node, (), out)
    return out
