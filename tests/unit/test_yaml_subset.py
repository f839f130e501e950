"""The fast YAML readers: where they answer, they answer exactly what the careful parser reads; where they are not
sure, they say so and the careful parser decides.

The reference is `yaml_lines.parse_yaml` (libyaml's CSafeLoader, with the catalog's two deliberate rules: dates stay
text, and only true/false are booleans, so `yes` stays the word). The subset reader (yaml_subset.py) and the fast
libyaml loader (`parse_fast`, where the subset reader declines) must each either decline or give the same data with
the same types (int vs float vs str vs bool vs None, key order included).
"""

import datetime as dt
import math
import random
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import generate
from components.catalog.yaml_lines import FastPathMiss, parse_fast, parse_yaml
from components.catalog.yaml_subset import SubsetReader, Unsupported, read_subset

ROOT = Path(__file__).resolve().parents[2]


def typed(x):
    """`x` with every key and value tagged with its exact type (NaN made comparable): two readings are the same
    exactly when their typed forms are equal."""
    if type(x) is dict:
        return "dict", [(typed(k), typed(v)) for k, v in x.items()]
    if type(x) is list:
        return "list", [typed(v) for v in x]
    if type(x) is float and math.isnan(x):
        return "float", "nan"
    return type(x).__name__, x


_MISS = object()


def _reference(text: str):
    """What the careful path reads: the data, or _MISS where it reports an error (syntax, duplicate key, not a
    mapping)."""
    try:
        ref = parse_yaml(text)
    except yaml.YAMLError:
        return _MISS
    return ref.data if not ref.duplicates and isinstance(ref.data, dict) else _MISS


def _answer(read, text: str):
    try:
        return read(text)
    except (Unsupported, FastPathMiss):
        return _MISS


def _check(text: str, reader: SubsetReader | None = None) -> bool:
    """Both fast readers on one text against the careful one; True if the subset reader answered."""
    ref = _reference(text)
    subset = _answer((reader or SubsetReader()).read, text)
    for name, got in (("subset reader", subset), ("parse_fast", _answer(lambda t: parse_fast(t, allow_rs=False), text))):
        if got is _MISS:
            continue
        assert ref is not _MISS, f"{name} accepted what the careful parser reports as an error:\n{text!r}"
        assert typed(got) == typed(ref), f"{name} reads differently:\n{text!r}\nfast:    {got!r}\ncareful: {ref!r}"
    return subset is not _MISS



def test_every_bundled_and_fixture_file_reads_as_pyyaml_reads_it():
    paths = sorted((ROOT / "data").rglob("*.yaml")) + sorted((ROOT / "tests/fixtures").rglob("*.yaml"))
    shared = SubsetReader(share=True)
    answered = [_check(p.read_text(encoding="utf-8"), shared) for p in paths]
    models = [a for a, p in zip(answered, paths, strict=True) if p.parent.name == "models" and "data" in p.parts]
    assert all(models), "a bundled family file fell back to PyYAML (slower, still correct)"


def test_synthetic_catalog_is_read_entirely_by_the_subset_reader(tmp_path):
    out = generate(tmp_path / "syn", 400, seed=5)
    shared = SubsetReader(share=True)
    for p in sorted(out.rglob("*.yaml")):
        assert _check(p.read_text(encoding="utf-8"), shared), p  # the 100k budget relies on it


@pytest.mark.parametrize("text", [
    "a: 010\n", "a: 1_000\n", "a: 1:30\n", "a: 1e5\n", "a: 0x1f\n", "a: [1, 2e3]\n", "a: 1.5e3\n", "a: .5\n",
    "a: -.5\n", "a: !!str 1\n", "a: yes\n", "a: No\n", "a: on\n", "a: 2023-07-18\n", "a: 2023\n", "a: ~\n",
    "a: null\n", "a:\n", "a: \n", "a: .inf\n", "a: -.Inf\n", "a: .nan\n", "a: =\n", "a: <<\n", "<<: {b: 1}\n",
    "yes: 1\n", "true: 1\n", "1.50: x\n", "null: x\n", "7b: x\n", "3.5: x\n",
    'a: "x\\/y"\n', 'a: "\\u00e9"\n', 'a: "\\ud83d\\ude00"\n', 'a: "x\\ty"\n', "a: 'it''s'\n", "a: 'x\n",
    'a: "x\n', "a: b # c\n", "a: b#c\n", "a: http://x/y#z\n", "a: {b: http://x}\n", "a: {b: x:y}\n",
    "a: {a:b}\n", "a: [a:b]\n", "a: [x: y]\n", "a: {b: 1,}\n", "a: {b : 1}\n", "a: [a,b]\n", "a: { b: 1 }\n",
    "a: {b: c:}\n", "a: {b, c}\n", "a: {b: 1, b: 2}\n", "a: 1\na: 2\n", "a: {b: [1, {c: d}]}\n",
    "a: >-\n  x \n  y\n", "a: >\n  x\n  y", "a: >\n  x\n  y\n", "a: |\n  x\n  y\n", "a: |-\n  x\n\n  y\n",
    "a: >-\n  x\n    y\nb: 1\n", "a: >-\n    x\n  y\n", "a: >2\n  x\n", "a: >-\n  # not a comment\n  x\nb: 2\n",
    "a:\n- x\n- y\n", "a:\n  - x\n  - y\n", "a:\n  -\n    b: 1\n", "a:\n  - b: 1\n    c: 2\n  - d\n",
    "a:\n  - - x\n    - y\n", "a:\n    b: 1\n  c: 2\n", "a: 1\n  b: 2\n", "a:\n  b: 1\n c: 2\n",
    "a: b\n  c\n", "  a: 1\n", "- a\n", "a: 1\n---\nb: 2\n", "%YAML 1.1\n---\na: 1\n", "a: &x 1\nb: *x\n",
    "a:\tb\n", "a: b\r\nc: d\r\n", "\ufeffa: 1\n", "a: b\x85c\n", "a: \x07\n", "# only a comment\n", "",
    "a: - b\n", "a: -b\n", "a: ? b\n", "a: ?b\n", "a: :b\n", "a: @b\n", "a: `b\n", "a: %b\n", "a: b: c\n",
    "a: b:\n", "a: [b\n", "a: b]\n", "a: {b: 'c, d'}\n", 'a: {b: "c, d", e: f}\n', "a: {b: c d, e: 0-shot CoT}\n",
    "a: [ ]\n", "a: {}\n", "a: []\n", "a: [[]]\n", "a: {b: {}}\n", "k: v # c\n", "k: 'v' # c\n", "k:  v\n",
    "a: 1\n\n\nb: 2\n", "a:\n\n  b: 1\n", "a:\n  # c\n  b: 1\n", "a: x  \n", "a:    \n  b: 1\n",
])
def test_tricky_texts(text):
    _check(text)


# ---------------------------------------------------------------- generated documents
_KEYS = st.sampled_from(["a", "b", "key", "name", "value", "7b", "v1.5", "3.5", "2023", "yes", "true", "null",
                         "a-b", "a_b", "A", "_x", "-x", "a b", '"q"', "<<", "x:y", "on", "Off", "source", "kind"])
_SCALARS = st.sampled_from([
    "a", "abc", "card", "paper", "yes", "no", "on", "off", "true", "False", "null", "~", "Null", "010", "0x1f",
    "1_000", "1:30", "1e5", "1.5e3", ".5", "-.5", "+1", "0b1", "2023", "2023-07", "2023-07-18", "2023-1-5", "1.0",
    "13.3", "-3", ".inf", ".NaN", "=", "<<", "a b", "a  b", "a:b", "http://x/y#z", "a #b", "a: b", "-", "- a", "-a",
    "?a", "? a", ":a", "@a", "`a", "%a", "!a", "&a", "*a", "|", ">", "'q'", "'it''s'", '"q"', '"a\\"b"', '"a\\nb"',
    '"\\u00e9"', '"a\\/b"', '"a\\x41"', '"a, b"', '""', "''", "[a, b]", "[a,b]", "[]", "{}", "{a: 1}", "{a: 1, a: 2}",
    "{a: [x, y], b: {c: d}}", "{a: 1,}", "{a:1}", "{a: }", "[a: b]", "{a, b}", "é", "a]", "a}", "a,b", "x?y",
    "{a: http://x}", "[http://x, y]", "{a: b c}", "{ a: 1 }", "{a : 1}", "[ a ]", "{value: 7, source: card}",
    '{benchmark: mmlu, value: 13.3, setting: "5-shot", source: paper, self_reported: true}', "{value: [text, image]}",
    "{value: yes, source: no}", "{value: 010, source: 1_000}", '{note: "a, b", x: 1}', "{a: 'b, c'}", "pass@1",
    "0-shot CoT", "{setting: pass@1}", "{a: b, }", "{a: b ,c: d}",
])


@st.composite
def _documents(draw):
    lines: list[str] = []

    def indent_step():
        return draw(st.sampled_from([2, 2, 2, 4, 1, 3]))

    def block(ind: int, depth: int, seq: bool) -> None:
        for _ in range(draw(st.integers(1, 3))):
            pad = " " * ind
            if draw(st.integers(0, 9)) == 0:
                lines.append(draw(st.sampled_from(["", "  ", pad + "# comment", "#"])))
            head = pad + ("- " if seq else draw(_KEYS) + ":")
            kind = draw(st.sampled_from(["scalar", "scalar", "scalar", "map", "seq", "block", "empty", "item-map"]
                                        if depth < 3 else ["scalar", "empty", "block"]))
            if kind == "scalar" or (seq and kind == "empty"):
                lines.append(head + ("" if seq else " ") + draw(_SCALARS) + draw(st.sampled_from(["", "", " "])))
            elif kind == "empty":
                lines.append(head)
            elif kind == "block":
                lines.append(head + ("" if seq else " ") + draw(st.sampled_from([">-", ">", "|", "|-", ">2"])))
                body = " " * (ind + indent_step())
                for _ in range(draw(st.integers(0, 3))):
                    lines.append(body + draw(st.sampled_from(["text", "more text ", "# hash", "a: b", "", "  x"])))
            elif kind == "item-map" and seq:
                lines.append(pad + "- " + draw(_KEYS) + ": " + draw(_SCALARS))
                if draw(st.booleans()):
                    lines.append(" " * (ind + 2) + draw(_KEYS) + ": " + draw(_SCALARS))
            else:
                lines.append(head.rstrip() if seq else head)
                child = ind + (0 if (kind == "seq" and not seq and draw(st.integers(0, 4)) == 0) else indent_step())
                block(child, depth + 1, kind == "seq")

    block(0, 0, False)
    if draw(st.integers(0, 5)) == 0 and lines:  # a random corruption: a line moved or changed
        i = draw(st.integers(0, len(lines) - 1))
        lines[i] = draw(st.sampled_from([" " + lines[i], lines[i].lstrip(), lines[i] + ":", lines[i].replace(":", ""),
                                         lines[i] + "\t", lines[i] * 2]))
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))


_shared = SubsetReader(share=True)  # memos shared across examples: the same line in other places must read the same


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents())
def test_generated_documents_read_as_pyyaml_reads_them(text):
    _check(text)
    _check(text, _shared)


def test_the_generator_reaches_answered_documents():
    """Guard against a vacuous property test: plain generated documents are answered by the reader."""
    assert read_subset("a: 1\nb:\n  - {value: 7, source: card}\n  - c: d\n    e: [x, y]\nf: >-\n  t\n") == {
        "a": 1, "b": [{"value": 7, "source": "card"}, {"c": "d", "e": ["x", "y"]}], "f": "t"}


def test_shared_flow_values_are_one_object_only_when_asked():
    text = "a:\n  c: {value: 1, source: s}\nb:\n  c: {value: 1, source: s}\n"
    shared, fresh = SubsetReader(share=True).read(text), SubsetReader().read(text)
    assert shared["a"]["c"] is shared["b"]["c"]
    assert fresh["a"]["c"] is not fresh["b"]["c"] and fresh["a"]["c"] == fresh["b"]["c"]


# ---------------------------------------------------------------- hostile scalars and keys, in every place they can go
# YAML 1.1 implicit types (yes/no/on/off, ~, null, octal 010, 0x, 0b, 1_000, sexagesimal 1:20, .inf/.nan, exponents
# with and without a dot), timestamps and dates in odd forms, quoting and escapes, flow collections, comments, anchors,
# tags, document markers, keys with colons, non-ASCII text, indicators at the start, libyaml's own limits.
HOSTILE_SCALARS = """0 00 010 08 09 0o10 0x1F 0X1F 0xg 0b101 0B1 1_000 +1 -1 +0 -0 1:20 1:20:30 190:20:30 1:60 0:30 -1:30
+1_0 1__0 _1 1_ 0_0 0b_1 0x_1 1.0 1. .5 -.5 +.5 1e5 1.0e5 1.0e+5 1.0E-5 1.e5 1_000.5 1:20.5 .inf -.inf +.inf .Inf .INF
.iNf .nan .NaN .NAN -.nan 1.5e3 6.02e+23 1.0e+400 1.5e-400 0.0 -0.0 00.5 1.2.3 1..2 . .. ... 1e 1e+ 0.1_5
123456789012345678901234567890 yes Yes YES yEs no No NO n N y Y true True TRUE tRue false on On ON off Off OFF ~ null
Null NULL nUll 2023-07-18 2023-7-18 2023-07-18T10:00:00Z 2001-12-14t21:59:43.10-05:00 2023-07 2023 20230718 2023-13-45
0000-00-00 2023-02-30 2023-07-18x = << a:b a::b http://x/y#z a#b -a -.a +a ~a $a ^a (a) /a ./a _a a, a] a} a[ a{ a? a!
a& a* a| a> a% a@ a` a' a" x:y: x: -- --- ---a ... .... é ünï 中文 😀""".split() + [  # noqa: SIM905
    "a b", "a  b", "0-shot CoT", "pass@1", "a #b", "a: b", "- a", "? a", "-", "?", ":", "a:", "!a", "&a", "*a", "|",
    ">", "%a", "@a", "`a", "#a", "a\u00a0b", "a\u3000b", "'q'", "'it''s'", "''", "'a''", "'a\\b'", "'a: b'",
    "'a # b'", '"q"', '""', '"a\\"b"', '"a\\nb"', '"\\u00e9"', '"\\x41"', '"\\0"', '"\\a"', '"\\e"',
    '"\\ "', '"\\N"', '"\\_"', '"\\L"', '"\\P"', '"\\U0001F600"', '"\\/"', '"\\b"', '"\\f"', '"\\r"',
    '"\\t"', '"\\v"', '"\\q"', '"a\\\\b"', '"a\\', '"a', "'a", '"a" b', "'a' b", '"a"b"', '"#"', '"a, b"',
    "'a, b'", '"\\ud83d\\ude00"', '"\\ud800"', '" a "', "' a '", "[a, b]", "[a,b]", "[]", "[ ]", "{}", "{ }",
    "{a: 1}", "{a: 1, a: 2}", "{a: [x, y], b: {c: d}}", "{a: 1,}", "[a,]", "{a:1}", "{a: }", "[a: b]", "{a, b}",
    "{a: http://x}", "[http://x, y]", "{a: b c}", "{ a: 1 }", "{a : 1}", "[ a ]", '{"a": 1}', '{"a":1}', "{'a': 1}",
    "{value: 7, source: card}", '{benchmark: mmlu, value: 13.3, setting: "5-shot", source: paper, self_reported: true}',
    "{value: [text, image]}", "{value: yes, source: no}", "{value: 010, source: 1_000}", '{note: "a, b", x: 1}',
    "{a: b, }", "{a: b ,c: d}", "[a, [b, [c]]]", "[{a: b}]", "{a: -}", "{a: -1}", "[-a]", "[- a]", "{a: ~}", "{~: a}",
    "{null: a}", "{1: a}", "{1.5: a}", "{yes: a}", "{true: a}", "{2023-01-01: a}", "{a: b}c", "[a] b", "{a: [b}",
    "[a}", "{a: b]}", "{a: 'b}", "[a # b]", "[a #b]", "[a#b]", "{a: b:c}", "{a: b: c}", "{a: :b}", "[:a]", "[a:]",
    "{a: b:}", "{a: .inf, b: .nan}", "[1e400, -1e400]", "{a: 1:20}", "{a: 0x10, b: 0b1, c: 0o7}", "[!!str 1]",
    "[&a b, *a]", "!!set {a, b}", "!!set {}", "!!omap [{a: 1}]", "!!pairs [{a: 1}]", "!!python/object:os.system {}",
    "!!binary aGVsbG8=", "!!str", "!!int 3", "!!int", "!!int x", "!!float 3", "!!float x", "!!bool yes", "!!null ''",
    "!!timestamp 2023-01-01", "!foo bar", "&x 1", "*x", "&x", "!<tag:yaml.org,2002:str> 1", ">", ">-", ">+", "|",
    "|-", "|+", ">2", "|1", ">-2", "> # c", "|-  ", "9" * 5000, "x" * 1100, "{" + "k" * 1100 + ": 1}",
    '{"' + "k" * 1030 + '": 1}', "{a" + " " * 1030 + ": 1}", "[" * 70 + "]" * 70, "[" * 1200 + "]" * 1200,
]
HOSTILE_KEYS = ["a", "7b", "v1.5", "3.5", "2023", "yes", "no", "on", "true", "True", "null", "Null", "~", "a-b", "A",
                "_x", "-x", "a b", '"q"', "'q'", "<<", "x:y", "1", "010", "0x1", "1_0", "1:2", ".inf", ".nan",
                "2023-07-18", "2023-07", "é", "a.b", "a-", "-", "? a", "[a]", "{a: b}", "&k a", "*k", "!!str 1",
                '"a\\nb"', "''", "x" * 128, "x" * 129, "x" * 1030, "1e5", "1.0", "+1", "nan", "inf"]


def _contexts(v: str) -> list[str]:
    return [f"a: {v}\n", f"a: [{v}]\n", f"a: {{b: {v}}}\n", f"a:\n  - {v}\n", f"a: {{b: {v}, c: d}}\n", f"{v}: x\n",
            f"a: {{{v}: x}}\n", f"a:\n  b: {v}\n  c: 1\n", f"a: [x, {v}, y]\n", f"a:\n- {v}\n",
            f"a:\n  - b: {v}\n    c: 2\n", f"a: {v}  \n", f"a: {v} # c\n", f"a: {v}", f"a:\n  {v}\n"]


@pytest.mark.parametrize("value", HOSTILE_SCALARS + HOSTILE_KEYS)
def test_hostile_scalars_and_keys_read_as_the_careful_parser_reads_them(value):
    for text in _contexts(value):
        _check(text)
        _check(text, _shared)


@pytest.mark.parametrize("depth", [10, 63, 64, 65, 300, 998, 999, 1200])
def test_deep_nesting_is_left_to_the_careful_parser(depth):
    # libyaml refuses more than about a thousand levels; Python's stack may hold fewer: the fast readers decline early
    for text in ["a: " + "[" * depth + "]" * depth + "\n", "a: " + "{b: " * depth + "1" + "}" * depth + "\n",
                 "".join(" " * i + "k:\n" for i in range(depth)) + " " * depth + "k: 1\n",
                 "".join(" " * (2 * i) + "-\n" for i in range(depth)) + " " * (2 * depth) + "- 1\n"]:
        _check(text)


def test_dates_and_yes_no_are_the_deliberate_differences_from_safe_load():
    # The careful parser keeps a date's text (its precision is data) and reads yes/no/on/off as words; for every other
    # plain scalar, the fast readers give what yaml.safe_load gives, type included.
    for value in HOSTILE_SCALARS:
        try:
            expected = yaml.load(f"a: {value}\n", Loader=yaml.CSafeLoader)
        except (yaml.YAMLError, ValueError, TypeError, IndexError):
            continue
        got = _answer(SubsetReader().read, f"a: {value}\n")
        if got is _MISS or not isinstance(expected, dict):
            continue
        e, g = expected["a"], got["a"]
        if isinstance(e, dict | list):
            continue  # (the same rules inside: covered by the contexts above)
        if isinstance(e, dt.date) or (isinstance(e, bool) and value.lower() not in ("true", "false")):
            assert g == value, value
        else:
            assert typed(g) == typed(e), value
    assert _answer(SubsetReader().read, "a: 2023-07-18\nb: yes\n") == {"a": "2023-07-18", "b": "yes"}


# ---------------------------------------------------------------- seeded random edits of the bundled files
_INSERTS = list(" \t\r#:-\"'\\{}[],&*!|>?%@`~.0é\ufeff\x85\u2028\u00a0") + ["\n", "\r\n", ": ", " #", "- "]


def _mutate(rng: random.Random, text: str) -> str:
    """One to three edits a hurried curator (or a hostile test) could make: a value, a key or a character replaced,
    lines moved, re-indented, doubled or dropped, comments, anchors, tags, block scalars, document markers."""
    lines = text.split("\n")
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        i = rng.randrange(len(lines))
        line = lines[i]
        ind = len(line) - len(line.lstrip(" "))
        op = rng.randrange(14)
        if op == 0 and ": " in line:
            lines[i] = line.partition(": ")[0] + ": " + rng.choice(HOSTILE_SCALARS)
        elif op == 1 and ":" in line:
            rest = line.lstrip(" ").partition(":")[2]
            lines[i] = " " * ind + ("- " if line.lstrip(" ").startswith("- ") else "") + rng.choice(HOSTILE_KEYS) + ":" + rest
        elif op == 2:
            j = rng.randrange(len(line) + 1)
            lines[i] = line[:j] + rng.choice(_INSERTS) + line[j:]
        elif op == 3 and line:
            j = rng.randrange(len(line))
            lines[i] = line[:j] + line[j + 1:]
        elif op == 4:
            lines.insert(i, line)
        elif op == 5 and len(lines) > 1:
            del lines[i]
        elif op == 6:
            d = rng.choice([-2, -1, 1, 2, 4])
            lines[i] = " " * d + line if d > 0 else line[min(-d, ind):]
        elif op == 7:
            lines[i] = line + rng.choice([" # c", "#c", " ", "  ", "\t", " #", ":", ","])
        elif op == 8 and ": {" in line:
            k = rng.randrange(line.index(": {") + 3, len(line) + 1)
            lines[i] = line[:k] + rng.choice([", ", ",", " ", ": ", "{", "}", "[", "]", "'", '"', "#", "&a ", "*a", "?"]) + line[k:]
        elif op == 9:
            lines.insert(i + 1, " " * (ind + rng.choice([0, 2, 4])) + rng.choice(["- ", "-", "- - ", "? ", ""])
                         + rng.choice(HOSTILE_SCALARS))
        elif op == 10:
            body = [" " * (ind + rng.choice([1, 2, 4])) + rng.choice(["text", "more  text ", "# hash", "a: b", "", " x"])
                    for _ in range(rng.randrange(4))]
            lines[i:i + 1] = [" " * ind + rng.choice(HOSTILE_KEYS[:12]) + ": " + rng.choice([">", ">-", "|", "|-", ">+"])]
            lines[i + 1:i + 1] = body
        elif op == 11:
            lines.insert(i, rng.choice(["---", "...", "%YAML 1.1", "# c", "", " ", "--- !!map"]))
        elif op == 12 and ": " in line:
            key, _, value = line.partition(": ")
            lines[i] = key + ": " + rng.choice(["&a ", "*a", "!!str ", "!!set ", "!x ", "&a\n" + " " * (ind + 2)]) + value
        else:
            lines.insert(i, " " * rng.choice([0, 1, 2, 4]) + rng.choice(HOSTILE_KEYS) + ":"
                         + rng.choice(["", " ", " " + rng.choice(HOSTILE_SCALARS)]))
    return "\n".join(lines)


def _window(rng: random.Random, text: str) -> str:
    """The whole text, or a run of its lines (dedented): small texts reach more corners per second."""
    lines = text.split("\n")
    if len(lines) < 8 or rng.random() < 0.3:
        return text
    a = rng.randrange(len(lines))
    chunk = lines[a:a + rng.randrange(2, 40)]
    ind = min((len(x) - len(x.lstrip(" ")) for x in chunk if x.strip()), default=0)
    return "\n".join(x[ind:] for x in chunk) + rng.choice(["\n", "", "\n\n"])


_BUNDLED = sorted((ROOT / "data").rglob("*.yaml"))


@pytest.mark.parametrize("seed", range(8))
def test_seeded_edits_of_bundled_files_read_as_the_careful_parser_reads_them(seed):
    rng = random.Random(seed)
    texts = [p.read_text(encoding="utf-8") for p in _BUNDLED]
    answered = sum(_check(_mutate(rng, _window(rng, rng.choice(texts))), _shared) for _ in range(400))
    assert answered > 40  # (the edits must leave many texts the reader answers, or the test proves nothing)
