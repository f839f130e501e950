"""The subset YAML reader: where it answers, it answers exactly what PyYAML (the careful parser) reads; where it is
not sure, it says so (Unsupported) and PyYAML decides."""

import math
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import generate
from components.catalog.yaml_lines import parse_yaml
from components.catalog.yaml_subset import SubsetReader, Unsupported, read_subset

ROOT = Path(__file__).resolve().parents[2]


def _strict(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_strict(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_strict(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


_MISS = object()


def _compare(text: str, reader: SubsetReader | None = None) -> bool:
    """Check the reader against parse_yaml on one text; True if the reader answered."""
    try:
        fast = (reader or SubsetReader()).read(text)
    except Unsupported:
        fast = _MISS
    try:
        ref = parse_yaml(text)
    except yaml.YAMLError:
        assert fast is _MISS, f"the reader accepted what PyYAML refuses:\n{text}"
        return False
    if fast is _MISS:
        return False
    assert not ref.duplicates, f"the reader accepted duplicate keys:\n{text}"
    assert _strict(fast, ref.data), f"different reading:\n{text}\nsubset: {fast!r}\nPyYAML: {ref.data!r}"
    return True


def test_every_bundled_and_fixture_file_reads_as_pyyaml_reads_it():
    paths = sorted((ROOT / "data").rglob("*.yaml")) + sorted((ROOT / "tests/fixtures").rglob("*.yaml"))
    shared = SubsetReader(share=True)
    answered = [_compare(p.read_text(encoding="utf-8"), shared) for p in paths]
    models = [a for a, p in zip(answered, paths, strict=True) if p.parent.name == "models" and "data" in p.parts]
    assert all(models), "a bundled family file fell back to PyYAML (slower, still correct)"


def test_synthetic_catalog_is_read_entirely_by_the_subset_reader(tmp_path):
    out = generate(tmp_path / "syn", 400, seed=5)
    shared = SubsetReader(share=True)
    for p in sorted(out.rglob("*.yaml")):
        assert _compare(p.read_text(encoding="utf-8"), shared), p  # the 100k budget relies on it


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
    _compare(text)


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
    _compare(text)
    _compare(text, _shared)


def test_the_generator_reaches_answered_documents():
    """Guard against a vacuous property test: plain generated documents are answered by the reader."""
    assert read_subset("a: 1\nb:\n  - {value: 7, source: card}\n  - c: d\n    e: [x, y]\nf: >-\n  t\n") == {
        "a": 1, "b": [{"value": 7, "source": "card"}, {"c": "d", "e": ["x", "y"]}], "f": "t"}


def test_shared_flow_values_are_one_object_only_when_asked():
    text = "a:\n  c: {value: 1, source: s}\nb:\n  c: {value: 1, source: s}\n"
    shared, fresh = SubsetReader(share=True).read(text), SubsetReader().read(text)
    assert shared["a"]["c"] is shared["b"]["c"]
    assert fresh["a"]["c"] is not fresh["b"]["c"] and fresh["a"]["c"] == fresh["b"]["c"]
