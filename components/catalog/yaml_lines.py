"""Read YAML into plain Python while remembering the line of every key.

PyYAML silently keeps the last of two equal keys and throws line numbers away; a curator
needs both: "duplicate key '7b' on line 40 (first on line 12)" and "line 57: ...".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_constructor = yaml.constructor.SafeConstructor()

Path_ = tuple[str | int, ...]

# Aliases are expanded into copies (each place keeps its own lines): a few nested aliases could expand a small file
# into billions of values, so the expansion is capped far above what any catalog file holds.
MAX_VALUES = 500_000


@dataclass
class ParsedYaml:
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    duplicates: list[tuple[Path_, int, int]] = field(default_factory=list)  # (path, line, first line)
    budget: int = field(default=MAX_VALUES, repr=False, compare=False)  # values `_build` may still create
    building: set = field(default_factory=set, repr=False, compare=False)  # collections `_build` is inside of

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
    try:
        return _constructor.construct_object(node, deep=True)
    except (ValueError, TypeError, LookupError, OverflowError):
        # An explicit tag PyYAML cannot apply (`!!int`, `!!float x`) or an integer too long to convert: PyYAML
        # raises a plain Python error there; make it a YAML error, so the file gets a message with its line.
        text = node.value if len(node.value) <= 40 else node.value[:37] + "..."
        raise yaml.constructor.ConstructorError(
            None, None, f"cannot read {text!r} as {node.tag.rsplit(':', 1)[-1]}", node.start_mark) from None
    finally:  # (the constructor would otherwise keep every node it ever built)
        _constructor.constructed_objects.pop(node, None)
        _constructor.recursive_objects.pop(node, None)


def _build(node: yaml.Node, path: Path_, out: ParsedYaml) -> Any:
    out.budget -= 1
    if out.budget < 0:
        raise yaml.composer.ComposerError(None, None, f"more than {MAX_VALUES:,} values (aliases of aliases?)",
                                          node.start_mark)
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if node in out.building:  # (`a: &x [*x]`: copying it would never end)
        raise yaml.composer.ComposerError(None, None, "an alias inside its own anchor", node.start_mark)
    out.building.add(node)
    try:
        return _build_collection(node, path, out)
    finally:
        out.building.discard(node)


def _build_collection(node: yaml.Node, path: Path_, out: ParsedYaml) -> Any:
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
    raise yaml.composer.ComposerError(None, None, f"unexpected node {type(node).__name__}", node.start_mark)


def parse_yaml(text: str) -> ParsedYaml:
    """Parse one YAML document. Raises yaml.YAMLError (with its own line) on a syntax error."""
    out = ParsedYaml(data=None, budget=MAX_VALUES)
    node = yaml.compose(text, Loader=_Loader)
    try:
        out.data = None if node is None else _build(node, (), out)
    except RecursionError:  # (libyaml allows a thousand levels; Python's stack may hold fewer)
        raise yaml.composer.ComposerError(None, None, "nested too deeply", node.start_mark) from None
    return out


# ---------------------------------------------------------------- fast path (no line numbers)
# For a catalog that validates, line numbers are never shown: parse with a compiled parser and keep the
# line-tracking composer above for catalogs with errors (the loader falls back to it on any problem, so
# every message and line stays exactly what `parse_yaml` gives).
try:  # optional accelerator (Rust, YAML 1.2): about 10x faster than PyYAML's C loader
    import yaml_rs as _yaml_rs
except ImportError:  # pragma: no cover - depends on the environment
    _yaml_rs = None


class FastPathMiss(Exception):
    """This text needs the line-tracking parser: a syntax error, a duplicate key, or unusual YAML."""


# Plain scalars that YAML 1.1 (PyYAML) and YAML 1.2 (yaml_rs) read differently: 010, 0x1f, 1_000, 1:30, 1e5,
# 1.5e3, .5; tags, merge keys and directives. A file with any of them (or what merely looks like one, say inside a
# quoted note) is parsed with PyYAML instead, so both parsers always agree on what they accept.
_RISKY = re.compile(  # searched in "\n" + text
    r"[:\[{,\n-][ \t]+[-+]?(?:0[0-9xXoObB_]|[0-9][0-9.]*[_:eE]|\.[0-9])[0-9a-fA-F_.:eE+-]*[ \t]*(?=[,\]}#\n]|$)")
_UNUSUAL = re.compile(r"<<|(?:^|[\s:\[{,-])!|^%|^---|^\.\.\.", re.MULTILINE)


def _yaml_12_is_safe(text: str) -> bool:
    if ("!" in text or "<<" in text or "%" in text or "---" in text or "..." in text) and _UNUSUAL.search(text):
        return False
    return _RISKY.search("\n" + text) is None


class _FastConstructor(yaml.constructor.SafeConstructor):
    """SafeConstructor with `_scalar`'s rules (dates and yes/no stay text) that refuses duplicate keys."""

    def construct_yaml_timestamp(self, node):
        return node.value

    def construct_yaml_bool(self, node):
        if node.value.lower() not in ("true", "false"):
            return node.value
        return super().construct_yaml_bool(node)

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, yaml.MappingNode):
            raise FastPathMiss("not a mapping")
        result = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                raise FastPathMiss("unusual key")
            key = self.construct_object(key_node, deep=deep)
            key = key if isinstance(key, str) else str(key)
            if key in result:
                raise FastPathMiss("duplicate key")
            result[key] = self.construct_object(value_node, deep=deep)
        return result


def _refuse_collection_tag(self, node):
    # `_build` ignores the tag of a mapping or sequence: `!!set {a, b}` is the mapping {a: null, b: null} there,
    # never a set (which pydantic would take for a list), nor `!!omap` / `!!pairs` a list of tuples.
    raise FastPathMiss(f"tag {node.tag} on a collection")


for _tag in ("set", "omap", "pairs"):
    _FastConstructor.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_collection_tag)
_FastConstructor.add_constructor("tag:yaml.org,2002:timestamp", _FastConstructor.construct_yaml_timestamp)
_FastConstructor.add_constructor("tag:yaml.org,2002:bool", _FastConstructor.construct_yaml_bool)
_FastConstructor.add_constructor("tag:yaml.org,2002:map", lambda self, node: self.construct_mapping(node, deep=True))

try:
    from yaml.cyaml import CParser as _CParser  # libyaml's parser (yaml.CParser is not exported)
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None
if _CParser is not None:
    class _FastLoader(_CParser, _FastConstructor, yaml.resolver.Resolver):
        def __init__(self, stream):
            _CParser.__init__(self, stream)
            _FastConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
else:  # pragma: no cover - PyYAML built without libyaml
    class _FastLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer,
                      _FastConstructor, yaml.resolver.Resolver):
        def __init__(self, stream):
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            _FastConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)


def fast_parser_name() -> str:
    """The parser the fast paths use for files outside the subset reader's YAML (yaml_subset.py reads the rest)."""
    return "yaml_rs" if _yaml_rs is not None else ("PyYAML (libyaml)" if _CParser is not None else "PyYAML")


def parse_fast(text: str, *, allow_rs: bool = True) -> dict:
    """The same data as `parse_yaml(text).data` for a well-formed mapping without duplicate keys;
    raises FastPathMiss for anything else (the caller then uses `parse_yaml`)."""
    if allow_rs and _yaml_rs is not None and _yaml_12_is_safe(text):
        try:
            data = _yaml_rs.loads(text, parse_datetime=False,
                                  duplicate_key_policy=_yaml_rs.DuplicateKeyPolicy.Error)
        except Exception as e:  # noqa: BLE001 - any parser complaint: the slow path reports it properly
            raise FastPathMiss(str(e)) from None
        # (a key that is not text, where PyYAML's path would make it text, fails validation: then that path runs)
        if not isinstance(data, dict):
            raise FastPathMiss("not a mapping")
        return data
    try:
        loader = _FastLoader(text)
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    except (yaml.YAMLError, ValueError, TypeError, LookupError, OverflowError, RecursionError) as e:
        # (an explicit tag PyYAML cannot apply, a huge integer, deep nesting: `parse_yaml` words each of them)
        raise FastPathMiss(str(e)) from None
    if not isinstance(data, dict):
        raise FastPathMiss("not a mapping")
    return data

