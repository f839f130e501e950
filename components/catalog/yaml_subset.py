"""A fast reader for the plain YAML the catalog is written in; anything else is left to PyYAML.

PyYAML (even with libyaml) reads about 1.5 MB/s here, far too slow for a 100k-model catalog (70 MB of YAML). Catalog
files use a small, regular part of YAML: block mappings and sequences, one-line flow collections
(`{value: 7, source: card}`, `[text, image]`), plain, single- and double-quoted one-line scalars, simple folded or
literal blocks (`>-`) and whole-line comments. This module reads exactly that part, line by line, with the help of
C-speed primitives (`str.split`, `re`, `json`) and memos (the same line, e.g. `kind: {value: base, source: card}`,
recurs thousands of times), and gives up (`Unsupported`) on anything else: the caller then uses PyYAML.

Exactness: for every text it accepts, the result equals `yaml_lines.parse_yaml(text).data` (libyaml + the catalog's
scalar rules), which tests check on every bundled file, on synthetic catalogs and on generated tricky texts.
It never decides what a plain scalar means by itself: those go through PyYAML's own resolver and `_scalar`
(so `yes`, `010`, `1_000`, `2023-07` read exactly as PyYAML reads them). Whatever it is unsure of — tabs, CR, anchors,
tags, multi-line scalars or flows, comments after a value, duplicate keys, keys that do not read as text, unusual
escapes — it refuses, so PyYAML (and, for a broken file, the careful parser with its messages and lines) decides.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from .yaml_lines import _scalar


class Unsupported(Exception):
    """Not in the subset this reader handles (not necessarily invalid YAML)."""


# Whole-text refusals: tabs, CR and the other YAML 1.1 line breaks (this reader splits on "\n" only), a BOM,
# and every character PyYAML's reader refuses as non-printable.
_BAD_TEXT = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")

# `key:` / `key: value` with a plain key (at most 128 characters: libyaml limits implicit keys to 1024).
_KEY_TEXT = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
_KEY = re.compile(rf"({_KEY_TEXT}):(?: +(.+))?")
# One-line quoted scalars. Double quotes: only escapes that JSON and YAML read the same way (no \u: surrogates).
_DQ_TEXT = r'"(?:[^"\\]|\\["\\/bfnrt])*"'
_DQ = re.compile(_DQ_TEXT)
_SQ = re.compile(r"'((?:[^']|'')*)'")
# Block scalar headers handled: folded or literal, clip or strip chomping, no indentation indicator.
_BLOCK = re.compile(r"([>|])(-?)")
# A plain scalar in block context: a safe first character; no ": ", " #" or trailing ":" (see _value).
_PLAIN_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./+~($^")
_FLOW_START = r"""(?:[A-Za-z0-9_.~+/($^]|-[^ ,\[\]{}:#?"'&*!|>%@`<=\\])"""

# Flow collections in general are rewritten into JSON: every scalar becomes its JSON literal, punctuation stays.
# Plain scalars in flow context: a safe first character; inside, no ',[]{}', '#', '?', quotes or backslash, and ':'
# only before a character that continues the scalar (`http://x`, as libyaml reads it). Anything else: refused.
_FLOW_INNER = r"""(?:[^,\[\]{}:#?"'\\]|:(?=[^ ,\[\]{}]))"""
_FLOW_TOKEN = re.compile(
    rf"({_DQ_TEXT})"                       # 1: double-quoted (already valid JSON)
    r"|'((?:[^']|'')*)'"                   # 2: single-quoted
    rf"|({_FLOW_START}{_FLOW_INNER}*)"     # 3: plain
    r"|(:(?! )|[^{}\[\], :])"              # 4: anything else: refused
)
# The common one-line flow mapping, read without JSON: `{key: value, key: "value"}` — plain keys, ", " between
# pairs, values plain (no ':' at all, no space at the end) or double-quoted.
_FLAT_PLAIN = rf"""{_FLOW_START}[^,\[\]{{}}:#?"'\\]*(?<! )"""
_FLAT_PAIR = rf"{_KEY_TEXT}: (?:{_DQ_TEXT}|{_FLAT_PLAIN})"
_FLAT_PAIR_RE = re.compile(_FLAT_PAIR)
_FLAT_PAIRS = re.compile(_FLAT_PAIR)

# libyaml's limits, far from what catalog files need: it refuses a flow mapping key that ends over 1024 characters after
# it starts, and nesting deeper than about 1000 levels (block and flow together). Flow collections longer than
# MAX_FLOW characters or with more than MAX_FLOW_OPEN brackets, and blocks nested deeper than MAX_DEPTH, are left to it.
MAX_FLOW, MAX_FLOW_OPEN, MAX_DEPTH = 1000, 64, 64

_resolver = yaml.resolver.Resolver()
_IMPLICIT_FIRST = frozenset(_resolver.yaml_implicit_resolvers)  # first characters some implicit tag may start with
_MISSING = object()

# What a line (indentation and trailing spaces removed) is; memoised per distinct line text.
#   in a mapping:      (K_SCALAR, key, value) (K_FLOW, key, value, nested) (K_OPEN, key) (K_BLOCK, key, style, chomp)
#   sequence entries:  (I_SCALAR, value) (I_FLOW, value, nested) (I_OPEN,) (I_NODE, rest, offset) for `- key: ...`
#   a bare value:      (V,)  (only valid after `- `, where I_SCALAR / I_FLOW stand for it)
K_SCALAR, K_FLOW, K_OPEN, K_BLOCK, I_SCALAR, I_FLOW, I_OPEN, I_NODE, V = range(9)


def _dup_check(pairs: list) -> dict:
    d = dict(pairs)
    if len(d) != len(pairs):
        raise Unsupported("duplicate key in a flow mapping")
    return d


_json_decode = json.JSONDecoder(object_pairs_hook=_dup_check).decode


def _fresh(value: Any) -> Any:
    """A deep copy of a memoised flow collection (each place in a document gets its own containers)."""
    if type(value) is dict:
        return {k: _fresh(v) if type(v) in (dict, list) else v for k, v in value.items()}
    return [_fresh(v) if type(v) in (dict, list) else v for v in value]


def _nested(value: Any) -> bool:
    vals = value.values() if type(value) is dict else value
    return any(type(v) in (dict, list) for v in vals)


def _dq(v: str) -> str:
    """A double-quoted scalar's value (v is the whole `"..."` text)."""
    if "\\" not in v:
        if len(v) < 2 or v[-1] != '"' or '"' in v[1:-1]:
            raise Unsupported("double-quoted scalar")
        return v[1:-1]
    if _DQ.fullmatch(v) is None:
        raise Unsupported("double-quoted scalar with an escape this reader does not vouch for")
    return json.loads(v)


class SubsetReader:
    """Reads many files with shared memos (one per catalog load); `read` raises Unsupported.

    share=True: equal one-line flow collections (e.g. every `kind: {value: base, source: card}`) are the same
    object in the result instead of copies. For readers that never change what they get: the loader validates
    each distinct object once (memoised by identity) and never mutates parsed data."""

    def __init__(self, share: bool = False) -> None:
        self._share = share
        self._lines: dict[str, tuple] = {}
        self._plain: dict[str, Any] = {}
        self._plain_json: dict[str, str] = {}
        self._keys: dict[str, bool] = {}
        self._pairs: dict[str, tuple[str, Any]] = {}
        self._raw: dict[str, tuple] = {}

    # ------------------------------------------------------------ scalars
    def plain(self, text: str) -> Any:
        """A plain scalar's value, exactly as the careful parser reads it (PyYAML's resolver + `_scalar`)."""
        value = self._plain.get(text, _MISSING)
        if value is not _MISSING:
            return value
        if text[0] not in _IMPLICIT_FIRST:  # no implicit resolver starts with this character: a string, as it is
            return text
        tag = _resolver.resolve(yaml.ScalarNode, text, (True, False))
        try:
            value = _scalar(yaml.ScalarNode(tag, text))
        except Exception as e:
            raise Unsupported(f"scalar {text!r}") from e
        if type(value) not in (str, int, float, bool, type(None)):
            raise Unsupported(f"scalar {text!r} of type {type(value).__name__}")
        self._plain[text] = value
        return value

    def _key(self, text: str) -> str:
        ok = self._keys.get(text)
        if ok is None:
            value = self.plain(text)
            ok = self._keys[text] = type(value) is str and value == text
        if not ok:
            raise Unsupported(f"key {text!r} does not read as text")
        return text

    def _flow_sub(self, m: re.Match) -> str:
        g = m.lastindex
        if g == 1:
            return m.group(1)
        if g == 2:
            return json.dumps(m.group(2).replace("''", "'"))
        if g == 3:
            token = m.group(3)
            text = token.rstrip(" ")
            lit = self._plain_json.get(text)
            if lit is None:
                lit = self._plain_json[text] = json.dumps(self.plain(text))
            return lit + token[len(text):]
        raise Unsupported(f"character {m.group(4)!r} in a flow collection")

    def _pair(self, pair: str) -> tuple[str, Any] | None:
        """(key, value) for one `key: value` of a flat flow mapping; None if it is not one. Memoised."""
        if _FLAT_PAIR_RE.fullmatch(pair) is None:
            return None
        key, _, v = pair.partition(": ")
        out = self._pairs[pair] = self._key(key), (_dq(v) if v[0] == '"' else self.plain(v))
        return out

    def _flat(self, pieces: list[str]) -> dict | None:
        memo = self._pairs
        try:
            pairs = [memo[p] for p in pieces]
        except KeyError:
            pairs = [memo[p] if p in memo else self._pair(p) for p in pieces]
            if None in pairs:
                return None
        out = dict(pairs)
        if len(out) != len(pairs):
            raise Unsupported("duplicate key in a flow mapping")
        return out

    def _flow(self, text: str) -> tuple[Any, bool]:
        """(value, whether it holds collections) of a one-line flow collection."""
        if len(text) > MAX_FLOW or text.count("[") + text.count("{") > MAX_FLOW_OPEN:
            raise Unsupported("long or deeply nested flow collection")
        if text[0] == "{" and text[-1] == "}":
            # `{key: value, ...}`: split at ", " (checked piece by piece; a quoted ", " makes a piece fail), else
            # find the pairs (they must make up the whole text), else the general way below.
            inner = text[1:-1]
            out = self._flat(inner.split(", "))
            if out is None and '"' in inner:
                pieces = _FLAT_PAIRS.findall(inner)
                if ", ".join(pieces) == inner:
                    out = self._flat(pieces)
            if out is not None:
                return out, False
        out = _FLOW_TOKEN.sub(self._flow_sub, text)
        try:
            value = _json_decode(out)
        except ValueError as e:  # (json.JSONDecodeError) not a one-line flow collection this reader can vouch for
            raise Unsupported("flow collection") from e
        return value, _nested(value)

    def _value(self, v: str, key: str | None) -> tuple:
        """(kind, key, value...) for a non-empty value text (no spaces at either end) in block context, after
        `key: ` (key None: after `- ` or alone)."""
        c = v[0]
        if c == '"':
            inner = v[1:-1]
            if len(v) >= 2 and v[-1] == '"' and '"' not in inner and "\\" not in inner:
                return K_SCALAR, key, inner
            return K_SCALAR, key, _dq(v)
        if c == "'":
            m = _SQ.fullmatch(v)
            if m is None:
                raise Unsupported("single-quoted scalar")
            return K_SCALAR, key, m.group(1).replace("''", "'")
        if c == "{" or c == "[":
            return K_FLOW, key, *self._flow(v)
        if c == ">" or c == "|":
            m = _BLOCK.fullmatch(v)
            if m is None:
                raise Unsupported("block scalar header")
            return K_BLOCK, key, m.group(1), m.group(2)
        if c == "-":
            if len(v) < 2 or v[1] == " ":
                raise Unsupported("sequence entry")
        elif c not in _PLAIN_START:
            raise Unsupported(f"value starting with {c!r}")
        if ": " in v or " #" in v or v[-1] == ":":
            raise Unsupported("plain scalar with ': ', ' #' or a trailing ':'")
        return K_SCALAR, key, self.plain(v)

    def _line(self, content: str) -> tuple:
        """What one line (without its indentation and trailing spaces) is."""
        key, sep, v = content.partition(": ")
        if sep and self._keys.get(key) and v[0] != " ":  # (a key seen before: it matched _KEY then)
            return self._value(v, key)
        if content == "-" or content.startswith("- "):
            rest = content[1:].lstrip(" ")
            if not rest:
                return (I_OPEN,)
            if rest == "-" or rest.startswith("- ") or _KEY.fullmatch(rest) is not None:
                return I_NODE, rest, len(content) - len(rest)
            val = self._value(rest, None)
            if val[0] == K_SCALAR:
                return I_SCALAR, val[2]
            if val[0] == K_FLOW:
                return I_FLOW, val[2], val[3]
            raise Unsupported("block scalar in a sequence entry")
        m = _KEY.fullmatch(content)
        if m is None:
            return (V,)  # a bare value: this reader only takes one after `- ` (as I_SCALAR / I_FLOW)
        key, v = self._key(m.group(1)), m.group(2)
        if v is None:
            return K_OPEN, key
        return self._value(v, key)

    # ------------------------------------------------------------ documents
    def _raw_line(self, raw: str) -> tuple:
        """(indentation, what the line is) for a whole line; (0, None) for a blank or comment line. Memoised."""
        content = raw.lstrip(" ")
        if not content or content[0] == "#":
            out: tuple = (0, None)
        else:
            ind = len(raw) - len(content)
            if content[-1] == " ":
                content = content.rstrip(" ")
            key, sep, v = ("", "", "") if content[0] == "-" else content.partition(": ")
            if sep and self._keys.get(key) and v[0] != " ":  # (= _line's first case, one call less)
                out = (ind, self._value(v, key))
            else:
                out = (ind, self._line(content))
        self._raw[raw] = out
        return out

    def _rest(self, rest: str) -> tuple:
        """What the content after `- ` is (`key: ...` or `- ...`); memoised."""
        info = self._lines[rest] = self._line(rest)
        return info

    def read(self, text: str) -> dict:
        """The mapping a catalog file holds; Unsupported for anything outside the subset."""
        # (ASCII text: isprintable() is exactly "no control character", the check below for everything else)
        if not (text.isascii() and text.replace("\n", " ").isprintable()) and _BAD_TEXT.search(text) is not None:
            raise Unsupported("tab, CR, BOM or a character PyYAML refuses")
        lines = text.split("\n")
        raw_get = self._raw.get
        raw_line = self._raw_line
        share = self._share
        root: dict = {}
        stack: list = []                            # the enclosing containers: (indentation, object, is a sequence)
        cur, cur_ind, cur_seq = root, 0, False      # the innermost open container (the first line must be at 0)
        pending = None  # (container, key or index, indentation) of an entry whose value may be on the next lines
        skip = 0        # lines already read as a block scalar's body
        for i, raw in enumerate(lines):
            if i < skip:
                continue
            ind, info = raw_get(raw) or raw_line(raw)
            if info is None:
                continue  # a blank line, or a whole-line comment
            if ind == cur_ind and pending is None and not cur_seq and info[0] <= K_FLOW:
                # the common case first: `key: value` in the open mapping (same as the K_SCALAR / K_FLOW cases below)
                key = info[1]
                if key in cur:
                    raise Unsupported("duplicate key")
                if info[0] == K_SCALAR:
                    cur[key] = info[2]
                else:
                    cur[key] = info[2] if share else _fresh(info[2]) if info[3] else info[2].copy()
                continue
            if pending is not None:
                p_obj, p_key, p_ind = pending
                pending = None
                if ind > p_ind:  # the entry's value: a block mapping or sequence
                    child: Any = [] if info[0] >= I_SCALAR else {}
                    p_obj[p_key] = child
                    stack.append((cur_ind, cur, cur_seq))
                    cur, cur_ind, cur_seq = child, ind, info[0] >= I_SCALAR
                    if len(stack) > MAX_DEPTH:
                        raise Unsupported("nested too deeply")
                elif ind == p_ind and not cur_seq and info[0] >= I_SCALAR:
                    raise Unsupported("sequence at its key's indentation")
                # (else the entry keeps None, as an empty value reads)
            if ind != cur_ind:
                while ind < cur_ind:
                    cur_ind, cur, cur_seq = stack.pop()
                if ind != cur_ind:
                    raise Unsupported("unexpected indentation")
            while True:  # once more for `- key: ...` / `- - ...`: the entry's own content, one level deeper
                kind = info[0]
                if not cur_seq:
                    size = len(cur)
                    if kind == K_SCALAR:
                        cur[info[1]] = info[2]
                    elif kind == K_FLOW:
                        cur[info[1]] = info[2] if share else _fresh(info[2]) if info[3] else info[2].copy()
                    elif kind == K_OPEN:
                        cur[info[1]] = None
                        pending = (cur, info[1], ind)
                    elif kind == K_BLOCK:
                        cur[info[1]], skip = self._block(lines, i, ind, info[2], info[3])
                    else:
                        raise Unsupported("not a `key: value` line in a mapping")
                    if len(cur) == size:
                        raise Unsupported("duplicate key")
                    break
                if kind == I_FLOW:
                    cur.append(info[1] if share else _fresh(info[1]) if info[2] else info[1].copy())
                elif kind == I_SCALAR:
                    cur.append(info[1])
                elif kind == I_OPEN:
                    cur.append(None)
                    pending = (cur, len(cur) - 1, ind)
                elif kind == I_NODE:
                    ind += info[2]
                    rest = info[1]
                    info = self._lines.get(rest) or self._rest(rest)
                    child = [] if info[0] >= I_SCALAR else {}
                    cur.append(child)
                    stack.append((cur_ind, cur, cur_seq))
                    cur, cur_ind, cur_seq = child, ind, info[0] >= I_SCALAR
                    if len(stack) > MAX_DEPTH:
                        raise Unsupported("nested too deeply")
                    continue
                else:
                    raise Unsupported("mapping key inside a sequence")
                break
        if not root:
            raise Unsupported("empty document")
        return root

    @staticmethod
    def _block(lines: list[str], i: int, key_ind: int, style: str, chomp: str) -> tuple[str, int]:
        """A block scalar's value and the index of the first line after it. Handled: body lines all at one deeper
        indentation, no blank lines, not at the very end of the text (anything else: Unsupported)."""
        parts = []
        block_ind = -1
        j, n = i + 1, len(lines)
        while j < n:
            nxt = lines[j]
            body = nxt.lstrip(" ")
            b_ind = len(nxt) - len(body)
            if not body:
                if j == n - 1 and nxt == "":  # the text's final newline
                    break
                raise Unsupported("blank line in or after a block scalar")
            if block_ind < 0:
                if b_ind <= key_ind:
                    break
                block_ind = b_ind
            elif b_ind != block_ind:
                if b_ind > block_ind:
                    raise Unsupported("more-indented line in a block scalar")
                break
            parts.append(nxt[block_ind:])
            j += 1
        if not parts:
            raise Unsupported("empty block scalar")
        if j >= n:
            raise Unsupported("block scalar at the end of the text")
        text = (" " if style == ">" else "\n").join(parts)
        return (text if chomp else text + "\n"), j


def read_subset(text: str) -> dict:
    """One text with fresh memos (see SubsetReader for many)."""
    return SubsetReader().read(text)
